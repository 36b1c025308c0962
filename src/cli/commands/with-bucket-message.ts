// Runs a bucket operation and, when it fails with one of the errors s3cmd
// explains (NoSuchBucket, AccessDenied, BucketAlreadyExists), prints that
// explanation before the error goes on to main.

import type { Context } from '../context.js';
import { bucketMessage } from '../failures.js';

export async function withBucketMessage<T>(ctx: Context, bucket: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    const message = bucketMessage(error, bucket);
    if (message) ctx.printer.error(message);
    throw error;
  }
}
