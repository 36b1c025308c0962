// What `aitta bench` (and `npm run bench`) measure against an S3 endpoint,
// through the client's own S3Client: small-object PUT/GET/HEAD/DELETE at a
// fixed concurrency, listing, one large PUT and GET, and a multipart upload.
// Every object lives under the run's prefix; `cleanUp` removes them. Bodies
// are streamed from one 1 MiB buffer, so nothing large is held in memory.

import { Readable } from 'node:stream';
import { readBody, type S3Client } from '../sdk/client.js';
import { decodeXmlText } from '../xml-text.js';
import { runConcurrent, summarize, type OpStats } from './concurrent.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/** Where a run's objects go: keys are `prefix` + a workload's own names. */
export interface Target {
  client: S3Client;
  bucket: string;
  prefix: string;
}

export type SmallOp = 'PUT' | 'GET' | 'HEAD' | 'DELETE';
export const SMALL_OPS: readonly SmallOp[] = ['PUT', 'GET', 'HEAD', 'DELETE'];

export interface SmallOpsConfig {
  concurrency: number;
  /** Ops per phase at most, and the keys PUT writes. */
  maxOps: number;
  /** Each phase stops after this long. */
  maxMs: number;
  objectBytes: number;
}

/**
 * Who runs each small-op phase, over full object keys. PUT says which keys it
 * wrote; GET and HEAD read those, DELETE removes them. `npm run bench` swaps
 * in C load generators for some phases.
 */
export interface SmallDriver {
  put(keys: readonly string[]): Promise<{ stats: OpStats; written: string[] }>;
  get(written: readonly string[]): Promise<OpStats>;
  head(written: readonly string[]): Promise<OpStats>;
  delete(written: readonly string[]): Promise<OpStats>;
}

/** `total` bytes as a stream of the same buffer (the last one cut short). */
export function* chunks(buf: Buffer, total: number): Generator<Buffer> {
  for (let sent = 0; sent < total; sent += buf.length) yield total - sent >= buf.length ? buf : buf.subarray(0, total - sent);
}

function streamed(buf: Buffer, length: number) {
  return { length, open: () => Readable.from(chunks(buf, length), { objectMode: false }) };
}

/** Reads a response body to its end; the bytes it had. */
async function drained(body: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of body) bytes += (chunk as Buffer).length;
  return bytes;
}

/** The small-op phases by the S3Client. Single failed ops are counted, not fatal. */
export function clientDriver(target: Target, cfg: SmallOpsConfig): SmallDriver {
  const { client, bucket } = target;
  const body = Buffer.alloc(cfg.objectBytes, 0x61);
  const phase = (ops: number, op: (i: number) => Promise<void>) => runConcurrent(cfg.concurrency, ops, cfg.maxMs, op, true);
  return {
    async put(keys) {
      const written: string[] = [];
      const stats = await phase(keys.length, async (i) => {
        await client.putObject(bucket, keys[i]!, body);
        written.push(keys[i]!);
      });
      return { stats, written };
    },
    get: (written) =>
      phase(cfg.maxOps, async (i) => {
        const bytes = await drained((await client.getObject(bucket, written[i % written.length]!)).body);
        if (bytes !== cfg.objectBytes) throw new Error(`GET returned ${bytes} bytes, expected ${cfg.objectBytes}`);
      }),
    head: (written) => phase(cfg.maxOps, async (i) => void (await client.headObject(bucket, written[i % written.length]!))),
    delete: (written) => phase(written.length, (i) => client.deleteObject(bucket, written[i]!)),
  };
}

/**
 * PUT of `maxOps` small objects, then GET and HEAD over the keys written,
 * then DELETE of them. A phase where nothing succeeds is reported as an Error
 * in its place; if that is PUT, the later phases fail with it.
 */
