// `aitta conf`: what `allas-conf --mode s3cmd` does, against Aitta's
// identity API. Log in with user name and password, pick one of the user's
// projects, reuse the newest S3 key of that project (or mint one with
// --new-key) and write the client configurations:
//   ~/.s3cfg_<project>               s3cmd's format; ~/.s3cfg becomes a symlink
//                                    to it (a regular ~/.s3cfg is kept as
//                                    ~/.s3cfg.bak-<time>), so switching
//                                    projects re-points one link
//   ~/.aws/credentials, ~/.aws/config profile <project> (endpoint_url, path style)
//   ~/.config/rclone/rclone.conf     remote <project>
// `--s3remove` deactivates a key on the server and removes those entries.

import { createInterface } from 'node:readline/promises';
import { chmod, lstat, mkdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { IdentityClient, IdentityClientError, catalogEndpoint, type Ec2Credential, type IdentityProject, type Session } from '../identity/client.js';

const DEFAULT_AUTH_URL = 'http://127.0.0.1:7480/v3';

interface ConfFlags {
  authUrl?: string;
  user?: string;
  project?: string;
  newKey?: boolean;
  s3remove?: boolean | string;
}

/** A failure to report in one line and exit 1. */
class ConfError extends Error {}

export function registerConfCommand(program: Command): void {
  program
    .command('conf')
    .description('log in to the identity API, pick a project, and write S3 keys to ~/.s3cfg, ~/.aws and rclone (like allas-conf)')
    .option('--auth-url <url>', `identity API (OS_AUTH_URL, default ${DEFAULT_AUTH_URL})`)
    .option('-u, --user <name>', 'user name (OS_USERNAME; asked when not given)')
    .option('-p, --project <name>', 'project name or id (OS_PROJECT_NAME; chosen from a list when not given)')
    .option('--new-key', 'mint a new S3 key even if the project has one')
    .option('--s3remove [access_key]', 'deactivate an S3 key on the server and remove it from the local configuration')
    .action(async (flags: ConfFlags) => {
      try {
        await conf(flags, process.env);
      } catch (error) {
        if (!(error instanceof ConfError || error instanceof IdentityClientError)) throw error;
        process.stderr.write(`aitta conf: ${error.message}\n`);
        process.exitCode = 1;
      }
    });
}

async function conf(flags: ConfFlags, env: NodeJS.ProcessEnv): Promise<void> {
  const client = new IdentityClient(flags.authUrl ?? env.OS_AUTH_URL ?? DEFAULT_AUTH_URL);
  const input = new Input();
  try {
    const userName = flags.user ?? env.OS_USERNAME ?? (await input.line('User name: '));
    const password = env.OS_PASSWORD ?? (await input.secret(`Password for ${userName}: `));
    const unscoped = await client.login(userName, password);
    const projects = await client.projects(unscoped);
    if (projects.length === 0) throw new ConfError(`${userName} is not a member of any project`);
    const wanted = flags.project ?? env.OS_PROJECT_NAME;
    if (flags.s3remove !== undefined) {
      await removeKey(client, unscoped, projects, wanted, typeof flags.s3remove === 'string' ? flags.s3remove : undefined, input);
      return;
    }
    const project = await chooseProject(projects, wanted, input);
    const session = await client.login(userName, password, project.name);
    const endpoint = catalogEndpoint(session, 's3');
    if (endpoint === undefined) throw new ConfError('the identity service lists no s3 endpoint in its catalog');
    const existing = (await client.listEc2(session)).filter((c) => c.tenant_id === project.id);
    const reuse = !flags.newKey && existing.length > 0;
    const key = reuse ? newest(existing) : await client.createEc2(session, project.id);
    const written = await writeConfigs(os.homedir(), project.name, key, endpoint.url, endpoint.region ?? 'us-east-1');
    process.stdout.write(
      [
        `Project ${project.name} (${project.id}), access key ${key.access}${reuse ? ' (existing)' : ' (new)'}.`,
        ...written.map((line) => `  ${line}`),
        '',
      ].join('\n'),
    );
  } finally {
    input.close();
  }
}

function newest(keys: Ec2Credential[]): Ec2Credential {
  // Aitta lists newest first and sends created_at; other services may do neither.
  return [...keys].sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''))[0]!;
}

async function chooseProject(projects: IdentityProject[], wanted: string | undefined, input: Input): Promise<IdentityProject> {
  if (wanted !== undefined) {
    const match = projects.find((p) => p.name === wanted || p.id === wanted);
    if (match === undefined) throw new ConfError(`not a member of project ${wanted} (projects: ${projects.map((p) => p.name).join(', ')})`);
    return match;
  }
  if (projects.length === 1) return projects[0]!;
  return input.choose('Projects:', projects.map((p) => p.name), (i) => projects[i]!, 'use --project NAME');
}

