// Bucket policies, project roles and sharing between projects, through the
// real s3cmd (setpolicy, info, delpolicy), the AWS SDK bound to two loopback
// source addresses, and anonymous curl. Every refused request changes nothing.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectsCommand,
  GetBucketPolicyStatusCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { awsCli, awsEnv, awsJson, pythonJson } from '../helpers/aws.js';
import { createS3cmd, type S3cmd } from '../helpers/s3cmd.js';
import { sdkClient } from '../helpers/sdk-client.js';
import { startServer, type TestServer } from '../helpers/server.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const run = promisify(execFile);

interface Keys {
  accessKey: string;
  secretKey: string;
}

function client(server: TestServer, keys: Keys, localAddress = '127.0.0.1'): S3Client {
  return sdkClient(server, { keys, localAddress });
}

async function denied(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (e: unknown) => e instanceof S3ServiceException && e.name === 'AccessDenied' && e.$metadata.httpStatusCode === 403);
}

async function body(s3: S3Client, bucket: string, key: string): Promise<string> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return got.Body!.transformToString();
}

async function curlStatus(url: string): Promise<string> {
  return (await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', url])).stdout;
}

/** The guide's IP policy: everything from anywhere but `allowed` is denied. */
function ipPolicy(bucket: string, allowed: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'S3PolicyExample',
    Statement: [
      {
        Sid: 'IPAllow',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { NotIpAddress: { 'aws:SourceIp': allowed } },
      },
    ],
  });
}

