// Server-side copies: CopyObject (COPY / REPLACE metadata directive, in-place
// REPLACE as `s3cmd modify` uses) and UploadPartCopy (with a source range).
// A copy shares the source's blobs unless it must be re-hashed with another
// checksum algorithm; a part copy streams its range into a new blob.

import { errors } from '../../errors.js';
import { MAX_PART_BYTES, MAX_PUT_OBJECT_BYTES } from '../../limits.js';
import type { ObjectRecord } from '../../store/meta.js';
import { checkCopySourceConditions } from '../conditions.js';
import { header, xmlResponse, type RequestContext, type ResponseHeaders, type S3Response } from '../context.js';
import { algorithmHeader, discard, storeStream, type IngestedBody } from '../ingest.js';
import { assertValidKey } from '../object-key.js';
import { parseObjectMetadata, quoteEtag } from '../object-headers.js';
import { objectStream } from '../object-stream.js';
import type { CopySource, Operation } from '../operation.js';
import { parseCopySourceRange, type ByteRange } from '../range.js';
import { actionOf } from '../actions.js';
import { requireBucket } from '../require-bucket.js';
import { checkedVersionId, newVersionHeader, readableVersion, versionHeader } from '../versions.js';
import { document, el, isoDate } from '../xml.js';
import { expirationHeaders } from './lifecycle.js';
import { checksumHeaders, objectData, requestedObjectAcl, requestedTags } from './objects.js';
import { findUpload, storePart } from './multipart.js';
import type { ChecksumAlgorithm } from '../../checksum-types.js';

type CopyOperation<T extends Operation['type']> = RequestContext<Extract<Operation, { type: T }>>;

/** The copy source's object, and the x-amz-copy-source-version-id the response names it by. */
async function sourceObject(ctx: RequestContext, source: CopySource): Promise<{ object: ObjectRecord; headers: ResponseHeaders }> {
  const versionId = checkedVersionId(source.versionId, 'x-amz-copy-source');
  const bucket = await requireBucket(ctx, source.bucket, { action: actionOf('GetObject', versionId), key: source.key, versionId });
  const object = await readableVersion(ctx, bucket, source.key, versionId, 'body', 'copy-source');
  checkCopySourceConditions(ctx.headers, object);
  const { 'x-amz-version-id': sourceVersion } = versionHeader(bucket, object.versionId);
  return { object, headers: sourceVersion === undefined ? {} : { 'x-amz-copy-source-version-id': sourceVersion } };
}

async function copyBytes(
  ctx: RequestContext,
  source: ObjectRecord,
  range: ByteRange | undefined,
  options: { allowInline: boolean; algorithm?: ChecksumAlgorithm },
): Promise<IngestedBody> {
  const length = range ? range.end - range.start + 1 : source.size;
  const stored = await storeStream(ctx.services.blobs, objectStream(ctx.services.blobs, source, range), {
    length,
    maxBytes: length,
    allowInline: options.allowInline,
    algorithm: options.algorithm,
  });
  return {
    size: stored.size,
    md5: stored.md5.toString('hex'),
    checksum: stored.checksum && { algorithm: stored.checksum.algorithm, value: stored.checksum.digest.toString('base64') },
    data: stored.data,
  };
}

