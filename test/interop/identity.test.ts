// The identity API end to end: raw HTTP token issue and validation; Debian's
// real `openstack` client listing projects and creating, listing and
// deleting EC2 credentials, whose keys then work (and, once deleted, are
// refused) with the real s3cmd; `aitta conf` writing ~/.s3cfg for s3cmd; and
// `aitta admin` adding a project and a user with the server stopped.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { s3cfgText } from '../../src/cli/conf.js';
import { S3CMD } from '../helpers/s3cmd.js';
import { startServer, type TestServer } from '../helpers/server.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const ADMIN_PASSWORD = 'admin-secret-pw';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with only the given environment (plus PATH and a locale), feeding `input` to stdin. */
function run(command: string, args: string[], env: Record<string, string>, input = ''): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', TZ: 'UTC', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

function assertOk(result: Result, what: string): void {
  assert.equal(result.code, 0, `${what} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
}

const homes: string[] = [];
async function tempHome(): Promise<string> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'aitta-identity-home-'));
  homes.push(home);
  return home;
}

let server: TestServer;
let dataDir: string;
let authUrl: string;
let projectName: string;
let projectId: string;

before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'aitta-identity-data-'));
  server = await startServer({ dataDir, env: { AITTA_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  authUrl = `${server.endpoint}/v3`;
});

after(async () => {
  await server?.stop();
  for (const dir of [dataDir, ...homes]) await rm(dir, { recursive: true, force: true });
});

function loginBody(password: string, project?: string): string {
  const auth: Record<string, unknown> = {
    identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password } } },
  };
  if (project !== undefined) auth.scope = { project: { name: project, domain: { name: 'Default' } } };
  return JSON.stringify({ auth });
}

async function s3cmd(config: string, args: string[]): Promise<Result> {
  return run(S3CMD, ['-c', config, ...args], { HOME: path.dirname(config) });
}

describe('raw HTTP', () => {
  it('serves version discovery at /v3', async () => {
    const response = await fetch(authUrl);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { version: { id: string; status: string; links: Array<{ href: string }> } };
    assert.equal(body.version.status, 'stable');
    assert.match(body.version.id, /^v3\./);
    assert.equal(body.version.links[0]!.href, `${authUrl}/`);
  });

  it('refuses a wrong password with Keystone\'s 401', async () => {
    const response = await fetch(`${authUrl}/auth/tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: loginBody('wrong') });
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), {
      error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
    });
  });

  it('issues an unscoped token, lists my projects, issues a scoped token with a catalog, and validates it', async () => {
    const unscoped = await fetch(`${authUrl}/auth/tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: loginBody(ADMIN_PASSWORD) });
    assert.equal(unscoped.status, 201);
    const token = unscoped.headers.get('x-subject-token')!;
    assert.ok(token.length >= 40);
    const projects = (await (await fetch(`${authUrl}/auth/projects`, { headers: { 'X-Auth-Token': token } })).json()) as { projects: Array<{ id: string; name: string }> };
    assert.equal(projects.projects.length, 1);
    projectName = projects.projects[0]!.name;
    projectId = projects.projects[0]!.id;
    assert.match(projectName, /^project_\d{7}$/);
    assert.match(projectId, /^[0-9a-f]{32}$/);

    const scoped = await fetch(`${authUrl}/auth/tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: loginBody(ADMIN_PASSWORD, projectName) });
    assert.equal(scoped.status, 201);
    const scopedToken = scoped.headers.get('x-subject-token')!;
    const body = (await scoped.json()) as { token: { project: { id: string }; roles: Array<{ name: string }>; catalog: Array<{ type: string; endpoints: Array<{ url: string }> }>; expires_at: string; issued_at: string } };
    assert.equal(body.token.project.id, projectId);
    assert.deepEqual(body.token.roles.map((r) => r.name), ['member']);
    assert.equal(body.token.catalog.find((s) => s.type === 's3')!.endpoints[0]!.url, server.endpoint);
    assert.equal(Date.parse(body.token.expires_at) - Date.parse(body.token.issued_at), 8 * 3600 * 1000);

    const validated = await fetch(`${authUrl}/auth/tokens`, { headers: { 'X-Auth-Token': token, 'X-Subject-Token': scopedToken } });
    assert.equal(validated.status, 200);
    assert.equal(validated.headers.get('x-subject-token'), scopedToken);
    assert.equal(((await validated.json()) as { token: { project: { name: string } } }).token.project.name, projectName);
    const bogus = await fetch(`${authUrl}/auth/tokens`, { headers: { 'X-Auth-Token': token, 'X-Subject-Token': 'bogus' } });
    assert.equal(bogus.status, 404);
    const anonymous = await fetch(`${authUrl}/auth/projects`);
    assert.equal(anonymous.status, 401);
  });
});

