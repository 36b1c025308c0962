// Loads the bucket a request names and checks the caller may use it.

import { authorizeBucket } from '../access/authorize.js';
import { errors } from '../errors.js';
import type { Bucket } from '../store/meta.js';
import type { RequestContext } from './context.js';

export async function requireBucket(ctx: RequestContext, name: string): Promise<Bucket> {
  const bucket = await ctx.services.meta.getBucket(name);
  if (!bucket) throw errors.noSuchBucket(name);
  authorizeBucket(ctx.credential, bucket);
  return bucket;
}