describe('access control', () => {
  let server: TestServer;
  let dataDir: string;
  let owner: Keys;
  let other: Keys & { projectId: string };
  let reader: Keys;
  let s3cmd: S3cmd;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'aitta-access-'));
    server = await startServer({ dataDir });
    owner = { accessKey: server.accessKey, secretKey: server.secretKey };
    await server.stop();
    const admin = async (...args: string[]) => (await run(process.execPath, [MAIN, 'admin', ...args, '--data', dataDir])).stdout;
    const keysOf = (out: string) => ({ accessKey: /access key: (\S+)/.exec(out)![1]!, secretKey: /secret key: (\S+)/.exec(out)![1]! });
    const ownerProject = /project_\d+/.exec(await admin('project', 'list'))![0];
    const createUser = (name: string) =>
      run('sh', ['-c', `printf 'pw\\n' | "${process.execPath}" "${MAIN}" admin user create ${name} --password-stdin --data "${dataDir}"`]);
    const created = await admin('project', 'create', 'project_2999999');
    await createUser('bob');
    await admin('member', 'add', 'bob', 'project_2999999');
    other = { ...keysOf(await admin('key', 'create', 'bob', 'project_2999999')), projectId: /\(([0-9a-f]{32})\)/.exec(created)![1]! };
    await createUser('rita');
    await admin('member', 'add', 'rita', ownerProject, '--role', 'reader');
    reader = keysOf(await admin('key', 'create', 'rita', ownerProject));
    server = await startServer({ dataDir, credentials: owner });
    s3cmd = await createS3cmd(server, { signatureV2: false, addressing: 'path', tag: 'v4-path', label: 'SigV4, path-style' });
    const s3 = client(server, owner);
    await s3.send(new CreateBucketCommand({ Bucket: 'policy-example-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'policy-example-bucket', Key: 'data.txt', Body: 'original' }));
  });

  after(async () => {
    await s3cmd.dispose();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("the guide's IP policy lets 127.0.0.1 in and keeps 127.0.0.2 out, and delpolicy lifts it", async () => {
    const file = path.join(s3cmd.home, 'myippolicy.json');
    await writeFile(file, ipPolicy('policy-example-bucket', '127.0.0.1/32'));
    const set = await s3cmd.run(['setpolicy', file, 's3://policy-example-bucket']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^s3:\/\/policy-example-bucket\/: Policy updated$/m);
    const info = await s3cmd.run(['info', 's3://policy-example-bucket']);
    assert.match(info.stdout, /^ {3}Policy: {4}\{"Version":"2012-10-17","Id":"S3PolicyExample"/m);

    const inside = client(server, owner, '127.0.0.1');
    const outside = client(server, owner, '127.0.0.2');
    assert.equal(await body(inside, 'policy-example-bucket', 'data.txt'), 'original');
    await denied(outside.send(new GetObjectCommand({ Bucket: 'policy-example-bucket', Key: 'data.txt' })));
    await denied(outside.send(new ListObjectsV2Command({ Bucket: 'policy-example-bucket' })));
    await denied(outside.send(new PutObjectCommand({ Bucket: 'policy-example-bucket', Key: 'data.txt', Body: 'overwritten' })));
    assert.equal(await body(inside, 'policy-example-bucket', 'data.txt'), 'original', 'the refused PUT changed nothing');

    const del = await s3cmd.run(['delpolicy', 's3://policy-example-bucket']);
    assert.equal(del.stdout.trim(), 's3://policy-example-bucket/: Policy deleted');
    assert.equal(await body(outside, 'policy-example-bucket', 'data.txt'), 'original');
  });

  it('never locks the owners out of the policy itself', async () => {
    const s3 = client(server, owner);
    const denyAll = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::policy-example-bucket', 'arn:aws:s3:::policy-example-bucket/*'] }],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'policy-example-bucket', Policy: denyAll }));
    await denied(s3.send(new GetObjectCommand({ Bucket: 'policy-example-bucket', Key: 'data.txt' })));
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'policy-example-bucket' }));
    assert.equal(await body(s3, 'policy-example-bucket', 'data.txt'), 'original');
  });

  it('refuses a malformed policy with MalformedPolicy and keeps none', async () => {
    const s3 = client(server, owner);
    await assert.rejects(
      s3.send(new PutBucketPolicyCommand({ Bucket: 'policy-example-bucket', Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe"}]}' })),
      (e: unknown) => e instanceof S3ServiceException && e.name === 'MalformedPolicy',
    );
    const info = await s3cmd.run(['info', 's3://policy-example-bucket']);
    assert.match(info.stdout, /^ {3}Policy: {4}none$/m);
  });

  it('shares a bucket read-only with another project by policy, and revoking it removes access at once', async () => {
    const s3 = client(server, owner);
    const bob = client(server, other);
    await denied(bob.send(new GetObjectCommand({ Bucket: 'policy-example-bucket', Key: 'data.txt' })));
    const share = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: [other.projectId] },
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: ['arn:aws:s3:::policy-example-bucket', 'arn:aws:s3:::policy-example-bucket/*'],
        },
      ],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'policy-example-bucket', Policy: share }));
    assert.equal(await body(bob, 'policy-example-bucket', 'data.txt'), 'original');
    const listed = await bob.send(new ListObjectsV2Command({ Bucket: 'policy-example-bucket' }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key), ['data.txt']);
    await denied(bob.send(new PutObjectCommand({ Bucket: 'policy-example-bucket', Key: 'data.txt', Body: 'bob was here' })));
    const deleted = await bob.send(new DeleteObjectsCommand({ Bucket: 'policy-example-bucket', Delete: { Objects: [{ Key: 'data.txt' }] } }));
    assert.deepEqual(deleted.Errors?.map((e) => [e.Key, e.Code]), [['data.txt', 'AccessDenied']]);
    assert.equal(await body(s3, 'policy-example-bucket', 'data.txt'), 'original');

    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'policy-example-bucket' }));
    await denied(bob.send(new GetObjectCommand({ Bucket: 'policy-example-bucket', Key: 'data.txt' })));
  });

  it('makes objects public with a policy for everyone, readable by anonymous curl', async () => {
    const s3 = client(server, owner);
    const url = `${server.endpoint}/policy-example-bucket/data.txt`;
    assert.equal(await curlStatus(url), '403');
    const publicRead = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::policy-example-bucket/*' }],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'policy-example-bucket', Policy: publicRead }));
    assert.equal((await s3.send(new GetBucketPolicyStatusCommand({ Bucket: 'policy-example-bucket' }))).PolicyStatus?.IsPublic, true);
    assert.equal(await curlStatus(url), '200');
    assert.equal((await run('curl', ['-s', url])).stdout, 'original');
    const virtualHosted = ['-s', '--proxy', server.endpoint, `http://policy-example-bucket.${server.domain}/data.txt`];
    assert.equal((await run('curl', virtualHosted)).stdout, 'original', 'also at http://BUCKET.DOMAIN/KEY');
    assert.equal(await curlStatus(`${server.endpoint}/policy-example-bucket`), '403', 'listing stays private');
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'policy-example-bucket' }));
    assert.equal(await curlStatus(url), '403');
  });

  it('lets a reader member read but not write', async () => {
    const rita = client(server, reader);
    assert.equal(await body(rita, 'policy-example-bucket', 'data.txt'), 'original');
    await denied(rita.send(new PutObjectCommand({ Bucket: 'policy-example-bucket', Key: 'data.txt', Body: 'rita was here' })));
    await denied(rita.send(new CreateBucketCommand({ Bucket: 'ritas-bucket' })));
    assert.equal(await body(client(server, owner), 'policy-example-bucket', 'data.txt'), 'original');
  });

  it('publishes an object with put -P: anonymous curl reads it and info shows *anon*: READ', async () => {
    const file = path.join(s3cmd.home, 'salmon.jpg');
    await writeFile(file, 'salmon');
    await client(server, owner).send(new CreateBucketCommand({ Bucket: 'my_fishbucket' }));
    const put = await s3cmd.run(['put', file, 's3://my_fishbucket/fishes/salmon.jpg', '-P']);
    assert.equal(put.code, 0, put.stderr);
    assert.match(put.stdout, new RegExp(`^Public URL of the object is: http://127.0.0.1:${server.port}/my_fishbucket/fishes/salmon.jpg$`, 'm'));
    assert.equal((await run('curl', ['-s', `${server.endpoint}/my_fishbucket/fishes/salmon.jpg`])).stdout, 'salmon');
    const info = await s3cmd.run(['info', 's3://my_fishbucket/fishes/salmon.jpg']);
    assert.match(info.stdout, /^ {3}ACL: {7}project_\d{7}: FULL_CONTROL\n {3}ACL: {7}\*anon\*: READ\n {3}URL: {7}http:/m);
    assert.equal(await curlStatus(`${server.endpoint}/my_fishbucket/`), '403', 'the bucket itself stays private');
  });

  it('shares a bucket with another project by ACL, as the guide shows, and revokes it', async () => {
    const bob = client(server, other);
    const grantRead = `--acl-grant=read:${other.projectId}`;
    assert.equal((await s3cmd.run(['setacl', grantRead, 's3://my_fishbucket'])).code, 0);
    const info = await s3cmd.run(['info', 's3://my_fishbucket']);
    assert.match(info.stdout, /^ {3}ACL: {7}project_2999999: READ$/m);
    // Read access to the bucket, not to the objects inside.
    const listed = await bob.send(new ListObjectsV2Command({ Bucket: 'my_fishbucket' }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key), ['fishes/salmon.jpg']);
    const bobS3cmd = await createS3cmd({ ...server, accessKey: other.accessKey, secretKey: other.secretKey }, { signatureV2: true, addressing: 'path', tag: 'v2-path', label: 'SigV2' });
    try {
      const ls = await bobS3cmd.run(['ls']);
      assert.equal(ls.code, 0, ls.stderr);
      assert.doesNotMatch(ls.stdout, /my_fishbucket/, "a shared bucket is not in the other project's ls");
      const lsBucket = await bobS3cmd.run(['ls', 's3://my_fishbucket/fishes/']);
      assert.match(lsBucket.stdout, /s3:\/\/my_fishbucket\/fishes\/salmon.jpg$/m);
    } finally {
      await bobS3cmd.dispose();
    }
    await client(server, owner).send(new PutObjectCommand({ Bucket: 'my_fishbucket', Key: 'bigfish', Body: 'big' }));
    await denied(bob.send(new GetObjectCommand({ Bucket: 'my_fishbucket', Key: 'bigfish' })));
    assert.equal((await s3cmd.run(['setacl', '--recursive', grantRead, 's3://my_fishbucket'])).code, 0);
    assert.equal(await body(bob, 'my_fishbucket', 'bigfish'), 'big');
    await denied(bob.send(new PutObjectCommand({ Bucket: 'my_fishbucket', Key: 'bigfish', Body: 'bob' })));
    assert.equal((await s3cmd.run(['setacl', '--recursive', `--acl-revoke=read:${other.projectId}`, 's3://my_fishbucket'])).code, 0);
    await denied(bob.send(new GetObjectCommand({ Bucket: 'my_fishbucket', Key: 'bigfish' })));
    assert.equal(await body(client(server, owner), 'my_fishbucket', 'bigfish'), 'big');
  });

  it('makes a bucket listable by anyone with setacl --acl-public, and private again with --acl-private', async () => {
    const listing = `${server.endpoint}/my_fishbucket/`;
    assert.equal(await curlStatus(listing), '403');
    const pub = await s3cmd.run(['setacl', '--acl-public', 's3://my_fishbucket']);
    assert.equal(pub.stdout.trim(), 's3://my_fishbucket/: ACL set to Public');
    assert.equal(await curlStatus(listing), '200');
    assert.match((await run('curl', ['-s', listing])).stdout, /<Key>fishes\/salmon.jpg<\/Key>/);
    const info = await s3cmd.run(['info', 's3://my_fishbucket']);
    assert.match(info.stdout, /^ {3}ACL: {7}\*anon\*: READ$/m);
    const priv = await s3cmd.run(['setacl', '--acl-private', 's3://my_fishbucket']);
    assert.equal(priv.stdout.trim(), 's3://my_fishbucket/: ACL set to Private');
    assert.equal(await curlStatus(listing), '403');
  });

  it('refuses grants to unknown projects with InvalidArgument', async () => {
    const result = await s3cmd.run(['setacl', '--acl-grant=read:0123456789abcdef0123456789abcdef', 's3://my_fishbucket']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /InvalidArgument/);
  });

  it('through the aws CLI and boto3: canned and granted ACLs, and every object records who uploaded it', async () => {
    const ownerAws = await awsEnv(server, 'path');
    const bobAws = await awsEnv({ ...server, accessKey: other.accessKey, secretKey: other.secretKey }, 'virtual');
    try {
      const file = path.join(ownerAws.dir, 'note.txt');
      await writeFile(file, 'public note');
      await awsCli(ownerAws, ['s3api', 'put-object', '--bucket', 'my_fishbucket', '--key', 'note.txt', '--body', file, '--acl', 'public-read']);
      assert.equal((await run('curl', ['-s', `${server.endpoint}/my_fishbucket/note.txt`])).stdout, 'public note');
      const acl = await awsJson<{ Grants: Array<{ Grantee: { URI?: string; DisplayName?: string }; Permission: string }> }>(ownerAws, [
        's3api', 'get-object-acl', '--bucket', 'my_fishbucket', '--key', 'note.txt',
      ]);
      assert.deepEqual(acl.Grants.map((g) => [g.Grantee.URI ?? g.Grantee.DisplayName?.replace(/\d+/, 'N'), g.Permission]), [
        ['project_N', 'FULL_CONTROL'],
        ['http://acs.amazonaws.com/groups/global/AllUsers', 'READ'],
      ]);

      await awsCli(ownerAws, ['s3api', 'put-bucket-acl', '--bucket', 'my_fishbucket', '--grant-write', `id=${other.projectId}`]);
      const bobFile = path.join(bobAws.dir, 'bob.txt');
      await writeFile(bobFile, 'from bob');
      await awsCli(bobAws, ['s3api', 'put-object', '--bucket', 'my_fishbucket', '--key', 'from-bob.txt', '--body', bobFile]);
      const script = path.join(bobAws.dir, 'head.py');
      await writeFile(
        script,
        'import boto3, json, sys\n' +
          's3 = boto3.client("s3")\n' +
          'head = s3.head_object(Bucket=sys.argv[1], Key=sys.argv[2])\n' +
          'print(json.dumps(head["ResponseMetadata"]["HTTPHeaders"]))\n',
      );
      const ownerHead = await pythonJson<Record<string, string>>(ownerAws, script, ['my_fishbucket', 'from-bob.txt']);
      assert.equal(ownerHead['x-aitta-uploaded-by'], 'bob');
      const ownHead = await pythonJson<Record<string, string>>(ownerAws, script, ['my_fishbucket', 'note.txt']);
      assert.equal(ownHead['x-aitta-uploaded-by'], 'admin');
      await awsCli(ownerAws, ['s3api', 'put-bucket-acl', '--bucket', 'my_fishbucket', '--acl', 'private']);
      await assert.rejects(awsCli(bobAws, ['s3api', 'put-object', '--bucket', 'my_fishbucket', '--key', 'again.txt', '--body', bobFile]), /AccessDenied/);
    } finally {
      await ownerAws.cleanup();
      await bobAws.cleanup();
    }
  });

  it('stops honouring a signed URL as soon as its key is removed through the identity API', async () => {
    const bobS3cmd = await createS3cmd({ ...server, accessKey: other.accessKey, secretKey: other.secretKey }, { signatureV2: true, addressing: 'path', tag: 'v2-path', label: 'SigV2' });
    try {
      await client(server, owner).send(new PutObjectCommand({ Bucket: 'my_fishbucket', Key: 'for-bob', Body: 'secret', ACL: 'private' }));
      await s3cmd.run(['setacl', `--acl-grant=read:${other.projectId}`, 's3://my_fishbucket/for-bob']);
      const url = (await bobS3cmd.run(['signurl', 's3://my_fishbucket/for-bob', '+600'])).stdout.trim();
      assert.equal(await curlStatus(url), '200');

      const login = await fetch(`${server.endpoint}/v3/auth/tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'bob', domain: { id: 'default' }, password: 'pw' } } } } }),
      });
      assert.equal(login.status, 201);
      const token = login.headers.get('x-subject-token')!;
      const userId = ((await login.json()) as { token: { user: { id: string } } }).token.user.id;
      const removed = await fetch(`${server.endpoint}/v3/users/${userId}/credentials/OS-EC2/${other.accessKey}`, {
        method: 'DELETE',
        headers: { 'X-Auth-Token': token },
      });
      assert.equal(removed.status, 204);
      assert.equal(await curlStatus(url), '403');
      assert.match((await run('curl', ['-s', url])).stdout, /<Code>InvalidAccessKeyId<\/Code>/);
    } finally {
      await bobS3cmd.dispose();
    }
  });
});

describe('aws:SecureTransport behind a trusted TLS proxy', () => {
  const PROXY = '127.0.0.3';
  let server: TestServer;
  let s3cmd: S3cmd;

  before(async () => {
    server = await startServer({ env: { AITTA_TRUSTED_PROXIES: PROXY } });
    s3cmd = await createS3cmd(server, { signatureV2: true, addressing: 'path', tag: 'v2-path', label: 'SigV2' });
    const s3 = client(server, server);
    await s3.send(new CreateBucketCommand({ Bucket: 'tls-only' }));
    await s3.send(new PutObjectCommand({ Bucket: 'tls-only', Key: 'data.txt', Body: 'over TLS only' }));
    // AWS's own example of a bucket that refuses plain HTTP.
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::tls-only', 'arn:aws:s3:::tls-only/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
    };
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'tls-only', Policy: JSON.stringify(policy) }));
  });

  after(async () => {
    await s3cmd?.dispose();
    await server?.stop();
  });

  it('is true only when the trusted proxy says the client used https', async () => {
    const url = (await s3cmd.run(['signurl', 's3://tls-only/data.txt', '+600'])).stdout.trim();
    const status = async (from: string, proto?: string) =>
      (await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--interface', from, ...(proto ? ['-H', `X-Forwarded-Proto: ${proto}`] : []), url])).stdout;
    assert.equal(await status(PROXY, 'https'), '200');
    assert.equal(await status(PROXY, 'http'), '403');
    assert.equal(await status(PROXY), '403');
    assert.equal(await status('127.0.0.1', 'https'), '403', 'only a trusted proxy is believed');
  });
});