describe('the openstack client', () => {
  let env: Record<string, string>;
  let access: string;
  let config: string;

  before(async () => {
    const home = await tempHome();
    env = {
      HOME: home,
      OS_AUTH_URL: authUrl,
      OS_USERNAME: 'admin',
      OS_PASSWORD: ADMIN_PASSWORD,
      OS_PROJECT_NAME: projectName,
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_IDENTITY_API_VERSION: '3',
    };
    config = path.join(home, 's3cfg');
  });

  it('lists my projects', async () => {
    const result = await run('openstack', ['project', 'list', '-f', 'json'], env);
    assertOk(result, 'openstack project list');
    assert.deepEqual(JSON.parse(result.stdout), [{ ID: projectId, Name: projectName }]);
  });

  it('creates an EC2 credential whose key works with s3cmd', async () => {
    const created = await run('openstack', ['ec2', 'credentials', 'create', '-f', 'json'], env);
    assertOk(created, 'openstack ec2 credentials create');
    const credential = JSON.parse(created.stdout) as { access: string; secret: string; project_id: string };
    assert.equal(credential.project_id, projectId);
    access = credential.access;
    const listed = await run('openstack', ['ec2', 'credentials', 'list', '-f', 'json'], env);
    assertOk(listed, 'openstack ec2 credentials list');
    assert.ok((JSON.parse(listed.stdout) as Array<{ Access: string }>).some((c) => c.Access === access));

    await writeFile(config, s3cfgText({ access, secret: credential.secret, tenant_id: projectId, user_id: '' }, server.endpoint, 'us-east-1'));
    assertOk(await s3cmd(config, ['mb', 's3://identity-bucket']), 's3cmd mb');
    const file = path.join(path.dirname(config), 'hello.txt');
    await writeFile(file, 'hello identity\n');
    assertOk(await s3cmd(config, ['put', file, 's3://identity-bucket/hello.txt']), 's3cmd put');
    const got = path.join(path.dirname(config), 'got.txt');
    assertOk(await s3cmd(config, ['get', 's3://identity-bucket/hello.txt', got]), 's3cmd get');
    assert.equal(await readFile(got, 'utf8'), 'hello identity\n');
  });

  it('deletes the credential: S3 refuses the key at once with InvalidAccessKeyId', async () => {
    assertOk(await run('openstack', ['ec2', 'credentials', 'delete', access], env), 'openstack ec2 credentials delete');
    const listed = await run('openstack', ['ec2', 'credentials', 'list', '-f', 'json'], env);
    assert.ok(!(JSON.parse(listed.stdout) as Array<{ Access: string }>).some((c) => c.Access === access));
    const refused = await s3cmd(config, ['ls', 's3://identity-bucket']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /InvalidAccessKeyId/);
  });
});

