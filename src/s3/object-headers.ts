// The headers that describe an object: parsed from PUT/POST/COPY requests into
// what the store keeps, and written back on GET/HEAD.

import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../errors.js';
import { MAX_USER_METADATA_BYTES } from '../limits.js';
import type { ObjectInfo } from '../store/meta.js';
import { header, type ResponseHeaders } from './context.js';

/** S3's type for objects stored without a Content-Type. */
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

/** Stored content headers, with the casing used when they are sent back. */
const CONTENT_HEADERS: Record<string, string> = {
  'cache-control': 'Cache-Control',
  'content-disposition': 'Content-Disposition',
  'content-encoding': 'Content-Encoding',
  'content-language': 'Content-Language',
  expires: 'Expires',
};

const STORAGE_CLASSES = new Set([
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER',
  'DEEP_ARCHIVE', 'GLACIER_IR', 'OUTPOSTS', 'SNOW', 'EXPRESS_ONEZONE',
]);

export interface ObjectMetadata {
  contentType: string;
  contentHeaders: Record<string, string>;
  userMetadata: Record<string, string>;
  storageClass: string;
}

export function parseObjectMetadata(headers: IncomingHttpHeaders): ObjectMetadata {
  const contentHeaders: Record<string, string> = {};
  for (const name of Object.keys(CONTENT_HEADERS)) {
    let value = header(headers, name);
    if (name === 'content-encoding' && value !== undefined) {
      // aws-chunked is the transfer framing, not a property of the object.
      value = value.split(',').map((v) => v.trim()).filter((v) => v && v !== 'aws-chunked').join(',');
    }
    if (value) contentHeaders[name] = value;
  }
  const userMetadata: Record<string, string> = {};
  let metadataBytes = 0;
  for (const [name, raw] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-meta-') || raw === undefined) continue;
    const key = name.slice('x-amz-meta-'.length);
    const value = Array.isArray(raw) ? raw.join(',') : raw;
    metadataBytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    userMetadata[key] = value;
  }
  if (metadataBytes > MAX_USER_METADATA_BYTES) {
    throw new S3Error('MetadataTooLarge', 400, 'Your metadata headers exceed the maximum allowed metadata size.', {
      Size: String(metadataBytes),
      MaxSizeAllowed: String(MAX_USER_METADATA_BYTES),
    });
  }
  const storageClass = header(headers, 'x-amz-storage-class') ?? 'STANDARD';
  if (!STORAGE_CLASSES.has(storageClass)) {
    throw new S3Error('InvalidStorageClass', 400, 'The storage class you specified is not valid');
  }
  return {
    contentType: header(headers, 'content-type') || DEFAULT_CONTENT_TYPE,
    contentHeaders,
    userMetadata,
    storageClass,
  };
}

export function httpDate(date: Date): string {
  return date.toUTCString();
}

export function quoteEtag(etag: string): string {
  return `"${etag}"`;
}

/** Headers of a GET/HEAD response describing the object (not the length or range). */
export function objectHeaders(object: ObjectInfo): ResponseHeaders {
  const headers: ResponseHeaders = {
    'Content-Type': object.contentType,
    ETag: quoteEtag(object.etag),
    'Last-Modified': httpDate(object.lastModified),
    'Accept-Ranges': 'bytes',
  };
  for (const [name, value] of Object.entries(object.contentHeaders)) headers[CONTENT_HEADERS[name] ?? name] = value;
  for (const [name, value] of Object.entries(object.userMetadata)) headers[`x-amz-meta-${name}`] = value;
  if (object.storageClass !== 'STANDARD') headers['x-amz-storage-class'] = object.storageClass;
  return headers;
}
