// `del|rm s3://BUCKET/OBJECT`: delete objects; with --recursive (and --force
// for a whole bucket) everything under the URI, in batches.

import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { fetchRemoteList } from '../remote-list.js';
import { parseS3Uri } from '../s3uri.js';
import { batchDelete } from './batch-delete.js';

export async function del(ctx: Context, args: string[]): Promise<number> {
  const { config, printer, client } = ctx;
  for (const arg of args) {
    const uri = parseS3Uri(arg);
    if (!uri) throw new ParameterError(`Expecting S3 URI instead of '${arg}'`);
    if (!uri.key) {
      if (config.recursive && !config.force) throw new ParameterError(`Please use --force to delete ALL contents of ${arg}`);
      if (!config.recursive) throw new ParameterError('File name required, not only the bucket name. Alternatively use --recursive');
    }
    if (config.recursive) {
      await batchDelete(ctx, uri);
      continue;
    }
    const items = await fetchRemoteList(client, printer, [arg], { recursive: false, requireAttribs: false });
    if (config.dry_run) {
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
