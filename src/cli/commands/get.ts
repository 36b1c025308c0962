// `get s3://BUCKET/OBJECT [LOCAL]` (-r for everything under a prefix):
// download objects, several at a time, verifying each against its MD5 (the
// ETag of a single-part object, s3cmd's md5 attribute for a multipart one),
// or else the full-object checksum (CRC64NVME, CRC32C...) the server keeps.
// Keys ending in '/' are directory markers and become directories.

import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, lchown, mkdir, rename, rm, stat, utimes } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { stripQuotes } from '../../sdk/results.js';
import { ATTRS_HEADER, parseAttrs } from '../attrs.js';
import type { Context } from '../context.js';
import { EX_DATAERR, EX_OK, EX_PARTIAL } from '../exit-codes.js';
import { localFileErrorCode, ParameterError, strerror } from '../failures.js';
import { hashFile } from '../file-md5.js';
import { ObjectChecksum } from '../object-checksum.js';
import type { ProgressHandle } from '../progress.js';
import { downloadRanges } from '../ranged-download.js';
import { printExcluded, transferLine } from '../output.js';
import { inOrder } from '../parallel.js';
import { fetchRemoteList, type RemoteItem } from '../remote-list.js';
import { parseS3Uri } from '../s3uri.js';

const MIB = 1024 * 1024;
/** Big write buffers keep the socket reading while the disk catches up. */
const WRITE_BUFFER = 8 * 1024 * 1024;

export interface Download {
  item: RemoteItem;
  destination: string;
  /** Bytes already there (--continue). */
  start: number;
}

/** The size of what is at `file`; a directory there counts as nothing (writing to it fails as s3cmd's does). */
async function sizeOf(file: string): Promise<number | undefined> {
  const found = await stat(file).catch(() => undefined);
  return found?.isDirectory() ? undefined : found?.size;
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

export interface DownloadOptions {
  /** "[3 of 10]" after the transfer line, as sync prints it. */
  label?: string;
  /**
   * sync's way: into a temporary file renamed into place, the file mode from
   * the umask, and with --preserve the mode, times and owner s3cmd stored.
   */
  sync?: boolean;
}

/** Applies the stat s3cmd stored in x-amz-meta-s3cmd-attrs to a downloaded file. */
async function restoreAttrs(ctx: Context, file: string, attrs: Record<string, string>): Promise<void> {
  if (attrs['mode'] !== undefined) await chmod(file, Number(attrs['mode']) & 0o7777);
  if (attrs['mtime'] !== undefined || attrs['atime'] !== undefined) {
    const now = Date.now() / 1000;
    await utimes(file, Number(attrs['atime'] ?? now), Number(attrs['mtime'] ?? now));
  }
  if (attrs['uid'] !== undefined && attrs['gid'] !== undefined) {
    try {
      await lchown(file, Number(attrs['uid']), Number(attrs['gid']));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'EACCES') throw error;
      ctx.printer.warning(`${file} not writable: Operation not permitted`);
    }
  }
}

/** Objects this many parts long or more are fetched in parallel ranges. */
const RANGED_MIN_PARTS = 2;

/** What a download is checked against: the file's MD5 (the ETag, or s3cmd's md5 attribute for a multipart object) or else its checksum. */
interface Checks {
  attrs: Record<string, string>;
  expected: string;
  checksum: ObjectChecksum | undefined;
}

function checksFor(headers: IncomingHttpHeaders): Checks {
  const attrs = parseAttrs(headers[ATTRS_HEADER] as string | undefined);
  const expected = attrs['md5'] ?? stripQuotes(String(headers['etag'] ?? ''));
  // Without the file's MD5 (a multipart ETag), the full-object checksum S3 keeps, if any (never sent for a range).
  return { attrs, expected, checksum: expected.includes('-') ? ObjectChecksum.of(headers) : undefined };
}

/** An object fetched into a file (or stdout), and what its bytes hashed to. */
interface Fetched {
  headers: IncomingHttpHeaders;
  /** The file's whole size (with --continue, what was there too). */
  total: number;
  checks: Checks;
  md5: string;
  checksum: string | undefined;
}

/** One GET, from `download.start` on, hashed as it streams to the file. */
async function fetchStream(ctx: Context, download: Download, written: string, startProgress: (total: number) => ProgressHandle): Promise<Fetched> {
  const { item, destination, start } = download;
  const toStdout = destination === '-';
  const response = await ctx.client.getObject(item.bucket, item.key, { rangeStart: start, checksumMode: true });
  const { headers } = response;
  const total = start + Number(headers['content-length'] ?? 0);
  const checks = checksFor(headers);
  const { checksum } = checks;
  const hash = createHash('md5');
  const progressHandle = startProgress(total);
  // A continued download is checked as a whole file, as s3cmd checks it: the part already there first.
  if (start > 0) await hashFile(hash, destination);
  // A 'data' listener beside the pipe sees every chunk; a Transform in the pipeline costs twice the time.
  response.body.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    checksum?.update(chunk);
    progressHandle.update(chunk.length);
  });
  const sink = toStdout ? process.stdout : createWriteStream(written, { flags: start > 0 ? 'a' : 'w', highWaterMark: WRITE_BUFFER });
  await pipeline([response.body, ...ctx.client.throttle(), sink], { end: !toStdout });
  return { headers, total, checks, md5: hash.digest('hex'), checksum: checksum?.computed() };
}

