// The signing primitives the server (verifying) and the client (signing)
// share: SigV4's constants, hashes and signing keys, and SigV2's HMAC and
// sub-resource list. Only node:crypto here, so the client loads nothing else
// of the server.

import { createHash, createHmac } from 'node:crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** x-amz-content-sha256 of a body whose hash is not signed. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

// Bounded so that a flood of made-up dates or regions cannot grow memory;
// Map keeps insertion order, so the oldest entry is evicted first.
const SIGNING_KEY_CACHE_ENTRIES = 4096;
const signingKeys = new Map<string, Buffer>();

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request"). */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  // Keyed by the secret itself: a re-issued key id never reuses a stale key.
  const id = `${secret}\n${date}\n${region}\n${service}`;
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request');
    if (signingKeys.size >= SIGNING_KEY_CACHE_ENTRIES) signingKeys.delete(signingKeys.keys().next().value!);
    signingKeys.set(id, key);
  }
  return key;
}

export function hmacHex(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

// The query parameters S3 includes in SigV2's CanonicalizedResource ("Constructing
// the CanonicalizedResource element", plus the later sub-resources S3 and s3cmd sign).
export const SIGV2_SUB_RESOURCES: ReadonlySet<string> = new Set([
  'acl',
  'cors',
  'delete',
  'lifecycle',
  'location',
  'logging',
  'notification',
  'partNumber',
  'policy',
  'requestPayment',
  'restore',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
  'response-content-type',
  'response-content-language',
  'response-expires',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
]);

/** A SigV2 signature: base64 HMAC-SHA1 of the string to sign. */
export function signStringV2(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}
