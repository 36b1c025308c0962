// Request → (RequestTarget, Operation). The only place that looks at the
// method, Host, path and query of a request. Path-style (/bucket/key) and
// virtual-hosted-style (bucket.DOMAIN/key) addressing; absolute-form request
// targets (as sent through an HTTP proxy) are accepted too.

import type { IncomingHttpHeaders } from 'node:http';
import type { RequestTarget } from '../auth/authenticate.js';
import { S3Error, errors } from '../errors.js';
import { MAX_PART_NUMBER } from '../limits.js';
import type { CopySource, CorsPreflight, Operation } from './operation.js';

export interface Routed {
  target: RequestTarget;
  op: Operation | CorsPreflight;
}

/** Sub-resources that name a bucket configuration Aitta does not serve (yet). */
const UNSUPPORTED_SUBRESOURCES = [
  'accelerate', 'analytics', 'encryption', 'intelligent-tiering', 'inventory', 'legal-hold', 'metrics',
  'notification', 'object-lock', 'ownershipControls', 'publicAccessBlock', 'replication',
  'restore', 'retention', 'select', 'torrent', 'website', 'attributes',
];

function invalidUri(): S3Error {
  return new S3Error('InvalidURI', 400, "Couldn't parse the specified URI.");
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidUri();
  }
}

/** Finds the bucket in the Host header, if the host is BUCKET.DOMAIN for a configured domain. */
function bucketFromHost(host: string | undefined, domains: string[]): string | undefined {
  if (!host) return undefined;
  const name = host.replace(/:\d+$/, '').toLowerCase();
  for (const domain of domains) {
    if (name.length > domain.length + 1 && name.endsWith(`.${domain}`)) {
      return name.slice(0, -(domain.length + 1));
    }
  }
  return undefined;
}

