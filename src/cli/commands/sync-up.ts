// `sync LOCAL... s3://BUCKET[/PREFIX]` (s3cmd's cmd_sync_local2remote): the
// local tree against the objects under the destination; new and changed
// files are uploaded in parallel, a file whose content already exists
// remotely under another name is copied there server-side, and with
// --delete-removed objects without a local file are deleted (before the
// uploads, or after with --delete-after or when copies need them). With
// --add-destination the same sync runs to every destination.

import { stat } from 'node:fs/promises';
import { buildAttrs, ATTRS_HEADER } from '../attrs.js';
import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { fetchLocalList, joinPath } from '../local-list.js';
import { inOrder } from '../parallel.js';
import { fetchRemoteList, type RemoteItem } from '../remote-list.js';
import { formatS3Uri, parseS3Uri } from '../s3uri.js';
import { compareFilelists, type CopyPair } from '../sync-compare.js';
import { batchDeleteList } from './batch-delete.js';
import { copyOne } from './copy.js';
import { contentType, uploadOne } from './put.js';
import { mayDelete, printDone, printExcludedKeys, transferDone, withMd5s, type LocalEntry } from './sync-shared.js';


/** remote_copy with metadata_update: the copy gets the local file's attributes and type. */
async function copyWithin(ctx: Context, base: string, pairs: readonly CopyPair<LocalEntry>[]): Promise<{ bytes: number; failed: LocalEntry[] }> {
  const failed: LocalEntry[] = [];
  let bytes = 0;
  for (const [i, pair] of pairs.entries()) {
    const from = parseS3Uri(base + pair.from)!;
    const to = parseS3Uri(base + pair.to)!;
    const headers: Record<string, string> = { 'content-type': contentType(ctx, pair.source.path) };
    const attrs = buildAttrs(pair.source.stat, ctx.config.check_md5 ? pair.source.md5 : undefined, ctx.config.preserve_attrs);
    if (attrs) headers[ATTRS_HEADER] = attrs;
    try {
      await copyOne(ctx, from, to.bucket, to.key, false, headers);
      ctx.printer.print(`remote copy: '${pair.from}' -> '${pair.to}'  [${i + 1} of ${pairs.length}]`, { type: 'copy', source: pair.from, destination: pair.to });
      bytes += pair.source.size;
    } catch {
      ctx.printer.warning(`Unable to remote copy files '${base + pair.from}' -> '${base + pair.to}'`);
      failed.push(pair.source);
    }
  }
  return { bytes, failed };
}

/**
 * The sync to the last argument and to each --add-destination, side by side
 * and each on its own as s3cmd's forked children are: the first failure's
 * exit code (or error) once all have ended.
 */
export async function syncUp(ctx: Context, args: string[]): Promise<number> {
  const sources = args.slice(0, -1);
  for (const source of sources) {
    if (!(await stat(source).catch(() => undefined))) throw new ParameterError(`Invalid source: '${source}' is not an existing file or directory`);
  }
  const destinations = [args.at(-1)!, ...ctx.config.additional_destinations].map((destination) => {
    const uri = parseS3Uri(destination);
    if (!uri) throw new ParameterError(`Destination must be S3Uri. Got: file://${destination}`);
    return formatS3Uri(uri);
  });
  const results = await Promise.allSettled(destinations.map((base) => syncUpTo(ctx, sources, base)));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<number>).value).find((code) => code !== EX_OK) ?? EX_OK;
}

