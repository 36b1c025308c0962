// `npm run bench`: measures Aitta side by side with s3rver and moto in one
// run, on 127.0.0.1, with the same clients for all (small ops by wrk and ab
// when on PATH, the rest by `aitta bench`'s workloads and client), next to
// the machine's own ceilings; prints a markdown table and writes it to
// bench/results/.
//
//   npm run bench -- [--only aitta,s3rver,moto] [--quick] [--large-gib N] [--rss-gib N]
//   (or BENCH_ONLY, BENCH_QUICK=1, BENCH_LARGE_GIB, BENCH_RSS_GIB; --help says more)

import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { findSmallTools, onPath, smallClient, type SmallClient, type SmallTools } from "./load-tools.js";
import { renderReport, saveReport, type Cell, type MetricId, type MetricRow } from "./report.js";
import { RssSampler } from "./rss.js";
import * as w from "../src/bench/workloads.js";
import { formatByteSize } from "../src/cli/size.js";
import { SERVER_NAMES, clientFor, killAll, killAllSync, startServer, type ServerName } from "./servers.js";
import { curlGet, md5Ceiling, toolDriver, writeCeiling } from "./workloads.js";

interface Config {
  servers: ServerName[];
  quick: boolean;
  concurrency: number;
  smallMaxOps: number;
  smallMaxMs: number;
  listKeys: number;
  listRepeats: number;
  largeBytes: number;
  partBytes: number;
  partsInFlight: number;
  rssUploadBytes: number;
  tools: SmallTools;
}

const USAGE = `usage: npm run bench -- [--only aitta,s3rver,moto] [--quick] [--large-gib N] [--rss-gib N]
  --only       servers to measure (default: all three)
  --quick      small sizes and short phases: a smoke run, not a measurement
  --large-gib  size of the large PUT/GET and multipart objects (default 1)
  --rss-gib    size of Aitta's memory-watched single PUT (default 5)
env: BENCH_ONLY, BENCH_QUICK=1, BENCH_LARGE_GIB, BENCH_RSS_GIB`;

function readConfig(): Config | undefined {
  const { values } = parseArgs({
    options: {
      help: { type: "boolean" },
      only: { type: "string", default: process.env.BENCH_ONLY },
      quick: { type: "boolean", default: process.env.BENCH_QUICK === "1" },
      "large-gib": { type: "string", default: process.env.BENCH_LARGE_GIB },
      "rss-gib": { type: "string", default: process.env.BENCH_RSS_GIB },
    },
  });
  if (values.help === true) {
    process.stdout.write(USAGE + "\n");
    return undefined;
  }
  const servers = values.only ? values.only.split(",").map((s) => s.trim()) : [...SERVER_NAMES];
  for (const s of servers) if (!SERVER_NAMES.includes(s as ServerName)) throw new Error(`--only: unknown server "${s}" (${SERVER_NAMES.join(", ")})`);
  const gib = (v: string | undefined, dflt: number, name: string): number => {
    const n = v === undefined ? dflt : Number(v);
    if (!(n > 0 && n <= 64)) throw new Error(`--${name}: expected a number of GiB in (0, 64], got "${v}"`);
    return Math.round(n * w.GiB);
  };
  const quick = values.quick === true;
  return {
    servers: SERVER_NAMES.filter((s) => servers.includes(s)),
    quick,
    concurrency: 16,
    smallMaxOps: quick ? 2_000 : 20_000,
    smallMaxMs: quick ? 1_000 : 5_000,
    listKeys: quick ? 2_000 : 10_000,
    listRepeats: quick ? 2 : 10,
    largeBytes: gib(values["large-gib"], quick ? 1 / 16 : 1, "large-gib"),
    partBytes: quick ? 16 * w.MiB : 64 * w.MiB,
    partsInFlight: 4,
    rssUploadBytes: gib(values["rss-gib"], quick ? 1 / 4 : 5, "rss-gib"),
    tools: findSmallTools(),
  };
}

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

