// Bucket policies: Put/Get/DeleteBucketPolicy and GetBucketPolicyStatus. A
// policy is validated in full (access/policy.ts) before it is stored; it is
// stored as sent and evaluated on every request to the bucket.

import { bucketPolicy } from '../../access/authorize.js';
import { parsePolicy } from '../../access/policy.js';
import { S3Error } from '../../errors.js';
import { MAX_BUCKET_POLICY_BYTES } from '../../limits.js';
import { emptyResponse, xmlResponse, type RequestContext, type S3Response } from '../context.js';
import type { Operation } from '../operation.js';
import { deleteBucketConfig, storeBucketConfig, storedBucketConfig } from '../bucket-config.js';
import { requireBucket } from '../require-bucket.js';
import { document, el, readSmallBody } from '../xml.js';

type PolicyOperation<T extends Operation['type']> = RequestContext<Extract<Operation, { type: T }>>;

/** Raw bytes read for a policy: its size limit counts no whitespace, so allow for generous formatting. */
const MAX_POLICY_BODY_BYTES = 4 * MAX_BUCKET_POLICY_BYTES;

function noSuchBucketPolicy(bucket: string): S3Error {
  return new S3Error('NoSuchBucketPolicy', 404, 'The bucket policy does not exist', { BucketName: bucket });
}

export async function putBucketPolicy(ctx: PolicyOperation<'PutBucketPolicy'>): Promise<S3Response> {
  const { bucket } = ctx.op;
  await requireBucket(ctx, bucket);
  const body = await readSmallBody(ctx.payload.stream, MAX_POLICY_BODY_BYTES).catch(() => {
    throw new S3Error('MalformedPolicy', 400, 'Policy exceeds the maximum allowed document size.');
  });
  const text = body.toString('utf8');
  parsePolicy(text, bucket);
  await storeBucketConfig(ctx, bucket, 'policy', text);
  return emptyResponse(204);
}

export async function getBucketPolicy(ctx: PolicyOperation<'GetBucketPolicy'>): Promise<S3Response> {
  const policy = await storedBucketConfig(ctx, ctx.op.bucket, 'policy', () => noSuchBucketPolicy(ctx.op.bucket));
  return { status: 200, headers: { 'Content-Type': 'application/json' }, body: policy };
}

export function deleteBucketPolicy(ctx: PolicyOperation<'DeleteBucketPolicy'>): Promise<S3Response> {
  return deleteBucketConfig(ctx, ctx.op.bucket, 'policy');
}

/**
 * A policy is public when some Allow statement applies to everyone with no
 * condition: anyone on the internet may then use what it grants.
 */
export async function getBucketPolicyStatus(ctx: PolicyOperation<'GetBucketPolicyStatus'>): Promise<S3Response> {
  const found = await requireBucket(ctx, ctx.op.bucket);
  if (found.policy === undefined) throw noSuchBucketPolicy(ctx.op.bucket);
  const policy = bucketPolicy(found)!;
  const isPublic = policy.statements.some(
    (s) => s.effect === 'Allow' && !s.principal.negated && s.principal.set.everyone && s.conditions.length === 0,
  );
  return xmlResponse(document('PolicyStatus', el('IsPublic', isPublic)));
}
