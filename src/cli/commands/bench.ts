// `bench [s3://BUCKET]`: a load generator for any S3 endpoint, as MinIO's
// warp is to its users. Small-object PUT/GET/HEAD/DELETE at a fixed number
// of requests in flight (ops/s, p50/p99), listing (keys/s), one large PUT and
// GET and a multipart upload (MB/s). Without a bucket it creates one and
// removes it afterwards; with one, it works under a prefix of its own there.
// Every object it wrote is deleted at the end unless --keep.

import { randomBytes } from 'node:crypto';
import { errorMessage, type OpStats } from '../../bench/concurrent.js';
import * as w from '../../bench/workloads.js';
import { createClient, type Context } from '../context.js';
import { EX_GENERAL, EX_OK } from '../exit-codes.js';
import { S3ServiceError } from '../../sdk/errors.js';
import { ParameterError, describeS3Error } from '../failures.js';
import { parseS3Uri } from '../s3uri.js';
import { formatByteSize, parseByteSize } from '../size.js';
import { newBucketLocation } from './mb.js';

const WORKLOADS = ['small', 'list', 'large', 'multipart'] as const;
type Workload = (typeof WORKLOADS)[number];

const LIST_REPEATS = 10;
const LIST_SETUP_MS = 300_000;

interface BenchConfig {
  workloads: Set<Workload>;
  concurrency: number;
  small: w.SmallOpsConfig;
  listKeys: number;
  largeBytes: number;
  partBytes: number;
  partsInFlight: number;
  keep: boolean;
}

/** A size flag: "4KiB", "64MiB", "4096". */
function parseSize(text: string, flag: string): number {
  const bytes = parseByteSize(text);
  if (bytes === undefined) throw new ParameterError(`${flag}: not a size: ${text} (e.g. 4KiB, 64MiB, 1GiB)`);
  if (bytes < 1) throw new ParameterError(`${flag}: must be at least one byte`);
  return bytes;
}

function count(value: unknown, flag: string, dflt: number): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ParameterError(`${flag}: expected a positive whole number, got ${String(value)}`);
  return n;
}

function benchConfig(ctx: Context): BenchConfig {
  const f = ctx.flags;
  const only = typeof f['only'] === 'string' ? f['only'].split(',').map((s) => s.trim()) : [...WORKLOADS];
  for (const name of only) if (!(WORKLOADS as readonly string[]).includes(name)) throw new ParameterError(`--only: unknown workload ${name} (${WORKLOADS.join(', ')})`);
  const concurrency = count(f['concurrent'], '--concurrent', 16);
  const duration = Number(f['duration'] ?? 10);
  if (!(duration > 0)) throw new ParameterError(`--duration: expected seconds, got ${String(f['duration'])}`);
  const size = (flag: string, name: string, dflt: number) => (typeof f[name] === 'string' ? parseSize(f[name], flag) : dflt);
  return {
    workloads: new Set(only as Workload[]),
    concurrency,
    small: { concurrency, maxOps: count(f['objects'], '--objects', 20_000), maxMs: duration * 1000, objectBytes: size('--obj-size', 'objSize', 4 * w.KiB) },
    listKeys: count(f['listKeys'], '--list-keys', 10_000),
    largeBytes: size('--large-size', 'largeSize', w.GiB),
    partBytes: size('--part-size', 'partSize', 64 * w.MiB),
    partsInFlight: ctx.parallel,
    keep: f['keep'] === true,
  };
}

/** One line of the results: a rate and, where requests were timed one by one, their latency. */
interface Row {
  operation: string;
  requests: number;
  errors: number;
  rate: number;
  unit: 'ops/s' | 'keys/s' | 'MB/s';
  p50Ms?: number;
  p99Ms?: number;
  /** Why there is no figure. */
  failed?: string;
  firstError?: string;
}

/** Why a workload failed, S3's errors as s3cmd words them. */
function why(error: unknown): string {
  return error instanceof S3ServiceError ? describeS3Error(error) : errorMessage(error);
}

function opRow(operation: string, stats: OpStats | Error, unit: Row['unit'], rate?: number): Row {
  if (stats instanceof Error) return { operation, requests: 0, errors: 0, rate: NaN, unit, failed: why(stats) };
  return {
    operation,
    requests: stats.ops,
    errors: stats.errors,
    rate: rate ?? stats.opsPerSec,
    unit,
    p50Ms: stats.p50Ms,
    p99Ms: stats.p99Ms,
    ...(stats.failures !== undefined ? { firstError: stats.failures } : {}),
  };
}

const HEADER = `${'Operation'.padEnd(34)}${'Requests'.padStart(9)}${'Errors'.padStart(8)}${'Rate'.padStart(12)}  ${'Unit'.padEnd(7)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}`;