function reason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0]!.slice(0, 160);
}

async function measure(what: string, fn: () => Promise<number>): Promise<Cell> {
  try {
    const value = await fn();
    log(`${what}: ${value.toFixed(1)}`);
    return { kind: "num", value };
  } catch (err) {
    log(`${what}: failed: ${reason(err)}`);
    return { kind: "na", reason: reason(err) };
  }
}

/** Large GETs run twice and keep the better figure: the first read follows the PUT directly. */
const GET_RUNS = 2;

async function bestOf(runs: number, fn: () => Promise<number>): Promise<number> {
  let best = -Infinity;
  for (let i = 0; i < runs; i++) best = Math.max(best, await fn());
  return best;
}

const BUCKETS = { small: "bench-small", list: "bench-list", large: "bench-large" } as const;
/** The untimed round of small ops before the measured one, by the same clients. */
const WARM_UP = { maxOps: 5_000, maxMs: 1_000 };
const LIST_SETUP_MS = 180_000;

/** Every workload against one running server; a failing workload fills its own cells with n/a. */
async function benchServer(name: ServerName, cfg: Config, dataDir: string, buf: Buffer, curl: boolean): Promise<Map<MetricId, Cell>> {
  const cells = new Map<MetricId, Cell>();
  let server;
  try {
    server = await startServer(name, dataDir);
  } catch (err) {
    log(`${name}: not started: ${reason(err)}`);
    cells.set("put.ops", { kind: "na", reason: `not started: ${reason(err)}` });
    return cells;
  }
  log(`${name}: listening on ${server.host}:${server.port} (pid ${server.pid})`);
  const sampler = new RssSampler(server.pid);
  sampler.start();
  const client = clientFor(server, cfg.concurrency);
  const on = (bucket: string): w.Target => ({ client, bucket, prefix: "" });
  try {
    for (const b of Object.values(BUCKETS)) await client.createBucket(b);

    log(`${name}: 4 KiB PUT/GET/HEAD/DELETE, ${cfg.concurrency} connections, after an untimed round`);
    const smallCfg = { concurrency: cfg.concurrency, maxOps: cfg.smallMaxOps, maxMs: cfg.smallMaxMs, objectBytes: 4096 };
    // A fresh server's first seconds are its JIT compiling and its database files growing: not what the phases measure.
    // The round runs the clients of the measured one, whose requests (presigned, unsigned bodies) take their own code paths.
    const origin = `http://${server.host}:${server.port}`;
    const warmUp = { ...on(BUCKETS.small), prefix: "warm-up/" };
    const warmCfg = { ...smallCfg, ...WARM_UP };
    await w.smallOps(warmUp, warmCfg, toolDriver(warmUp, warmCfg, cfg.tools, origin));
    const small = await w.smallOps(on(BUCKETS.small), smallCfg, toolDriver(on(BUCKETS.small), smallCfg, cfg.tools, origin));
    const ids = { PUT: "put", GET: "get", HEAD: "head", DELETE: "del" } as const;
    for (const op of w.SMALL_OPS) {
      const s = small[op];
      if (s instanceof Error) {
        cells.set(`${ids[op]}.ops`, { kind: "na", reason: reason(s) });
        log(`${name}: ${op} failed: ${reason(s)}`);
      } else {
        const failed = s.errors > 0 ? `${s.errors} of ${s.ops + s.errors} ops failed (${s.failures ?? "?"}); ops/s counts successes` : undefined;
        const warning = [failed, s.note].filter((t) => t !== undefined).join("; ");
        cells.set(`${ids[op]}.ops`, { kind: "num", value: s.opsPerSec, ...(warning !== "" && { warning }) });
        cells.set(`${ids[op]}.lat`, { kind: "lat", p50: s.p50Ms, p99: s.p99Ms });
        log(`${name}: ${op} by ${smallClient(op, cfg.tools)}: ${s.opsPerSec.toFixed(0)} ops/s (${s.ops} ops), p50 ${s.p50Ms.toFixed(2)} ms, p99 ${s.p99Ms.toFixed(2)} ms${warning ? "; " + warning : ""}`);
      }
    }

    cells.set(
      "list",
      await measure(`${name}: LIST keys/s`, async () => (await w.listKeys(on(BUCKETS.list), cfg.listKeys, cfg.listRepeats, cfg.concurrency, LIST_SETUP_MS)).keysPerSec),
    );

    const large = on(BUCKETS.large);
    const put = await measure(`${name}: ${formatByteSize(cfg.largeBytes)} PUT MB/s`, () => w.largePut(large, "large", buf, cfg.largeBytes));
    cells.set("large.put", put);
    if (put.kind === "na") {
      cells.set("large.get", { kind: "na", reason: "no object: the large PUT failed" });
      cells.set("large.curl", { kind: "na", reason: "no object: the large PUT failed" });
    } else {
      const get = (): Promise<number> => w.largeGet(large, "large", cfg.largeBytes);
      cells.set("large.get", await measure(`${name}: ${formatByteSize(cfg.largeBytes)} GET MB/s, best of ${GET_RUNS}`, () => bestOf(GET_RUNS, get)));
      const byCurl = (): Promise<number> => curlGet(large, "large", cfg.largeBytes);
      cells.set(
        "large.curl",
        curl
          ? await measure(`${name}: ${formatByteSize(cfg.largeBytes)} GET by curl MB/s, best of ${GET_RUNS}`, () => bestOf(GET_RUNS, byCurl))
          : { kind: "na", reason: "curl not found on PATH" },
      );
      await client.deleteObject(BUCKETS.large, "large").catch(() => undefined);
    }

    cells.set(
      "multipart",
      await measure(`${name}: ${formatByteSize(cfg.largeBytes)} multipart MB/s`, () =>
        w.multipartUpload(large, "multipart", buf, cfg.largeBytes, cfg.partBytes, cfg.partsInFlight),
      ),
    );
    await client.deleteObject(BUCKETS.large, "multipart").catch(() => undefined);

    if (name === "aitta") {
      // On a fresh server: memory the earlier phases left resident (the
      // allocator keeps it) would otherwise be counted against the upload.
      const fresh = await startServer(name, `${dataDir}-rss`);
      const freshSampler = new RssSampler(fresh.pid);
      freshSampler.start();
      const freshClient = clientFor(fresh, 1);
      try {
        await freshClient.createBucket(BUCKETS.large);
        const target = { client: freshClient, bucket: BUCKETS.large, prefix: "" };
        cells.set("upload.speed", await measure(`${name}: ${formatByteSize(cfg.rssUploadBytes)} PUT MB/s`, () => w.largePut(target, "rss-upload", buf, cfg.rssUploadBytes)));
        cells.set("rss.upload", { kind: "num", value: freshSampler.peakMb() });
      } finally {
        freshSampler.stop();
        freshClient.close();
        await fresh.stop();
        await rm(`${dataDir}-rss`, { recursive: true, force: true });
      }
    }
  } catch (err) {
    log(`${name}: stopped early: ${reason(err)}`);
    if (!cells.has("put.ops")) cells.set("put.ops", { kind: "na", reason: reason(err) });
  } finally {
    cells.set("rss.run", { kind: "num", value: sampler.peakMb() });
    sampler.stop();
    client.close();
    await server.stop();
  }
  return cells;
}

