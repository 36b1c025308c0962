// Runs the `aitta` client (the built binary) with the s3cfg, HOME and
// environment of an s3cmd test harness, so that the same command line can
// be given to both and their answers compared.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunOptions, S3cmd, S3cmdResult } from './s3cmd.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export function runAitta(s3cmd: S3cmd, args: string[], options: RunOptions = {}): Promise<S3cmdResult> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: s3cmd.home, LANG: 'C.UTF-8', TZ: 'UTC' };
  return new Promise((resolve, reject) => {
    execFile(
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
  });
}
