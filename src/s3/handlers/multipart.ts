// Multipart uploads: create, upload part, complete, abort, list parts, list
// uploads. Completion moves no data: the object becomes the list of its
// parts' blobs, with S3's ETag (MD5 of the part MD5s, "-N").

import { createHash, randomBytes } from 'node:crypto';
import { compositeChecksum, fullObjectChecksum } from '../../checksums.js';
import { S3Error, errors } from '../../errors.js';
import { MAX_OBJECT_BYTES, MAX_PART_BYTES, MAX_PART_NUMBER, MAX_XML_BODY_BYTES, MIN_PART_BYTES } from '../../limits.js';
import type { ObjectChecksum, ObjectRecord, StoredPart, UploadRecord } from '../../store/meta.js';
import { emptyResponse, header, xmlResponse, type RequestContext, type ResponseHeaders, type S3Response } from '../context.js';
import { algorithmHeader, discard, ingestBody, type IngestedBody } from '../ingest.js';
import { pageSize, urlEncodeKey, urlEncodingRequested } from '../max-keys.js';
import { assertValidKey } from '../object-key.js';
import { parseObjectMetadata, quoteEtag } from '../object-headers.js';
import type { Operation } from '../operation.js';
import { OwnerNames, ownerXml } from '../owner.js';
import { requireBucket } from '../require-bucket.js';
import { newVersionHeader } from '../versions.js';
import { children, document, el, isoDate, parseXml, readSmallBody, text } from '../xml.js';
import { abortHeaders, expirationHeaders } from './lifecycle.js';
import { checksumHeaders, requestedObjectAcl, requestedTags } from './objects.js';

type UploadOperation<T extends Operation['type']> = RequestContext<Extract<Operation, { type: T }>>;

export async function findUpload(ctx: RequestContext, bucket: string, key: string, uploadId: string): Promise<UploadRecord> {
  const upload = await ctx.services.meta.getUpload(bucket, key, uploadId);
  if (!upload) throw errors.noSuchUpload(uploadId);
  return upload;
}