const CLIENT_NAMES: Record<SmallClient, string> = { wrk: "wrk", ab: "ab", node: "aitta bench" };

function rows(cfg: Config, diskCeiling: Cell): MetricRow[] {
  const ofCeiling = diskCeiling.kind === "num" ? { op: ">=" as const, value: 0.9 * diskCeiling.value } : undefined;
  const c = cfg.concurrency;
  const by = (op: w.SmallOp): string => CLIENT_NAMES[smallClient(op, cfg.tools)];
  const L = formatByteSize(cfg.largeBytes);
  return [
    { id: "put.ops", label: `4 KiB PUT, ${c} conns, ${by("PUT")}`, unit: "ops/s", target: { op: ">=", value: 4_000 } },
    { id: "put.lat", label: "  PUT latency", unit: "ms p50 / p99" },
    { id: "get.ops", label: `4 KiB GET, ${c} conns, ${by("GET")}`, unit: "ops/s", target: { op: ">=", value: 10_000 } },
    { id: "get.lat", label: "  GET latency", unit: "ms p50 / p99" },
    { id: "head.ops", label: `HEAD, ${c} conns, ${by("HEAD")}`, unit: "ops/s", target: { op: ">=", value: 12_000 } },
    { id: "head.lat", label: "  HEAD latency", unit: "ms p50 / p99" },
    { id: "del.ops", label: `DELETE, ${c} conns, ${by("DELETE")}`, unit: "ops/s" },
    { id: "del.lat", label: "  DELETE latency", unit: "ms p50 / p99" },
    { id: "list", label: `LIST ${cfg.listKeys.toLocaleString("en-US")} keys ×${cfg.listRepeats} after one untimed pass, pages of 1000`, unit: "keys/s", target: { op: ">=", value: 150_000 } },
    { id: "large.put", label: `${L} single PUT`, unit: "MB/s", ...(ofCeiling && { target: ofCeiling }) },
    { id: "large.get", label: `${L} GET, aitta bench, best of ${GET_RUNS}`, unit: "MB/s" },
    { id: "large.curl", label: `${L} GET, curl (presigned), best of ${GET_RUNS}`, unit: "MB/s", target: { op: ">=", value: 1_500 } },
    { id: "multipart", label: `${L} multipart, ${formatByteSize(cfg.partBytes)} parts ×${cfg.partsInFlight}`, unit: "MB/s", ...(ofCeiling && { target: ofCeiling }) },
    { id: "rss.run", label: "peak server RSS, whole run", unit: "MB" },
    { id: "upload.speed", label: `${formatByteSize(cfg.rssUploadBytes)} single PUT (Aitta only)`, unit: "MB/s" },
    { id: "rss.upload", label: `peak RSS during ${formatByteSize(cfg.rssUploadBytes)} PUT (fresh server)`, unit: "MB", target: { op: "<", value: 200 } },
  ];
}