export function parseTarget(rawUrl: string, headers: IncomingHttpHeaders, domains: string[]): RequestTarget {
  let url = rawUrl;
  let host = headers.host;
  const absolute = /^https?:\/\/([^/?#]*)(.*)$/i.exec(url);
  if (absolute) {
    host = absolute[1];
    url = absolute[2] || '/';
  }
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  if (!rawPath.startsWith('/')) throw invalidUri();

  const hostBucket = bucketFromHost(host, domains);
  if (hostBucket !== undefined) {
    const key = rawPath.length > 1 ? decode(rawPath.slice(1)) : undefined;
    return { bucket: hostBucket, key, rawPath, query, virtualHost: true };
  }
  const slash = rawPath.indexOf('/', 1);
  const bucketPart = slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash);
  const bucket = bucketPart ? decode(bucketPart) : undefined;
  const keyPart = slash === -1 ? '' : rawPath.slice(slash + 1);
  const key = keyPart ? decode(keyPart) : undefined;
  return { bucket, key, rawPath, query, virtualHost: false };
}

function partNumberOf(query: URLSearchParams): number | undefined {
  const raw = query.get('partNumber');
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_PART_NUMBER) {
    throw errors.invalidArgument(`Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, 'partNumber', raw);
  }
  return n;
}

/** Parses x-amz-copy-source: "bucket/key" or "/bucket/key", URL-encoded, optional ?versionId=. */
export function parseCopySource(header: string): CopySource {
  let value = header;
  let versionId: string | undefined;
  const q = value.indexOf('?');
  if (q !== -1) {
    const params = new URLSearchParams(value.slice(q + 1));
    versionId = params.get('versionId') ?? undefined;
    value = value.slice(0, q);
  }
  const path = decode(value).replace(/^\//, '');
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) {
    throw errors.invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 'x-amz-copy-source', header);
  }
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1), versionId };
}

function unsupported(query: URLSearchParams): string | undefined {
  return UNSUPPORTED_SUBRESOURCES.find((name) => query.has(name));
}

function bucketOperation(method: string, bucket: string, query: URLSearchParams): Operation {
  const sub = unsupported(query);
  if (sub) throw errors.notImplemented(`?${sub}`);
  switch (method) {
    case 'GET':
      if (query.has('location')) return { type: 'GetBucketLocation', bucket };
      if (query.has('acl')) return { type: 'GetBucketAcl', bucket };
      if (query.has('policyStatus')) return { type: 'GetBucketPolicyStatus', bucket };
      if (query.has('policy')) return { type: 'GetBucketPolicy', bucket };
      if (query.has('tagging')) return { type: 'GetBucketTagging', bucket };
      if (query.has('cors')) return { type: 'GetBucketCors', bucket };
      if (query.has('lifecycle')) return { type: 'GetBucketLifecycle', bucket };
      if (query.has('logging')) return { type: 'GetBucketLogging', bucket };
      if (query.has('requestPayment')) return { type: 'GetBucketRequestPayment', bucket };
      if (query.has('versioning')) return { type: 'GetBucketVersioning', bucket };
      if (query.has('versions')) return { type: 'ListObjectVersions', bucket };
      if (query.has('uploads')) return { type: 'ListMultipartUploads', bucket };
      if (query.get('list-type') === '2') return { type: 'ListObjectsV2', bucket };
      return { type: 'ListObjects', bucket };
    case 'HEAD':
      return { type: 'HeadBucket', bucket };
    case 'PUT':
      if (query.has('policy')) return { type: 'PutBucketPolicy', bucket };
      if (query.has('acl')) return { type: 'PutBucketAcl', bucket };
      if (query.has('tagging')) return { type: 'PutBucketTagging', bucket };
      if (query.has('versioning')) return { type: 'PutBucketVersioning', bucket };
      if (query.has('cors')) return { type: 'PutBucketCors', bucket };
      if (query.has('lifecycle')) return { type: 'PutBucketLifecycle', bucket };
      if (query.has('logging')) return { type: 'PutBucketLogging', bucket };
      if (query.has('requestPayment')) {
        throw errors.notImplemented([...query.keys()].join(','));
      }
      return { type: 'CreateBucket', bucket };
    case 'DELETE':
      if (query.has('policy')) return { type: 'DeleteBucketPolicy', bucket };
      if (query.has('tagging')) return { type: 'DeleteBucketTagging', bucket };
      if (query.has('cors')) return { type: 'DeleteBucketCors', bucket };
      if (query.has('lifecycle')) return { type: 'DeleteBucketLifecycle', bucket };
      // S3 has no DeleteBucketLogging: such a request must not delete the bucket.
      if (query.has('logging')) break;
      return { type: 'DeleteBucket', bucket };
    case 'POST':
      if (query.has('delete')) return { type: 'DeleteObjects', bucket };
      break;
  }
  throw errors.methodNotAllowed(method, 'BUCKET');
}

function objectOperation(method: string, bucket: string, key: string, query: URLSearchParams, headers: IncomingHttpHeaders): Operation {
  const sub = unsupported(query);
  if (sub) throw errors.notImplemented(`?${sub}`);
  const uploadId = query.get('uploadId') ?? undefined;
  const copySource = headers['x-amz-copy-source'];
  switch (method) {
    case 'GET':
      if (query.has('acl')) return { type: 'GetObjectAcl', bucket, key };
      if (query.has('tagging')) return { type: 'GetObjectTagging', bucket, key };
      if (uploadId !== undefined) return { type: 'ListParts', bucket, key, uploadId };
      return { type: 'GetObject', bucket, key, partNumber: partNumberOf(query) };
    case 'HEAD':
      return { type: 'HeadObject', bucket, key, partNumber: partNumberOf(query) };
    case 'PUT': {
      if (query.has('acl')) return { type: 'PutObjectAcl', bucket, key };
      if (query.has('tagging')) return { type: 'PutObjectTagging', bucket, key };
      if (uploadId !== undefined || query.has('partNumber')) {
        const partNumber = partNumberOf(query);
        if (uploadId === undefined || partNumber === undefined) {
          throw errors.invalidRequest('UploadPart requires both partNumber and uploadId');
        }
        if (typeof copySource === 'string') {
          return { type: 'UploadPartCopy', bucket, key, uploadId, partNumber, source: parseCopySource(copySource) };
        }
        return { type: 'UploadPart', bucket, key, uploadId, partNumber };
      }
      if (typeof copySource === 'string') return { type: 'CopyObject', bucket, key, source: parseCopySource(copySource) };
      return { type: 'PutObject', bucket, key };
    }
    case 'POST':
      if (query.has('uploads')) return { type: 'CreateMultipartUpload', bucket, key };
      if (uploadId !== undefined) return { type: 'CompleteMultipartUpload', bucket, key, uploadId };
      break;
    case 'DELETE':
      if (uploadId !== undefined) return { type: 'AbortMultipartUpload', bucket, key, uploadId };
      if (query.has('tagging')) return { type: 'DeleteObjectTagging', bucket, key };
      return { type: 'DeleteObject', bucket, key };
  }
  throw errors.methodNotAllowed(method, 'OBJECT');
}

export function route(method: string, rawUrl: string, headers: IncomingHttpHeaders, domains: string[]): Routed {
  const target = parseTarget(rawUrl, headers, domains);
  const { bucket, key, query } = target;
  if (bucket === undefined) {
    if (method === 'GET') return { target, op: { type: 'ListBuckets' } };
    throw errors.methodNotAllowed(method, 'SERVICE');
  }
  if (method === 'OPTIONS') return { target, op: { type: 'CorsPreflight', bucket, key } };
  const op = key === undefined ? bucketOperation(method, bucket, query) : objectOperation(method, bucket, key, query, headers);
  return { target, op };
}