export async function copyObject(ctx: CopyOperation<'CopyObject'>): Promise<S3Response> {
  const { bucket: bucketName, key, source } = ctx.op;
  const bucket = await requireBucket(ctx, bucketName);
  assertValidKey(key);
  const directive = (header(ctx.headers, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw errors.invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive);
  }
  const { object: sourceObj, headers: sourceHeaders } = await sourceObject(ctx, source);
  // Copying an older version over its key (restoring it) is not a copy onto itself.
  const sameKey = source.bucket === bucketName && source.key === key;
  const inPlace =
    sameKey && (source.versionId === undefined || sourceObj.versionId === (await ctx.services.meta.getObject(bucketName, key))?.versionId);
  const storageClassChange = header(ctx.headers, 'x-amz-storage-class') !== undefined;
  if (inPlace && directive === 'COPY' && !storageClassChange) {
    throw errors.invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  if (sourceObj.size > MAX_PUT_OBJECT_BYTES) {
    throw errors.invalidRequest(`The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_PUT_OBJECT_BYTES}`);
  }
  const metadata =
    directive === 'REPLACE'
      ? parseObjectMetadata(ctx.headers)
      : {
          contentType: sourceObj.contentType,
          contentHeaders: sourceObj.contentHeaders,
          userMetadata: sourceObj.userMetadata,
          storageClass: header(ctx.headers, 'x-amz-storage-class') ?? sourceObj.storageClass,
        };
  await ctx.services.meta.checkQuota({ bucket: bucketName, key, size: sourceObj.size });
  const requested = algorithmHeader(ctx, 'x-amz-checksum-algorithm');
  const acl = await requestedObjectAcl(ctx, bucket.projectId);
  const tagDirective = (header(ctx.headers, 'x-amz-tagging-directive') ?? 'COPY').toUpperCase();
  if (tagDirective !== 'COPY' && tagDirective !== 'REPLACE') {
    throw errors.invalidArgument('Unknown tagging directive.', 'x-amz-tagging-directive', tagDirective);
  }
  const tags = tagDirective === 'REPLACE' ? requestedTags(ctx) : sourceObj.tags;
  const base = {
    bucket: bucketName,
    key,
    lastModified: new Date(),
    ...metadata,
    ownerProjectId: bucket.projectId,
    acl,
    uploaderUserId: ctx.credential?.userId ?? undefined,
    tags,
  };
  let object: ObjectRecord;
  let versionId: string;
  if (requested === undefined || requested === sourceObj.checksum?.algorithm) {
    // The store counts references to blobs: the copy shares the source's
    // bytes (and so its ETag and checksum), and no data moves.
    object = { ...base, size: sourceObj.size, etag: sourceObj.etag, checksum: sourceObj.checksum, partsCount: sourceObj.partsCount, data: sourceObj.data };
    versionId = await ctx.services.meta.putObject(object);
  } else {
    const body = await copyBytes(ctx, sourceObj, undefined, { allowInline: true, algorithm: requested });
    object = { ...base, size: body.size, etag: body.md5, checksum: body.checksum && { ...body.checksum, type: 'FULL_OBJECT' }, data: objectData(body) };
    try {
      versionId = await ctx.services.meta.putObject(object);
    } catch (error) {
      await discard(ctx.services.blobs, body.data);
      throw error;
    }
  }
  const checksumXml = object.checksum ? el(`Checksum${object.checksum.algorithm}`, object.checksum.value) : '';
  return xmlResponse(
    document('CopyObjectResult', `${el('LastModified', isoDate(object.lastModified))}${el('ETag', quoteEtag(object.etag))}${checksumXml}`),
    200,
    { ...checksumHeaders(object), ...sourceHeaders, ...newVersionHeader(versionId), ...expirationHeaders(ctx, bucket, object) },
  );
}

export async function uploadPartCopy(ctx: CopyOperation<'UploadPartCopy'>): Promise<S3Response> {
  const { bucket, key, uploadId, partNumber, source } = ctx.op;
  await requireBucket(ctx, bucket);
  const upload = await findUpload(ctx, bucket, key, uploadId);
  const { object: sourceObj, headers: sourceHeaders } = await sourceObject(ctx, source);
  const rangeHeader = header(ctx.headers, 'x-amz-copy-source-range');
  const range = rangeHeader !== undefined ? parseCopySourceRange(rangeHeader, sourceObj.size) : undefined;
  const length = range ? range.end - range.start + 1 : sourceObj.size;
  if (length > MAX_PART_BYTES) {
    throw errors.invalidRequest(`The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_PART_BYTES}`);
  }
  const body = await copyBytes(ctx, sourceObj, range, { allowInline: false, algorithm: upload.checksumAlgorithm });
  const lastModified = new Date();
  await storePart(ctx, uploadId, partNumber, body, lastModified);
  const checksumXml = body.checksum ? el(`Checksum${body.checksum.algorithm}`, body.checksum.value) : '';
  return xmlResponse(document('CopyPartResult', `${el('LastModified', isoDate(lastModified))}${el('ETag', quoteEtag(body.md5))}${checksumXml}`), 200, sourceHeaders);
}