function checksumType(ctx: RequestContext, algorithm: UploadRecord['checksumAlgorithm']): UploadRecord['checksumType'] {
  const raw = header(ctx.headers, 'x-amz-checksum-type')?.toUpperCase();
  if (raw !== undefined && raw !== 'COMPOSITE' && raw !== 'FULL_OBJECT') {
    throw errors.invalidRequest('Value for x-amz-checksum-type header is invalid.');
  }
  if (!algorithm) {
    if (raw !== undefined) throw errors.invalidRequest('The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
    return undefined;
  }
  const type = raw ?? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
  if (type === 'FULL_OBJECT' && (algorithm === 'SHA1' || algorithm === 'SHA256')) {
    throw errors.invalidRequest(`The ${type} checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`);
  }
  if (type === 'COMPOSITE' && algorithm === 'CRC64NVME') {
    throw errors.invalidRequest('The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.');
  }
  return type;
}

export async function createMultipartUpload(ctx: UploadOperation<'CreateMultipartUpload'>): Promise<S3Response> {
  const { bucket: bucketName, key } = ctx.op;
  const bucket = await requireBucket(ctx, bucketName);
  assertValidKey(key);
  const checksumAlgorithm = algorithmHeader(ctx, 'x-amz-checksum-algorithm');
  const upload: UploadRecord = {
    // Hex: an id users paste into `s3cmd abortmp` must not begin with '-' (it would read as an option).
    uploadId: randomBytes(24).toString('hex'),
    bucket: bucketName,
    key,
    initiated: new Date(),
    ...parseObjectMetadata(ctx.headers),
    checksumAlgorithm,
    checksumType: checksumType(ctx, checksumAlgorithm),
    ownerProjectId: bucket.projectId,
    acl: await requestedObjectAcl(ctx, bucket.projectId),
    uploaderUserId: ctx.credential?.userId ?? undefined,
    tags: requestedTags(ctx),
  };
  await ctx.services.meta.createUpload(upload);
  const headers: ResponseHeaders = abortHeaders(ctx, bucket, upload);
  if (upload.checksumAlgorithm) {
    headers['x-amz-checksum-algorithm'] = upload.checksumAlgorithm;
    headers['x-amz-checksum-type'] = upload.checksumType!;
  }
  return xmlResponse(
    document('InitiateMultipartUploadResult', `${el('Bucket', bucketName)}${el('Key', key)}${el('UploadId', upload.uploadId)}`),
    200,
    headers,
  );
}

/** Records a part whose bytes are in a blob; the blob is removed if the part cannot be recorded. */
export async function storePart(ctx: RequestContext, uploadId: string, partNumber: number, body: IngestedBody, lastModified: Date): Promise<void> {
  if (body.data.kind !== 'blob') throw errors.internal();
  try {
    await ctx.services.meta.putPart({
      uploadId,
      partNumber,
      blobId: body.data.blobId,
      size: body.size,
      etag: body.md5,
      checksum: body.checksum?.value,
      lastModified,
    });
  } catch (error) {
    await discard(ctx.services.blobs, body.data);
    throw error;
  }
}

export async function uploadPart(ctx: UploadOperation<'UploadPart'>): Promise<S3Response> {
  const { bucket, key, uploadId, partNumber } = ctx.op;
  await requireBucket(ctx, bucket);
  const upload = await findUpload(ctx, bucket, key, uploadId);
  if (ctx.payload.length !== undefined) {
    await ctx.services.meta.checkQuota({ bucket, key, size: ctx.payload.length, uploadId, partNumber });
  }
  const body = await ingestBody(ctx, { maxBytes: MAX_PART_BYTES, allowInline: false, checksumAlgorithm: upload.checksumAlgorithm });
  await storePart(ctx, uploadId, partNumber, body, new Date());
  const headers: Record<string, string> = { ETag: quoteEtag(body.md5) };
  if (body.checksum) headers[`x-amz-checksum-${body.checksum.algorithm.toLowerCase()}`] = body.checksum.value;
  return emptyResponse(200, headers);
}

interface RequestedPart {
  partNumber: number;
  etag: string;
  checksum?: string;
}

function invalidPart(message = 'One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part\'s entity tag.'): S3Error {
  return new S3Error('InvalidPart', 400, message);
}

async function requestedParts(ctx: RequestContext, upload: UploadRecord): Promise<RequestedPart[]> {
  const body = await readSmallBody(ctx.payload.stream, MAX_XML_BODY_BYTES);
  const root = parseXml(body)['CompleteMultipartUpload'];
  if (root === undefined) throw errors.malformedXml();
  const checksumElement = upload.checksumAlgorithm ? `Checksum${upload.checksumAlgorithm}` : undefined;
  const parts = children(root, 'Part').map((part) => {
    const number = text(part, 'PartNumber');
    const etag = text(part, 'ETag');
    if (number === undefined || etag === undefined || !/^\d+$/.test(number)) throw errors.malformedXml();
    return {
      partNumber: Number(number),
      etag: etag.replace(/^"(.*)"$/, '$1'),
      checksum: checksumElement ? text(part, checksumElement) : undefined,
    };
  });
  if (parts.length === 0) throw errors.malformedXml();
  if (parts.length > MAX_PART_NUMBER) throw errors.malformedXml();
  for (let i = 1; i < parts.length; i++) {
    if (parts[i]!.partNumber <= parts[i - 1]!.partNumber) {
      throw new S3Error('InvalidPartOrder', 400, 'The list of parts was not in ascending order. Parts must be ordered by part number.');
    }
  }
  return parts;
}

/** All parts of an upload, page by page. */
async function allParts(ctx: RequestContext, uploadId: string): Promise<Map<number, StoredPart>> {
  const found = new Map<number, StoredPart>();
  let marker = 0;
  for (;;) {
    const page = await ctx.services.meta.listParts(uploadId, marker, 1000);
    for (const part of page.parts) found.set(part.partNumber, part);
    if (!page.isTruncated || page.parts.length === 0) return found;
    marker = page.parts[page.parts.length - 1]!.partNumber;
  }
}

function objectChecksum(upload: UploadRecord, parts: StoredPart[]): ObjectChecksum | undefined {
  const algorithm = upload.checksumAlgorithm;
  if (!algorithm || parts.some((p) => p.checksum === undefined)) return undefined;
  const digests = parts.map((p) => Buffer.from(p.checksum!, 'base64'));
  if (upload.checksumType === 'FULL_OBJECT') {
    const value = fullObjectChecksum(algorithm, digests.map((digest, i) => ({ digest, length: parts[i]!.size })));
    return { algorithm, value, type: 'FULL_OBJECT' };
  }
  return { algorithm, value: compositeChecksum(algorithm, digests), type: 'COMPOSITE' };
}

export async function completeMultipartUpload(ctx: UploadOperation<'CompleteMultipartUpload'>): Promise<S3Response> {
  const { bucket, key, uploadId } = ctx.op;
  const found = await requireBucket(ctx, bucket);
  const upload = await findUpload(ctx, bucket, key, uploadId);
  const requested = await requestedParts(ctx, upload);
  const stored = await allParts(ctx, uploadId);
  const parts: StoredPart[] = requested.map((want) => {
    const part = stored.get(want.partNumber);
    if (!part || part.etag !== want.etag) throw invalidPart();
    if (want.checksum !== undefined && part.checksum !== undefined && want.checksum !== part.checksum) {
      throw invalidPart(`The ${upload.checksumAlgorithm} you specified for part ${want.partNumber} did not match what we received.`);
    }
    return { partNumber: part.partNumber, blobId: part.blobId, size: part.size, etag: part.etag, checksum: part.checksum };
  });
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i]!.size < MIN_PART_BYTES) {
      throw new S3Error('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed object size.', {
        ProposedSize: String(parts[i]!.size),
        MinSizeAllowed: String(MIN_PART_BYTES),
        PartNumber: String(parts[i]!.partNumber),
        ETag: parts[i]!.etag,
      });
    }
  }
  const md5s = createHash('md5');
  for (const part of parts) md5s.update(Buffer.from(part.etag, 'hex'));
  const size = parts.reduce((sum, p) => sum + p.size, 0);
  if (size > MAX_OBJECT_BYTES) throw errors.entityTooLarge(MAX_OBJECT_BYTES);
  const expectedSize = header(ctx.headers, 'x-amz-mp-object-size');
  if (expectedSize !== undefined && Number(expectedSize) !== size) {
    throw errors.invalidRequest(`The provided 'x-amz-mp-object-size' header value ${expectedSize} does not match what was computed: ${size}`);
  }
  const checksum = objectChecksum(upload, parts);
  const object: ObjectRecord = {
    bucket,
    key,
    size,
    etag: `${md5s.digest('hex')}-${parts.length}`,
    lastModified: new Date(),
    contentType: upload.contentType,
    contentHeaders: upload.contentHeaders,
    userMetadata: upload.userMetadata,
    checksum,
    partsCount: parts.length,
    storageClass: upload.storageClass,
    ownerProjectId: upload.ownerProjectId,
    acl: upload.acl,
    uploaderUserId: upload.uploaderUserId,
    tags: upload.tags,
    data: { kind: 'parts', parts },
  };
  const versionId = await ctx.services.meta.completeUpload(uploadId, object);
  if (versionId === undefined) throw errors.noSuchUpload(uploadId);
  const checksumXml = checksum ? `${el(`Checksum${checksum.algorithm}`, checksum.value)}${el('ChecksumType', checksum.type)}` : '';
  const location = `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  return xmlResponse(
    document('CompleteMultipartUploadResult', `${el('Location', location)}${el('Bucket', bucket)}${el('Key', key)}${el('ETag', quoteEtag(object.etag))}${checksumXml}`),
    200,
    { ...checksumHeaders(object), ...newVersionHeader(versionId), ...expirationHeaders(ctx, found, object) },
  );
}

export async function abortMultipartUpload(ctx: UploadOperation<'AbortMultipartUpload'>): Promise<S3Response> {
  const { bucket, key, uploadId } = ctx.op;
  await requireBucket(ctx, bucket);
  if (!(await ctx.services.meta.abortUpload(bucket, key, uploadId))) throw errors.noSuchUpload(uploadId);
  return emptyResponse(204);
}

export async function listParts(ctx: UploadOperation<'ListParts'>): Promise<S3Response> {
  const { bucket, key, uploadId } = ctx.op;
  await requireBucket(ctx, bucket);
  const upload = await findUpload(ctx, bucket, key, uploadId);
  const { query } = ctx.target;
  const maxParts = pageSize(query, 'max-parts');
  const markerRaw = query.get('part-number-marker') ?? '0';
  if (!/^\d+$/.test(markerRaw)) throw errors.invalidArgument('Provided part-number-marker not an integer or within integer range', 'part-number-marker', markerRaw);
  const marker = Number(markerRaw);
  const page = await ctx.services.meta.listParts(uploadId, marker, maxParts);
  const owner = await new OwnerNames(ctx.services.meta).get(upload.ownerProjectId);
  const checksumName = upload.checksumAlgorithm ? `Checksum${upload.checksumAlgorithm}` : undefined;
  const items = page.parts.map(
    (p) =>
      `<Part>${el('PartNumber', p.partNumber)}${el('LastModified', isoDate(p.lastModified))}${el('ETag', quoteEtag(p.etag))}${el('Size', p.size)}${checksumName ? el(checksumName, p.checksum) : ''}</Part>`,
  );
  const last = page.parts[page.parts.length - 1];
  return xmlResponse(
    document(
      'ListPartsResult',
      `${el('Bucket', bucket)}${el('Key', key)}${el('UploadId', uploadId)}${ownerXml(owner, 'Initiator')}${ownerXml(owner)}` +
        `${el('StorageClass', upload.storageClass)}${el('PartNumberMarker', marker)}${el('NextPartNumberMarker', last?.partNumber ?? marker)}` +
        `${el('MaxParts', maxParts)}${el('IsTruncated', page.isTruncated)}` +
        (upload.checksumAlgorithm ? `${el('ChecksumAlgorithm', upload.checksumAlgorithm)}${el('ChecksumType', upload.checksumType)}` : '') +
        items.join(''),
    ),
  );
}

export async function listMultipartUploads(ctx: UploadOperation<'ListMultipartUploads'>): Promise<S3Response> {
  const { bucket } = ctx.op;
  await requireBucket(ctx, bucket);
  const { query } = ctx.target;
  const encode = urlEncodingRequested(query);
  const enc = (value: string) => (encode ? urlEncodeKey(value) : value);
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const keyMarker = query.get('key-marker') ?? '';
  const uploadIdMarker = keyMarker ? (query.get('upload-id-marker') ?? '') : '';
  const maxUploads = pageSize(query, 'max-uploads');
  const page = await ctx.services.meta.listUploads({ bucket, prefix, delimiter, keyMarker, uploadIdMarker, maxUploads });
  const owners = new OwnerNames(ctx.services.meta);
  const items: string[] = [];
  for (const u of page.uploads) {
    const owner = await owners.get(u.ownerProjectId);
    items.push(
      `<Upload>${el('Key', enc(u.key))}${el('UploadId', u.uploadId)}${ownerXml(owner, 'Initiator')}${ownerXml(owner)}` +
        `${el('StorageClass', u.storageClass)}${el('Initiated', isoDate(u.initiated))}` +
        (u.checksumAlgorithm ? `${el('ChecksumAlgorithm', u.checksumAlgorithm)}${el('ChecksumType', u.checksumType)}` : '') +
        `</Upload>`,
    );
  }
  const prefixes = page.commonPrefixes.map((p) => `<CommonPrefixes>${el('Prefix', enc(p))}</CommonPrefixes>`);
  return xmlResponse(
    document(
      'ListMultipartUploadsResult',
      `${el('Bucket', bucket)}${el('KeyMarker', enc(keyMarker))}${el('UploadIdMarker', uploadIdMarker)}` +
        `${el('NextKeyMarker', page.nextKeyMarker !== undefined ? enc(page.nextKeyMarker) : undefined)}${el('NextUploadIdMarker', page.nextUploadIdMarker)}` +
        `${delimiter ? el('Delimiter', enc(delimiter)) : ''}${el('Prefix', enc(prefix))}${el('MaxUploads', maxUploads)}` +
        `${el('IsTruncated', page.isTruncated)}${encode ? el('EncodingType', 'url') : ''}${items.join('')}${prefixes.join('')}`,
    ),
  );
}
