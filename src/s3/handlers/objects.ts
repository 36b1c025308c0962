// Single-object operations: PutObject, GetObject, HeadObject, DeleteObject.

import { S3Error, errors } from '../../errors.js';
import { MAX_INLINE_OBJECT_BYTES, MAX_PUT_OBJECT_BYTES } from '../../limits.js';
import type { Bucket, Grant, ObjectData, ObjectInfo, ObjectRecord } from '../../store/meta.js';
import { aclFromHeaders, normaliseAcl } from '../acl.js';
import { tagsFromHeader, type Tags } from '../tagging.js';
import { checkReadConditions } from '../conditions.js';
import { emptyResponse, header, type RequestContext, type ResponseHeaders, type S3Response } from '../context.js';
import { discard, ingestBody, type IngestedBody } from '../ingest.js';
import { assertValidKey } from '../object-key.js';
import { objectHeaders, parseObjectMetadata, quoteEtag } from '../object-headers.js';
import { objectBody, partRange } from '../object-stream.js';
import type { Operation } from '../operation.js';
import { parseRange, type ByteRange } from '../range.js';
import { requireBucket } from '../require-bucket.js';
import { newVersionHeader, requestedObject, requestedVersionId, versionHeader } from '../versions.js';
import { expirationHeaders } from './lifecycle.js';

type ObjectOperation<T extends Operation['type']> = RequestContext<Extract<Operation, { type: T }>>;

/** GET's response-* query parameters and the headers they override. */
const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'Content-Type',
  'response-content-language': 'Content-Language',
  'response-expires': 'Expires',
  'response-cache-control': 'Cache-Control',
  'response-content-disposition': 'Content-Disposition',
  'response-content-encoding': 'Content-Encoding',
};

/** Conditional writes (If-None-Match: * and If-Match on PutObject). */
function checkWriteConditions(ctx: RequestContext, existing: ObjectInfo | undefined, key: string): void {
  const ifNoneMatch = header(ctx.headers, 'if-none-match');
  const ifMatch = header(ctx.headers, 'if-match');
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') throw errors.notImplemented('If-None-Match other than *');
    if (existing) {
      throw new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-None-Match' });
    }
  }
  if (ifMatch !== undefined) {
    if (!existing) throw errors.noSuchKey(key);
    if (ifMatch.trim().replace(/^"(.*)"$/, '$1') !== existing.etag) {
      throw new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-Match' });
    }
  }
}

export function checksumHeaders(object: Pick<ObjectRecord, 'checksum'>): ResponseHeaders {
  if (!object.checksum) return {};
  return {
    [`x-amz-checksum-${object.checksum.algorithm.toLowerCase()}`]: object.checksum.value,
    'x-amz-checksum-type': object.checksum.type,
  };
}

/** A stored body as the object data of a single-part object. */
export function objectData(body: IngestedBody): ObjectData {
  if (body.data.kind === 'inline') return body.data;
  return { kind: 'parts', parts: [{ partNumber: 1, blobId: body.data.blobId, size: body.size, etag: body.md5, checksum: body.checksum?.value }] };
}

/** The tags a new object gets from x-amz-tagging. */
export function requestedTags(ctx: RequestContext): Tags | undefined {
  const value = header(ctx.headers, 'x-amz-tagging');
  return value === undefined ? undefined : tagsFromHeader(value);
}

/** The ACL a new object gets from x-amz-acl / x-amz-grant-* (none: private). */
export async function requestedObjectAcl(ctx: RequestContext, ownerProjectId: string): Promise<Grant[] | undefined> {
  const acl = aclFromHeaders(ctx.headers);
  return acl && normaliseAcl(ctx.services.meta, acl, ownerProjectId);
}

export async function putObject(ctx: ObjectOperation<'PutObject'>): Promise<S3Response> {
  const { bucket: bucketName, key } = ctx.op;
  const bucket = await requireBucket(ctx, bucketName);
  assertValidKey(key);
  const metadata = parseObjectMetadata(ctx.headers);
  const { meta } = ctx.services;
  const acl = await requestedObjectAcl(ctx, bucket.projectId);
  const tags = requestedTags(ctx);
  if (header(ctx.headers, 'if-none-match') !== undefined || header(ctx.headers, 'if-match') !== undefined) {
    checkWriteConditions(ctx, await meta.getObject(bucketName, key), key);
  }
  // A body that goes to a blob is refused before any of it is written. One kept inline is written
  // nowhere before the commit, whose own check refuses it just the same.
  if (ctx.payload.length !== undefined && ctx.payload.length > MAX_INLINE_OBJECT_BYTES) {
    await meta.checkQuota({ bucket: bucketName, key, size: ctx.payload.length });
  }
  const body = await ingestBody(ctx, { maxBytes: MAX_PUT_OBJECT_BYTES, allowInline: true });
  const object: ObjectRecord = {
    bucket: bucketName,
    key,
    size: body.size,
    etag: body.md5,
    lastModified: new Date(),
    ...metadata,
    checksum: body.checksum ? { ...body.checksum, type: 'FULL_OBJECT' } : undefined,
    ownerProjectId: bucket.projectId,
    acl,
    uploaderUserId: ctx.credential?.userId ?? undefined,
    tags,
    data: objectData(body),
  };
  let versionId: string;
  try {
    versionId = await meta.putObject(object);
  } catch (error) {
    await discard(ctx.services.blobs, body.data);
    throw error;
  }
  return emptyResponse(200, {
    ETag: quoteEtag(object.etag),
    ...checksumHeaders(object),
    ...newVersionHeader(versionId),
    ...expirationHeaders(ctx, bucket, object),
  });
}