async function removeKey(
  client: IdentityClient,
  session: Session,
  projects: IdentityProject[],
  wanted: string | undefined,
  accessKey: string | undefined,
  input: Input,
): Promise<void> {
  let keys = await client.listEc2(session);
  if (wanted !== undefined) {
    const project = await chooseProject(projects, wanted, input);
    keys = keys.filter((k) => k.tenant_id === project.id);
  }
  if (accessKey !== undefined) keys = keys.filter((k) => k.access === accessKey);
  if (keys.length === 0) throw new ConfError(accessKey === undefined ? 'no S3 keys to remove' : `no active S3 key ${accessKey}`);
  const projectName = (id: string) => projects.find((p) => p.id === id)?.name ?? id;
  const key =
    keys.length === 1
      ? keys[0]!
      : await input.choose('S3 keys:', keys.map((k) => `${k.access} (${projectName(k.tenant_id)})`), (i) => keys[i]!, 'give the access key: --s3remove ACCESS_KEY');
  await client.deleteEc2(session, key.access);
  const removed = await removeConfigs(os.homedir(), projectName(key.tenant_id), key.access);
  process.stdout.write([`Deactivated access key ${key.access} of ${projectName(key.tenant_id)}.`, ...removed.map((l) => `  ${l}`), ''].join('\n'));
}

// Configuration files.

/** s3cmd's configuration for path-style access to `endpoint`, keys in s3cmd's (sorted) order. */
export function s3cfgText(key: Ec2Credential, endpoint: string, region: string): string {
  const url = new URL(endpoint);
  return [
    '[default]',
    `access_key = ${key.access}`,
    `bucket_location = ${region}`,
    'check_ssl_certificate = True',
    `host_base = ${url.host}`,
    `host_bucket = ${url.host}`,
    `secret_key = ${key.secret}`,
    'signature_v2 = False',
    `use_https = ${url.protocol === 'https:' ? 'True' : 'False'}`,
    '',
  ].join('\n');
}

/**
 * `text` (an INI file) with section `name` replaced by `lines`, or with it
 * appended; `lines` undefined removes the section. Other sections and
 * comments are kept as they were.
 */
export function withIniSection(text: string, name: string, lines: string[] | undefined): string {
  const input = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let inSection = false;
  let replaced = false;
  for (const line of input) {
    const header = /^\s*\[([^\]]*)\]\s*$/.exec(line);
    if (header) {
      inSection = header[1]!.trim() === name;
      if (inSection) {
        replaced = true;
        if (lines !== undefined) out.push(`[${name}]`, ...lines);
        continue;
      }
    }
    if (!inSection) out.push(line);
  }
  if (!replaced && lines !== undefined) {
    if (out.length > 0 && out[out.length - 1] !== '') out.push('');
    out.push(`[${name}]`, ...lines);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** The lines of section `name` of an INI text, or undefined when it has none. */
function iniSection(text: string, name: string): string[] | undefined {
  let lines: string[] | undefined;
  let inSection = false;
  for (const line of text.split('\n')) {
    const header = /^\s*\[([^\]]*)\]\s*$/.exec(line);
    if (header) {
      inSection = header[1]!.trim() === name;
      if (inSection) lines ??= [];
    } else if (inSection) {
      lines!.push(line);
    }
  }
  return lines;
}

async function readOrEmpty(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** Writes a file that holds secrets: readable by its owner only. */
async function writePrivate(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, text, { mode: 0o600 });
  await chmod(file, 0o600);
}

async function updateIni(file: string, section: string, lines: string[] | undefined): Promise<void> {
  await writePrivate(file, withIniSection(await readOrEmpty(file), section, lines));
}

function configPaths(home: string, projectName: string) {
  return {
    s3cfg: path.join(home, '.s3cfg'),
    projectS3cfg: path.join(home, `.s3cfg_${projectName}`),
    awsCredentials: path.join(home, '.aws', 'credentials'),
    awsConfig: path.join(home, '.aws', 'config'),
    rclone: path.join(home, '.config', 'rclone', 'rclone.conf'),
  };
}

