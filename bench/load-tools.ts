// C load generators for the small-object phases, where our Node client would
// spend a core of the 2 and measure itself: wrk for PUT, GET and DELETE, cycling
// through presigned URLs (bench/wrk-paths.lua), and ab for HEAD (wrk waits for
// a body after a HEAD answered with a Content-Length). Each run is bounded by an
// op limit, a duration and a kill timer; servers.ts tracks the child by PID.

import { accessSync, constants } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnTracked } from "./servers.js";
import type { OpStats } from "../src/bench/concurrent.js";
import type { SmallOp } from "../src/bench/workloads.js";

/** Who drives a small-op phase: wrk, ab, or our Node client when the tool is not on PATH. */
export type SmallClient = "wrk" | "ab" | "node";

export interface SmallTools {
  wrk: boolean;
  ab: boolean;
}

/** True when an executable `cmd` is on PATH. */
export function onPath(cmd: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function findSmallTools(): SmallTools {
  return { wrk: onPath("wrk"), ab: onPath("ab") };
}

export function smallClient(op: SmallOp, tools: SmallTools): SmallClient {
  if (op === "HEAD") return tools.ab ? "ab" : "node";
  return tools.wrk ? "wrk" : "node";
}

/** dist/bench/load-tools.js → bench/wrk-paths.lua in the source tree. */
const WRK_SCRIPT = fileURLToPath(new URL("../../bench/wrk-paths.lua", import.meta.url));
const LIMIT_LINE = "wrk-paths: limit reached";
const REQUEST_TIMEOUT_S = 10;
/** Past its duration, a tool gets this long to finish before it is SIGKILLed. */
const GRACE_MS = 20_000;

export interface ToolRun {
  /** http://host:port; every URL starts with it. */
  origin: string;
  concurrency: number;
  seconds: number;
  /** Requests at most. */
  limit: number;
}

/** Runs a tracked child to its end, SIGKILLed after `maxMs`; `onLine` sees each stdout line. Its stdout. */
async function runBounded(cmd: string, args: string[], maxMs: number, onLine: (line: string, pid: number) => void = () => undefined): Promise<string> {
  const { child, tail } = spawnTracked(cmd, args);
  let out = "";
  child.stdout?.on("data", (b: Buffer) => {
    const from = out.lastIndexOf("\n") + 1;
    out += b.toString("utf8");
    for (const line of out.slice(from).split("\n").slice(0, -1)) onLine(line, child.pid!);
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), maxMs);
  try {
    // 'close', not 'exit': stdout is read to its end by then.
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (c) => resolve(c));
    });
    if (code !== 0) throw new Error(`${cmd} exited with ${code}: ${tail().split("\n").slice(-2).join(" / ")}`);
  } finally {
    clearTimeout(timer);
  }
  return out;
}

/** "1.23ms" (wrk's units) in ms. */
function wrkMs(value: string, unit: string): number {
  const scale: Record<string, number> = { us: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 };
  return Number(value) * (scale[unit] ?? NaN);
}

function num(out: string, re: RegExp, what: string): number {
  const m = re.exec(out);
  if (m === null) throw new Error(`no ${what} in the tool's output`);
  return Number(m[1]);
}

