// What versioning means at the HTTP edge: the versionId query parameter,
// the x-amz-version-id / x-amz-delete-marker headers, and the errors S3
// sends for delete markers and versions that do not exist.

import { S3Error, errors } from '../errors.js';
import { NULL_VERSION, type Bucket, type DeleteMarker, type LoadedObject, type ObjectLoad } from '../store/meta.js';
import { isVersionId } from '../store/version-id.js';
import type { RequestContext, ResponseHeaders } from './context.js';
import { requireBucket } from './require-bucket.js';

/** A version id given in `argument` (a query parameter or header), checked for form. */
export function checkedVersionId(versionId: string | undefined, argument: string): string | undefined {
  if (versionId !== undefined && !isVersionId(versionId)) throw errors.invalidArgument('Invalid version id specified', argument, versionId);
  return versionId;
}

/** The request's versionId parameter, checked for form. */
export function requestedVersionId(ctx: RequestContext): string | undefined {
  return checkedVersionId(ctx.target.query.get('versionId') ?? undefined, 'versionId');
}

/** x-amz-version-id of an existing version: for buckets that have (had) versioning, and for every non-null version. */
export function versionHeader(bucket: Bucket, versionId: string | undefined): ResponseHeaders {
  if (versionId === undefined || (bucket.versioning === undefined && versionId === NULL_VERSION)) return {};
  return { 'x-amz-version-id': versionId };
}

/** x-amz-version-id of a version a write just made: S3 names only real versions (none when suspended). */
export function newVersionHeader(versionId: string): ResponseHeaders {
  return versionId === NULL_VERSION ? {} : { 'x-amz-version-id': versionId };
}

export function noSuchVersion(key: string, versionId: string): S3Error {
  return new S3Error('NoSuchVersion', 404, 'The specified version does not exist.', { Key: key, VersionId: versionId });
}

/**
 * The object a read names: the version asked for, or the current one. A
 * delete marker is not readable: asked for by id it is 405 (400 as a copy
 * source), as the newest version it makes the key 404; both say so in
 * their headers.
 */
export async function readableVersion<L extends ObjectLoad>(
  ctx: RequestContext,
  bucket: Bucket,
  key: string,
  versionId: string | undefined,
  load: L,
  use: 'read' | 'copy-source' = 'read',
): Promise<LoadedObject<L>> {
  const { meta } = ctx.services;
  if (versionId === undefined) {
    const object = await meta.getObject(bucket.name, key, load);
    if (object) return object;
    const marker = bucket.versioning === undefined ? undefined : await meta.latestDeleteMarker(bucket.name, key);
    const error = errors.noSuchKey(key);
    if (marker) Object.assign(error.headers, markerHeaders(marker));
    throw error;
  }
  const version = await meta.getObjectVersion(bucket.name, key, versionId, load);
  if (version === undefined) throw noSuchVersion(key, versionId);
  if ('deleteMarker' in version) {
    if (use === 'copy-source') {
      throw errors.invalidRequest('The source of a copy request may not specifically refer to a delete marker by version id.');
    }
    throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', { Method: ctx.method, ResourceType: 'DeleteMarker' }, {
      ...markerHeaders(version),
      Allow: 'DELETE',
    });
  }
  return version;
}

function markerHeaders(marker: DeleteMarker): Record<string, string> {
  return { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId };
}

/**
 * The bucket (access checked) and the object version a request names: its
 * versionId parameter, or the current one; with its inline body only when
 * `load` is 'body'.
 */
export async function requestedObject<L extends ObjectLoad>(
  ctx: RequestContext,
  bucketName: string,
  key: string,
  load: L,
): Promise<{ bucket: Bucket; object: LoadedObject<L> }> {
  const versionId = requestedVersionId(ctx);
  const bucket = await requireBucket(ctx, bucketName);
  return { bucket, object: await readableVersion(ctx, bucket, key, versionId, load) };
}
