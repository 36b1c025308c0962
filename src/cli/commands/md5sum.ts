// `md5sum s3://BUCKET/OBJECT…` (-r for all under a prefix): each object's
// MD5 in GNU md5sum's format ("<md5>  s3://bucket/key"), to compare with
// `md5sum` of local files. A multipart object's ETag is no MD5: its MD5 is
// the one s3cmd stores in its attributes, or, without one, the object is
// read and hashed on the way (nothing is written).

import { createHash } from 'node:crypto';
import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { inOrder } from '../parallel.js';
import { fetchRemoteList, type RemoteItem } from '../remote-list.js';

async function readMd5(ctx: Context, item: RemoteItem): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of (await ctx.client.getObject(item.bucket, item.key)).body) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function md5sum(ctx: Context, args: string[]): Promise<number> {
  if (args.length === 0) throw new ParameterError('Expecting S3 URI.');
  const { items } = await fetchRemoteList(ctx.client, ctx.printer, args, { recursive: ctx.config.recursive, requireAttribs: true, filters: ctx.filters });
  // Directory markers ("dir/") have no content of their own to sum.
  const objects = items.filter((item) => !item.key.endsWith('/'));
  await inOrder(objects, ctx.parallel, async (item) => {
    const read = item.md5 === undefined || item.md5.includes('-');
    const md5 = item.md5 === undefined || item.md5.includes('-') ? await readMd5(ctx, item) : item.md5;
    return () => ctx.printer.print(`${md5}  ${item.uri}`, { type: 'md5', uri: item.uri, md5, read });
  });
  return EX_OK;
}
