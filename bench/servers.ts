// Starts the servers under test as child processes on 127.0.0.1 (so each one's
// memory can be read from /proc) and guarantees they are stopped again: every
// child the bench starts is tracked here and killed by its PID on the way out.

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { S3Client } from "../src/sdk/client.js";

export type ServerName = "aitta" | "s3rver" | "moto";
export const SERVER_NAMES: readonly ServerName[] = ["aitta", "s3rver", "moto"];

export interface Credentials {
  accessKey: string;
  secretKey: string;
}

export interface RunningServer {
  name: ServerName;
  host: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const TAIL_LINES = 20;

const children = new Set<ChildProcess>();

/** Spawns a child that is killed by killAll(); its output is kept (last lines) for error messages. */
export function spawnTracked(cmd: string, args: string[], env?: NodeJS.ProcessEnv): { child: ChildProcess; tail: () => string } {
  const child = spawn(cmd, args, { env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.on("exit", () => children.delete(child));
  child.on("error", () => children.delete(child));
  const lines: string[] = [];
  const keep = (buf: Buffer): void => {
    for (const l of buf.toString("utf8").split("\n")) if (l.trim()) lines.push(l);
    if (lines.length > TAIL_LINES) lines.splice(0, lines.length - TAIL_LINES);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { child, tail: () => lines.join("\n") };
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child) || child.pid === undefined) return;
  const done = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(child.pid, "SIGTERM");
  const timer = setTimeout(() => {
    if (!exited(child) && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
  }, STOP_GRACE_MS);
  await done;
  clearTimeout(timer);
}

export async function killAll(): Promise<void> {
  await Promise.all([...children].map(stopChild));
}

/** Last resort from a synchronous 'exit' handler. */
export function killAllSync(): void {
  for (const c of children) if (!exited(c) && c.pid !== undefined) process.kill(c.pid, "SIGKILL");
}

/** Resolves with the first match of `re` in the child's stdout, or rejects on exit / timeout. */
function waitForLine(child: ChildProcess, tail: () => string, re: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => finish(new Error(`${what} did not start within ${START_TIMEOUT_MS} ms:\n${tail()}`)), START_TIMEOUT_MS);
    const onData = (b: Buffer): void => {
      seen = (seen + b.toString("utf8")).slice(-4096);
      const m = re.exec(seen);
      if (m) finish(undefined, m);
    };
    const onExit = (): void => finish(new Error(`${what} exited before it was ready:\n${tail()}`));
    const onError = (err: Error): void => finish(new Error(`${what} could not be started: ${err.message}`));
    function finish(err?: Error, m?: RegExpExecArray): void {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      child.off("error", onError);
      if (err) reject(err);
      else resolve(m!);
    }
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
    child.once("error", onError);
  });
}

/** Polls until the port answers HTTP at all (moto prints nothing parseable on stdout). */
async function waitForHttp(child: ChildProcess, tail: () => string, port: number, what: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let spawnError: Error | undefined;
  child.once("error", (err) => (spawnError = err));
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`${what} could not be started: ${spawnError.message}`);
    if (exited(child)) throw new Error(`${what} exited before it was ready:\n${tail()}`);
    const up = await new Promise<boolean>((resolve) => {
      const req = http.get({ host: HOST, port, path: "/", timeout: 1000 }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on("error", () => resolve(false));
      req.on("timeout", () => req.destroy());
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer HTTP within ${START_TIMEOUT_MS} ms:\n${tail()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, HOST, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function running(name: ServerName, port: number, child: ChildProcess): RunningServer {
  return { name, host: HOST, port, pid: child.pid!, stop: () => stopChild(child) };
}

/** dist/bench/servers.js → dist/src/cli/main.js */
export const AITTA_MAIN = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));

async function startAitta(dataDir: string, creds: Credentials): Promise<RunningServer> {
  if (!existsSync(AITTA_MAIN)) throw new Error(`${AITTA_MAIN} not found (Aitta is not built yet)`);
  const env = { ...process.env, AITTA_ACCESS_KEY: creds.accessKey, AITTA_SECRET_KEY: creds.secretKey };
  // Run as the `aitta` command runs, by its #! line, which carries node's flags.
  const args = ["serve", "--host", HOST, "--port", "0", "--data", dataDir];
  const { child, tail } = spawnTracked(AITTA_MAIN, args, env);
  const m = await waitForLine(child, tail, /Aitta listening on http:\/\/127\.0\.0\.1:(\d+)/, "aitta");
  return running("aitta", Number(m[1]), child);
}

async function startS3rver(dataDir: string): Promise<RunningServer> {
  const pkg = createRequire(import.meta.url).resolve("s3rver/package.json");
  const bin = join(dirname(pkg), "bin", "s3rver.js");
  // s3rver's ListObjectsV2 continuation tokens use DES, which OpenSSL 3 only has in its legacy provider.
  const args = ["--openssl-legacy-provider", bin, "--directory", dataDir, "--address", HOST, "--port", "0", "--silent"];
  const { child, tail } = spawnTracked(process.execPath, args);
  const m = await waitForLine(child, tail, /S3rver listening on [\d.]+:(\d+)/, "s3rver");
  return running("s3rver", Number(m[1]), child);
}

async function startMoto(): Promise<RunningServer> {
  const port = await freePort();
  const { child, tail } = spawnTracked("moto_server", ["-H", HOST, "-p", String(port)]);
  await waitForHttp(child, tail, port, "moto_server");
  return running("moto", port, child);
}

/** s3rver accepts only its own key pair, so every server is given that one. */
export const CREDENTIALS: Credentials = { accessKey: "S3RVER", secretKey: "S3RVER" };

/** aitta bench's client for a server on 127.0.0.1: path style, SigV4, and no retries, so every failure counts. */
export function clientFor(server: { host: string; port: number }, maxSockets: number): S3Client {
  const host = `${server.host}:${server.port}`;
  return new S3Client({ endpoint: { hostBase: host, hostBucket: host, useHttps: false }, credentials: CREDENTIALS, region: "us-east-1", maxSockets, retries: 0 });
}

export function startServer(name: ServerName, dataDir: string): Promise<RunningServer> {
  switch (name) {
    case "aitta":
      return startAitta(dataDir, CREDENTIALS);
    case "s3rver":
      return startS3rver(dataDir);
    case "moto":
      return startMoto();
  }
}
