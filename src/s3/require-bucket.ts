// Loads the bucket a request names and checks the caller may act on it.

import { authorize } from '../access/authorize.js';
import { errors } from '../errors.js';
import type { Bucket } from '../store/meta.js';
import { actionOf, conditionContext } from './actions.js';
import type { RequestContext } from './context.js';

export interface BucketAccess {
  /** The IAM action; by default the one of the request's operation. */
  action?: string;
  /** The object acted on, for object-level actions; by default the request's key. */
  key?: string;
  /** The version acted on; by default the request's versionId parameter. */
  versionId?: string;
}

export async function requireBucket(ctx: RequestContext, name: string, access: BucketAccess = {}): Promise<Bucket> {
  const bucket = await ctx.services.meta.getBucket(name);
  if (!bucket) throw errors.noSuchBucket(name);
  await authorizeOn(ctx, bucket, access);
  return bucket;
}

/** Checks one more action on an already loaded bucket (e.g. each key of a DeleteObjects). */
export async function authorizeOn(ctx: RequestContext, bucket: Bucket, access: BucketAccess = {}): Promise<void> {
  const key = access.key ?? ('key' in ctx.op ? ctx.op.key : undefined);
  const versionId = access.versionId ?? ctx.target.query.get('versionId') ?? undefined;
  // Only a policy reads condition keys: requests to buckets without one skip building them.
  const context = bucket.policy === undefined ? {} : conditionContext(ctx);
  if (bucket.policy !== undefined && key !== undefined) {
    // s3:ExistingObjectTag/<key> needs the object's tags.
    const existing = await ctx.services.meta.getObject(bucket.name, key);
    for (const [tag, value] of Object.entries(existing?.tags ?? {})) context[`s3:ExistingObjectTag/${tag}`] = value;
  }
  return authorize(ctx.services.meta, {
    credential: ctx.credential,
    bucket,
    action: access.action ?? actionOf(ctx.op.type, versionId),
    key,
    versionId,
    context,
  });
}
