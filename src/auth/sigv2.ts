// AWS Signature Version 2, still what s3cmd speaks with signature_v2 = True
// and what `s3cmd signurl` produces: `Authorization: AWS AKID:signature` and
// query-string URLs (AWSAccessKeyId, Expires, Signature). HMAC-SHA1 over
// Method, Content-MD5, Content-Type, Date (or Expires), the x-amz-* headers
// and the resource as the client sent it.

import type { IncomingMessage } from 'node:http';
import { S3Error, errors } from '../errors.js';
import type { Credential } from '../store/meta.js';
import type { AuthOptions, RequestTarget } from './authenticate.js';
import { activeCredential, checkClockSkew, header, missingDate, signaturesEqual } from './checks.js';
import { SIGV2_SUB_RESOURCES, signStringV2 } from './signing.js';
import { percentDecode, rawQueryParams, uriEncode } from './uri-encode.js';


const AMZ_DATE = /^\d{8}T\d{6}Z$/;

/** The sub-resource part of the CanonicalizedResource: "?acl&versionId=3", or ''. */
function subResources(url: string): string {
  const params = rawQueryParams(url).filter((p) => SIGV2_SUB_RESOURCES.has(p.name));
  if (params.length === 0) return '';
  params.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Values are signed decoded; an empty value is signed as the bare name.
  const parts = params.map((p) => (p.value ? `${p.name}=${percentDecode(p.value) ?? p.value}` : p.name));
  return '?' + parts.join('&');
}

/**
 * CanonicalizedResource candidates: the path as sent first (what s3cmd and the
 * AWS SDKs sign), then its strict re-encoding for clients that signed that.
 */
function canonicalizedResources(target: RequestTarget, url: string): string[] {
  const prefix = target.virtualHost && target.bucket !== undefined ? '/' + target.bucket : '';
  const path = target.rawPath === '' ? '/' : target.rawPath;
  const subs = subResources(url);
  const decoded = percentDecode(path);
  const strict = decoded === undefined ? path : uriEncode(decoded, true);
  const asSent = prefix + path + subs;
  return strict === path ? [asSent] : [asSent, prefix + strict + subs];
}

/** x-amz-* headers: lowercase names, sorted, repeated values joined by ',', folding unfolded. */
function canonicalizedAmzHeaders(req: IncomingMessage, withoutAmzDate: boolean): string {
  const values = new Map<string, string>();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!name.startsWith('x-amz-') || (withoutAmzDate && name === 'x-amz-date')) continue;
    const value = raw[i + 1]!.replace(/\s*\r?\n\s*/g, ' ').trim();
    const previous = values.get(name);
    values.set(name, previous === undefined ? value : previous + ',' + value);
  }
  let out = '';
  for (const name of [...values.keys()].sort()) out += name + ':' + values.get(name)! + '\n';
  return out;
}

/**
 * `dateLine` undefined means a request with x-amz-date: by the rules its Date
 * line is empty and x-amz-date is signed among the x-amz-* headers, but the
 * AWS guide's own DELETE example puts the x-amz-date value on the Date line
 * instead, so that form is accepted too.
 */
function verify(
  req: IncomingMessage,
  target: RequestTarget,
  credential: Credential,
  dateLine: string | undefined,
  provided: string,
): void {
  const start = `${req.method ?? 'GET'}\n${header(req, 'content-md5') ?? ''}\n${header(req, 'content-type') ?? ''}\n`;
  const heads =
    dateLine !== undefined
      ? [`${start}${dateLine}\n${canonicalizedAmzHeaders(req, false)}`]
      : [`${start}\n${canonicalizedAmzHeaders(req, false)}`, `${start}${header(req, 'x-amz-date')}\n${canonicalizedAmzHeaders(req, true)}`];
  let first: string | undefined;
  for (const head of heads) {
    for (const resource of canonicalizedResources(target, req.url ?? '')) {
      const stringToSign = head + resource;
      if (signaturesEqual(signStringV2(credential.secretAccessKey, stringToSign), provided)) return;
      first ??= stringToSign;
    }
  }
  throw errors.signatureDoesNotMatch({
    AWSAccessKeyId: credential.accessKeyId,
    StringToSign: first!,
    SignatureProvided: provided,
  });
}

/** Verifies `Authorization: AWS AKID:signature`. */
export async function verifySigV2Header(
  req: IncomingMessage,
  target: RequestTarget,
  authorization: string,
  options: AuthOptions,
): Promise<Credential> {
  const rest = authorization.slice(4).trim();
  const colon = rest.lastIndexOf(':');
  if (colon <= 0 || colon === rest.length - 1) {
    throw errors.invalidArgument(
      'AWS authorization header is invalid.  Expected AwsAccessKeyId:signature',
      'Authorization',
      authorization,
    );
  }
  const accessKeyId = rest.slice(0, colon);
  const signature = rest.slice(colon + 1);

  const amzDate = header(req, 'x-amz-date');
  const sent = amzDate ?? header(req, 'date');
  if (sent === undefined) throw missingDate();
  const time = AMZ_DATE.test(sent)
    ? Date.parse(`${sent.slice(0, 4)}-${sent.slice(4, 6)}-${sent.slice(6, 11)}:${sent.slice(11, 13)}:${sent.slice(13)}`)
    : Date.parse(sent);
  if (Number.isNaN(time)) throw missingDate();

  const credential = await activeCredential(accessKeyId, options);
  checkClockSkew(new Date(time), sent, options.now());
  verify(req, target, credential, amzDate === undefined ? sent : undefined, signature);
  return credential;
}

/** Verifies a query-string signed URL (AWSAccessKeyId, Expires, Signature). */
export async function verifySigV2Query(
  req: IncomingMessage,
  target: RequestTarget,
  options: AuthOptions,
): Promise<Credential> {
  const q = target.query;
  const accessKeyId = q.get('AWSAccessKeyId');
  const expires = q.get('Expires');
  const signature = q.get('Signature');
  if (accessKeyId === null || expires === null || signature === null) {
    throw new S3Error('AccessDenied', 403, 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters');
  }
  if (!/^\d+$/.test(expires)) {
    throw new S3Error('AccessDenied', 403, `Invalid date (should be seconds since epoch): ${expires}`);
  }
  const now = options.now();
  const expiresAt = Number(expires) * 1000;
  if (now.getTime() > expiresAt) {
    throw new S3Error('AccessDenied', 403, 'Request has expired', {
      Expires: new Date(expiresAt).toISOString(),
      ServerTime: now.toISOString(),
    });
  }
  if (expiresAt - now.getTime() > options.maxPresignV2Seconds * 1000) {
    throw new S3Error(
      'AccessDenied',
      403,
      `Request expiry is too far in the future: a query-string signed URL may be valid for at most ${options.maxPresignV2Seconds} seconds`,
      { Expires: new Date(expiresAt).toISOString(), ServerTime: now.toISOString() },
    );
  }
  const credential = await activeCredential(accessKeyId, options);
  // A '+' of the base64 signature left unencoded in the URL has been decoded to a space.
  verify(req, target, credential, expires, signature.replaceAll(' ', '+'));
  return credential;
}
