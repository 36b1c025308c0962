// Get/PutBucketLogging. Aitta delivers no server access logs, so every
// bucket's logging is disabled: GET answers S3's empty status, a PUT that
// disables logging changes nothing, and one that would enable it is refused
// as not implemented rather than accepted and never honoured.

import { errors } from '../../errors.js';
import { MAX_XML_BODY_BYTES } from '../../limits.js';
import { emptyResponse, xmlResponse, type RequestContext, type S3Response } from '../context.js';
import type { Operation } from '../operation.js';
import { requireBucket } from '../require-bucket.js';
import { children, document, parseXml, readSmallBody } from '../xml.js';

type LoggingOperation<T extends Operation['type']> = RequestContext<Extract<Operation, { type: T }>>;

export async function getBucketLogging(ctx: LoggingOperation<'GetBucketLogging'>): Promise<S3Response> {
  await requireBucket(ctx, ctx.op.bucket);
  return xmlResponse(document('BucketLoggingStatus', ''));
}

export async function putBucketLogging(ctx: LoggingOperation<'PutBucketLogging'>): Promise<S3Response> {
  await requireBucket(ctx, ctx.op.bucket);
  const root = parseXml(await readSmallBody(ctx.payload.stream, MAX_XML_BODY_BYTES))['BucketLoggingStatus'];
  if (root === undefined) throw errors.malformedXml();
  if (children(root, 'LoggingEnabled').length > 0) throw errors.notImplemented('LoggingEnabled (Aitta does not deliver server access logs)');
  return emptyResponse(200);
}
