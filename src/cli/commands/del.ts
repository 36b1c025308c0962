// `del|rm s3://BUCKET/OBJECT`: delete objects; with --recursive (and --force
// for a whole bucket) everything under the URI, in batches. With filters or
// --max-delete the list is fetched first, so it can be filtered and counted.

import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { printExcluded } from '../output.js';
import { fetchRemoteList } from '../remote-list.js';
import { parseS3Uri } from '../s3uri.js';
import { batchDelete, batchDeleteList } from './batch-delete.js';

export async function del(ctx: Context, args: string[]): Promise<number> {
  const { config, printer, client, filters } = ctx;
  for (const arg of args) {
    const uri = parseS3Uri(arg);
    if (!uri) throw new ParameterError(`Expecting S3 URI instead of '${arg}'`);
    if (!uri.key) {
      if (config.recursive && !config.force) throw new ParameterError(`Please use --force to delete ALL contents of ${arg}`);
      if (!config.recursive) throw new ParameterError('File name required, not only the bucket name. Alternatively use --recursive');
    }
    const listed = () => fetchRemoteList(client, printer, [arg], { recursive: config.recursive, requireAttribs: false, filters });
    if (config.recursive && !filters.active && config.max_delete <= 0) {
      await batchDelete(ctx, uri);
      continue;
    }
    if (config.recursive) {
      const { items } = await listed();
      if (items.length === 0) printer.warning('Remote list is empty.');
      else if ((await batchDeleteList(ctx, items)) && config.dry_run) printer.warning('Exiting now because of --dry-run');
      continue;
    }
    const { items, excluded } = await listed();
    printer.info(`Summary: ${items.length} remote files to delete`);
    if (config.max_delete > 0 && items.length > config.max_delete) {
      printer.warning('delete: maximum requested number of deletes would be exceeded, none performed.');
      return EX_OK;
    }
    if (config.dry_run) {
      printExcluded(printer, excluded);
      for (const item of items) printer.print(`delete: ${item.uri}`, { type: 'delete', uri: item.uri, dryRun: true });
      printer.warning('Exiting now because of --dry-run');
      continue;
    }
    for (const item of items) {
      await client.deleteObject(item.bucket, item.key);
      printer.print(`delete: '${item.uri}'`, { type: 'delete', uri: item.uri });
    }
  }
  return EX_OK;
}
