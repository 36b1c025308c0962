// Get/Put Bucket/Object ACL. A PUT takes either grant headers (x-amz-acl,
// x-amz-grant-*) or an AccessControlPolicy document, as S3 does, and
// replaces the whole list.

import type { Grant } from '../../store/meta.js';
import { errors } from '../../errors.js';
import { MAX_XML_BODY_BYTES } from '../../limits.js';
import { aclFromHeaders, aclFromXml, aclXml, normaliseAcl } from '../acl.js';
import { emptyResponse, xmlResponse, type RequestContext, type S3Response } from '../context.js';
import type { Operation } from '../operation.js';
import { requireBucket } from '../require-bucket.js';
import { requestedObject, versionHeader } from '../versions.js';
import { readSmallBody } from '../xml.js';

type AclOperation<T extends Operation['type']> = RequestContext<Extract<Operation, { type: T }>>;

/** The ACL a PUT ?acl asks for, ready to store. */
async function requestedAcl(ctx: RequestContext, ownerProjectId: string): Promise<Grant[]> {
  const fromHeaders = aclFromHeaders(ctx.headers);
  const body = await readSmallBody(ctx.payload.stream, MAX_XML_BODY_BYTES);
  if (fromHeaders !== undefined && body.length > 0) {
    throw errors.invalidRequest('Specifying both an ACL document and ACL headers is not allowed');
  }
  if (fromHeaders === undefined && body.length === 0) throw errors.malformedXml();
  return normaliseAcl(ctx.services.meta, fromHeaders ?? aclFromXml(body), ownerProjectId);
}

export async function getBucketAcl(ctx: AclOperation<'GetBucketAcl'>): Promise<S3Response> {
  const bucket = await requireBucket(ctx, ctx.op.bucket);
  return xmlResponse(await aclXml(ctx.services.meta, bucket.projectId, bucket.acl));
}

export async function putBucketAcl(ctx: AclOperation<'PutBucketAcl'>): Promise<S3Response> {
  const bucket = await requireBucket(ctx, ctx.op.bucket);
  const acl = await requestedAcl(ctx, bucket.projectId);
  if (!(await ctx.services.meta.setBucketAcl(bucket.name, acl))) throw errors.noSuchBucket(bucket.name);
  return emptyResponse(200);
}

export async function getObjectAcl(ctx: AclOperation<'GetObjectAcl'>): Promise<S3Response> {
  const { bucket, object } = await requestedObject(ctx, ctx.op.bucket, ctx.op.key, 'info');
  return xmlResponse(await aclXml(ctx.services.meta, object.ownerProjectId, object.acl), 200, versionHeader(bucket, object.versionId));
}

export async function putObjectAcl(ctx: AclOperation<'PutObjectAcl'>): Promise<S3Response> {
  const { bucket, object } = await requestedObject(ctx, ctx.op.bucket, ctx.op.key, 'info');
  const acl = await requestedAcl(ctx, object.ownerProjectId);
  if (!(await ctx.services.meta.setObjectAcl(bucket.name, ctx.op.key, acl, object.versionId))) throw errors.noSuchKey(ctx.op.key);
  return emptyResponse(200, versionHeader(bucket, object.versionId));
}
