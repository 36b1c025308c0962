// `listmp s3://BUCKET/OBJECT Id`: the parts uploaded so far, tab-separated.

import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { parseS3Uri } from '../s3uri.js';

export async function listmp(ctx: Context, args: string[]): Promise<number> {
  const uri = parseS3Uri(args[0]!);
  if (!uri?.bucket) throw new ParameterError(`Expecting S3 URI instead of '${args[0]}'`);
  const parts = await ctx.client.listParts(uri.bucket, uri.key, args[1]!);
  ctx.printer.print('LastModified\t\t\tPartNumber\tETag\tSize');
  for (const part of parts) {
    ctx.printer.print(`${part.lastModified}\t${part.partNumber}\t${part.etag}\t${part.size}`, { type: 'part', ...part });
  }
  return EX_OK;
}
