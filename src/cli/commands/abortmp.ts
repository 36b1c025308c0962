// `abortmp s3://BUCKET/OBJECT Id`: abort a multipart upload.

import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { formatS3Uri, parseS3Uri } from '../s3uri.js';

export async function abortmp(ctx: Context, args: string[]): Promise<number> {
  const uri = parseS3Uri(args[0]!);
  if (!uri?.bucket) throw new ParameterError(`Expecting S3 URI instead of '${args[0]}'`);
  await ctx.client.abortMultipartUpload(uri.bucket, uri.key, args[1]!);
  ctx.printer.print(formatS3Uri(uri), { type: 'aborted', uri: formatS3Uri(uri), uploadId: args[1] });
  return EX_OK;
}
