// `du [s3://BUCKET[/PREFIX]]`: bytes and objects under a bucket or prefix, or
// per bucket with a total.

import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { formatS3Uri, parseS3Uri, type S3Uri } from '../s3uri.js';
import { formatSize, usageLine } from '../output.js';
import { withBucketMessage } from './with-bucket-message.js';

async function usage(ctx: Context, uri: S3Uri): Promise<number> {
  let bytes = 0;
  let objects = 0;
  await withBucketMessage(ctx, uri.bucket, async () => {
    for await (const page of ctx.client.listObjects(uri.bucket, { prefix: uri.key })) {
      for (const object of page.objects) bytes += object.size;
      objects += page.objects.length;
    }
  });
  const uriText = formatS3Uri(uri);
  ctx.printer.print(usageLine(ctx.config.human_readable_sizes, bytes, objects, uriText), { type: 'usage', uri: uriText, bytes, objects });
  return bytes;
}

export async function du(ctx: Context, args: string[]): Promise<number> {
  const uri = args[0] !== undefined ? parseS3Uri(args[0]) : undefined;
  if (uri?.bucket) {
    await usage(ctx, uri);
    return EX_OK;
  }
  let total = 0;
  for (const bucket of await ctx.client.listBuckets()) total += await usage(ctx, { bucket: bucket.name, key: '' });
  const [value, unit] = formatSize(total, ctx.config.human_readable_sizes);
  ctx.printer.print('-'.repeat(12));
  ctx.printer.print(`${`${value}${unit}`.padEnd(12)} Total`, { type: 'total', bytes: total });
  return EX_OK;
}
