// `sync s3://SRC[/PREFIX]... s3://DST[/PREFIX]` (s3cmd's
// cmd_sync_remote2remote): server-side copies of new and changed objects, a
// copy within the destination where it already holds the same content, and
// with --delete-removed deletes of destination objects without a source.

import type { Context } from '../context.js';
import { EX_OK, EX_PARTIAL } from '../exit-codes.js';
import { describeS3Error } from '../failures.js';
import { S3ServiceError } from '../../sdk/errors.js';
import { joinPath } from '../local-list.js';
import { inOrder } from '../parallel.js';
import { fetchRemoteList, type RemoteItem } from '../remote-list.js';
import { formatS3Uri, parseS3Uri } from '../s3uri.js';
import { compareFilelists } from '../sync-compare.js';
import { batchDeleteList } from './batch-delete.js';
import { copyOne } from './copy.js';
import { elapsedSince, mayDelete, printDone, printExcludedKeys } from './sync-shared.js';

export async function syncRemote(ctx: Context, args: string[]): Promise<number> {
  const { config, printer, client, filters } = ctx;
  const base = formatS3Uri(parseS3Uri(args.at(-1)!)!);
  const sources = args.slice(0, -1);
  const destinationBases = new Set(sources.map((source) => (source.endsWith('/') ? base : joinPath(base, source.slice(source.lastIndexOf('/') + 1)))));
  const src = await fetchRemoteList(client, printer, sources, { recursive: true, requireAttribs: true, filters });
  const dst = await fetchRemoteList(client, printer, [...destinationBases], { recursive: true, requireAttribs: true, filters });
  printer.info(`Found ${src.items.length} source files, ${dst.items.length} destination files`);
  printer.info('Verifying attributes...');
  const plan = compareFilelists(
    { entries: src.items, remote: true },
    { entries: dst.items, remote: true, excluded: dst.excluded },
    { skipExisting: config.skip_existing, checkMd5: config.check_md5 },
  );
  const copies = [...plan.transfer, ...plan.update];
  printer.print(`Summary: ${copies.length} source files to copy, ${plan.orphans.length} files at destination to delete`);
  if (config.dry_run) {
    printExcludedKeys(printer, src.excluded, dst.excluded);
    if (config.delete_removed) for (const item of plan.orphans) printer.print(`delete: '${item.uri}'`, { type: 'delete', uri: item.uri, dryRun: true });
    for (const item of copies) printer.print(`remote copy: '${item.uri}' -> '${base + item.name}'`, { type: 'copy', source: item.uri, destination: base + item.name, dryRun: true });
    printer.warning('Exiting now because of --dry-run');
    return EX_OK;
  }
  const deleteAfter = config.delete_after || plan.copies.length > 0;
  const deleting = mayDelete(ctx, src.items.length, plan.orphans.length) && plan.orphans.length > 0;
  let deleted = deleting && !deleteAfter && (await batchDeleteList(ctx, plan.orphans));
  const started = Date.now();
  let ret = EX_OK;
  let copied = 0;
  let copiedBytes = 0;
  const copyAll = async (items: readonly RemoteItem[], first: number, total: number) => {
    await inOrder(items, ctx.parallel, async (item, i) => {
      const target = base + item.name;
      const to = parseS3Uri(target)!;
      const label = `[${first + i + 1} of ${total}]`;
      try {
        await copyOne(ctx, item, to.bucket, to.key, false);
        copied++;
        copiedBytes += item.size ?? 0;
        return () => printer.print(`remote copy: '${item.uri}' -> '${target}'  ${label}`, { type: 'copy', source: item.uri, destination: target });
      } catch (error) {
        if (!(error instanceof S3ServiceError) || config.stop_on_error) throw error;
        ret = EX_PARTIAL;
        return () => printer.error(`File '${item.uri}' could not be copied: ${describeS3Error(error)}`);
      }
    });
  };
  await copyAll(copies, 0, copies.length);
  // remote_copy within the destination, numbered on its own.
  const failed: RemoteItem[] = [];
  for (const [i, pair] of plan.copies.entries()) {
    const from = parseS3Uri(base + pair.from)!;
    const to = parseS3Uri(base + pair.to)!;
    try {
      await copyOne(ctx, from, to.bucket, to.key, false);
      printer.print(`remote copy: '${pair.from}' -> '${pair.to}'  [${i + 1} of ${plan.copies.length}]`, { type: 'copy', source: pair.from, destination: pair.to });
      copiedBytes += pair.source.size ?? 0;
    } catch {
      printer.warning(`Unable to remote copy files '${base + pair.from}' -> '${base + pair.to}'`);
      failed.push(pair.source);
    }
  }
  await copyAll(failed, copies.length, copies.length + failed.length);
  if (deleting && deleteAfter) deleted = await batchDeleteList(ctx, plan.orphans);
  const seconds = elapsedSince(started);
  // s3cmd counts every copy within the destination as done, and divides the attempts by the time.
  const attempts = copies.length + failed.length;
  const done = `Done. Copied ${copied + plan.copies.length} files in ${seconds.toFixed(1)} seconds, ${(attempts / seconds).toFixed(2)} files/s.`;
  printDone(ctx, done, { type: 'done', seconds }, attempts > 0, {
    files: src.items.length,
    size: src.items.reduce((sum, item) => sum + (item.size ?? 0), 0),
    filesCopied: copied + plan.copies.length,
    sizeCopied: copiedBytes,
    filesDeleted: deleted ? plan.orphans.length : 0,
  });
  return ret;
}
