// `la`: the listing of every bucket of the project, each followed by an empty line.

import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { listBucket } from './ls.js';

export async function la(ctx: Context): Promise<number> {
  for (const bucket of await ctx.client.listBuckets()) {
    await listBucket(ctx, { bucket: bucket.name, key: '' });
    ctx.printer.print('');
  }
  return EX_OK;
}
