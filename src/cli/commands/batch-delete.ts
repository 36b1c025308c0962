// Deleting every object under a URI with multi-object deletes of up to 1000
// keys (s3cmd's subcmd_batch_del_iterative), printing "delete: 's3://...'"
// for each, one page behind the listing.

import { MAX_DELETE_OBJECTS } from '../../limits.js';
import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import type { S3Uri } from '../s3uri.js';

export async function batchDelete(ctx: Context, uri: S3Uri): Promise<number> {
  const { client, printer, config } = ctx;
  let count = 0;
  for await (const page of client.listObjects(uri.bucket, { prefix: uri.key })) {
    for (let i = 0; i < page.objects.length; i += MAX_DELETE_OBJECTS) {
      const keys = page.objects.slice(i, i + MAX_DELETE_OBJECTS).map((o) => o.key);
      if (!config.dry_run) {
        const result = await client.deleteObjects(uri.bucket, keys, true);
        if (result.errors.length > 0) {
          const first = result.errors[0]!;
          throw new Error(`Delete of '${first.key}' failed: ${first.code} ${first.message}`);
        }
      }
      for (const key of keys) printer.print(`delete: 's3://${uri.bucket}/${key}'`, { type: 'delete', uri: `s3://${uri.bucket}/${key}` });
      count += keys.length;
    }
  }
  if (count === 0) printer.warning('Remote list is empty.');
  return EX_OK;
}