/** Writes every client configuration for the key; returns what was written, one line each. */
export async function writeConfigs(home: string, projectName: string, key: Ec2Credential, endpoint: string, region: string): Promise<string[]> {
  const files = configPaths(home, projectName);
  await writePrivate(files.projectS3cfg, s3cfgText(key, endpoint, region));
  const written = [`s3cmd: ${files.projectS3cfg}`];
  const current = await lstat(files.s3cfg).catch(() => undefined);
  if (current?.isFile()) {
    const backup = `${files.s3cfg}.bak-${Date.now()}`;
    await rename(files.s3cfg, backup);
    written.push(`s3cmd: kept the previous ${files.s3cfg} as ${backup}`);
  } else if (current !== undefined) {
    await rm(files.s3cfg);
  }
  await symlink(path.basename(files.projectS3cfg), files.s3cfg);
  written.push(`s3cmd: ${files.s3cfg} -> ${path.basename(files.projectS3cfg)}`);
  await updateIni(files.awsCredentials, projectName, [`aws_access_key_id = ${key.access}`, `aws_secret_access_key = ${key.secret}`]);
  await updateIni(files.awsConfig, `profile ${projectName}`, [
    `region = ${region}`,
    `endpoint_url = ${endpoint}`,
    's3 =',
    '    addressing_style = path',
  ]);
  written.push(`aws: profile ${projectName} in ${files.awsCredentials} and ${files.awsConfig} (aws --profile ${projectName})`);
  await updateIni(files.rclone, projectName, [
    'type = s3',
    'provider = Other',
    'env_auth = false',
    `access_key_id = ${key.access}`,
    `secret_access_key = ${key.secret}`,
    `endpoint = ${endpoint}`,
    `region = ${region}`,
    'acl = private',
  ]);
  written.push(`rclone: remote ${projectName}: in ${files.rclone}`);
  return written;
}

/** Removes the local configurations that hold `accessKey`; returns what was removed. */
async function removeConfigs(home: string, projectName: string, accessKey: string): Promise<string[]> {
  const files = configPaths(home, projectName);
  const removed: string[] = [];
  if ((await readOrEmpty(files.projectS3cfg)).includes(`access_key = ${accessKey}\n`)) {
    await rm(files.projectS3cfg);
    removed.push(`removed ${files.projectS3cfg}`);
    if ((await readlink(files.s3cfg).catch(() => undefined)) === path.basename(files.projectS3cfg)) {
      await rm(files.s3cfg);
      removed.push(`removed ${files.s3cfg}`);
    }
  }
  for (const [file, section] of [
    [files.awsCredentials, projectName],
    [files.rclone, projectName],
  ] as const) {
    const text = await readOrEmpty(file);
    if (iniSection(text, section)?.some((line) => line.endsWith(`= ${accessKey}`))) {
      await writePrivate(file, withIniSection(text, section, undefined));
      removed.push(`removed [${section}] from ${file}`);
    }
  }
  return removed;
}

// Terminal input.

/** Answers from the terminal (a hidden password, a choice) or, when stdin is not one, lines read from it. */
class Input {
  private lines: AsyncIterator<string> | undefined;
  private readonly tty = process.stdin.isTTY === true;

  async line(prompt: string): Promise<string> {
    if (this.tty) process.stderr.write(prompt);
    this.lines ??= createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
    const next = await this.lines.next();
    if (next.done) throw new ConfError(`no answer on standard input to "${prompt.trim()}"`);
    return next.value.trim();
  }

  /** A line typed without echo on a terminal; otherwise the next line of stdin. */
  async secret(prompt: string): Promise<string> {
    if (!this.tty) return this.line(prompt);
    process.stderr.write(prompt);
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    try {
      return await new Promise<string>((resolve, reject) => {
        let typed = '';
        const onData = (chunk: Buffer) => {
          for (const char of chunk.toString('utf8')) {
            if (char === '\r' || char === '\n') {
              stdin.off('data', onData);
              process.stderr.write('\n');
              resolve(typed);
              return;
            }
            if (char === '\u0003') {
              stdin.off('data', onData);
              reject(new ConfError('interrupted'));
              return;
            }
            typed = char === '\u007f' || char === '\b' ? typed.slice(0, -1) : typed + char;
          }
        };
        stdin.on('data', onData);
      });
    } finally {
      stdin.setRawMode(false);
      stdin.pause();
    }
  }

  /** Lets the user pick one of `labels` by number on a terminal; elsewhere fails with `hint`. */
  async choose<T>(title: string, labels: string[], pick: (index: number) => T, hint: string): Promise<T> {
    if (!this.tty) throw new ConfError(`${title.replace(/:$/, '').toLowerCase()} to choose from: ${labels.join(', ')}; ${hint}`);
    process.stderr.write(`${title}\n${labels.map((label, i) => `  ${i + 1}) ${label}`).join('\n')}\n`);
    for (;;) {
      const answer = Number(await this.line(`Choose 1-${labels.length}: `));
      if (Number.isInteger(answer) && answer >= 1 && answer <= labels.length) return pick(answer - 1);
    }
  }

  close(): void {
    void this.lines?.return?.();
  }
}
