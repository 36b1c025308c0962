// Authentication entry point: decides which scheme a request uses (SigV4
// header, SigV4 presigned query, SigV2 header, SigV2 query, or anonymous),
// verifies it, and hands back the verified payload stream.
//
// CONTRACT (implemented by the auth helper; handlers rely on it):
//
//   authenticate(req, target, options) -> Promise<AuthResult>
//
// * Throws S3Error for every failure: InvalidAccessKeyId, SignatureDoesNotMatch,
//   AccessDenied ("Request has expired"), RequestTimeTooSkewed,
//   AuthorizationHeaderMalformed, AuthorizationQueryParametersError,
//   InvalidRequest / MissingSecurityHeader, XAmzContentSHA256Mismatch,
//   InvalidArgument, as S3 sends them.
// * Every x-amz-* header present must be among the signed headers (SigV4)
//   — SigV2 covers them by construction.
// * payload.stream yields the bytes the client meant (aws-chunked decoded),
//   and errors (with S3Error) BEFORE it ends if: the signed SHA-256 does not
//   match, a chunk signature is wrong, the decoded length differs from
//   x-amz-decoded-content-length, the body is shorter/longer than
//   Content-Length (IncompleteBody). Consumers commit only after 'end'.
// * payload.trailers() returns the trailing headers (lowercase names, e.g.
//   'x-amz-checksum-crc32') once the stream has ended; {} when none.

import type { IncomingMessage } from 'node:http';
import { S3Error, errors } from '../errors.js';
import type { Credential } from '../store/meta.js';
import { chunkedPayload, type ChunkedMode } from './chunked.js';
import { plainPayload } from './payload.js';
import { verifySigV2Header, verifySigV2Query } from './sigv2.js';
import { header } from './checks.js';
import { SIGV4_ALGORITHM, UNSIGNED_PAYLOAD } from './signing.js';
import { verifySigV4Header, verifySigV4Query, type SigV4Context } from './sigv4.js';

/** What the router found out about the request target before auth runs. */
export interface RequestTarget {
  /** Bucket name, when the request addresses one (path or virtual host). */
  bucket?: string;
  /** Object key (decoded), when the request addresses one. */
  key?: string;
  /** The request path as sent (before decoding), without the query. */
  rawPath: string;
  /** Query parameters, decoded, in the order sent. */
  query: URLSearchParams;
  /** True when the bucket came from the Host header (virtual-hosted style). */
  virtualHost: boolean;
}

export interface AuthOptions {
  lookupCredential(accessKeyId: string): Promise<Credential | undefined>;
  /** Current time (injectable for tests). */
  now(): Date;
  /** Longest lifetime accepted for a SigV2 query-signed URL, in seconds. */
  maxPresignV2Seconds: number;
}

export interface Payload {
  stream: AsyncIterable<Buffer>;
  /** Decoded payload length when known from headers. */
  length: number | undefined;
  trailers(): Record<string, string>;
}

export interface AuthResult {
  /** undefined for anonymous requests. */
  credential: Credential | undefined;
  payload: Payload;
}

const STREAMING_MODES: Readonly<Record<string, ChunkedMode>> = {
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': 'signed',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': 'signed-trailer',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER': 'unsigned-trailer',
};

export async function authenticate(
  req: IncomingMessage,
  target: RequestTarget,
  options: AuthOptions,
): Promise<AuthResult> {
  const authorization = header(req, 'authorization');
  const q = target.query;
  const v4Query = q.has('X-Amz-Algorithm') || q.has('X-Amz-Credential') || q.has('X-Amz-Signature');
  const v2Query = !v4Query && (q.has('AWSAccessKeyId') || q.has('Signature'));

  if (authorization !== undefined) {
    if (v4Query || v2Query) {
      throw errors.invalidArgument(
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
        'Authorization',
        authorization,
      );
    }
    const space = authorization.indexOf(' ');
    const scheme = space < 0 ? authorization : authorization.slice(0, space);
    if (scheme === SIGV4_ALGORITHM) {
      const context = await verifySigV4Header(req, target, authorization, options);
      return { credential: context.credential, payload: sigV4Payload(req, context) };
    }
    if (scheme === 'AWS') {
      const credential = await verifySigV2Header(req, target, authorization, options);
      return { credential, payload: unsignedPayload(req) };
    }
    if (scheme === 'AWS4-ECDSA-P256-SHA256') throw errors.notImplemented('Signature Version 4A');
    throw errors.invalidArgument('Unsupported Authorization Type', 'Authorization', authorization);
  }
  if (v4Query) {
    const context = await verifySigV4Query(req, target, options);
    return { credential: context.credential, payload: sigV4Payload(req, context) };
  }
  if (v2Query) {
    const credential = await verifySigV2Query(req, target, options);
    return { credential, payload: unsignedPayload(req) };
  }
  return { credential: undefined, payload: unsignedPayload(req) };
}

function sigV4Payload(req: IncomingMessage, context: SigV4Context): Payload {
  const value = context.contentSha256;
  const mode = STREAMING_MODES[value];
  if (mode !== undefined) return streamingPayload(req, mode, context);
  return plainPayload(req, value === UNSIGNED_PAYLOAD ? undefined : value);
}

/** SigV2 and anonymous requests sign no payload, but may still send an unsigned aws-chunked body. */
function unsignedPayload(req: IncomingMessage): Payload {
  if (header(req, 'x-amz-content-sha256') === 'STREAMING-UNSIGNED-PAYLOAD-TRAILER') {
    return streamingPayload(req, 'unsigned-trailer', undefined);
  }
  return plainPayload(req);
}

function streamingPayload(req: IncomingMessage, mode: ChunkedMode, signing: SigV4Context | undefined): Payload {
  const decodedLength = header(req, 'x-amz-decoded-content-length');
  if (decodedLength === undefined) {
    throw new S3Error('MissingContentLength', 411, 'You must provide the Content-Length HTTP header.');
  }
  if (!/^\d+$/.test(decodedLength)) {
    throw errors.invalidArgument('x-amz-decoded-content-length is not a valid length', 'x-amz-decoded-content-length', decodedLength);
  }
  const trailer = header(req, 'x-amz-trailer');
  const declaredTrailers =
    trailer === undefined || mode === 'signed'
      ? []
      : trailer
          .split(',')
          .map((t) => t.trim().toLowerCase())
          .filter((t) => t !== '');
  return chunkedPayload(req, { mode, decodedLength: Number(decodedLength), signing, declaredTrailers });
}