export async function smallOps(target: Target, cfg: SmallOpsConfig, driver: SmallDriver = clientDriver(target, cfg)): Promise<Record<SmallOp, OpStats | Error>> {
  const keys = Array.from({ length: cfg.maxOps }, (_, i) => `${target.prefix}small/${i}`);
  const attempt = async <T>(run: () => Promise<T>): Promise<T | Error> => {
    try {
      return await run();
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };
  const put = await attempt(() => driver.put(keys));
  if (put instanceof Error) return { PUT: put, GET: put, HEAD: put, DELETE: put };
  const { written } = put;
  return {
    PUT: put.stats,
    GET: await attempt(() => driver.get(written)),
    HEAD: await attempt(() => driver.head(written)),
    DELETE: await attempt(() => driver.delete(written)),
  };
}

export interface ListStats {
  keysPerSec: number;
  /** Each ListObjectsV2 page as an op. */
  pages: OpStats;
}

const LIST_PAGE = 1000;

// A listing page is searched as bytes: made into a string, each page would
// cost the client a fresh 300 KB allocation (about 2 ms on this VM, as much
// as the server spends on the page).

function occurrences(xml: Buffer, text: string): number {
  let n = 0;
  for (let at = xml.indexOf(text); at >= 0; at = xml.indexOf(text, at + text.length)) n++;
  return n;
}

/** The text of the first <name> element, as written (still escaped). */
function elementText(xml: Buffer, name: string): string | undefined {
  const open = `<${name}>`;
  const start = xml.indexOf(open);
  const end = start < 0 ? -1 : xml.indexOf(`</${name}>`, start);
  return end < 0 ? undefined : xml.toString('utf8', start + open.length, end);
}

/**
 * Writes `keys` tiny objects, lists them once untimed (a server's first
 * listing also pays for compiling its listing code: 30 pages are too few to
 * amortize that), then `repeats` times timed, in ListObjectsV2 pages of
 * 1000. Keys are counted, not parsed: a full XML parse would make the
 * client the bottleneck.
 */
export async function listKeys(target: Target, keys: number, repeats: number, concurrency: number, maxSetupMs: number): Promise<ListStats> {
  const { client, bucket } = target;
  const prefix = `${target.prefix}list/`;
  const body = Buffer.alloc(16, 0x62);
  const setup = await runConcurrent(concurrency, keys, maxSetupMs, (i) => client.putObject(bucket, `${prefix}${String(i).padStart(7, '0')}`, body).then(() => undefined));
  if (setup.ops !== keys) throw new Error(`list setup wrote only ${setup.ops} of ${keys} keys in ${maxSetupMs / 1000} s`);

  const maxPages = Math.ceil(keys / LIST_PAGE) + 2;
  /** Lists every key under the prefix once; each page's latency goes to `latencies`, if given. */
  const listAll = async (latencies?: number[]): Promise<void> => {
    let token: string | undefined;
    let seen = 0;
    for (let page = 0; page < maxPages; page++) {
      const query: Record<string, string> = { 'list-type': '2', 'max-keys': String(LIST_PAGE), prefix };
      if (token !== undefined) query['continuation-token'] = token;
      const t0 = performance.now();
      const xml = await readBody(await client.send({ method: 'GET', bucket, query }), 64 * MiB);
      latencies?.push(performance.now() - t0);
      seen += occurrences(xml, '<Key>');
      if (xml.indexOf('<IsTruncated>true</IsTruncated>') < 0) break;
      const next = elementText(xml, 'NextContinuationToken');
      if (next === undefined) throw new Error('ListObjectsV2: IsTruncated without NextContinuationToken');
      token = decodeXmlText(next);
    }
    if (seen !== keys) throw new Error(`ListObjectsV2 returned ${seen} keys, expected ${keys}`);
  };
  await listAll();
  const latencies: number[] = [];
  const start = performance.now();
  for (let r = 0; r < repeats; r++) await listAll(latencies);
  const seconds = (performance.now() - start) / 1000;
  return { keysPerSec: (keys * repeats) / seconds, pages: summarize(Float64Array.from(latencies), seconds, 0) };
}

/** MB/s (10^6 bytes) of `bytes` moved since `t0`. */
export function mbps(bytes: number, t0: number): number {
  return bytes / 1e6 / ((performance.now() - t0) / 1000);
}

/** One PUT of `bytes`, streamed; MB/s. */
export async function largePut(target: Target, key: string, buf: Buffer, bytes: number): Promise<number> {
  const t0 = performance.now();
  await target.client.putObject(target.bucket, key, streamed(buf, bytes));
  return mbps(bytes, t0);
}

/** One GET, the body counted and dropped; MB/s. */
export async function largeGet(target: Target, key: string, bytes: number): Promise<number> {
  const t0 = performance.now();
  const read = await drained((await target.client.getObject(target.bucket, key)).body);
  if (read !== bytes) throw new Error(`large GET returned ${read} bytes, expected ${bytes}`);
  return mbps(bytes, t0);
}

/** Multipart upload of `bytes` in parts of `partBytes`, `inFlight` parts at a time, create to complete; MB/s. */
export async function multipartUpload(target: Target, key: string, buf: Buffer, bytes: number, partBytes: number, inFlight: number): Promise<number> {
  const { client, bucket } = target;
  const t0 = performance.now();
  const uploadId = await client.createMultipartUpload(bucket, key);
  const parts = Math.ceil(bytes / partBytes);
  const etags: string[] = [];
  try {
    await runConcurrent(inFlight, parts, Infinity, async (i) => {
      etags[i] = await client.uploadPart(bucket, key, uploadId, i + 1, streamed(buf, Math.min(partBytes, bytes - i * partBytes)));
    });
    await client.completeMultipartUpload(bucket, key, uploadId, etags.map((etag, i) => ({ partNumber: i + 1, etag })));
  } catch (error) {
    await client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
    throw error;
  }
  return mbps(bytes, t0);
}

/** Deletes every object under the run's prefix (1000 a request) and aborts its unfinished uploads. */
export async function cleanUp(target: Target): Promise<void> {
  const { client, bucket, prefix } = target;
  for (const upload of await client.listMultipartUploads(bucket, prefix)) await client.abortMultipartUpload(bucket, upload.key, upload.uploadId);
  for await (const page of client.listObjects(bucket, { prefix })) {
    if (page.objects.length > 0) await client.deleteObjects(bucket, page.objects.map((o) => o.key), true);
  }
}
