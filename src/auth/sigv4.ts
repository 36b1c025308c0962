// AWS Signature Version 4 for S3: the Authorization header form and the
// presigned query form. Rebuilds the canonical request from what the client
// sent, derives the signing key (cached: it changes once a day per key and
// region) and compares signatures. The payload itself is checked later, by
// payload.ts (x-amz-content-sha256) or chunked.ts (aws-chunked).

import type { IncomingMessage } from 'node:http';
import { S3Error, errors } from '../errors.js';
import { MAX_CLOCK_SKEW_MS, MAX_PRESIGN_V4_SECONDS } from '../limits.js';
import type { Credential } from '../store/meta.js';
import type { AuthOptions, RequestTarget } from './authenticate.js';
import { activeCredential, checkClockSkew, header, missingDate, signaturesEqual } from './checks.js';
import { SIGV4_ALGORITHM, UNSIGNED_PAYLOAD, hmacHex, sha256Hex, signingKey } from './signing.js';
import { percentDecode, rawQueryParams, uriEncode, type RawParam } from './uri-encode.js';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** What a verified SigV4 request passes on to the payload checks. */
export interface SigV4Context {
  credential: Credential;
  /** x-amz-content-sha256 as sent; UNSIGNED-PAYLOAD for a presigned URL without it. */
  contentSha256: string;
  signingKey: Buffer;
  /** yyyyMMdd'T'HHmmss'Z' as it entered the string to sign. */
  amzDate: string;
  /** date/region/s3/aws4_request */
  scope: string;
  /** The verified request signature: the seed of an aws-chunked signature chain. */
  signature: string;
}

const CONTENT_SHA256_VALUES = new Set([
  UNSIGNED_PAYLOAD,
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
]);
const ECDSA_CONTENT_SHA256 = new Set([
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER',
]);
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;


// ---------------------------------------------------------------------------
// Dates and credential scopes

function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** Parses AKID/yyyyMMdd/region/s3/aws4_request; `fail` builds the form-specific error. */
function parseCredentialScope(value: string, fail: (reason: string) => S3Error): CredentialScope {
  const parts = value.split('/');
  if (parts.length !== 5 || parts.some((p) => p === '')) {
    throw fail('the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  }
  const [accessKeyId, date, region, service, terminal] = parts as [string, string, string, string, string];
  if (!/^\d{8}$/.test(date)) {
    throw fail(`incorrect date format "${date}". This date in the credential must be in the format "yyyyMMdd".`);
  }
  if (service !== 's3') throw fail(`incorrect service "${service}". This endpoint belongs to "s3".`);
  if (terminal !== 'aws4_request') throw fail(`incorrect terminal "${terminal}". This endpoint uses "aws4_request".`);
  return { accessKeyId, date, region, service };
}

function checkContentSha256(value: string): void {
  if (HEX_SHA256.test(value) || CONTENT_SHA256_VALUES.has(value)) return;
  if (ECDSA_CONTENT_SHA256.has(value)) throw errors.notImplemented('x-amz-content-sha256 ' + value);
  throw errors.invalidArgument(
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
    'x-amz-content-sha256',
    value,
  );
}

// ---------------------------------------------------------------------------
// Canonical request

/** Every x-amz-* header present, and host, must be signed (S3 answers AccessDenied). */
function checkAllSigned(req: IncomingMessage, signed: ReadonlySet<string>): void {
  let unsigned: string[] | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if ((name === 'host' || name.startsWith('x-amz-')) && !signed.has(name)) {
      unsigned ??= [];
      if (!unsigned.includes(name)) unsigned.push(name);
    }
  }
  if (!signed.has('host') && !unsigned?.includes('host')) (unsigned ??= []).push('host');
  if (unsigned) {
    throw new S3Error('AccessDenied', 403, 'There were headers present in the request which were not signed', {
      HeadersNotSigned: unsigned.join(', '),
    });
  }
}

function canonicalHeaders(req: IncomingMessage, signedHeaders: readonly string[]): string {
  const values = new Map<string, string>();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!signedHeaders.includes(name)) continue;
    // Trimall: leading/trailing space removed, inner runs folded to one space.
    const value = raw[i + 1]!.trim().replace(/\s+/g, ' ');
    const previous = values.get(name);
    values.set(name, previous === undefined ? value : previous + ',' + value);
  }
  let out = '';
  for (const name of signedHeaders) out += name + ':' + (values.get(name) ?? '') + '\n';
  return out;
}

