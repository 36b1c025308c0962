// `sync s3://BUCKET[/PREFIX]... LOCAL_DIR` (s3cmd's cmd_sync_remote2local):
// the objects against the local tree; new and changed objects are
// downloaded in parallel (each into a temporary file renamed into place,
// with the stat s3cmd stored restored under --preserve), a file whose
// content is already here under another name is copied locally, and with
// --delete-removed local files without an object are deleted. Directory
// markers ("dir/") become directories.

import { chmod, copyFile, mkdir, stat, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { EX_DATAERR, EX_OK, EX_OSFILE, EX_PARTIAL } from '../exit-codes.js';
import { ExitError, localFileErrorCode, ParameterError, strerror } from '../failures.js';
import { fetchLocalList, joinPath } from '../local-list.js';
import { inOrder } from '../parallel.js';
import { fetchRemoteList, type RemoteItem } from '../remote-list.js';
import { compareFilelists } from '../sync-compare.js';
import { downloadOne } from './get.js';
import { mayDelete, printDone, printExcludedKeys, transferDone, withMd5s, type LocalEntry } from './sync-shared.js';


/** s3cmd's reason why a downloaded file could not be put in place, and whether the sync goes on without it. */
function writeFailure(code: string, file: string): { reason: string; goOn: boolean } {
  switch (code) {
    case 'EISDIR':
      return { reason: `${file} is a directory`, goOn: true };
    case 'ETXTBSY':
      return { reason: `${file} is currently open for execute, cannot be overwritten`, goOn: true };
    case 'EPERM':
    case 'EACCES':
      return { reason: `${file} permission denied`, goOn: true };
    case 'EBUSY':
      return { reason: `${file} is busy`, goOn: true };
    case 'EFBIG':
      return { reason: `${file} is too big`, goOn: true };
    case 'ENAMETOOLONG':
      return { reason: 'File Name is too long', goOn: true };
    case 'ENOSPC':
    case 'EDQUOT':
      return { reason: 'No space left', goOn: false };
    default:
      return { reason: `Unknown OsError ${strerror(code)?.[0] ?? 0}`, goOn: false };
  }
}

async function isDirectory(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isDirectory() ?? false;
}

/** _do_deletes: within --max-delete, or none; the files and bytes deleted. */
async function deleteLocal(ctx: Context, entries: readonly LocalEntry[]): Promise<{ files: number; bytes: number }> {
  if (ctx.config.max_delete > 0 && entries.length > ctx.config.max_delete) {
    ctx.printer.warning('delete: maximum requested number of deletes would be exceeded, none performed.');
    return { files: 0, bytes: 0 };
  }
  for (const entry of entries) {
    await unlink(entry.path);
    ctx.printer.print(`delete: '${entry.path}'`, { type: 'delete', path: entry.path });
  }
  return { files: entries.length, bytes: entries.reduce((sum, entry) => sum + entry.size, 0) };
}

/** _set_local_filename: one object named exactly goes to the destination itself; others below it. */
async function localNames(ctx: Context, items: readonly RemoteItem[], destination: string, sources: readonly string[]): Promise<Map<RemoteItem, string>> {
  const names = new Map<RemoteItem, string>();
  if (items.length === 0) return names;
  if (destination.endsWith('/')) {
    if (!ctx.config.dry_run) await mkdir(destination, { recursive: true }).catch(() => undefined);
    if (!(await isDirectory(destination))) throw new ParameterError('Destination is not an existing directory');
  } else if (items.length === 1 && sources[0] === items[0]!.uri) {
    if (await isDirectory(destination)) throw new ParameterError('Destination already exists and is a directory');
    names.set(items[0]!, destination);
    return names;
  }
  const base = destination.endsWith('/') ? destination : destination + '/';
  for (const item of items) names.set(item, base + item.name);
  return names;
}

export async function syncDown(ctx: Context, args: string[]): Promise<number> {
  const { config, printer, client, filters } = ctx;
  const destination = args.at(-1)!;
  const sources = args.slice(0, -1);
  if (!destination.endsWith('/') && (sources[0]!.endsWith('/') || sources.length > 1)) {
    throw new ParameterError("Destination must be a directory and end with '/' when downloading multiple sources.");
  }
  const remote = await fetchRemoteList(client, printer, sources, { recursive: true, requireAttribs: true, filters });
  // "s3://b/dir" is compared with DESTINATION/dir, "s3://b/dir/" with DESTINATION itself.
  const localBases = new Set(
    sources.map((source) => (source.endsWith('/') ? (destination.endsWith('/') ? destination : destination + '/') : joinPath(destination, source.slice(source.lastIndexOf('/') + 1)))),
  );
  const local = await fetchLocalList([...localBases], { recursive: true, followSymlinks: config.follow_symlinks, filters, cacheFile: config.cache_file }, printer);
  const localEntries = await withMd5s(ctx, local.items);
  printer.info(`Found ${remote.items.length} remote files, ${localEntries.length} local files`);
  printer.info('Verifying attributes...');
  const plan = compareFilelists(
    { entries: remote.items, remote: true },
    { entries: localEntries, remote: false },
    { skipExisting: config.skip_existing, checkMd5: config.check_md5 },
  );
  printer.info(`Summary: ${plan.transfer.length + plan.update.length} remote files to download, ${plan.orphans.length} local files to delete, ${plan.copies.length} local files to hardlink`);
  const names = new Map([...(await localNames(ctx, plan.transfer, destination, sources)), ...(await localNames(ctx, plan.update, destination, sources))]);
  const downloads = [...plan.transfer, ...plan.update];
  if (config.dry_run) {
    printExcludedKeys(printer, remote.excluded, local.excluded);
    if (config.delete_removed) for (const entry of plan.orphans) printer.print(`delete: '${entry.path}'`, { type: 'delete', path: entry.path, dryRun: true });
    for (const item of downloads) printer.print(`download: '${item.uri}' -> '${names.get(item)}'`, { type: 'download', source: item.uri, destination: names.get(item), dryRun: true });
    printer.warning('Exiting now because of --dry-run');
    return EX_OK;
  }
  const deleteAfter = config.delete_after || plan.copies.length > 0;
  const deleting = mayDelete(ctx, remote.items.length, plan.orphans.length);
  let deleted = deleting && !deleteAfter ? await deleteLocal(ctx, plan.orphans) : { files: 0, bytes: 0 };
  const started = Date.now();
  let bytes = 0;
  const mismatches: string[] = [];
  let partial = false;
  const download = async (items: readonly RemoteItem[], first: number, total: number) => {
    await inOrder(items, ctx.parallel, async (item, i) => {
      const file = names.get(item)!;
      let emit: () => void;
      try {
        emit = await downloadOne(ctx, { item, destination: file, start: 0 }, mismatches, { label: `[${first + i + 1} of ${total}]`, sync: true });
      } catch (error) {
        // As s3cmd: a file that cannot be put in place is reported and skipped, unless the disk is full or --stop-on-error.
        const code = localFileErrorCode(error);
        if (code === undefined) throw error;
        const { reason, goOn } = writeFailure(code, file);
        const message = `Download of '${item.name}' failed (Reason: ${reason})`;
        if (goOn && !config.stop_on_error) {
          partial = true;
          return () => printer.error(message);
        }
        printer.error(message);
        printer.error(`Exiting now because of ${goOn ? '--stop-on-error' : 'fatal error'}`);
        throw new ExitError(EX_OSFILE);
      }
      if (!file.endsWith('/')) bytes += item.size ?? 0;
      return emit;
    });
  };
  await download(downloads, 0, downloads.length);
  // local_copy: the same content is already here under another name.
  const failed: RemoteItem[] = [];
  let copiedBytes = 0;
  for (const pair of plan.copies) {
    const from = joinPath(destination, pair.from);
    const to = joinPath(destination, pair.to);
    try {
      await mkdir(path.dirname(to), { recursive: true });
      // shutil.copy2: the mode and times go with the content.
      await copyFile(from, to);
      const source = await stat(from);
      await chmod(to, source.mode & 0o7777);
      await utimes(to, source.atime, source.mtime);
      copiedBytes += pair.source.size ?? 0;
    } catch (error) {
      printer.warning(`Unable to copy or hardlink files ${from} -> ${to} (Reason: ${(error as Error).message})`);
      failed.push(pair.source);
    }
  }
  for (const [item, name] of await localNames(ctx, failed, destination, sources)) names.set(item, name);
  await download(failed, downloads.length, downloads.length + failed.length);
  if (deleting && deleteAfter) deleted = await deleteLocal(ctx, plan.orphans);
  const [line, record] = transferDone('Downloaded', bytes, started);
  printDone(ctx, line, record, bytes > 0, {
    files: remote.items.length,
    size: remote.items.reduce((sum, item) => sum + (item.size ?? 0), 0),
    filesTransferred: downloads.length + failed.length,
    sizeTransferred: bytes,
    filesCopied: plan.copies.length,
    sizeCopied: copiedBytes,
    filesDeleted: deleted.files,
    sizeDeleted: deleted.bytes,
  });
  return mismatches.length > 0 ? EX_DATAERR : partial ? EX_PARTIAL : EX_OK;
}