describe('aitta conf', () => {
  let home: string;

  before(async () => {
    home = await tempHome();
  });

  it('logs in with the password on stdin, writes ~/.s3cfg, and s3cmd works with it', async () => {
    const result = await run(process.execPath, [MAIN, 'conf', '--auth-url', authUrl, '--user', 'admin', '--project', projectName], { HOME: home }, `${ADMIN_PASSWORD}\n`);
    assertOk(result, 'aitta conf');
    assert.equal(await readlink(path.join(home, '.s3cfg')), `.s3cfg_${projectName}`);
    const listing = await s3cmd(path.join(home, '.s3cfg'), ['ls']);
    assertOk(listing, 's3cmd ls');
    assert.match(listing.stdout, /s3:\/\/identity-bucket/);
    assert.match(await readFile(path.join(home, '.aws', 'credentials'), 'utf8'), new RegExp(`\\[${projectName}\\]`));
  });

  it('reuses the newest key, or mints one with --new-key', async () => {
    const keyOf = async () => /access_key = (\S+)/.exec(await readFile(path.join(home, '.s3cfg'), 'utf8'))![1]!;
    const before = await keyOf();
    assertOk(await run(process.execPath, [MAIN, 'conf', '--auth-url', authUrl], { HOME: home, OS_USERNAME: 'admin', OS_PROJECT_NAME: projectName }, `${ADMIN_PASSWORD}\n`), 'aitta conf again');
    assert.equal(await keyOf(), before);
    assertOk(await run(process.execPath, [MAIN, 'conf', '--auth-url', authUrl, '-u', 'admin', '-p', projectName, '--new-key'], { HOME: home }, `${ADMIN_PASSWORD}\n`), 'aitta conf --new-key');
    assert.notEqual(await keyOf(), before);
  });

  it('--s3remove deactivates the key on the server and removes it locally', async () => {
    const config = path.join(home, `.s3cfg_${projectName}`);
    const key = /access_key = (\S+)/.exec(await readFile(config, 'utf8'))![1]!;
    const copy = path.join(home, 'kept.s3cfg');
    await writeFile(copy, await readFile(config));
    const result = await run(process.execPath, [MAIN, 'conf', '--auth-url', authUrl, '-u', 'admin', '--s3remove', key], { HOME: home }, `${ADMIN_PASSWORD}\n`);
    assertOk(result, 'aitta conf --s3remove');
    assert.match(result.stdout, new RegExp(`Deactivated access key ${key}`));
    const refused = await s3cmd(copy, ['ls']);
    assert.match(refused.stderr, /InvalidAccessKeyId/);
    await assert.rejects(readlink(path.join(home, '.s3cfg')));
  });

  it('a wrong password fails clearly', async () => {
    const result = await run(process.execPath, [MAIN, 'conf', '--auth-url', authUrl, '-u', 'admin'], { HOME: home }, 'wrong\n');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^aitta conf: 401 Unauthorized: The request you have made requires authentication\./);
  });
});

describe('aitta admin', () => {
  const admin = (args: string[], input = '') => run(process.execPath, [MAIN, 'admin', ...args, '--data', dataDir], {}, input);

  it('is refused while the server holds the store', async () => {
    const result = await admin(['project', 'list']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /stop aitta serve first or use the identity API/);
  });

  it('adds a project and a member with the server stopped; the restarted server lets them in', async () => {
    await server.stop();
    assertOk(await admin(['project', 'create', 'project_2000002']), 'admin project create');
    assertOk(await admin(['user', 'create', 'carol', '--password-stdin'], 'carol-pw\n'), 'admin user create');
    assertOk(await admin(['member', 'add', 'carol', 'project_2000002', '--role', 'member']), 'admin member add');
    assertOk(await admin(['quota', 'set', 'project_2000002', '--buckets', '1']), 'admin quota set');
    const projects = await admin(['project', 'list']);
    assert.match(projects.stdout, /project_2000002/);
    assert.match(projects.stdout, new RegExp(projectName));
    const usage = await admin(['usage', projectName]);
    assertOk(usage, 'admin usage');
    assert.match(usage.stdout, /usage: {3}15 bytes, 1 objects, 1 buckets/);

    server = await startServer({ dataDir, credentials: { accessKey: server.accessKey, secretKey: server.secretKey } });
    authUrl = `${server.endpoint}/v3`;
    const home = await tempHome();
    assertOk(await run(process.execPath, [MAIN, 'conf', '--auth-url', authUrl, '-u', 'carol'], { HOME: home }, 'carol-pw\n'), 'aitta conf as carol');
    const config = path.join(home, '.s3cfg');
    assertOk(await s3cmd(config, ['mb', 's3://carols-bucket']), 's3cmd mb');
    const second = await s3cmd(config, ['mb', 's3://carols-second']);
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, /TooManyBuckets/);
    const listing = await s3cmd(config, ['ls']);
    assert.deepEqual(listing.stdout.trim().split('\n').map((line) => line.split(/\s+/).pop()), ['s3://carols-bucket']);
  });
});
