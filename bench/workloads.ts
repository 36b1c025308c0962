// The measured workloads: small-object ops at fixed concurrency (by wrk and
// ab when they are on PATH, see load-tools.ts), listing, large single PUT/GET
// (also read by curl), multipart upload, and the machine's own ceilings
// (fdatasync'd sequential write, one core of MD5). Every loop is bounded by an
// op count and a deadline; every request has a timeout.

import { createHash } from "node:crypto";
import { open, unlink } from "node:fs/promises";
import { join } from "node:path";
import { abHead, smallClient, wrkRun, type SmallClient, type SmallTools, type ToolRun } from "./load-tools.js";
import { expectOk, type S3Client } from "./s3-client.js";
import { spawnTracked } from "./servers.js";

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

const SMALL_TIMEOUT_MS = 30_000;
const LIST_PAGE = 1000;
const LIST_SETUP_MS = 180_000;
const PRESIGN_EXPIRES_S = 3600;

/** Generous bound for a transfer of `bytes`: one minute plus 10 MB/s. */
function transferTimeoutMs(bytes: number): number {
  return Math.ceil(60_000 + bytes / 10_000);
}

/** `total` bytes as a stream of the same 1 MiB buffer (the last one cut short); nothing large is held. */
export async function* chunks(buf: Buffer, total: number): AsyncGenerator<Buffer> {
  for (let sent = 0; sent < total; sent += buf.length) yield total - sent >= buf.length ? buf : buf.subarray(0, total - sent);
}

export interface OpStats {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ops: number;
  /** Ops that failed, when failures are tolerated, and what they were (the first one's message, or a tool's counts). */
  errors: number;
  failures?: string;
  /** What else the figure should be read with (e.g. a tool that could not keep connections alive). */
  note?: string;
}

/**
 * Runs op(0), op(1)… on `concurrency` workers until `maxOps` are done or
 * `maxMs` has passed. The first failure stops the run, unless `tolerate`:
 * then failures are counted (ops/s counts successes only) and the run fails
 * only if nothing succeeded.
 */
