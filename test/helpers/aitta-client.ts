// Runs the `aitta` client (the built binary) with the s3cfg, HOME and
// environment of an s3cmd test harness, so that the same command line can
// be given to both and their answers compared, normalised for what may
// differ (bucket names, working directories, times, speeds, upload ids).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '../../src/sdk/client.js';
import { createS3cmd, normalisedLines, type RunOptions, type S3cmd, type S3cmdCell, type S3cmdResult } from './s3cmd.js';
import { startServer, type TestServer } from './server.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export function runAitta(s3cmd: S3cmd, args: string[], options: RunOptions = {}): Promise<S3cmdResult> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: s3cmd.home, LANG: 'C.UTF-8', TZ: 'UTC' };
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [MAIN, '-c', s3cmd.configFile, ...args],
      { cwd: options.cwd ?? s3cmd.home, env, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`aitta ${args.join(' ')} did not run: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
    // A program may exit without reading its input (a usage error): the broken pipe is no failure of the test.
    if (options.input) child.stdin?.on('error', () => undefined).end(options.input);
  });
}

export const TOOLS = ['s3cmd', 'aitta'] as const;
export type Tool = (typeof TOOLS)[number];

/** Lines with what legitimately differs between an s3cmd and an aitta run replaced by placeholders. */
export function normaliseClientOutput(text: string, bucket: string, work: string): string[] {
  return normalisedLines(
    text
      .replaceAll(work, 'WORK')
      .replaceAll(bucket, 'BUCKET')
      .replace(/(atime|ctime|mtime):\d+/g, '$1:T')
      .replace(/Last mod: {2}.*GMT/g, 'Last mod:  DATE')
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, 'ISODATE')
      .replace(/\t[A-Za-z0-9_.~-]{16,}$/gm, '\tUPLOADID')
      .replace(/in +\d+s +\d+\.\d{2} [KMG]?B\/s {2}done/g, 'in Ns R B/s  done')
      .replace(/ in \d+\.\d seconds, -?\d+\.\d{2} [KMGT]?B\/s/g, ' in S seconds, R B/s')
      .replace(/ in \d+\.\d seconds, \d+\.\d{2} files\/s/g, ' in S seconds, R files/s')
      // Intermediate progress updates depend on timing: only what the last carriage return left counts.
      .replace(/^[^\n]*\r/gm, '\r'),
  );
}

/** Runs the same command line through s3cmd and aitta, each with its own bucket and working directory. */
export class ClientTwins {
  readonly bucket: Record<Tool, string>;
  readonly work: Record<Tool, string> = { s3cmd: '', aitta: '' };

  constructor(
    readonly s3cmd: S3cmd,
    tag: string,
  ) {
    this.bucket = { s3cmd: `${tag}-s`, aitta: `${tag}-a` };
  }

  run(tool: Tool, args: string[], input?: Buffer): Promise<S3cmdResult> {
    const options = { cwd: this.work[tool], ...(input ? { input } : {}) };
    return tool === 's3cmd' ? this.s3cmd.run(args, options) : runAitta(this.s3cmd, args, options);
  }

  /** Runs `args` (BUCKET standing for each tool's bucket) through both, `input` on their standard input; exit codes, stdout and stderr must agree. */
  async same(args: string[], expectedCode = 0, input?: Buffer): Promise<Record<Tool, S3cmdResult>> {
    const results = {} as Record<Tool, S3cmdResult>;
    for (const tool of TOOLS) results[tool] = await this.run(tool, args.map((a) => a.replaceAll('BUCKET', this.bucket[tool])), input);
    const shown = (tool: Tool, stream: 'stdout' | 'stderr') => normaliseClientOutput(results[tool][stream], this.bucket[tool], this.work[tool]);
    const what = `${args.join(' ')}\ns3cmd: ${results.s3cmd.stdout}${results.s3cmd.stderr}\naitta: ${results.aitta.stdout}${results.aitta.stderr}`;
    assert.equal(results.s3cmd.code, expectedCode, `s3cmd ${what}`);
    assert.equal(results.aitta.code, results.s3cmd.code, `exit code of ${what}`);
    assert.deepEqual(shown('aitta', 'stdout'), shown('s3cmd', 'stdout'), `stdout of ${what}`);
    assert.deepEqual(shown('aitta', 'stderr'), shown('s3cmd', 'stderr'), `stderr of ${what}`);
    return results;
  }
}

/** An SDK client on the test server, path-style (no DNS needed), for setting up what the clients then meet. */
export function directClient(server: TestServer): S3Client {
  return new S3Client({
    endpoint: { hostBase: `127.0.0.1:${server.port}`, hostBucket: `127.0.0.1:${server.port}`, useHttps: false },
    credentials: { accessKey: server.accessKey, secretKey: server.secretKey },
    region: 'us-east-1',
  });
}

export interface TwinsFixture {
  server: TestServer;
  s3cmd: S3cmd;
  twins: ClientTwins;
  client: S3Client;
  /** Removes both buckets, the s3cmd home and the server. */
  stop(): Promise<void>;
}

/** A fresh server, an s3cmd for `cell`, and twins with their own (empty) working directories. */
export async function startTwins(tag: string, cell: S3cmdCell): Promise<TwinsFixture> {
  const server = await startServer();
  const s3cmd = await createS3cmd(server, cell);
  const twins = new ClientTwins(s3cmd, tag);
  for (const tool of TOOLS) {
    twins.work[tool] = path.join(s3cmd.home, `work-${tool}`);
    await mkdir(twins.work[tool], { recursive: true });
  }
  const client = directClient(server);
  return {
    server,
    s3cmd,
    twins,
    client,
    async stop() {
      client.close();
      for (const tool of TOOLS) await s3cmd.run(['rb', '--recursive', '--force', `s3://${twins.bucket[tool]}`]);
      await s3cmd.dispose();
      await server.stop();
    },
  };
}
