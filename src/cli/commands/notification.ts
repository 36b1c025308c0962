// `setnotification`, `getnotification` and `delnotification` (s3cmd's
// cmd_*notification): a bucket's event notification configuration; deleting
// it puts an empty one, as s3cmd does.

import { readFile } from 'node:fs/promises';
import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { prettyXml } from '../pretty-xml.js';
import { bucketUri } from './bucket-config.js';

async function put(ctx: Context, arg: string, body: string, done: string): Promise<number> {
  const uri = bucketUri(arg);
  const status = await ctx.client.sendSubresource('PUT', uri.bucket, undefined, 'notification', body);
  if (status === 200 || done === 'deleted') ctx.printer.print(`s3://${uri.bucket}/${uri.key}: Notification Policy ${done}`, { type: 'notification', bucket: uri.bucket, [done]: true });
  return EX_OK;
}

export async function setnotification(ctx: Context, args: string[]): Promise<number> {
  return put(ctx, args[1]!, await readFile(args[0]!, 'utf8'), 'updated');
}

export async function delnotification(ctx: Context, args: string[]): Promise<number> {
  return put(ctx, args[0]!, '<NotificationConfiguration></NotificationConfiguration>', 'deleted');
}

export async function getnotification(ctx: Context, args: string[]): Promise<number> {
  const uri = bucketUri(args[0]!);
  const xml = await ctx.client.getSubresource(uri.bucket, undefined, 'notification');
  ctx.printer.print(prettyXml(xml), { type: 'notification', bucket: uri.bucket, document: xml });
  return EX_OK;
}