async function runConcurrent(
  concurrency: number,
  maxOps: number,
  maxMs: number,
  op: (i: number) => Promise<void>,
  tolerate = false,
): Promise<OpStats> {
  const latencies = new Float64Array(maxOps);
  const start = performance.now();
  const deadline = start + maxMs;
  let next = 0;
  let done = 0;
  let errors = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while ((tolerate || failure === undefined) && next < maxOps && performance.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      try {
        await op(i);
        latencies[done++] = performance.now() - t0;
      } catch (err) {
        errors++;
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure !== undefined && (!tolerate || done === 0)) throw failure;
  const seconds = (performance.now() - start) / 1000;
  const sorted = latencies.subarray(0, done).sort();
  const pct = (q: number): number => sorted[Math.max(0, Math.ceil(q * done) - 1)] ?? NaN;
  const stats: OpStats = { opsPerSec: done / seconds, p50Ms: pct(0.5), p99Ms: pct(0.99), ops: done, errors };
  if (failure !== undefined) stats.failures = `first: ${failure instanceof Error ? failure.message : String(failure)}`;
  return stats;
}

export interface SmallOpsConfig {
  concurrency: number;
  maxOps: number;
  maxMs: number;
  objectBytes: number;
  tools: SmallTools;
}

export type SmallOp = "PUT" | "GET" | "HEAD" | "DELETE";

/**
 * 4 KiB PUT, then GET and HEAD over the keys written, then DELETE of them;
 * each phase by the client smallClient() picks (wrk and ab get presigned
 * URLs; ab's HEAD asks for one key). Single failed ops are counted, not fatal
 * (s3rver, for one, fails a few concurrent DELETEs); a phase where nothing
 * succeeds is reported as an Error in its place, and if that is PUT, the
 * later phases fail with it.
 */
export async function smallOps(client: S3Client, bucket: string, cfg: SmallOpsConfig): Promise<Record<SmallOp, OpStats | Error>> {
  const body = Buffer.alloc(cfg.objectBytes, 0x61);
  const key = (i: number): string => `/${bucket}/small/${i}`;
  const urls = (method: string, keys: number[]): string[] => keys.map((k) => client.presign(method, key(k), PRESIGN_EXPIRES_S));
  const tool = (limit: number): ToolRun => ({ origin: client.origin, concurrency: cfg.concurrency, seconds: Math.ceil(cfg.maxMs / 1000), limit });
  const by = (op: SmallOp): SmallClient => smallClient(op, cfg.tools);
  const t = SMALL_TIMEOUT_MS;
  const phase = async (run: () => Promise<OpStats>): Promise<OpStats | Error> => {
    try {
      return await run();
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  };
  let written: number[] = [];
  const put = await phase(async () => {
    if (by("PUT") === "wrk") {
      const keys = Array.from({ length: cfg.maxOps }, (_, i) => i);
      const s = await wrkRun(tool(cfg.maxOps), "PUT", urls("PUT", keys), cfg.objectBytes);
      // wrk sends the keys in order: every key below the number of answers was sent.
      written = keys.slice(0, s.ops + s.errors);
      return s;
    }
    return runConcurrent(
      cfg.concurrency,
      cfg.maxOps,
      cfg.maxMs,
      async (i) => {
        expectOk("PUT", await client.request("PUT", key(i), { body, timeoutMs: t }));
        written.push(i);
      },
      true,
    );
  });
  if (put instanceof Error) return { PUT: put, GET: put, HEAD: put, DELETE: put };
  const stored = (i: number): string => key(written[i % written.length]!);
  const get = await phase(() =>
    by("GET") === "wrk"
      ? wrkRun(tool(cfg.maxOps), "GET", urls("GET", written), 0)
      : runConcurrent(cfg.concurrency, cfg.maxOps, cfg.maxMs, async (i) => {
          const res = expectOk("GET", await client.request("GET", stored(i), { read: "drain", timeoutMs: t }));
          if (res.bytes !== cfg.objectBytes) throw new Error(`GET returned ${res.bytes} bytes, expected ${cfg.objectBytes}`);
        }, true),
  );
  const head = await phase(() =>
    by("HEAD") === "ab"
      ? abHead(tool(cfg.maxOps), urls("HEAD", written.slice(0, 1))[0]!)
      : runConcurrent(cfg.concurrency, cfg.maxOps, cfg.maxMs, async (i) => {
          expectOk("HEAD", await client.request("HEAD", stored(i), { timeoutMs: t }));
        }, true),
  );
  const del = await phase(() =>
    by("DELETE") === "wrk"
      ? wrkRun(tool(written.length), "DELETE", urls("DELETE", written), 0)
      : runConcurrent(cfg.concurrency, written.length, cfg.maxMs, async (i) => {
          expectOk("DELETE", await client.request("DELETE", stored(i), { timeoutMs: t }));
        }, true),
  );
  return { PUT: put, GET: get, HEAD: head, DELETE: del };
}

function xmlText(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

/** Writes `keys` small objects, then lists them `repeats` times in ListObjectsV2 pages of 1000; keys/s. */
export async function listKeys(client: S3Client, bucket: string, keys: number, repeats: number, concurrency: number): Promise<number> {
  const body = Buffer.alloc(16, 0x62);
  const setup = await runConcurrent(concurrency, keys, LIST_SETUP_MS, async (i) => {
    const res = await client.request("PUT", `/${bucket}/list/${String(i).padStart(6, "0")}`, { body, timeoutMs: SMALL_TIMEOUT_MS });
    expectOk("PUT (list setup)", res);
  });
  if (setup.ops !== keys) throw new Error(`list setup wrote only ${setup.ops} of ${keys} keys in ${LIST_SETUP_MS / 1000} s`);

  const maxPages = Math.ceil(keys / LIST_PAGE) + 2;
  const start = performance.now();
  let listed = 0;
  for (let r = 0; r < repeats; r++) {
    let token: string | undefined;
    let seen = 0;
    for (let page = 0; page < maxPages; page++) {
      const query: Record<string, string> = { "list-type": "2", "max-keys": String(LIST_PAGE), prefix: "list/" };
      if (token !== undefined) query["continuation-token"] = token;
      const res = expectOk("ListObjectsV2", await client.request("GET", `/${bucket}`, { query, read: "text", timeoutMs: SMALL_TIMEOUT_MS }));
      seen += res.text.match(/<Key>/g)?.length ?? 0;
      const next = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(res.text)?.[1];
      const truncated = /<IsTruncated>true<\/IsTruncated>/.test(res.text);
      if (!truncated) break;
      if (next === undefined) throw new Error("ListObjectsV2: IsTruncated without NextContinuationToken");
      token = xmlText(next);
    }
    if (seen !== keys) throw new Error(`ListObjectsV2 returned ${seen} keys, expected ${keys}`);
    listed += seen;
  }
  return listed / ((performance.now() - start) / 1000);
}

/** MB/s (10^6 bytes) of `bytes` moved in `ms`. */
function mbps(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}

/** One PUT of `bytes` streamed from the 1 MiB buffer; MB/s. */
export async function largePut(client: S3Client, path: string, buf: Buffer, bytes: number): Promise<number> {
  const t0 = performance.now();
  const res = await client.request("PUT", path, { body: { chunks: chunks(buf, bytes), length: bytes }, timeoutMs: transferTimeoutMs(bytes) });
  expectOk("large PUT", res);
  return mbps(bytes, performance.now() - t0);
}

/** One GET through our client, body counted and dropped; MB/s. */
export async function largeGet(client: S3Client, path: string, bytes: number): Promise<number> {
  const t0 = performance.now();
  const res = expectOk("large GET", await client.request("GET", path, { read: "drain", timeoutMs: transferTimeoutMs(bytes) }));
  if (res.bytes !== bytes) throw new Error(`large GET returned ${res.bytes} bytes, expected ${bytes}`);
  return mbps(bytes, performance.now() - t0);
}

/** GET of a presigned URL by curl, as curl reports it (speed_download); MB/s. */
export async function curlGet(client: S3Client, path: string, bytes: number): Promise<number> {
  const url = client.presign("GET", path, PRESIGN_EXPIRES_S);
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

/** Multipart upload of `bytes` in parts of `partBytes`, `inFlight` parts at a time, create to complete; MB/s. */
export async function multipartUpload(client: S3Client, path: string, buf: Buffer, bytes: number, partBytes: number, inFlight: number): Promise<number> {
  const t0 = performance.now();
  const created = expectOk("CreateMultipartUpload", await client.request("POST", path, { query: { uploads: "" }, read: "text", timeoutMs: SMALL_TIMEOUT_MS }));
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.text)?.[1];
  if (uploadId === undefined) throw new Error("CreateMultipartUpload: no UploadId in the answer");
  const parts = Math.ceil(bytes / partBytes);
  const etags: string[] = Array.from({ length: parts }, () => "");
  await runConcurrent(inFlight, parts, transferTimeoutMs(bytes), async (i) => {
    const length = Math.min(partBytes, bytes - i * partBytes);
    const query = { partNumber: String(i + 1), uploadId: xmlText(uploadId) };
    const res = expectOk(
      `UploadPart ${i + 1}`,
      await client.request("PUT", path, { query, body: { chunks: chunks(buf, length), length }, timeoutMs: transferTimeoutMs(length) }),
    );
    const etag = res.headers.etag;
    if (typeof etag !== "string") throw new Error(`UploadPart ${i + 1}: no ETag`);
    etags[i] = etag;
  });
  if (etags.some((e) => e === "")) throw new Error("multipart upload did not finish all parts in time");
  const xml =
    "<CompleteMultipartUpload>" +
    etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}</ETag></Part>`).join("") +
    "</CompleteMultipartUpload>";
  const done = await client.request("POST", path, {
    query: { uploadId: xmlText(uploadId) },
    body: Buffer.from(xml),
    headers: { "content-type": "application/xml" },
    read: "text",
    timeoutMs: transferTimeoutMs(bytes),
  });
  expectOk("CompleteMultipartUpload", done);
  // S3 may answer 200 and still report a failure in the body.
  if (/<Error>/.test(done.text)) throw new Error(`CompleteMultipartUpload: ${/<Code>([^<]*)<\/Code>/.exec(done.text)?.[1] ?? "error"}`);
  return mbps(bytes, performance.now() - t0);
}

/** Sequential write of `bytes` (the same 1 MiB buffers) to a file in `dir`, then fdatasync; MB/s. */
export async function fdatasyncWriteCeiling(dir: string, buf: Buffer, bytes: number): Promise<number> {
  const file = join(dir, "ceiling.bin");
  const t0 = performance.now();
  const fh = await open(file, "w");
  try {
    for await (const c of chunks(buf, bytes)) await fh.write(c);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  const result = mbps(bytes, performance.now() - t0);
  await unlink(file);
  return result;
}

/** MD5 of `bytes` (the same 1 MiB buffers) on this thread; MB/s. */
export async function md5Ceiling(buf: Buffer, bytes: number): Promise<number> {
  const t0 = performance.now();
  const h = createHash("md5");
  for await (const c of chunks(buf, bytes)) h.update(c);
  h.digest();
  return mbps(bytes, performance.now() - t0);
}
