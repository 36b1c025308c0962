// Deleting objects with multi-object deletes of up to 1000 keys, printing
// "delete: 's3://...'" for each: everything under a URI, one page behind the
// listing (s3cmd's subcmd_batch_del_iterative), or a list already fetched
// and filtered, within --max-delete (subcmd_batch_del, which sync uses too).

import { MAX_DELETE_OBJECTS } from '../../limits.js';
import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import type { RemoteItem } from '../remote-list.js';
import type { S3Uri } from '../s3uri.js';

async function deleteKeys(ctx: Context, bucket: string, keys: readonly string[]): Promise<void> {
  const result = await ctx.client.deleteObjects(bucket, keys, true);
  if (result.errors.length > 0) {
    const first = result.errors[0]!;
    throw new Error(`Delete of '${first.key}' failed: ${first.code} ${first.message}`);
  }
}

export async function batchDelete(ctx: Context, uri: S3Uri): Promise<number> {
  const { client, printer, config } = ctx;
  let count = 0;
  for await (const page of client.listObjects(uri.bucket, { prefix: uri.key })) {
    for (let i = 0; i < page.objects.length; i += MAX_DELETE_OBJECTS) {
      const keys = page.objects.slice(i, i + MAX_DELETE_OBJECTS).map((o) => o.key);
      if (!config.dry_run) await deleteKeys(ctx, uri.bucket, keys);
      for (const key of keys) printer.print(`delete: 's3://${uri.bucket}/${key}'`, { type: 'delete', uri: `s3://${uri.bucket}/${key}` });
      count += keys.length;
    }
  }
  if (count === 0) printer.warning('Remote list is empty.');
  return EX_OK;
}

/** Deletes `items` unless there are more than --max-delete; false when it refused. */
export async function batchDeleteList(ctx: Context, items: readonly RemoteItem[]): Promise<boolean> {
  const { printer, config } = ctx;
  if (config.max_delete > 0 && items.length > config.max_delete) {
    printer.warning('delete: maximum requested number of deletes would be exceeded, none performed.');
    return false;
  }
  for (let i = 0; i < items.length; i += MAX_DELETE_OBJECTS) {
    const batch = items.slice(i, i + MAX_DELETE_OBJECTS);
    // One request per bucket: s3cmd's batches never mix buckets, a sync has only one destination.
    if (!config.dry_run) await deleteKeys(ctx, batch[0]!.bucket, batch.map((item) => item.key));
    for (const item of batch) printer.print(`delete: '${item.uri}'`, { type: 'delete', uri: item.uri });
  }
  return true;
}
