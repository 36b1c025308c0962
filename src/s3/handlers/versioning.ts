// Put/GetBucketVersioning. Once enabled, versioning can be suspended but
// never turned off again, as in S3; what a state means for each write is
// the store's business (MetaStore.putObject / deleteObject).

import { errors } from '../../errors.js';
import { MAX_XML_BODY_BYTES } from '../../limits.js';
import type { VersioningState } from '../../store/meta.js';
import { emptyResponse, xmlResponse, type RequestContext, type S3Response } from '../context.js';
import type { Operation } from '../operation.js';
import { requireBucket } from '../require-bucket.js';
import { document, el, parseXml, readSmallBody, text } from '../xml.js';

type VersioningOperation<T extends Operation['type']> = RequestContext<Extract<Operation, { type: T }>>;

const STATES: readonly string[] = ['Enabled', 'Suspended'] satisfies VersioningState[];

export async function putBucketVersioning(ctx: VersioningOperation<'PutBucketVersioning'>): Promise<S3Response> {
  const bucket = await requireBucket(ctx, ctx.op.bucket);
  const root = parseXml(await readSmallBody(ctx.payload.stream, MAX_XML_BODY_BYTES))['VersioningConfiguration'];
  if (root === undefined) throw errors.malformedXml();
  const status = text(root, 'Status');
  const mfaDelete = text(root, 'MfaDelete');
  if (status !== undefined && !STATES.includes(status)) throw errors.malformedXml();
  if (mfaDelete !== undefined && mfaDelete !== 'Enabled' && mfaDelete !== 'Disabled') throw errors.malformedXml();
  if (mfaDelete === 'Enabled') throw errors.notImplemented('MfaDelete');
  // A configuration without a Status leaves the state as it is.
  if (status !== undefined) await ctx.services.meta.setBucketVersioning(bucket.name, status as VersioningState);
  return emptyResponse(200);
}

export async function getBucketVersioning(ctx: VersioningOperation<'GetBucketVersioning'>): Promise<S3Response> {
  const bucket = await requireBucket(ctx, ctx.op.bucket);
  return xmlResponse(document('VersioningConfiguration', bucket.versioning === undefined ? '' : el('Status', bucket.versioning)));
}
