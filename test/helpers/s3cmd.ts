// Drives the real `s3cmd` (Debian's 2.3.0) against a test server: writes an
// s3cfg for one signature version and one addressing style, runs s3cmd with
// it (no shell, a private HOME so no user configuration leaks in), and
// normalises the parts of its output that change from run to run.
//
// Virtual-hosted style needs BUCKET.s3.aitta.test to reach the server without
// DNS. s3cmd 2.3 does that through a plain-http proxy: with proxy_host set and
// use_https off, ConnMan connects to the proxy and S3Request.format_uri sends
// the absolute URI (http://BUCKET.s3.aitta.test/KEY), which the server
// accepts as an absolute-form request target.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestServer } from './server.js';

export const S3CMD = '/usr/bin/s3cmd';

export type Addressing = 'path' | 'virtual';

export interface S3cmdCell {
  signatureV2: boolean;
  addressing: Addressing;
  /** Short, DNS-safe tag for names that must differ between cells, e.g. "v2-path". */
  tag: string;
  /** Human-readable label for test names. */
  label: string;
}

/** The matrix every s3cmd interop test runs: SigV2/SigV4 × path/virtual-hosted. */
export const S3CMD_MATRIX: readonly S3cmdCell[] = [true, false].flatMap((signatureV2) =>
  (['path', 'virtual'] as const).map((addressing) => ({
    signatureV2,
    addressing,
    tag: `${signatureV2 ? 'v2' : 'v4'}-${addressing}`,
    label: `${signatureV2 ? 'SigV2' : 'SigV4'}, ${addressing === 'path' ? 'path-style' : 'virtual-hosted'}`,
  })),
);

export interface S3cmdResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Working directory for s3cmd (relative local paths resolve against it). */
  cwd?: string;
  /** Written to the program's standard input, which is then closed. */
  input?: Buffer;
}

export interface S3cmd {
  /** Path of the s3cfg written for this cell. */
  configFile: string;
  /** The private HOME (and scratch directory) of this s3cmd. */
  home: string;
  /** Runs `s3cmd -c CFG ...args`; never rejects on a non-zero exit. */
  run(args: string[], options?: RunOptions): Promise<S3cmdResult>;
  dispose(): Promise<void>;
}

function s3cfg(server: TestServer, cell: S3cmdCell): string {
  const hostPort = `127.0.0.1:${server.port}`;
  const addressing =
    cell.addressing === 'path'
      ? [`host_base = ${hostPort}`, `host_bucket = ${hostPort}`]
      : [
          `host_base = ${server.domain}`,
          `host_bucket = %(bucket)s.${server.domain}`,
          'proxy_host = 127.0.0.1',
          `proxy_port = ${server.port}`,
        ];
  return [
    '[default]',
    `access_key = ${server.accessKey}`,
    `secret_key = ${server.secretKey}`,
    ...addressing,
    'use_https = False',
    `signature_v2 = ${cell.signatureV2 ? 'True' : 'False'}`,
    // Without python-magic s3cmd warns on every upload; extensions are enough here.
    'use_mime_magic = False',
    '',
  ].join('\n');
}

export async function createS3cmd(server: TestServer, cell: S3cmdCell): Promise<S3cmd> {
  const home = await mkdtemp(path.join(os.tmpdir(), `aitta-s3cmd-${cell.tag}-`));
  const configFile = path.join(home, 's3cfg');
  await writeFile(configFile, s3cfg(server, cell));
  // Only what Python needs: no AWS_* or proxy variables from the caller.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', TZ: 'UTC' };
  return {
    configFile,
    home,
    run(args, options = {}) {
      return new Promise((resolve, reject) => {
        const child = execFile(
          S3CMD,
          ['-c', configFile, ...args],
          { cwd: options.cwd ?? home, env, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
          (error, stdout, stderr) => {
            if (error && typeof error.code !== 'number') {
              reject(new Error(`s3cmd ${args.join(' ')} did not run: ${error.message}\n${stderr}`));
              return;
            }
            resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
          },
        );
        // A program may exit without reading its input (a usage error): the broken pipe is no failure of the test.
        if (options.input) child.stdin?.on('error', () => undefined).end(options.input);
      });
    },
    async dispose() {
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Asserts that s3cmd succeeded: exit code 0 and nothing on stderr (no warnings, no retries). */
export function assertS3cmdOk(result: S3cmdResult, what: string): void {
  assert.equal(result.code, 0, `${what} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  assert.equal(result.stderr, '', `${what} wrote to stderr`);
}

/** s3cmd's "YYYY-MM-DD HH:MM" listing timestamps, in UTC. */
export const LISTING_TIME = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/g;

/**
 * The lines of s3cmd output with what varies between runs replaced by fixed
 * placeholders: listing timestamps → "YYYY-MM-DD HH:MM", transfer timings
 * "(N bytes in 0.0 seconds, 1.23 MB/s)" → "(N bytes in S seconds, R B/s)".
 * Byte counts, names and spacing stay as printed.
 */
export function normalisedLines(output: string): string[] {
  return output
    .replace(LISTING_TIME, 'YYYY-MM-DD HH:MM')
    .replace(/ in \d+\.\d seconds, \d+\.\d{2} [KMGT]?B\/s/g, ' in S seconds, R B/s')
    .split('\n')
    .filter((line, i, all) => line !== '' || i < all.length - 1);
}

/** Minutes between a "YYYY-MM-DD HH:MM" s3cmd timestamp (UTC) and now. */
export function minutesFromNow(listingTime: string): number {
  const at = Date.parse(`${listingTime.replace(' ', 'T')}:00Z`);
  return Math.abs(Date.now() - at) / 60_000;
}

export async function md5OfFile(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