/** The answer to one request of `url`, for the reason when every request of a phase failed. */
async function probe(method: string, url: string, bodyBytes: number): Promise<string> {
  try {
    const body = method === "PUT" ? new Uint8Array(bodyBytes) : undefined;
    const res = await fetch(url, { method, ...(body && { body }), signal: AbortSignal.timeout(REQUEST_TIMEOUT_S * 1000) });
    const code = /<Code>([^<]*)<\/Code>/.exec(await res.text())?.[1];
    return `HTTP ${res.status}${code ? " " + code : ""}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

interface ToolCounts {
  /** Answers received, and their rate. */
  complete: number;
  perSec: number;
  /** Answers that were 2xx (ab) or below 400 (wrk). */
  ok: number;
  /** Requests that failed: bad answers and socket errors. */
  errors: number;
  p50Ms: number;
  p99Ms: number;
  failures: string;
  note?: string;
}

/** Successes per second; throws when nothing succeeded, with one request's answer as the reason. */
async function stats(c: ToolCounts, method: string, url: string, bodyBytes: number): Promise<OpStats> {
  if (c.ok <= 0) throw new Error(`${method}: no request succeeded (${c.failures}; one ${method} by hand: ${await probe(method, url, bodyBytes)})`);
  const out: OpStats = { opsPerSec: (c.perSec * c.ok) / c.complete, p50Ms: c.p50Ms, p99Ms: c.p99Ms, ops: c.ok, errors: c.errors };
  if (c.errors > 0) out.failures = c.failures;
  if (c.note !== undefined) out.note = c.note;
  return out;
}

/** `method` on each of `urls` in turn (PUT with a body of `bodyBytes`), by wrk, one thread. */
export async function wrkRun(run: ToolRun, method: "PUT" | "GET" | "DELETE", urls: string[], bodyBytes: number): Promise<OpStats> {
  const dir = await mkdtemp(join(os.tmpdir(), "aitta-wrk-"));
  try {
    const file = join(dir, "paths");
    await writeFile(file, urls.map((u) => u.slice(run.origin.length)).join("\n") + "\n");
    const args = [
      "-t1", `-c${run.concurrency}`, `-d${run.seconds}s`, "--timeout", `${REQUEST_TIMEOUT_S}s`, "--latency",
      "-s", WRK_SCRIPT, run.origin, "--", file, method, String(bodyBytes), String(run.limit),
    ];
    // With the limit reached the thread has stopped; SIGINT wakes wrk's main thread to report.
    const out = await runBounded("wrk", args, run.seconds * 1000 + GRACE_MS, (line, pid) => {
      if (line === LIMIT_LINE) process.kill(pid, "SIGINT");
    });
    const complete = num(out, /(\d+) requests in /, "request count");
    const bad = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    const [connect = 0, read = 0, write = 0, timeout = 0] = (/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)?.slice(1) ?? []).map(Number);
    const lat = (q: string): number => {
      const m = new RegExp(`^\\s+${q}%\\s+([\\d.]+)(us|ms|s|m|h)$`, "m").exec(out);
      return m ? wrkMs(m[1]!, m[2]!) : NaN;
    };
    return await stats(
      {
        complete,
        perSec: num(out, /Requests\/sec:\s+([\d.]+)/, "Requests/sec"),
        ok: complete - bad,
        errors: bad + connect + read + write,
        p50Ms: lat("50"),
        p99Ms: lat("99"),
        failures: `wrk's counts: ${bad} answered HTTP ≥ 400 (it does not say which); socket errors: connect ${connect}, read ${read}, write ${write}, timeout ${timeout}`,
      },
      method,
      urls[0]!,
      bodyBytes,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** HEAD of one presigned URL, over and over, by ab with keep-alive. */
export async function abHead(run: ToolRun, url: string): Promise<OpStats> {
  const dir = await mkdtemp(join(os.tmpdir(), "aitta-ab-"));
  try {
    const csv = join(dir, "percentiles.csv");
    // -t before -n: -t resets the request count to 50,000.
    const args = [
      "-k", "-i", "-r", "-q", "-c", String(run.concurrency), "-t", String(run.seconds), "-n", String(run.limit),
      "-s", String(REQUEST_TIMEOUT_S), "-e", csv, url,
    ];
    const out = await runBounded("ab", args, run.seconds * 1000 + GRACE_MS);
    const pct = await readFile(csv, "utf8").catch(() => "");
    const lat = (q: number): number => Number(new RegExp(`^${q},([\\d.]+)$`, "m").exec(pct)?.[1] ?? NaN);
    const complete = num(out, /Complete requests:\s+(\d+)/, "request count");
    const non2xx = Number(/Non-2xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
    const failed = num(out, /Failed requests:\s+(\d+)/, "failed count");
    const fresh = complete - num(out, /Keep-Alive requests:\s+(\d+)/, "keep-alive count");
    return await stats(
      {
        complete,
        perSec: num(out, /Requests per second:\s+([\d.]+)/, "Requests per second"),
        ok: complete - non2xx - failed,
        errors: non2xx + failed,
        p50Ms: lat(50),
        p99Ms: lat(99),
        failures: `ab's counts: ${non2xx} answered non-2xx, ${failed} failed otherwise`,
        // ab speaks HTTP/1.0, and some servers (moto's werkzeug) close every such connection.
        ...(fresh > 0 && { note: `${fresh} of ${complete} HEADs on a new connection: the server closed ab's HTTP/1.0 keep-alive connections` }),
      },
      "HEAD",
      url,
      0,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
