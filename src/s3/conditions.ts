// Conditional requests: If-Match / If-None-Match / If-Modified-Since /
// If-Unmodified-Since on GET and HEAD (RFC 7232 precedence, as S3 applies
// it), and the x-amz-copy-source-if-* family on copies.

import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../errors.js';
import type { ObjectInfo } from '../store/meta.js';
import { header } from './context.js';

function preconditionFailed(condition: string): S3Error {
  return new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', {
    Condition: condition,
  });
}

function etagMatches(list: string, etag: string): boolean {
  return list.split(',').some((item) => {
    const candidate = item.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
    return candidate === '*' || candidate === etag;
  });
}

function parseDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Whole seconds: HTTP dates carry no milliseconds. */
function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** 'not-modified' for a 304; throws PreconditionFailed for a 412; 'ok' otherwise. */
export function checkReadConditions(headers: IncomingHttpHeaders, object: ObjectInfo): 'ok' | 'not-modified' {
  const ifMatch = header(headers, 'if-match');
  const ifNoneMatch = header(headers, 'if-none-match');
  const ifModifiedSince = parseDate(header(headers, 'if-modified-since'));
  const ifUnmodifiedSince = parseDate(header(headers, 'if-unmodified-since'));
  const modified = seconds(object.lastModified);

  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, object.etag)) throw preconditionFailed('If-Match');
  } else if (ifUnmodifiedSince && modified > seconds(ifUnmodifiedSince)) {
    throw preconditionFailed('If-Unmodified-Since');
  }
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, object.etag)) return 'not-modified';
  } else if (ifModifiedSince && modified <= seconds(ifModifiedSince)) {
    return 'not-modified';
  }
  return 'ok';
}

/** x-amz-copy-source-if-*: any failing condition is a 412. */
export function checkCopySourceConditions(headers: IncomingHttpHeaders, source: ObjectInfo): void {
  const ifMatch = header(headers, 'x-amz-copy-source-if-match');
  const ifNoneMatch = header(headers, 'x-amz-copy-source-if-none-match');
  const ifModifiedSince = parseDate(header(headers, 'x-amz-copy-source-if-modified-since'));
  const ifUnmodifiedSince = parseDate(header(headers, 'x-amz-copy-source-if-unmodified-since'));
  const modified = seconds(source.lastModified);
  // S3: if-match true + if-unmodified-since false → copy proceeds; likewise
  // if-none-match false + if-modified-since true → 412 (RFC precedence).
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, source.etag)) throw preconditionFailed('x-amz-copy-source-If-Match');
  } else if (ifUnmodifiedSince && modified > seconds(ifUnmodifiedSince)) {
    throw preconditionFailed('x-amz-copy-source-If-Unmodified-Since');
  }
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, source.etag)) throw preconditionFailed('x-amz-copy-source-If-None-Match');
  } else if (ifModifiedSince && modified <= seconds(ifModifiedSince)) {
    throw preconditionFailed('x-amz-copy-source-If-Modified-Since');
  }
}
