// What every bucket configuration (policy, tags, CORS, lifecycle) does the
// same way once its handler has parsed or formatted it: store it, read it
// back (S3's NoSuch…Configuration when there is none), delete it.

import { errors, type S3Error } from '../errors.js';
import type { BucketConfig } from '../store/meta.js';
import { emptyResponse, type RequestContext, type S3Response } from './context.js';
import { requireBucket } from './require-bucket.js';

/** Stores a configuration already checked; NoSuchBucket if the bucket went away meanwhile. */
export async function storeBucketConfig(ctx: RequestContext, bucket: string, config: BucketConfig, value: string): Promise<void> {
  if (!(await ctx.services.meta.setBucketConfig(bucket, config, value))) throw errors.noSuchBucket(bucket);
}

/** The stored text of a configuration, or `missing` (S3's error for its absence). */
export async function storedBucketConfig(ctx: RequestContext, bucket: string, config: BucketConfig, missing: () => S3Error): Promise<string> {
  const found = (await requireBucket(ctx, bucket))[config];
  if (found === undefined) throw missing();
  return found;
}

/** DELETE of a configuration: 204, whether there was one or not. */
export async function deleteBucketConfig(ctx: RequestContext, bucket: string, config: BucketConfig): Promise<S3Response> {
  await requireBucket(ctx, bucket);
  await ctx.services.meta.setBucketConfig(bucket, config, undefined);
  return emptyResponse(204);
}
