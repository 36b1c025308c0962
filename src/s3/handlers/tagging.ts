// Get/Put/DeleteObjectTagging and Get/Put/DeleteBucketTagging. Object tags
// change in place: the object's data, ETag and Last-Modified stay.

import { S3Error, errors } from '../../errors.js';
import { MAX_XML_BODY_BYTES } from '../../limits.js';
import type { ObjectInfo } from '../../store/meta.js';
import { emptyResponse, xmlResponse, type RequestContext, type S3Response } from '../context.js';
import type { Operation } from '../operation.js';
import { deleteBucketConfig, storeBucketConfig, storedBucketConfig } from '../bucket-config.js';
import { requireBucket } from '../require-bucket.js';
import { requestedObject, versionHeader } from '../versions.js';
import { tagsFromXml, tagsXml, type Tags } from '../tagging.js';
import { readSmallBody } from '../xml.js';

type TaggingOperation<T extends Operation['type']> = RequestContext<Extract<Operation, { type: T }>>;

export async function getObjectTagging(ctx: TaggingOperation<'GetObjectTagging'>): Promise<S3Response> {
  const { bucket, object } = await requestedObject(ctx, ctx.op.bucket, ctx.op.key, 'info');
  return xmlResponse(tagsXml(object.tags), 200, versionHeader(bucket, object.versionId));
}

export async function putObjectTagging(ctx: TaggingOperation<'PutObjectTagging'>): Promise<S3Response> {
  const { bucket, object } = await requestedObject(ctx, ctx.op.bucket, ctx.op.key, 'info');
  const tags = tagsFromXml(await readSmallBody(ctx.payload.stream, MAX_XML_BODY_BYTES));
  await setTags(ctx, object, tags);
  return emptyResponse(200, versionHeader(bucket, object.versionId));
}

export async function deleteObjectTagging(ctx: TaggingOperation<'DeleteObjectTagging'>): Promise<S3Response> {
  const { bucket, object } = await requestedObject(ctx, ctx.op.bucket, ctx.op.key, 'info');
  await setTags(ctx, object, {});
  return emptyResponse(204, versionHeader(bucket, object.versionId));
}

async function setTags(ctx: TaggingOperation<'PutObjectTagging' | 'DeleteObjectTagging'>, object: ObjectInfo, tags: Tags): Promise<void> {
  if (!(await ctx.services.meta.setObjectTags(object.bucket, object.key, tags, object.versionId))) throw errors.noSuchKey(object.key);
}

export async function getBucketTagging(ctx: TaggingOperation<'GetBucketTagging'>): Promise<S3Response> {
  const { bucket } = ctx.op;
  const stored = await storedBucketConfig(ctx, bucket, 'tags', () => new S3Error('NoSuchTagSet', 404, 'The TagSet does not exist', { BucketName: bucket }));
  return xmlResponse(tagsXml(JSON.parse(stored) as Tags));
}

export async function putBucketTagging(ctx: TaggingOperation<'PutBucketTagging'>): Promise<S3Response> {
  await requireBucket(ctx, ctx.op.bucket);
  const tags = tagsFromXml(await readSmallBody(ctx.payload.stream, MAX_XML_BODY_BYTES), 'bucket');
  await storeBucketConfig(ctx, ctx.op.bucket, 'tags', JSON.stringify(tags));
  return emptyResponse(204);
}

export function deleteBucketTagging(ctx: TaggingOperation<'DeleteBucketTagging'>): Promise<S3Response> {
  return deleteBucketConfig(ctx, ctx.op.bucket, 'tags');
}