function rowLine(row: Row): string {
  if (row.failed !== undefined) return `${row.operation.padEnd(34)} failed: ${row.failed}`;
  const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(2)).padStart(9);
  return `${row.operation.padEnd(34)}${String(row.requests).padStart(9)}${String(row.errors).padStart(8)}${row.rate.toFixed(1).padStart(12)}  ${row.unit.padEnd(7)}${ms(row.p50Ms)}${ms(row.p99Ms)}`;
}

/** A workload that ends with a rate measured once; a failure is its row's reason. */
async function once(operation: string, requests: number, run: () => Promise<number>): Promise<Row> {
  try {
    return { operation, requests, errors: 0, rate: await run(), unit: 'MB/s' };
  } catch (error) {
    return { operation, requests: 0, errors: 1, rate: NaN, unit: 'MB/s', failed: why(error) };
  }
}

async function runWorkloads(cfg: BenchConfig, target: w.Target, report: (row: Row) => void): Promise<void> {
  if (cfg.workloads.has('small')) {
    const stats = await w.smallOps(target, cfg.small);
    const size = formatByteSize(cfg.small.objectBytes);
    for (const op of w.SMALL_OPS) report(opRow(op === 'PUT' || op === 'GET' ? `${op} ${size}` : op, stats[op], 'ops/s'));
  }
  if (cfg.workloads.has('list')) {
    const operation = `LIST ${cfg.listKeys} keys x${LIST_REPEATS}`;
    try {
      const list = await w.listKeys(target, cfg.listKeys, LIST_REPEATS, cfg.concurrency, LIST_SETUP_MS);
      report(opRow(operation, list.pages, 'keys/s', list.keysPerSec));
    } catch (error) {
      report(opRow(operation, error instanceof Error ? error : new Error(String(error)), 'keys/s'));
    }
  }
  const buf = randomBytes(w.MiB);
  const size = formatByteSize(cfg.largeBytes);
  if (cfg.workloads.has('large')) {
    const key = `${target.prefix}large`;
    const put = await once(`PUT ${size}`, 1, () => w.largePut(target, key, buf, cfg.largeBytes));
    report(put);
    if (put.failed === undefined) report(await once(`GET ${size}`, 1, () => w.largeGet(target, key, cfg.largeBytes)));
  }
  if (cfg.workloads.has('multipart')) {
    const parts = Math.ceil(cfg.largeBytes / cfg.partBytes);
    report(
      await once(`MULTIPART ${size} (${formatByteSize(cfg.partBytes)} x${cfg.partsInFlight})`, parts + 2, () =>
        w.multipartUpload(target, `${target.prefix}multipart`, buf, cfg.largeBytes, cfg.partBytes, cfg.partsInFlight),
      ),
    );
  }
}

export async function bench(ctx: Context, args: string[]): Promise<number> {
  const cfg = benchConfig(ctx);
  const uri = args[0] !== undefined ? parseS3Uri(args[0]) : undefined;
  if (args[0] !== undefined && !uri?.bucket) throw new ParameterError(`Expecting S3 URI with just the bucket name set instead of '${args[0]}'`);
  const run = randomBytes(4).toString('hex');
  const created = uri === undefined;
  const bucket = uri?.bucket ?? `aitta-bench-${run}`;
  const client = createClient(ctx.config, Math.max(cfg.concurrency, cfg.partsInFlight), ctx.printer, 0);
  const target: w.Target = { client, bucket, prefix: created ? '' : `${uri.key ? uri.key.replace(/\/?$/, '/') : ''}aitta-bench-${run}/` };
  const { printer } = ctx;
  const endpoint = `${ctx.config.use_https ? 'https' : 'http'}://${ctx.config.host_base}`;
  const rows: Row[] = [];
  try {
    const location = newBucketLocation(ctx.config);
    if (created) await client.createBucket(bucket, location !== undefined ? { location } : {});
    printer.print(`Benchmarking ${endpoint}, s3://${bucket}/${target.prefix} (${created ? 'bucket created for the run' : 'existing bucket'}), ${cfg.concurrency} requests in flight`);
    printer.print(HEADER);
    await runWorkloads(cfg, target, (row) => {
      rows.push(row);
      printer.print(rowLine(row));
    });
  } finally {
    if (!cfg.keep) {
      await w.cleanUp(target).catch((error: unknown) => printer.warning(`Could not remove the benchmark's objects: ${String(error)}`));
      if (created) await client.deleteBucket(bucket).catch((error: unknown) => printer.warning(`Could not remove bucket s3://${bucket}: ${String(error)}`));
    }
    client.close();
  }
  if (printer.json) printer.print('', { type: 'bench', endpoint, bucket, prefix: target.prefix, concurrency: cfg.concurrency, results: rows });
  for (const row of rows) if (row.firstError !== undefined) printer.warning(`${row.operation}: ${row.errors} failed, ${row.firstError}`);
  return rows.some((row) => row.failed !== undefined) ? EX_GENERAL : EX_OK;
}
