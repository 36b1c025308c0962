// Checks every signature scheme makes the same way: reading a header once,
// the request's clock against ours, the access key, and the constant-time
// comparison of signatures.

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { S3Error, errors } from '../errors.js';
import { MAX_CLOCK_SKEW_MS } from '../limits.js';
import type { Credential } from '../store/meta.js';
import type { AuthOptions } from './authenticate.js';

/** A header's value, repeated headers joined by ','. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export function missingDate(): S3Error {
  return new S3Error('AccessDenied', 403, 'AWS authentication requires a valid Date or x-amz-date header');
}

export function checkClockSkew(requestTime: Date, sent: string, now: Date): void {
  if (Math.abs(now.getTime() - requestTime.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new S3Error('RequestTimeTooSkewed', 403, 'The difference between the request time and the current time is too large.', {
      RequestTime: sent,
      ServerTime: now.toISOString(),
      MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS),
    });
  }
}

export async function activeCredential(accessKeyId: string, options: AuthOptions): Promise<Credential> {
  const credential = await options.lookupCredential(accessKeyId);
  if (credential === undefined || !credential.active) throw errors.invalidAccessKeyId(accessKeyId);
  return credential;
}

/** Constant-time comparison of two signatures given as text. */
export function signaturesEqual(expected: string, provided: string): boolean {
  if (expected.length !== provided.length) return false;
  return timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(provided, 'latin1'));
}
