// `get s3://BUCKET/OBJECT [LOCAL]` (-r for everything under a prefix):
// download objects, several at a time, verifying each against its MD5 (the
// ETag of a single-part object, s3cmd's md5 attribute for a multipart one).
// Keys ending in '/' are directory markers and become directories.

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { stripQuotes } from '../../sdk/results.js';
import { ATTRS_HEADER, parseAttrs } from '../attrs.js';
import type { Context } from '../context.js';
import { EX_DATAERR, EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { transferLine } from '../output.js';
import { inOrder } from '../parallel.js';
import { fetchRemoteList, type RemoteItem } from '../remote-list.js';
import { parseS3Uri } from '../s3uri.js';

/** Big write buffers keep the socket reading while the disk catches up. */
const WRITE_BUFFER = 8 * 1024 * 1024;

interface Download {
  item: RemoteItem;
  destination: string;
  /** Bytes already there (--continue). */
  start: number;
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

/** Decides, in order, what happens to each destination; stops at the first that may not be overwritten. */
async function plan(ctx: Context, items: RemoteItem[], destinations: string[]): Promise<{ downloads: Download[]; conflict?: ParameterError }> {
  const { config, printer } = ctx;
  const downloads: Download[] = [];
  for (const [i, item] of items.entries()) {
    const destination = destinations[i]!;
    const existing = destination === '-' ? undefined : await sizeOf(destination);
    let start = 0;
    if (existing !== undefined && !destination.endsWith('/')) {
      if (config.get_continue) {
        if (existing === item.size) {
          printer.info(`Skipping over existing file: '${destination}'`);
          continue;
        }
        start = existing > (item.size ?? 0) ? 0 : existing;
      } else if (config.skip_existing && !config.force) {
        printer.info(`Skipping over existing file: '${destination}'`);
        continue;
      } else if (!config.force) {
        return {
          downloads,
          conflict: new ParameterError(`File '${destination}' already exists. Use either of --force / --continue / --skip-existing or give it a new name.`),
        };
      }
    }
    downloads.push({ item, destination, start });
  }
  return { downloads };
}

async function downloadOne(ctx: Context, download: Download, mismatches: string[]): Promise<() => void> {
  const { client, config, printer, progress } = ctx;
  const { item, destination, start } = download;
  if (destination.endsWith('/')) {
    await mkdir(destination, { recursive: true });
    return () => undefined;
  }
  const toStdout = destination === '-';
  if (!toStdout) await mkdir(path.dirname(destination), { recursive: true });
  const started = Date.now();
  const response = await client.getObject(item.bucket, item.key, { rangeStart: start });
  const total = start + Number(response.headers['content-length'] ?? 0);
  const handle = progress.start({ action: 'download', source: item.uri, destination, extra: '' }, total);
  const hash = createHash('md5');
  // A 'data' listener beside the pipe sees every chunk; a Transform in the pipeline costs twice the time.
  response.body.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    handle.update(chunk.length);
  });
  const sink = toStdout ? process.stdout : createWriteStream(destination, { flags: start > 0 ? 'a' : 'w', highWaterMark: WRITE_BUFFER });
  try {
    await pipeline(response.body, sink, { end: !toStdout });
    handle.done('done');
  } catch (error) {
    handle.done('failed');
    throw error;
  }
  const seconds = (Date.now() - started) / 1000;
  const attrs = parseAttrs(response.headers[ATTRS_HEADER] as string | undefined);
  const expected = attrs['md5'] ?? stripQuotes(String(response.headers['etag'] ?? ''));
  const computed = start === 0 ? hash.digest('hex') : undefined;
  const lastModified = Date.parse(String(response.headers['last-modified'] ?? ''));
  if (!toStdout && !Number.isNaN(lastModified)) await utimes(destination, lastModified / 1000, lastModified / 1000);
  return () => {
    if (computed !== undefined && !expected.includes('-') && computed !== expected) {
      printer.warning(`MD5 signatures do not match: computed=${computed}, received=${expected}`);
      mismatches.push(item.uri);
    }
    if (!config.progress_meter && !toStdout) {
      printer.print(transferLine('download', item.uri, destination, total - start, seconds), {
        type: 'download', source: item.uri, destination, bytes: total - start, seconds, md5: computed ?? null, verified: computed !== undefined && computed === expected,
      });
    }
  };
}

export async function get(ctx: Context, args: string[]): Promise<number> {
  const { config, client, printer } = ctx;
  const sources = [...args];
  if (sources.length === 0) throw new ParameterError('Nothing to download. Expecting S3 URI.');
  const destinationBase = parseS3Uri(sources.at(-1)!) ? '.' : sources.pop()!;
  if (sources.length === 0) throw new ParameterError('Nothing to download. Expecting S3 URI.');
  const items = await fetchRemoteList(client, printer, sources, { recursive: config.recursive, requireAttribs: true });
  printer.info(`Summary: ${items.length} remote files to download`);
  let destinations: string[];
  const baseIsDir = destinationBase !== '-' && (await stat(destinationBase).catch(() => undefined))?.isDirectory();
  if (destinationBase === '-') destinations = items.map(() => '-');
  else if (!baseIsDir) {
    if (items.length > 1) throw new ParameterError('Destination must be a directory or stdout when downloading multiple sources.');
    destinations = items.map(() => destinationBase);
  } else {
    const base = destinationBase.endsWith('/') ? destinationBase : destinationBase + '/';
    destinations = items.map((item) => base + item.name);
  }
  if (config.dry_run) {
    items.forEach((item, i) => printer.print(`download: '${item.uri}' -> '${destinations[i]}'`, { type: 'download', source: item.uri, destination: destinations[i], dryRun: true }));
    printer.warning('Exiting now because of --dry-run');
    return EX_OK;
  }
  const { downloads, conflict } = await plan(ctx, items, destinations);
  const mismatches: string[] = [];
  // stdout takes one object after another; files go in parallel.
  await inOrder(downloads, destinationBase === '-' ? 1 : ctx.parallel, (download) => downloadOne(ctx, download, mismatches));
  if (conflict) throw conflict;
  return mismatches.length > 0 ? EX_DATAERR : EX_OK;
}