async function syncUpTo(ctx: Context, sources: readonly string[], base: string): Promise<number> {
  const { config, printer, client, filters } = ctx;
  const local = await fetchLocalList(sources, { recursive: true, followSymlinks: config.follow_symlinks, filters, filesFrom: ctx.filesFrom, cacheFile: config.cache_file }, printer);
  const localEntries = await withMd5s(ctx, local.items);
  // "dir" syncs into BASE/dir/ and is compared with what is there; "dir/" and "." with BASE itself.
  const remoteBases = new Set(
    sources.map((source) => {
      const name = source.slice(source.lastIndexOf('/') + 1);
      return !source.endsWith('/') && name !== '.' && !local.singleFile ? joinPath(base, name) : base;
    }),
  );
  const remote = await fetchRemoteList(client, printer, [...remoteBases], { recursive: true, requireAttribs: true, filters });
  let remoteEntries: RemoteItem[] = remote.items;
  if (local.singleFile && localEntries.length === 1 && remoteEntries.length === 1) {
    // One file against one object: compared under the file's name, whatever the key.
    remoteEntries = [{ ...remoteEntries[0]!, name: localEntries[0]!.name }];
  }
  printer.info(`Found ${localEntries.length} local files, ${remoteEntries.length} remote files`);
  printer.info('Verifying attributes...');
  const plan = compareFilelists(
    { entries: localEntries, remote: false },
    { entries: remoteEntries, remote: true, excluded: remote.excluded },
    { skipExisting: config.skip_existing, checkMd5: config.check_md5 },
  );
  const uploads = [...plan.transfer, ...plan.update];
  printer.info(`Summary: ${uploads.length} local files to upload, ${plan.copies.length} files to remote copy, ${plan.orphans.length} remote files to delete`);
  if (uploads.length > 0 && !base.endsWith('/') && !local.singleFile) {
    throw new ParameterError("Destination S3 URI must end with '/' (ie must refer to a directory on the remote side).");
  }
  const target = (entry: LocalEntry) => (base.endsWith('/') ? base + entry.name : base);
  if (config.dry_run) {
    printExcludedKeys(printer, local.excluded, remote.excluded);
    for (const entry of uploads) printer.print(`upload: '${entry.path}' -> '${target(entry)}'`, { type: 'upload', source: entry.path, destination: target(entry), dryRun: true });
    for (const pair of plan.copies) printer.print(`remote copy: '${pair.from}' -> '${pair.to}'`, { type: 'copy', source: pair.from, destination: pair.to, dryRun: true });
    if (config.delete_removed) for (const item of plan.orphans) printer.print(`delete: '${item.uri}'`, { type: 'delete', uri: item.uri, dryRun: true });
    printer.warning('Exiting now because of --dry-run');
    return EX_OK;
  }
  // Copies may need an object a delete would remove: then the deletes wait.
  const deleteAfter = config.delete_after || plan.copies.length > 0;
  const deleting = mayDelete(ctx, localEntries.length, plan.orphans.length) && plan.orphans.length > 0;
  let deleted = deleting && !deleteAfter && (await batchDeleteList(ctx, plan.orphans));
  const started = Date.now();
  let bytes = 0;
  const upload = async (entries: readonly LocalEntry[], first: number, total: number) => {
    await inOrder(entries, ctx.parallel, async (entry, i) => {
      const emit = await uploadOne(ctx, entry, target(entry), `[${first + i + 1} of ${total}]`, entry.md5);
      bytes += entry.size;
      return emit;
    });
  };
  await upload(uploads, 0, uploads.length);
  const copied = await copyWithin(ctx, base, plan.copies);
  await upload(copied.failed, uploads.length, uploads.length + copied.failed.length);
  if (deleting && deleteAfter) deleted = await batchDeleteList(ctx, plan.orphans);
  const [line, record] = transferDone('Uploaded', bytes, started);
  printDone(ctx, line, record, bytes + copied.bytes > 0, {
    files: localEntries.length,
    size: localEntries.reduce((sum, entry) => sum + entry.size, 0),
    filesTransferred: uploads.length + copied.failed.length,
    sizeTransferred: bytes,
    filesCopied: plan.copies.length,
    sizeCopied: copied.bytes,
    // s3cmd counts the objects without a source file even when it deletes none.
    filesDeleted: deleted ? plan.orphans.length : 0,
  });
  return EX_OK;
}