/** Says so when the single-PUT target is above what one core hashes: the ETag is one MD5 over the body, in order. */
function md5BoundNote(diskCeiling: Cell, md5: Cell): string[] {
  if (diskCeiling.kind !== "num" || md5.kind !== "num" || 0.9 * diskCeiling.value <= md5.value) return [];
  const mb = (v: number): string => Math.round(v).toLocaleString("en-US");
  return [
    `In this run the single-PUT target (${mb(0.9 * diskCeiling.value)} MB/s) is above the MD5 ceiling of one core (${mb(md5.value)} MB/s). ` +
      "A single PUT's ETag is one MD5 over its whole body, computed in order, so no server that sends it can meet the target here.",
  ];
}

async function main(): Promise<void> {
  let cfg: Config | undefined;
  try {
    cfg = readConfig();
  } catch (err) {
    process.stderr.write(`${reason(err)}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (cfg === undefined) return;
  const startedAt = new Date();
  const loadAtStart = os.loadavg().map((l) => l.toFixed(2)).join(" ");
  const root = await mkdtemp(join(os.tmpdir(), "aitta-bench-"));
  const cleanup = async (): Promise<void> => {
    await killAll();
    await rm(root, { recursive: true, force: true });
  };
  let interrupted = false;
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      if (interrupted) return;
      interrupted = true;
      log(`${sig}: stopping servers and removing ${root}`);
      void cleanup().finally(() => process.exit(sig === "SIGINT" ? 130 : 143));
    });
  }
  process.on("exit", killAllSync);

  try {
    const buf = randomBytes(w.MiB);
    log(`data under ${root}; servers: ${cfg.servers.join(", ")}${cfg.quick ? " (quick)" : ""}`);
    const diskCeiling = await measure(`fdatasync'd write of ${formatByteSize(cfg.largeBytes)} MB/s`, () => writeCeiling(root, buf, cfg.largeBytes));
    const blobWrite = await measure(`Aitta's blob write of ${formatByteSize(cfg.largeBytes)} MB/s`, () => writeCeiling(root, buf, cfg.largeBytes, "blob"));
    const md5 = await measure(`MD5 of ${formatByteSize(cfg.largeBytes)}, one core MB/s`, () => md5Ceiling(buf, cfg.largeBytes));
    const curl = onPath("curl");
    if (!curl) log("curl not found on PATH: the curl GET column is skipped");
    if (!cfg.tools.wrk) log("wrk not found on PATH: 4 KiB PUT/GET/DELETE by aitta bench's Node client, which measures itself too");
    if (!cfg.tools.ab) log("ab not found on PATH: HEAD by aitta bench's Node client, which measures itself too");

    const cells = new Map<ServerName, Map<MetricId, Cell>>();
    for (const name of cfg.servers) {
      const dataDir = await mkdtemp(join(root, `${name}-`));
      cells.set(name, await benchServer(name, cfg, dataDir, buf, curl));
      await rm(dataDir, { recursive: true, force: true });
    }

    const cpus = os.cpus();
    const markdown = renderReport({
      title: `Aitta benchmark, ${startedAt.toISOString()}`,
      context: [
        `node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} × ${cpus[0]?.model.trim() ?? "cpu"}, ${(os.totalmem() / w.GiB).toFixed(0)} GiB RAM`,
        `load average at start ${loadAtStart}, at end ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}: other work on the machine skews every figure`,
        `data directories under ${os.tmpdir()}; everything on 127.0.0.1${cfg.quick ? "; **quick mode** (small sizes, smoke run only)" : ""}`,
        `small ops: each phase ≤ ${cfg.smallMaxOps.toLocaleString("en-US")} ops or ${cfg.smallMaxMs / 1000} s; GET/HEAD read the keys the PUT phase wrote, DELETE removes them; ` +
          `after one untimed round of the four (≤ ${WARM_UP.maxOps.toLocaleString("en-US")} ops or ${WARM_UP.maxMs / 1000} s each, by the same clients)`,
        `clients: each small-op row names its own, the same for every server: wrk (one thread, cycling through presigned URLs, one per key) and ab (keep-alive HEADs of one key's presigned URL) are C and leave the servers the CPU; aitta bench's Node client, used where neither is on PATH and for every other row, spends about a core of its own`,
      ],
      ceilings: [
        { label: `fdatasync'd sequential write, ${formatByteSize(cfg.largeBytes)} in 1 MiB writes`, cell: diskCeiling },
        { label: `the same, as Aitta writes a large blob (O_DIRECT from aligned memory, then fdatasync)`, cell: blobWrite },
        { label: `MD5, one core, ${formatByteSize(cfg.largeBytes)}`, cell: md5 },
      ],
      rows: rows(cfg, diskCeiling),
      servers: cfg.servers,
      cells,
      notes: [
        "MB = 10^6 bytes. Targets are Aitta's (2-core machine); ✓/✗ says whether a cell meets its target. Large PUT and multipart targets are 90 % of the fdatasync'd write ceiling above.",
        "s3rver and moto are not durable (no fsync), and moto keeps objects in memory; they are references for protocol overhead, not like-for-like.",
        "RSS is the server process tree's resident set, sampled every 100 ms plus the kernel's high-water mark (VmHWM) for a single process.",
        ...md5BoundNote(diskCeiling, md5),
        ...(cfg.tools.wrk || cfg.tools.ab
          ? ["s3rver and moto take the presigned URLs of wrk and ab without checking their signatures (a wrong one passes too); Aitta verifies each one."]
          : []),
      ],
    });
    process.stdout.write(markdown);
    log(`written to ${await saveReport(markdown, startedAt)}`);
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
