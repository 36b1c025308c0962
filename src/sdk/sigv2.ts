// AWS Signature Version 2, as s3cmd signs when signature_v2 = True and as
// `signurl` has always produced: HMAC-SHA1 over method, Content-MD5,
// Content-Type, Date, the x-amz-* headers and /bucket/key plus the signed
// sub-resources.

import { SIGV2_SUB_RESOURCES, signStringV2 } from '../auth/signing.js';
import { uriEncode } from '../auth/uri-encode.js';
import type { Credentials } from './sigv4.js';

/** `/bucket/key?acl&uploadId=...`: the resource, path-style whatever the addressing. */
export function canonicalizedResource(bucket: string | undefined, key: string | undefined, query: Readonly<Record<string, string>>): string {
  let resource = bucket ? `/${bucket}/${key !== undefined ? uriEncode(key, true) : ''}` : '/';
  const subs = Object.keys(query).filter((name) => SIGV2_SUB_RESOURCES.has(name)).sort();
  if (subs.length > 0) resource += '?' + subs.map((name) => (query[name] ? `${name}=${query[name]}` : name)).join('&');
  return resource;
}

/** x-amz-date and the Authorization header, added to `headers` (lowercase names). */
export function signV2(
  method: string,
  resource: string,
  headers: Record<string, string>,
  credentials: Credentials,
  now = new Date(),
): void {
  headers['x-amz-date'] = now.toUTCString().replace('GMT', '+0000');
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const amz = Object.keys(headers)
    .filter((name) => name.startsWith('x-amz-'))
    .sort()
    .map((name) => `${name}:${headers[name]}\n`)
    .join('');
  const stringToSign = `${method}\n${headers['content-md5'] ?? ''}\n${headers['content-type'] ?? ''}\n\n${amz}${resource}`;
  headers['authorization'] = `AWS ${credentials.accessKey}:${signStringV2(credentials.secretKey, stringToSign)}`;
}

/** The query string (without '?') of a V2 presigned GET of `resource` until `expires` (epoch seconds). */
export function presignV2Query(resource: string, credentials: Credentials, expires: number): string {
  const sig = signStringV2(credentials.secretKey, `GET\n\n\n${expires}\n${resource}`);
  return `AWSAccessKeyId=${credentials.accessKey}&Expires=${expires}&Signature=${uriEncode(sig, false)}`;
}
