// What the three directions of `sync` share: the dry-run's exclude lines,
// the refusal to delete everything when no source was found, and the
// closing "Done." line.

import type { Context } from '../context.js';
import { fileMd5 } from '../file-md5.js';
import type { LocalItem } from '../local-list.js';
import { Md5Cache } from '../md5-cache.js';
import { inOrder } from '../parallel.js';
import { formatSpeed, type Printer } from '../output.js';

/** "exclude: NAME" for what either side's filters dropped, sorted and once each (filedicts_to_keys). */
export function printExcludedKeys(printer: Printer, ...lists: readonly (readonly { name: string }[])[]): void {
  const names = [...new Set(lists.flatMap((list) => list.map((item) => item.name)))].sort();
  for (const name of names) printer.print(`exclude: ${name}`, { type: 'exclude', name, dryRun: true });
}

/** --delete-removed, unless no source files were found (then only with --force). */
export function mayDelete(ctx: Context, sourceCount: number, orphanCount: number): boolean {
  if (!ctx.config.delete_removed) return false;
  if (sourceCount === 0 && orphanCount > 0 && !ctx.config.force) {
    ctx.printer.warning('delete: cowardly refusing to delete because no source files were found.  Use --force to override.');
    return false;
  }
  return true;
}

/** Seconds since `started`, at least one, as s3cmd divides by. */
export function elapsedSince(started: number): number {
  return Math.max(1, (Date.now() - started) / 1000);
}

/** s3cmd's StatsInfo: what a sync found at its source and did, shown with --stats. */
export interface SyncStats {
  files: number;
  size: number;
  filesTransferred?: number;
  sizeTransferred?: number;
  filesCopied: number;
  sizeCopied: number;
  filesDeleted: number;
  sizeDeleted?: number;
}

/** StatsInfo.format_output: a line for the source, and one for each kind of work done (s3cmd's trailing blanks kept). */
function statsLines(stats: SyncStats): string[] {
  const line = (what: string, files: number, size: number | undefined) => `Stats: Number of files${what}: ${files}${size === undefined ? '' : ` (${size} bytes) `}`;
  const lines = [line('', stats.files, stats.size)];
  if (stats.filesTransferred) lines.push(line(' transferred', stats.filesTransferred, stats.sizeTransferred));
  if (stats.filesCopied) lines.push(line(' copied', stats.filesCopied, stats.sizeCopied));
  if (stats.filesDeleted) lines.push(line(' deleted', stats.filesDeleted, stats.sizeDeleted));
  return lines;
}

/** The closing "Done." line: printed when work was done, and with --stats (followed by the stats); else only with -v. */
export function printDone(ctx: Context, line: string, record: Record<string, unknown>, worked: boolean, stats: SyncStats): void {
  if (ctx.config.stats) ctx.printer.print([line, ...statsLines(stats)].join('\n'), { ...record, stats });
  else if (worked) ctx.printer.print(line, record);
  else ctx.printer.info(line);
}

/** "Done. Uploaded N bytes in S seconds, R B/s." and its JSON record. */
export function transferDone(verb: 'Uploaded' | 'Downloaded', bytes: number, started: number): [string, Record<string, unknown>] {
  const seconds = elapsedSince(started);
  return [`Done. ${verb} ${bytes} bytes in ${seconds.toFixed(1)} seconds, ${formatSpeed(bytes / seconds)}.`, { type: 'done', bytes, seconds }];
}

/** A local file as sync compares it: its size, and its MD5 unless --no-check-md5. */
export type LocalEntry = LocalItem & { size: number; md5?: string };

/**
 * The local files with their MD5s, hashed in parallel; with --cache-file an
 * unchanged file's MD5 comes from the cache, which is then saved with only
 * this run's files (not after a --files-from run, which sees only some).
 */
export async function withMd5s(ctx: Context, items: readonly LocalItem[]): Promise<LocalEntry[]> {
  const entries: LocalEntry[] = items.map((item) => ({ ...item, size: item.stat.size }));
  const cache = ctx.config.cache_file ? await Md5Cache.load(ctx.config.cache_file, ctx.printer) : undefined;
  if (ctx.config.check_md5) {
    await inOrder(entries, ctx.parallel, async (entry) => {
      entry.md5 = cache?.md5(entry.stat);
      if (entry.md5 === undefined) {
        entry.md5 = await fileMd5(entry.path);
        cache?.add(entry.stat, entry.md5);
      }
      return () => undefined;
    });
  }
  if (cache && ctx.filesFrom.length === 0) await cache.save(entries.map((entry) => entry.stat));
  return entries;
}
