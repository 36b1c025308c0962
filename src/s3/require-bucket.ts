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

/** Condition keys are case-insensitive, so is this test for policies that read s3:ExistingObjectTag/<key>. */
const EXISTING_OBJECT_TAG = /s3:ExistingObjectTag\//i;

/** Checks one more action on an already loaded bucket (e.g. each key of a DeleteObjects). */
export async function authorizeOn(ctx: RequestContext, bucket: Bucket, access: BucketAccess = {}): Promise<void> {
  const key = access.key ?? ('key' in ctx.op ? ctx.op.key : undefined);
  const versionId = access.versionId ?? ctx.target.query.get('versionId') ?? undefined;
  // Only a policy reads condition keys: requests to buckets without one skip building them.
  const context = bucket.policy === undefined ? {} : conditionContext(ctx);
  if (key !== undefined && bucket.policy !== undefined && EXISTING_OBJECT_TAG.test(bucket.policy)) {
    // Only a policy that asks about the object's tags costs a read of the object (the version named, if any).
    const { meta } = ctx.services;
    const existing = versionId === undefined ? await meta.getObject(bucket.name, key) : await meta.getObjectVersion(bucket.name, key, versionId);
    const tags = existing === undefined || 'deleteMarker' in existing ? undefined : existing.tags;
    for (const [tag, value] of Object.entries(tags ?? {})) context[`s3:ExistingObjectTag/${tag}`] = value;
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
