// Starts a real `aitta serve` (the built binary) on a free port with a fresh
// data directory, for tests that drive it with real clients. The server is a
// child process; stop() ends it by PID and removes its data, and it ends
// itself if the test runner dies first.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** `node --import` this, and a server outlives no killed test runner. */
export const EXIT_WITH_PARENT = new URL('./exit-with-parent.js', import.meta.url).href;

export interface TestServer {
  endpoint: string;
  port: number;
  accessKey: string;
  secretKey: string;
  dataDir: string;
  /** Base domain for virtual-hosted-style requests (BUCKET.<domain>). */
  domain: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment for the server. */
  env?: Record<string, string>;
  /** Reuse an existing data directory (it is then not removed on stop). */
  dataDir?: string;
  /** The first credential (for a restart on an existing data directory, the one it was created with). */
  credentials?: { accessKey: string; secretKey: string };
}

let counter = 0;

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const ownsData = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'aitta-test-')));
  counter += 1;
  const accessKey = options.credentials?.accessKey ?? `TESTKEY${process.pid}X${counter}`.slice(0, 20).padEnd(20, '0');
  const secretKey = options.credentials?.secretKey ?? `testsecret/${process.pid}/${counter}`.padEnd(40, 'x');
  const domain = 's3.aitta.test';
  const child = spawn(process.execPath, ['--import', EXIT_WITH_PARENT, MAIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data', dataDir, '--domain', domain], {
    env: { ...process.env, AITTA_ACCESS_KEY: accessKey, AITTA_SECRET_KEY: secretKey, ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`aitta serve did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Aitta listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`aitta serve exited with ${code}: ${out}`));
    });
  });
  child.stdout!.resume();
  const port = Number(new URL(endpoint).port);
  return {
    endpoint,
    port,
    accessKey,
    secretKey,
    dataDir,
    domain,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (ownsData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
