// DeleteObjects: up to 1000 keys (or versions) in one request, quiet or
// verbose result. The body must carry Content-MD5 or a flexible checksum, as
// S3 requires (body-integrity.ts).

import { S3Error, errors } from '../../errors.js';
import { MAX_DELETE_OBJECTS, MAX_KEY_BYTES, MAX_XML_BODY_BYTES } from '../../limits.js';
import { readVerifiedBody } from '../body-integrity.js';
import { xmlResponse, type RequestContext, type S3Response } from '../context.js';
import type { Operation } from '../operation.js';
import type { Bucket, DeleteOutcome } from '../../store/meta.js';
import { isVersionId } from '../../store/version-id.js';
import { actionOf } from '../actions.js';
import { authorizeOn } from '../require-bucket.js';
import { children, document, el, parseXml, text } from '../xml.js';

/** A <Deleted> entry: the version asked for, and the delete marker made or removed. */
function deletedXml(item: { key: string; versionId?: string }, outcome: DeleteOutcome): string {
  const version = item.versionId === undefined ? '' : el('VersionId', item.versionId);
  const marker = outcome.deleteMarker ? `${el('DeleteMarker', true)}${el('DeleteMarkerVersionId', outcome.versionId ?? '')}` : '';
  return `<Deleted>${el('Key', item.key)}${version}${marker}</Deleted>`;
}

/** Whether the caller may delete this key; refusal is reported per key, not for the whole request. */
async function mayDelete(ctx: RequestContext, bucket: Bucket, key: string, versionId: string | undefined): Promise<boolean> {
  try {
    // A version named in the body is deleted as s3:DeleteObjectVersion, as DeleteObject?versionId= is.
    await authorizeOn(ctx, bucket, { key, versionId, action: actionOf('DeleteObject', versionId) });
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
  const body = await readVerifiedBody(ctx, MAX_XML_BODY_BYTES);
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
  const deletable: Array<{ key: string; versionId?: string }> = [];
  for (const { key, versionId } of objects) {
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
      results.push(`<Error>${el('Key', key)}${el('Code', 'KeyTooLongError')}${el('Message', 'Your key is too long')}</Error>`);
    } else if (versionId !== undefined && !isVersionId(versionId)) {
      results.push(`<Error>${el('Key', key)}${el('VersionId', versionId)}${el('Code', 'NoSuchVersion')}${el('Message', 'The specified version does not exist.')}</Error>`);
    } else if (!(await mayDelete(ctx, found, key, versionId))) {
      results.push(`<Error>${el('Key', key)}${el('Code', 'AccessDenied')}${el('Message', 'Access Denied')}</Error>`);
    } else {
      deletable.push({ key, versionId });
    }
  }
  const outcomes = await ctx.services.meta.deleteObjects(bucket, deletable);
  if (!quiet) deletable.forEach((item, i) => results.push(deletedXml(item, outcomes[i]!)));
  return xmlResponse(document('DeleteResult', results.join('')));
}