interface ReadPlan {
  status: number;
  headers: ResponseHeaders;
  range?: ByteRange;
}

/** Everything GET and HEAD share: conditions, range or part, header overrides. */
function planRead(ctx: ObjectOperation<'GetObject' | 'HeadObject'>, bucket: Bucket, object: ObjectInfo): ReadPlan {
  const headers = { ...objectHeaders(object), ...versionHeader(bucket, object.versionId) };
  if (checkReadConditions(ctx.headers, object) === 'not-modified') {
    return { status: 304, headers: { ETag: headers.ETag!, 'Last-Modified': headers['Last-Modified']! } };
  }
  const rangeHeader = header(ctx.headers, 'range');
  const { partNumber } = ctx.op;
  let range: ByteRange | undefined;
  if (partNumber !== undefined) {
    if (rangeHeader !== undefined) throw errors.invalidRequest('Cannot specify both Range header and partNumber query parameter');
    range = partRange(object, partNumber);
    if (!range) {
      if (!(partNumber === 1 && object.size === 0)) {
        throw new S3Error('InvalidPartNumber', 416, 'The requested partnumber is not satisfiable', { PartNumberRequested: String(partNumber), ActualPartCount: String(object.partsCount ?? 1) });
      }
    }
    headers['x-amz-mp-parts-count'] = object.partsCount ?? 1;
  } else {
    range = parseRange(rangeHeader, object.size);
  }
  for (const [param, name] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = ctx.target.query.get(param);
    if (value === null) continue;
    if (!ctx.credential) throw errors.invalidRequest('Request specific response headers cannot be used for anonymous GET requests.');
    headers[name] = value;
  }
  const tagCount = Object.keys(object.tags ?? {}).length;
  if (tagCount > 0) headers['x-amz-tagging-count'] = tagCount;
  if (header(ctx.headers, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED' && !range) {
    Object.assign(headers, checksumHeaders(object));
  }
  if (range && (partNumber === undefined || object.partsCount !== undefined)) {
    headers['Content-Range'] = `bytes ${range.start}-${range.end}/${object.size}`;
    headers['Content-Length'] = range.end - range.start + 1;
    return { status: 206, headers, range };
  }
  headers['Content-Length'] = object.size;
  return { status: 200, headers };
}

/** Who stored the object, by user name: Aitta's own header (Allas cannot tell). */
async function addUploader(ctx: RequestContext, object: ObjectInfo, headers: ResponseHeaders): Promise<void> {
  if (object.uploaderUserId === undefined) return;
  const user = await ctx.services.meta.getUser(object.uploaderUserId);
  if (user) headers['x-aitta-uploaded-by'] = user.name;
}

export async function getObject(ctx: ObjectOperation<'GetObject'>): Promise<S3Response> {
  const { bucket, object } = await requestedObject(ctx, ctx.op.bucket, ctx.op.key, 'body');
  const plan = planRead(ctx, bucket, object);
  await addUploader(ctx, object, plan.headers);
  Object.assign(plan.headers, expirationHeaders(ctx, bucket, object));
  if (plan.status === 304) return emptyResponse(304, plan.headers);
  return { status: plan.status, headers: plan.headers, body: objectBody(ctx.services.blobs, object, plan.range) };
}

export async function headObject(ctx: ObjectOperation<'HeadObject'>): Promise<S3Response> {
  const { bucket, object } = await requestedObject(ctx, ctx.op.bucket, ctx.op.key, 'info');
  const plan = planRead(ctx, bucket, object);
  await addUploader(ctx, object, plan.headers);
  Object.assign(plan.headers, expirationHeaders(ctx, bucket, object));
  return emptyResponse(plan.status, plan.headers);
}

export async function deleteObject(ctx: ObjectOperation<'DeleteObject'>): Promise<S3Response> {
  const { key } = ctx.op;
  const bucket = await requireBucket(ctx, ctx.op.bucket);
  const outcome = await ctx.services.meta.deleteObject(bucket.name, key, requestedVersionId(ctx));
  const headers: ResponseHeaders = versionHeader(bucket, outcome.versionId);
  if (outcome.deleteMarker) headers['x-amz-delete-marker'] = 'true';
  return emptyResponse(204, headers);
}
