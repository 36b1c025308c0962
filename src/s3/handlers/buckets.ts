// Bucket operations: list, create, head, delete, location, and the bucket
// configurations `s3cmd info` reads (payer) as far as this server has
// them; ACL, policy, CORS, lifecycle and versioning have handlers of their own.

import { requireCredential, requireProjectWriter } from '../../access/authorize.js';
import { S3Error, errors } from '../../errors.js';
import { MAX_XML_BODY_BYTES } from '../../limits.js';
import { aclFromHeaders, normaliseAcl } from '../acl.js';
import { assertValidBucketName } from '../bucket-name.js';
import { emptyResponse, xmlResponse, type RequestContext, type S3Response } from '../context.js';
import type { Operation } from '../operation.js';
import { OwnerNames, ownerXml } from '../owner.js';
import { requireBucket } from '../require-bucket.js';
import { document, el, isoDate, parseXml, readSmallBody, text } from '../xml.js';

type BucketOperation<T extends Operation['type']> = RequestContext<Extract<Operation, { type: T }>>;

export async function listBuckets(ctx: RequestContext): Promise<S3Response> {
  const credential = requireCredential(ctx.credential);
  const { meta } = ctx.services;
  const [buckets, owner] = await Promise.all([
    meta.listBuckets(credential.projectId),
    new OwnerNames(meta).get(credential.projectId),
  ]);
  const items = buckets.map((b) => `<Bucket>${el('Name', b.name)}${el('CreationDate', isoDate(b.createdAt))}</Bucket>`);
  return xmlResponse(document('ListAllMyBucketsResult', `${ownerXml(owner)}<Buckets>${items.join('')}</Buckets>`));
}

/** The LocationConstraint of a CreateBucket body, '' when there is no body. */
async function locationConstraint(ctx: RequestContext): Promise<string> {
  const body = await readSmallBody(ctx.payload.stream, MAX_XML_BODY_BYTES);
  if (body.length === 0) return '';
  const root = parseXml(body)['CreateBucketConfiguration'];
  if (root === undefined) throw errors.malformedXml();
  const location = text(root, 'LocationConstraint') ?? '';
  if (!/^[A-Za-z0-9-]*$/.test(location)) {
    throw new S3Error('InvalidLocationConstraint', 400, 'The specified location-constraint is not valid', {
      LocationConstraint: location,
    });
  }
  return location;
}

export async function createBucket(ctx: BucketOperation<'CreateBucket'>): Promise<S3Response> {
  const credential = await requireProjectWriter(ctx.services.meta, ctx.credential);
  const name = ctx.op.bucket;
  assertValidBucketName(name);
  const acl = aclFromHeaders(ctx.headers);
  const region = await locationConstraint(ctx);
  const existing = await ctx.services.meta.createBucket({
    name,
    projectId: credential.projectId,
    region,
    createdAt: new Date(),
    acl: acl && (await normaliseAcl(ctx.services.meta, acl, credential.projectId)),
  });
  if (existing) {
    if (existing.projectId === credential.projectId) {
      throw new S3Error('BucketAlreadyOwnedByYou', 409, 'Your previous request to create the named bucket succeeded and you already own it.', { BucketName: name });
    }
    throw new S3Error('BucketAlreadyExists', 409, 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.', { BucketName: name });
  }
  return emptyResponse(200, { Location: `/${name}` });
}

export async function headBucket(ctx: BucketOperation<'HeadBucket'>): Promise<S3Response> {
  const bucket = await requireBucket(ctx, ctx.op.bucket);
  return emptyResponse(200, { 'x-amz-bucket-region': bucket.region || ctx.services.config.region });
}

export async function deleteBucket(ctx: BucketOperation<'DeleteBucket'>): Promise<S3Response> {
  await requireBucket(ctx, ctx.op.bucket);
  const outcome = await ctx.services.meta.deleteBucket(ctx.op.bucket);
  if (outcome === 'not-empty') {
    throw new S3Error('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty', { BucketName: ctx.op.bucket });
  }
  if (outcome === 'missing') throw errors.noSuchBucket(ctx.op.bucket);
  return emptyResponse(204);
}

export async function getBucketLocation(ctx: BucketOperation<'GetBucketLocation'>): Promise<S3Response> {
  const bucket = await requireBucket(ctx, ctx.op.bucket);
  return xmlResponse(document('LocationConstraint', bucket.region ? bucket.region : ''));
}

export async function getBucketRequestPayment(ctx: BucketOperation<'GetBucketRequestPayment'>): Promise<S3Response> {
  await requireBucket(ctx, ctx.op.bucket);
  return xmlResponse(document('RequestPaymentConfiguration', el('Payer', 'BucketOwner')));
}
