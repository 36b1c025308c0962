// `rb s3://BUCKET`: remove a bucket; with --force or --recursive a bucket
// that is not empty is emptied first.

import { S3ServiceError } from '../../sdk/errors.js';
import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { bucketMessage } from '../failures.js';
import { bucketOnly } from '../s3uri.js';
import { batchDelete } from './batch-delete.js';

async function removeBucket(ctx: Context, bucket: string, retry: boolean): Promise<number> {
  const { config, printer } = ctx;
  try {
    await ctx.client.deleteBucket(bucket);
    printer.print(`Bucket 's3://${bucket}/' removed`, { type: 'bucketRemoved', bucket });
    return EX_OK;
  } catch (error) {
    if (error instanceof S3ServiceError && error.code === 'NoSuchBucket') {
      if (config.force) return EX_OK;
      throw error;
    }
    if (error instanceof S3ServiceError && error.code === 'BucketNotEmpty' && retry && (config.force || config.recursive)) {
      printer.warning('Bucket is not empty. Removing all the objects from it first. This may take some time...');
      const code = await batchDelete(ctx, { bucket, key: '' });
      if (code === EX_OK) return removeBucket(ctx, bucket, false);
      printer.print('Bucket was not removed');
    } else {
      const message = bucketMessage(error, bucket);
      if (message) printer.error(message);
    }
    throw error;
  }
}

export async function rb(ctx: Context, args: string[]): Promise<number> {
  for (const arg of args) {
    const code = await removeBucket(ctx, bucketOnly(arg), true);
    if (code !== EX_OK) return code;
  }
  return EX_OK;
}
