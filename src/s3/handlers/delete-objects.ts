// DeleteObjects: up to 1000 keys in one request, quiet or verbose result.
// The body must carry Content-MD5 or a flexible checksum, as S3 requires.

import { createHash } from 'node:crypto';
import { createChecksum, requestChecksum } from '../../checksums.js';
import { S3Error, errors } from '../../errors.js';
import { MAX_DELETE_OBJECTS, MAX_KEY_BYTES, MAX_XML_BODY_BYTES } from '../../limits.js';
import { header, xmlResponse, type RequestContext, type S3Response } from '../context.js';
import { checksumMismatch, expectedChecksum } from '../ingest.js';
import type { Operation } from '../operation.js';
import type { Bucket } from '../../store/meta.js';
import { authorizeOn } from '../require-bucket.js';
import { children, document, el, parseXml, readSmallBody, text } from '../xml.js';

/** Checks the Content-MD5 or flexible checksum S3 requires of some XML bodies (DeleteObjects, lifecycle). */
export function verifyIntegrity(ctx: RequestContext, body: Buffer): void {
  const contentMd5 = header(ctx.headers, 'content-md5');
  const checksum = requestChecksum(ctx.headers);
  if (contentMd5 === undefined && checksum === undefined) {
    throw errors.invalidRequest('Missing required header for this request: Content-MD5');
  }
  if (contentMd5 !== undefined && createHash('md5').update(body).digest('base64') !== contentMd5.trim()) {
    throw errors.badDigest();
  }
  if (checksum) {
    const actual = createChecksum(checksum.algorithm);
    actual.update(body);
    if (expectedChecksum(ctx, checksum) !== actual.digest().toString('base64')) throw checksumMismatch(checksum.algorithm);
  }
}

/** Whether the caller may delete this key; refusal is reported per key, not for the whole request. */
async function mayDelete(ctx: RequestContext, bucket: Bucket, key: string): Promise<boolean> {
  try {
    await authorizeOn(ctx, bucket, { key });
    return true;
  } catch (error) {
    if (error instanceof S3Error && error.code === 'AccessDenied') return false;
    throw error;
  }
}

export async function deleteObjects(ctx: RequestContext<Extract<Operation, { type: 'DeleteObjects' }>>): Promise<S3Response> {
  const { bucket } = ctx.op;
  // Each key is authorized on its own (a policy may deny some of them).
  const found = await ctx.services.meta.getBucket(bucket);
  if (!found) throw errors.noSuchBucket(bucket);
  const body = await readSmallBody(ctx.payload.stream, MAX_XML_BODY_BYTES);
  verifyIntegrity(ctx, body);
  const root = parseXml(body)['Delete'];
  if (root === undefined) throw errors.malformedXml();
  const quiet = text(root, 'Quiet')?.toLowerCase() === 'true';
  const objects = children(root, 'Object').map((o) => {
    const key = text(o, 'Key');
    if (key === undefined) throw errors.malformedXml();
    return { key, versionId: text(o, 'VersionId') };
  });
  if (objects.length === 0 || objects.length > MAX_DELETE_OBJECTS) throw errors.malformedXml();

  const results: string[] = [];
  const deletable: string[] = [];
  for (const { key, versionId } of objects) {
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
      results.push(`<Error>${el('Key', key)}${el('Code', 'KeyTooLongError')}${el('Message', 'Your key is too long')}</Error>`);
    } else if (versionId !== undefined && versionId !== 'null') {
      results.push(`<Error>${el('Key', key)}${el('VersionId', versionId)}${el('Code', 'NoSuchVersion')}${el('Message', 'The specified version does not exist.')}</Error>`);
    } else if (!(await mayDelete(ctx, found, key))) {
      results.push(`<Error>${el('Key', key)}${el('Code', 'AccessDenied')}${el('Message', 'Access Denied')}</Error>`);
    } else {
      deletable.push(key);
    }
  }
  await ctx.services.meta.deleteObjects(bucket, deletable);
  if (!quiet) for (const key of deletable) results.push(`<Deleted>${el('Key', key)}</Deleted>`);
  return xmlResponse(document('DeleteResult', results.join('')));
}
