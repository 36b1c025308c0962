// AWS Signature Version 4 for S3 requests made by this client: the
// Authorization header (payload hash signed, or UNSIGNED-PAYLOAD for streamed
// bodies) and presigned query URLs.

import { SIGV4_ALGORITHM, UNSIGNED_PAYLOAD, hmacHex, sha256Hex, signingKey } from '../auth/signing.js';
import { uriEncode } from '../auth/uri-encode.js';

export interface Credentials {
  accessKey: string;
  secretKey: string;
  /** STS session token, sent as x-amz-security-token. */
  sessionToken?: string;
}

/** A request as it goes on the wire, before signing. */
export interface RequestToSign {
  method: string;
  /** Host header value (host[:port]). */
  host: string;
  /** The path exactly as sent: already URI-encoded. */
  path: string;
  /** Decoded query parameters; '' for a bare name (`?uploads`). */
  query: Readonly<Record<string, string>>;
  /** Lowercase header names; every one of them is signed. */
  headers: Record<string, string>;
}

/** yyyyMMdd'T'HHmmss'Z' */
export function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The canonical query string: names and values encoded, sorted by encoded name. */
export function canonicalQuery(query: Readonly<Record<string, string>>): string {
  return Object.entries(query)
    .map(([name, value]) => [uriEncode(name, false), uriEncode(value, false)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function signature(request: RequestToSign, credentials: Credentials, region: string, time: string, payloadHash: string) {
  const names = Object.keys(request.headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${request.headers[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method,
    request.path,
    canonicalQuery(request.query),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${time.slice(0, 8)}/${region}/s3/aws4_request`;
  const stringToSign = [SIGV4_ALGORITHM, time, scope, sha256Hex(canonicalRequest)].join('\n');
  const sig = hmacHex(signingKey(credentials.secretKey, time.slice(0, 8), region, 's3'), stringToSign);
  return { scope, signedHeaders, signature: sig };
}

/**
 * Adds host, x-amz-date, x-amz-content-sha256 (and the session token) to
 * `request.headers` and then the Authorization header over all of them.
 */
export function signV4(request: RequestToSign, credentials: Credentials, region: string, payloadHash: string, now = new Date()): void {
  const time = amzDate(now);
  request.headers['host'] = request.host;
  request.headers['x-amz-date'] = time;
  request.headers['x-amz-content-sha256'] = payloadHash;
  if (credentials.sessionToken) request.headers['x-amz-security-token'] = credentials.sessionToken;
  const { scope, signedHeaders, signature: sig } = signature(request, credentials, region, time, payloadHash);
  request.headers['authorization'] =
    `${SIGV4_ALGORITHM} Credential=${credentials.accessKey}/${scope},SignedHeaders=${signedHeaders},Signature=${sig}`;
}

/** A presigned GET: the query string (without '?') to append to the path, valid `expiresSeconds`. */
export function presignV4Query(
  request: Omit<RequestToSign, 'headers'>,
  credentials: Credentials,
  region: string,
  expiresSeconds: number,
  now = new Date(),
): string {
  const time = amzDate(now);
  const query: Record<string, string> = {
    ...request.query,
    'X-Amz-Algorithm': SIGV4_ALGORITHM,
    'X-Amz-Credential': `${credentials.accessKey}/${time.slice(0, 8)}/${region}/s3/aws4_request`,
    'X-Amz-Date': time,
    'X-Amz-Expires': String(expiresSeconds),
    'X-Amz-SignedHeaders': 'host',
  };
  if (credentials.sessionToken) query['X-Amz-Security-Token'] = credentials.sessionToken;
  const { signature: sig } = signature({ ...request, query, headers: { host: request.host } }, credentials, region, time, UNSIGNED_PAYLOAD);
  return `${canonicalQuery(query)}&X-Amz-Signature=${sig}`;
}
