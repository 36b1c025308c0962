// `multipart s3://BUCKET`: the multipart uploads in progress, tab-separated.

import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { formatS3Uri, parseS3Uri } from '../s3uri.js';

export async function multipart(ctx: Context, args: string[]): Promise<number> {
  const uri = parseS3Uri(args[0]!);
  if (!uri?.bucket) throw new ParameterError(`Expecting S3 URI instead of '${args[0]}'`);
  const uploads = await ctx.client.listMultipartUploads(uri.bucket, uri.key || undefined);
  ctx.printer.print(formatS3Uri(uri));
  ctx.printer.print('Initiated\tPath\tId');
  for (const upload of uploads) {
    const path = `s3://${uri.bucket}/${upload.key}`;
    ctx.printer.print(`${upload.initiated}\t${path}\t${upload.uploadId}`, { type: 'upload', initiated: upload.initiated, uri: path, uploadId: upload.uploadId });
  }
  return EX_OK;
}