/** The object in parallel ranges (ranged-download.ts), after a HEAD for its size, ETag and checksum. */
async function fetchRanges(ctx: Context, item: RemoteItem, written: string, partSize: number, startProgress: (total: number) => ProgressHandle): Promise<Fetched> {
  const headers = await ctx.client.headObject(item.bucket, item.key, { checksumMode: true });
  const total = Number(headers['content-length'] ?? 0);
  const checks = checksFor(headers);
  const progressHandle = startProgress(total);
  const algorithm = checks.checksum?.algorithm;
  const { md5, checksum } = await downloadRanges(ctx.client, {
    bucket: item.bucket,
    key: item.key,
    file: written,
    size: total,
    etag: String(headers['etag'] ?? '*'),
    partSize,
    parallel: ctx.parallel,
    ...(algorithm ? { checksumAlgorithm: algorithm } : {}),
    onBytes: (count) => progressHandle.update(count),
  });
  return { headers, total, checks, md5, checksum };
}

export async function downloadOne(ctx: Context, download: Download, mismatches: string[], options: DownloadOptions = {}): Promise<() => void> {
  const { client, config, printer, progress } = ctx;
  const { item, destination, start } = download;
  if (item.key.endsWith('/') && destination.endsWith('/')) {
    // A directory marker ("dir/", zero bytes): a directory, never a file.
    await mkdir(destination, { recursive: true });
    if (options.sync) await chmod(destination, 0o775);
    return () => undefined;
  }
  const toStdout = destination === '-';
  if (!toStdout) await mkdir(path.dirname(destination), { recursive: true });
  const written = options.sync ? path.join(path.dirname(destination), `.aitta.${randomBytes(6).toString('hex')}.tmp`) : destination;
  const started = Date.now();
  const partSize = config.multipart_chunk_size_mb * MIB;
  const ranged = !toStdout && start === 0 && ctx.parallel > 1 && (item.size ?? 0) >= RANGED_MIN_PARTS * partSize;
  let handle: ProgressHandle | undefined;
  const startProgress = (total: number): ProgressHandle => (handle = progress.start({ action: 'download', source: item.uri, destination, extra: '' }, total));
  let fetched: Fetched;
  try {
    fetched = ranged
      ? await fetchRanges(ctx, item, written, partSize, startProgress)
      : await fetchStream(ctx, download, written, startProgress);
    handle?.done('done');
    if (written !== destination) await rename(written, destination);
  } catch (error) {
    handle?.done('failed');
    if (written !== destination) await rm(written, { force: true });
    throw error;
  }
  const { headers, total, checks, md5: computed, checksum: computedChecksum } = fetched;
  const { attrs, expected, checksum } = checks;
  const seconds = (Date.now() - started) / 1000;
  const lastModified = Date.parse(String(headers['last-modified'] ?? ''));
  if (options.sync) await chmod(destination, 0o777 & ~process.umask());
  if (options.sync && config.preserve_attrs && headers[ATTRS_HEADER] !== undefined) await restoreAttrs(ctx, destination, attrs);
  else if (!toStdout && !Number.isNaN(lastModified)) await utimes(destination, lastModified / 1000, lastModified / 1000);
  if (config.delete_after_fetch) await client.deleteObject(item.bucket, item.key);
  return () => {
    if (!expected.includes('-') && computed !== expected) {
      printer.warning(`MD5 signatures do not match: computed=${computed}, received=${expected}`);
      mismatches.push(item.uri);
    }
    if (checksum && computedChecksum !== checksum.expected) {
      printer.warning(`${checksum.algorithm} checksums do not match: computed=${computedChecksum}, received=${checksum.expected}`);
      mismatches.push(item.uri);
    }
    if (!config.progress_meter) printer.info(`Receiving file '${toStdout ? '<stdout>' : destination}', please wait...`);
    if (!config.progress_meter && !toStdout) {
      // s3cmd reports the file's whole size, also when --continue fetched only its end.
      printer.print(transferLine('download', item.uri, destination, total, seconds, options.label), {
        type: 'download', source: item.uri, destination, bytes: total - start, seconds, md5: computed, verified: computed === expected || (checksum !== undefined && computedChecksum === checksum.expected),
      });
    }
    if (config.delete_after_fetch) printer.print(`File '${item.uri}' removed after ${options.sync ? 'syncing' : 'fetch'}`, { type: 'delete', uri: item.uri });
  };
}

export async function get(ctx: Context, args: string[]): Promise<number> {
  const { config, client, printer } = ctx;
  const sources = [...args];
  if (sources.length === 0) throw new ParameterError('Nothing to download. Expecting S3 URI.');
  const destinationBase = parseS3Uri(sources.at(-1)!) ? '.' : sources.pop()!;
  if (sources.length === 0) throw new ParameterError('Nothing to download. Expecting S3 URI.');
  const { items, excluded } = await fetchRemoteList(client, printer, sources, { recursive: config.recursive, requireAttribs: true, filters: ctx.filters });
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
    printExcluded(printer, excluded);
    items.forEach((item, i) => printer.print(`download: '${item.uri}' -> '${destinations[i]}'`, { type: 'download', source: item.uri, destination: destinations[i], dryRun: true }));
    printer.warning('Exiting now because of --dry-run');
    return EX_OK;
  }
  const { downloads, conflict } = await plan(ctx, items, destinations);
  const mismatches: string[] = [];
  let partial = false;
  // stdout takes one object after another; files go in parallel.
  await inOrder(downloads, destinationBase === '-' ? 1 : ctx.parallel, async (download) => {
    try {
      return await downloadOne(ctx, download, mismatches);
    } catch (error) {
      // As s3cmd: a file that cannot be written is reported and skipped, and the others still come.
      const reason = strerror(localFileErrorCode(error))?.[1];
      if (reason === undefined || config.stop_on_error) throw error;
      partial = true;
      return () => printer.error(`Creation of file '${download.destination}' failed (Reason: ${reason})`);
    }
  });
  if (conflict) throw conflict;
  return mismatches.length > 0 ? EX_DATAERR : partial ? EX_PARTIAL : EX_OK;
}