function compareParams(a: [string, string], b: [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

function joinParams(pairs: [string, string][]): string {
  return pairs
    .sort(compareParams)
    .map(([n, v]) => n + '=' + v)
    .join('&');
}

/**
 * The canonical query strings worth trying: the SigV4 rule (decode, then
 * encode strictly) first, then the parameters exactly as sent, for clients
 * that sign their own odd encoding.
 */
function canonicalQueries(params: readonly RawParam[]): string[] {
  if (params.length === 0) return [''];
  const strict: [string, string][] = [];
  let reencoded = false;
  for (const p of params) {
    const value = p.value ?? '';
    const pair: [string, string] = [encodeComponent(p.name), encodeComponent(value)];
    reencoded ||= pair[0] !== p.name || pair[1] !== value;
    strict.push(pair);
  }
  const first = joinParams(strict);
  // Sent already strictly encoded (as nearly every client does): the two forms are one.
  if (!reencoded) return [first];
  const second = joinParams(params.map((p): [string, string] => [p.name, p.value ?? '']));
  return first === second ? [first] : [first, second];
}

function encodeComponent(raw: string): string {
  const decoded = percentDecode(raw);
  return decoded === undefined ? raw : uriEncode(decoded, false);
}

/** S3 encodes the path once (no double encoding, no dot-segment removal); also try it as sent. */
function canonicalUris(rawPath: string): string[] {
  const path = rawPath === '' ? '/' : rawPath;
  const decoded = percentDecode(path);
  const strict = decoded === undefined ? undefined : uriEncode(decoded, true);
  return strict === undefined || strict === path ? [path] : [strict, path];
}

interface SignatureCheck {
  req: IncomingMessage;
  target: RequestTarget;
  credential: Credential;
  scope: CredentialScope;
  amzDate: string;
  /** As sent: names joined by ';'. */
  signedHeaders: string;
  contentSha256: string;
  provided: string;
  /** X-Amz-Signature is left out of a presigned URL's canonical query. */
  presigned: boolean;
}

/**
 * Checks the payload mode and the signed-header list, then tries the canonical
 * forms in turn; returns the verified context or throws SignatureDoesNotMatch.
 */
function verifySignature(check: SignatureCheck): SigV4Context {
  const { req, scope, amzDate } = check;
  checkContentSha256(check.contentSha256);
  const signedHeaders = check.signedHeaders.split(';');
  checkAllSigned(req, new Set(signedHeaders));
  const key = signingKey(check.credential.secretAccessKey, scope.date, scope.region, scope.service);
  const scopeText = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const headerBlock = canonicalHeaders(req, signedHeaders) + '\n' + check.signedHeaders + '\n' + check.contentSha256;
  let params = rawQueryParams(req.url ?? '');
  if (check.presigned) params = params.filter((p) => percentDecode(p.name) !== 'X-Amz-Signature');
  const provided = check.provided.toLowerCase();

  let firstAttempt: { canonicalRequest: string; stringToSign: string } | undefined;
  for (const uri of canonicalUris(check.target.rawPath)) {
    for (const query of canonicalQueries(params)) {
      const canonicalRequest = `${req.method ?? 'GET'}\n${uri}\n${query}\n${headerBlock}`;
      const stringToSign = `${SIGV4_ALGORITHM}\n${amzDate}\n${scopeText}\n${sha256Hex(canonicalRequest)}`;
      const signature = hmacHex(key, stringToSign);
      if (signaturesEqual(signature, provided)) {
        return {
          credential: check.credential,
          contentSha256: check.contentSha256,
          signingKey: key,
          amzDate,
          scope: scopeText,
          signature,
        };
      }
      firstAttempt ??= { canonicalRequest, stringToSign };
    }
  }
  throw errors.signatureDoesNotMatch({
    AWSAccessKeyId: check.credential.accessKeyId,
    StringToSign: firstAttempt!.stringToSign,
    SignatureProvided: check.provided,
    CanonicalRequest: firstAttempt!.canonicalRequest,
  });
}

// ---------------------------------------------------------------------------
// Authorization header

function malformedHeader(reason: string): S3Error {
  return new S3Error('AuthorizationHeaderMalformed', 400, `The authorization header is malformed; ${reason}`);
}

interface AuthorizationFields {
  credential: string;
  signedHeaders: string;
  signature: string;
}

/** Parses what follows "AWS4-HMAC-SHA256", tolerant of spaces around ',' and '='. */
export function parseAuthorizationV4(authorization: string): AuthorizationFields {
  const fields: Partial<AuthorizationFields> = {};
  for (const component of authorization.slice(SIGV4_ALGORITHM.length).split(',')) {
    const trimmed = component.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0) throw malformedHeader(`the authorization component "${trimmed}" is malformed.`);
    const name = trimmed.slice(0, eq).trim();
    const value = trimmed.slice(eq + 1).trim();
    if (name === 'Credential') fields.credential = value;
    else if (name === 'SignedHeaders') fields.signedHeaders = value;
    else if (name === 'Signature') fields.signature = value;
    else throw malformedHeader(`the authorization component "${trimmed}" is malformed.`);
  }
  if (fields.credential === undefined) throw malformedHeader('missing Credential.');
  if (fields.signedHeaders === undefined) throw malformedHeader('missing SignedHeaders.');
  if (fields.signature === undefined) throw malformedHeader('missing Signature.');
  return fields as AuthorizationFields;
}

/** Verifies `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
export async function verifySigV4Header(
  req: IncomingMessage,
  target: RequestTarget,
  authorization: string,
  options: AuthOptions,
): Promise<SigV4Context> {
  const fields = parseAuthorizationV4(authorization);
  const scope = parseCredentialScope(fields.credential, malformedHeader);

  const amzDateHeader = header(req, 'x-amz-date');
  const dateHeader = amzDateHeader ?? header(req, 'date');
  if (dateHeader === undefined) throw missingDate();
  const requestTime = amzDateHeader !== undefined ? parseAmzDate(amzDateHeader) : new Date(Date.parse(dateHeader));
  if (requestTime === undefined || Number.isNaN(requestTime.getTime())) throw missingDate();
  const amzDate = amzDateHeader ?? formatAmzDate(requestTime);
  if (scope.date !== amzDate.slice(0, 8)) {
    throw malformedHeader('Invalid credential date. Date is not the same as X-Amz-Date.');
  }

  const credential = await activeCredential(scope.accessKeyId, options);
  checkClockSkew(requestTime, dateHeader, options.now());

  const contentSha256 = header(req, 'x-amz-content-sha256');
  if (contentSha256 === undefined) {
    throw errors.invalidRequest('Missing required header for this request: x-amz-content-sha256');
  }
  return verifySignature({
    req,
    target,
    credential,
    scope,
    amzDate,
    signedHeaders: fields.signedHeaders,
    contentSha256,
    provided: fields.signature,
    presigned: false,
  });
}

// ---------------------------------------------------------------------------
// Presigned URL

function queryError(message: string): S3Error {
  return new S3Error('AuthorizationQueryParametersError', 400, message);
}

/** Verifies a URL carrying X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders and -Signature. */
export async function verifySigV4Query(
  req: IncomingMessage,
  target: RequestTarget,
  options: AuthOptions,
): Promise<SigV4Context> {
  const q = target.query;
  const algorithm = q.get('X-Amz-Algorithm');
  const credentialParam = q.get('X-Amz-Credential');
  const signature = q.get('X-Amz-Signature');
  const amzDate = q.get('X-Amz-Date');
  const signedHeadersParam = q.get('X-Amz-SignedHeaders');
  const expiresParam = q.get('X-Amz-Expires');
  if (
    algorithm === null ||
    credentialParam === null ||
    signature === null ||
    amzDate === null ||
    signedHeadersParam === null ||
    expiresParam === null
  ) {
    throw queryError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  if (algorithm !== SIGV4_ALGORITHM) throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const scope = parseCredentialScope(credentialParam, (reason) =>
    queryError(`Error parsing the X-Amz-Credential parameter; ${reason}`),
  );
  const requestTime = parseAmzDate(amzDate);
  if (requestTime === undefined) throw queryError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  if (scope.date !== amzDate.slice(0, 8)) {
    throw queryError(`Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`);
  }
  if (!/^-?\d+$/.test(expiresParam)) throw queryError('X-Amz-Expires should be a number');
  const expires = Number(expiresParam);
  if (expires < 0) throw queryError('X-Amz-Expires must be non-negative');
  if (expires > MAX_PRESIGN_V4_SECONDS) {
    throw queryError(
      `X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ${MAX_PRESIGN_V4_SECONDS} seconds`,
    );
  }

  const now = options.now();
  if (requestTime.getTime() - now.getTime() > MAX_CLOCK_SKEW_MS) {
    throw new S3Error('AccessDenied', 403, 'Request is not valid yet');
  }
  const expiresAt = requestTime.getTime() + expires * 1000;
  if (now.getTime() > expiresAt) {
    throw new S3Error('AccessDenied', 403, 'Request has expired', {
      'X-Amz-Expires': expiresParam,
      Expires: new Date(expiresAt).toISOString(),
      ServerTime: now.toISOString(),
    });
  }

  const credential = await activeCredential(scope.accessKeyId, options);
  // Presigners hoist x-amz-* headers into the query, x-amz-content-sha256 included.
  const contentSha256 =
    header(req, 'x-amz-content-sha256') ?? q.get('x-amz-content-sha256') ?? q.get('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD;
  return verifySignature({
    req,
    target,
    credential,
    scope,
    amzDate,
    signedHeaders: signedHeadersParam,
    contentSha256,
    provided: signature,
    presigned: true,
  });
}
