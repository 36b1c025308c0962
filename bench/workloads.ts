// The harness's own measurements around `aitta bench`'s workloads
// (src/bench/workloads.ts): the small-object phases by the C load generators
// when they are on PATH (see load-tools.ts), a large GET by curl, and the
// machine's ceilings (fdatasync'd sequential write, one core of MD5). Every
// run is bounded; every request has a timeout.

import { createHash } from "node:crypto";
import { open, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { S3Client } from "../src/sdk/client.js";
import { createBlobFile } from "../src/store/blob-file.js";
import { chunks, clientDriver, mbps, type SmallDriver, type SmallOpsConfig, type Target } from "../src/bench/workloads.js";
import { abHead, smallClient, wrkRun, type SmallTools, type ToolRun } from "./load-tools.js";
import { spawnTracked } from "./servers.js";

const PRESIGN_EXPIRES_S = 3600;

/** Generous bound for a transfer of `bytes`: one minute plus 10 MB/s. */
function transferTimeoutMs(bytes: number): number {
  return Math.ceil(60_000 + bytes / 10_000);
}

function presigned(client: S3Client, bucket: string, method: "GET" | "PUT" | "HEAD" | "DELETE", key: string): string {
  return client.presignV4(bucket, key, PRESIGN_EXPIRES_S, { method });
}

/**
 * The small-op phases as `npm run bench` runs them: wrk for PUT, GET and
 * DELETE and ab for HEAD (presigned URLs, one per key; ab HEADs one key),
 * and aitta bench's own client for a phase whose tool is not on PATH.
 */
export function toolDriver(target: Target, cfg: SmallOpsConfig, tools: SmallTools, origin: string): SmallDriver {
  const node = clientDriver(target, cfg);
  const urls = (method: "GET" | "PUT" | "HEAD" | "DELETE", keys: readonly string[]): string[] => keys.map((k) => presigned(target.client, target.bucket, method, k));
  const run = (limit: number): ToolRun => ({ origin, concurrency: cfg.concurrency, seconds: Math.ceil(cfg.maxMs / 1000), limit });
  return {
    put: async (keys) => {
      if (smallClient("PUT", tools) !== "wrk") return node.put(keys);
      const stats = await wrkRun(run(keys.length), "PUT", urls("PUT", keys), cfg.objectBytes);
      // wrk sends the keys in order: every key below the number of answers was sent.
      return { stats, written: keys.slice(0, stats.ops + stats.errors) };
    },
    get: (written) => (smallClient("GET", tools) === "wrk" ? wrkRun(run(cfg.maxOps), "GET", urls("GET", written), 0) : node.get(written)),
    head: (written) => (smallClient("HEAD", tools) === "ab" ? abHead(run(cfg.maxOps), urls("HEAD", written.slice(0, 1))[0]!) : node.head(written)),
    delete: (written) => (smallClient("DELETE", tools) === "wrk" ? wrkRun(run(written.length), "DELETE", urls("DELETE", written), 0) : node.delete(written)),
  };
}

/** GET of a presigned URL by curl, as curl reports it (speed_download); MB/s. */
export async function curlGet(target: Target, key: string, bytes: number): Promise<number> {
  const url = presigned(target.client, target.bucket, "GET", key);
  const maxTime = Math.ceil(transferTimeoutMs(bytes) / 1000);
  const args = ["-s", "-o", "/dev/null", "--max-time", String(maxTime), "-w", "%{http_code} %{size_download} %{speed_download}", url];
  const { child } = spawnTracked("curl", args);
  let out = "";
  child.stdout?.on("data", (b: Buffer) => (out += b.toString("utf8")));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (c) => resolve(c));
  });
  const [status, size, speed] = out.trim().split(" ").map(Number);
  if (code !== 0) throw new Error(`curl exited with ${code}`);
  if (status !== 200) throw new Error(`curl GET: HTTP ${status}`);
  if (size !== bytes) throw new Error(`curl GET read ${size} bytes, expected ${bytes}`);
  return (speed ?? NaN) / 1e6;
}

/**
 * Sequential write of `bytes` (the same 1 MiB buffers) to a new file in
 * `dir`; MB/s. "fdatasync" and "buffered" write through the page cache, and
 * fdatasync or not; "blob" writes as Aitta writes a large blob (direct I/O
 * from aligned memory, then fdatasync), without the network or any hashing.
 */
export async function writeCeiling(dir: string, buf: Buffer, bytes: number, how: "fdatasync" | "buffered" | "blob" = "fdatasync"): Promise<number> {
  const path = join(dir, "ceiling.bin");
  const t0 = performance.now();
  if (how === "blob") {
    const file = await createBlobFile(path, bytes);
    try {
      for await (const c of chunks(buf, bytes)) await file.append(c);
      await file.finish();
    } catch (error) {
      await file.abandon();
      throw error;
    }
  } else {
    const fh = await open(path, "w");
    try {
      for await (const c of chunks(buf, bytes)) await fh.write(c);
      if (how === "fdatasync") await fh.datasync();
    } finally {
      await fh.close();
    }
  }
  const result = mbps(bytes, t0);
  await unlink(path);
  return result;
}

/** MD5 of `bytes` (the same 1 MiB buffers) on this thread; MB/s. */
export async function md5Ceiling(buf: Buffer, bytes: number): Promise<number> {
  const t0 = performance.now();
  const h = createHash("md5");
  for await (const c of chunks(buf, bytes)) h.update(c);
  h.digest();
  return mbps(bytes, t0);
}
