// Integrity of a small request body for the operations S3 will not take
// without one (DeleteObjects, PutBucketCors, PutBucketLifecycle): the body
// must come with Content-MD5 or a flexible checksum (x-amz-checksum-*), and
// match it.

import { hash } from 'node:crypto';
import { checksumOf, requestChecksum } from '../checksums.js';
import { errors } from '../errors.js';
import type { RequestContext } from './context.js';
import { checksumMismatch, contentMd5, expectedChecksum } from './ingest.js';
import { readSmallBody } from './xml.js';

/** Reads the whole body (at most `maxBytes`) and checks it against its Content-MD5 or checksum. */
export async function readVerifiedBody(ctx: RequestContext, maxBytes: number): Promise<Buffer> {
  const body = await readSmallBody(ctx.payload.stream, maxBytes);
  verifyBodyIntegrity(ctx, body);
  return body;
}

function verifyBodyIntegrity(ctx: RequestContext, body: Buffer): void {
  const md5 = contentMd5(ctx);
  const checksum = requestChecksum(ctx.headers);
  if (md5 === undefined && checksum === undefined) {
    throw errors.invalidRequest('Missing required header for this request: Content-MD5');
  }
  if (md5 !== undefined && !hash('md5', body, 'buffer').equals(md5)) throw errors.badDigest();
  if (checksum && expectedChecksum(ctx, checksum) !== checksumOf(checksum.algorithm, body).toString('base64')) throw checksumMismatch(checksum.algorithm);
}
