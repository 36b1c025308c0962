// Runs the real aws CLI and boto3 against a test server with an isolated
// configuration: credentials and addressing style come from files in a fresh
// temporary directory and the environment built here, never from the user's
// ~/.aws, AWS_* variables or proxy settings. Virtual-hosted style works
// without DNS by sending every request through the server itself as the HTTP
// proxy (botocore then uses absolute-form request targets, which Aitta accepts).

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { startServer, type TestServer } from './server.js';

const run = promisify(execFile);

export type AddressingStyle = 'path' | 'virtual';

export interface AwsEnv {
  style: AddressingStyle;
  /** The python3 and aws executables themselves (pyenv shims cost half a second a call). */
  bin: { python: string; aws: string };
  /** Endpoint the clients are configured with. */
  endpoint: string;
  /** Environment for aws / python3 child processes. */
  env: NodeJS.ProcessEnv;
  /** Scratch directory, removed by cleanup(). */
  dir: string;
  /** The URL a bucket (and key) is reached at in this style. */
  url(bucket: string, key?: string): string;
  cleanup(): Promise<void>;
}

/** Variables that would let the user's own AWS setup or proxies leak into a test. */
function isLeaky(name: string): boolean {
  const upper = name.toUpperCase();
  return upper.startsWith('AWS_') || upper.startsWith('BOTO') || upper === 'NO_PROXY' || upper.endsWith('_PROXY');
}

export async function awsEnv(server: TestServer, style: AddressingStyle): Promise<AwsEnv> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `aitta-aws-${style}-`));
  const config = path.join(dir, 'config');
  const credentials = path.join(dir, 'credentials');
  await writeFile(config, `[default]\nregion = us-east-1\ns3 =\n    addressing_style = ${style}\n`);
  await writeFile(credentials, `[default]\naws_access_key_id = ${server.accessKey}\naws_secret_access_key = ${server.secretKey}\n`);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!isLeaky(name)) env[name] = value;
  // pyenv shims locate their Python through HOME unless PYENV_ROOT says where.
  env.PYENV_ROOT = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
  const endpoint = style === 'virtual' ? `http://${server.domain}` : server.endpoint;
  Object.assign(env, {
    HOME: dir,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWS_ACCESS_KEY_ID: server.accessKey,
    AWS_SECRET_ACCESS_KEY: server.secretKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: endpoint,
    AITTA_ENDPOINT: endpoint,
    NO_PROXY: '',
    no_proxy: '',
    PYTHONDONTWRITEBYTECODE: '1',
  });
  if (style === 'virtual') {
    env.HTTP_PROXY = `http://127.0.0.1:${server.port}`;
    env.http_proxy = env.HTTP_PROXY;
  }
  const bin = await executables(env);
  return {
    style,
    bin,
    endpoint,
    env,
    dir,
    url(bucket, key) {
      const base = style === 'virtual' ? `http://${bucket}.${server.domain}/` : `${server.endpoint}/${bucket}/`;
      return key === undefined ? base : base + key.split('/').map(encodeURIComponent).join('/');
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A server, the aws/boto3 setup for both addressing styles, and a scratch directory. */
export interface AwsFixture {
  server: TestServer;
  virtual: AwsEnv;
  path: AwsEnv;
  /** Scratch directory for the files clients upload and download. */
  work: string;
  stop(): Promise<void>;
}

export async function startAwsFixture(name: string): Promise<AwsFixture> {
  const server = await startServer();
  try {
    const virtual = await awsEnv(server, 'virtual');
    const pathStyle = await awsEnv(server, 'path');
    const work = await mkdtemp(path.join(os.tmpdir(), `aitta-${name}-`));
    return {
      server,
      virtual,
      path: pathStyle,
      work,
      async stop() {
        await Promise.all([virtual.cleanup(), pathStyle.cleanup(), rm(work, { recursive: true, force: true })]);
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

let resolved: Promise<AwsEnv['bin']> | undefined;

async function executables(env: NodeJS.ProcessEnv): Promise<AwsEnv['bin']> {
  resolved ??= run('python3', ['-c', 'import sys; print(sys.executable)'], { env }).then(({ stdout }) => {
    const python = stdout.trim();
    const aws = path.join(path.dirname(python), 'aws');
    return { python, aws: existsSync(aws) ? aws : 'aws' };
  });
  return resolved;
}

export interface Output {
  stdout: string;
  stderr: string;
}

/** Runs a command in the isolated environment; a failure carries its stderr. */
export async function execIn(aws: AwsEnv, file: string, args: string[], timeoutMs = 120_000): Promise<Output> {
  try {
    return await run(file, args, { env: aws.env, cwd: aws.dir, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as Error & Partial<Output> & { code?: number };
    throw new Error(`${file} ${args.join(' ')} failed (${e.code}): ${e.stderr ?? ''}${e.stdout ?? ''}`, { cause: error });
  }
}

/** Transfer commands whose progress meter would interleave with their result lines. */
const TRANSFERS = new Set(['cp', 'mv', 'sync']);

/** `aws ARGS` against the server; the endpoint comes from the environment. */
export function awsCli(aws: AwsEnv, args: string[], timeoutMs?: number): Promise<Output> {
  const quiet = args[0] === 's3' && TRANSFERS.has(args[1]!) ? ['--no-progress'] : [];
  return execIn(aws, aws.bin.aws, [...args, ...quiet], timeoutMs);
}

/** `aws ARGS --output json`, parsed ('' output gives undefined). */
export async function awsJson<T = Record<string, unknown>>(aws: AwsEnv, args: string[]): Promise<T> {
  const { stdout } = await awsCli(aws, [...args, '--output', 'json']);
  return (stdout.trim() ? JSON.parse(stdout) : undefined) as T;
}

/** Runs a python script that prints one JSON document on its last line of stdout. */
export async function pythonJson<T = Record<string, unknown>>(aws: AwsEnv, script: string, args: string[] = [], timeoutMs?: number): Promise<T> {
  const { stdout } = await execIn(aws, aws.bin.python, [script, ...args], timeoutMs);
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

// Digests the interop tests compare what clients and the server report against.

export function md5Hex(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

/** CRC32 as S3 encodes it: base64 of the big-endian 4 bytes. */
export function crc32Base64(data: Buffer | string): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString('base64');
}
