// Put/Get/DeleteBucketLifecycle(Configuration), and the x-amz-expiration
// header that tells a client when an object will expire. The configuration
// is checked in full (lifecycle/config.ts) before it is stored; the worker
// (lifecycle/worker.ts) executes it.

import { parseLifecycleXml, parseStoredLifecycle, storedLifecycle, type LifecycleFilter, type LifecycleRule } from '../../lifecycle/config.js';
import { expirationHeader, headerRuleId, objectExpiry, uploadAbort, type LifecycleSubject } from '../../lifecycle/expiry.js';
import { S3Error } from '../../errors.js';
import { MAX_XML_BODY_BYTES } from '../../limits.js';
import type { Bucket, ObjectRecord, UploadRecord } from '../../store/meta.js';
import { emptyResponse, xmlResponse, type RequestContext, type ResponseHeaders, type S3Response } from '../context.js';
import type { Operation } from '../operation.js';
import { deleteBucketConfig, storeBucketConfig, storedBucketConfig } from '../bucket-config.js';
import { requireBucket } from '../require-bucket.js';
import { document, el } from '../xml.js';
import { readVerifiedBody } from '../body-integrity.js';

type LifecycleOperation<T extends Operation['type']> = RequestContext<Extract<Operation, { type: T }>>;

export async function putBucketLifecycle(ctx: LifecycleOperation<'PutBucketLifecycle'>): Promise<S3Response> {
  const { bucket } = ctx.op;
  await requireBucket(ctx, bucket);
  const body = await readVerifiedBody(ctx, MAX_XML_BODY_BYTES);
  const config = parseLifecycleXml(body);
  await storeBucketConfig(ctx, bucket, 'lifecycle', storedLifecycle(config));
  return emptyResponse(200);
}

export async function getBucketLifecycle(ctx: LifecycleOperation<'GetBucketLifecycle'>): Promise<S3Response> {
  const { bucket } = ctx.op;
  const stored = await storedBucketConfig(ctx, bucket, 'lifecycle', () =>
    new S3Error('NoSuchLifecycleConfiguration', 404, 'The lifecycle configuration does not exist', { BucketName: bucket }),
  );
  const { rules } = parseStoredLifecycle(stored);
  return xmlResponse(document('LifecycleConfiguration', rules.map(ruleXml).join('')));
}

export function deleteBucketLifecycle(ctx: LifecycleOperation<'DeleteBucketLifecycle'>): Promise<S3Response> {
  return deleteBucketConfig(ctx, ctx.op.bucket, 'lifecycle');
}

function tagXml(tag: { key: string; value: string }): string {
  return `<Tag>${el('Key', tag.key)}${el('Value', tag.value)}</Tag>`;
}

/** A filter written back in the form it was given: empty, one condition, or <And>. */
function filterXml(filter: LifecycleFilter): string {
  const conditions =
    el('Prefix', filter.prefix) +
    filter.tags.map(tagXml).join('') +
    el('ObjectSizeGreaterThan', filter.objectSizeGreaterThan) +
    el('ObjectSizeLessThan', filter.objectSizeLessThan);
  return `<Filter>${filter.and ? `<And>${conditions}</And>` : conditions}</Filter>`;
}

function ruleXml(rule: LifecycleRule): string {
  const { expiration, noncurrentVersionExpiration: noncurrent, abortIncompleteMultipartUpload: abort } = rule;
  return (
    '<Rule>' +
    el('ID', rule.id) +
    (rule.filter ? filterXml(rule.filter) : el('Prefix', rule.prefix)) +
    el('Status', rule.enabled ? 'Enabled' : 'Disabled') +
    (expiration
      ? `<Expiration>${el('Days', expiration.days)}${el('Date', expiration.date)}${el('ExpiredObjectDeleteMarker', expiration.expiredObjectDeleteMarker)}</Expiration>`
      : '') +
    (noncurrent
      ? `<NoncurrentVersionExpiration>${el('NoncurrentDays', noncurrent.noncurrentDays)}${el('NewerNoncurrentVersions', noncurrent.newerNoncurrentVersions)}</NoncurrentVersionExpiration>`
      : '') +
    (abort ? `<AbortIncompleteMultipartUpload>${el('DaysAfterInitiation', abort.daysAfterInitiation)}</AbortIncompleteMultipartUpload>` : '') +
    '</Rule>'
  );
}

/** x-amz-expiration for an object of `bucket` (none when no enabled rule expires it). */
export function expirationHeaders(ctx: RequestContext, bucket: Bucket, object: LifecycleSubject & Pick<ObjectRecord, 'lastModified'>): ResponseHeaders {
  if (bucket.lifecycle === undefined) return {};
  const due = objectExpiry(parseStoredLifecycle(bucket.lifecycle), object, object.lastModified, ctx.services.config.lifecycleDayMs);
  return due ? { 'x-amz-expiration': expirationHeader(due) } : {};
}

/** x-amz-abort-date and x-amz-abort-rule-id for a new upload (none when no enabled rule aborts it). */
export function abortHeaders(ctx: RequestContext, bucket: Bucket, upload: Pick<UploadRecord, 'key' | 'initiated'>): ResponseHeaders {
  if (bucket.lifecycle === undefined) return {};
  const due = uploadAbort(parseStoredLifecycle(bucket.lifecycle), upload.key, upload.initiated, ctx.services.config.lifecycleDayMs);
  return due ? { 'x-amz-abort-date': due.at.toUTCString(), 'x-amz-abort-rule-id': headerRuleId(due.ruleId) } : {};
}

