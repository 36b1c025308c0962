// Takes in a request body for PutObject and UploadPart: streams it to a blob
// (or keeps a small one inline), computing MD5 and any flexible checksum on
// the way, and verifies Content-MD5 and x-amz-checksum-* (header or trailer)
// before anything is committed. A failed check leaves nothing behind.

import { createHash, hash } from 'node:crypto';
import { checksumHeaderName, checksumOf, createChecksum, parseChecksumAlgorithm, requestChecksum, type RequestChecksum } from '../checksums.js';
import type { ChecksumAlgorithm } from '../checksum-types.js';
import { S3Error, errors } from '../errors.js';
import { MAX_INLINE_OBJECT_BYTES } from '../limits.js';
import type { BlobStore } from '../store/blob.js';
import { OffThreadHash } from './hash-pool.js';
import { header, type RequestContext } from './context.js';

export interface IngestedBody {
  size: number;
  /** Hex MD5 of the body. */
  md5: string;
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
  data: { kind: 'inline'; bytes: Buffer } | { kind: 'blob'; blobId: string };
}

/** The algorithm named by header `name`, if sent; an unknown one is refused. */
export function algorithmHeader(ctx: RequestContext, name: string): ChecksumAlgorithm | undefined {
  const value = header(ctx.headers, name);
  if (value === undefined) return undefined;
  const algorithm = parseChecksumAlgorithm(value);
  if (!algorithm) throw errors.invalidRequest(`Value for ${name} header is invalid.`);
  return algorithm;
}

/** The checksum a request's body must match: the header's value or the trailer's. */
export function expectedChecksum(ctx: RequestContext, requested: RequestChecksum): string | undefined {
  if (!requested.trailer) return requested.value;
  const value = ctx.payload.trailers()[checksumHeaderName(requested.algorithm)];
  if (value === undefined) throw errors.invalidRequest(`The trailer ${checksumHeaderName(requested.algorithm)} was declared but not sent.`);
  return value.trim();
}

/** The request's Content-MD5, decoded; InvalidDigest when it is not one. */
export function contentMd5(ctx: RequestContext): Buffer | undefined {
  const value = header(ctx.headers, 'content-md5');
  if (value === undefined) return undefined;
  const digest = Buffer.from(value, 'base64');
  if (digest.length !== 16 || digest.toString('base64') !== value.trim()) throw errors.invalidDigest();
  return digest;
}

export function checksumMismatch(algorithm: ChecksumAlgorithm): S3Error {
  return new S3Error('BadDigest', 400, `The ${algorithm} you specified did not match the calculated checksum.`);
}

export interface IngestOptions {
  maxBytes: number;
  /** Whether a small body may be kept inline (objects yes, parts no). */
  allowInline: boolean;
  /** The algorithm the object must carry (a multipart upload's), if any. */
  checksumAlgorithm?: ChecksumAlgorithm;
}

export interface StoreOptions {
  /** Byte count when known beforehand (decides inline storage). */
  length: number;
  maxBytes: number;
  allowInline: boolean;
  algorithm?: ChecksumAlgorithm;
}

export interface StoredBody {
  size: number;
  md5: Buffer;
  checksum?: { algorithm: ChecksumAlgorithm; digest: Buffer };
  data: IngestedBody['data'];
}

/** Bodies at least this large are hashed on worker threads. */
const OFF_THREAD_HASH_BYTES = 1024 * 1024;

interface RunningDigest {
  update(chunk: Buffer): Promise<void> | undefined | void;
  digest(): Buffer | Promise<Buffer>;
  discard(): void;
}

function runningDigest(algorithm: 'MD5' | ChecksumAlgorithm, offThread: boolean): RunningDigest {
  if (offThread) return new OffThreadHash(algorithm);
  const digest = algorithm === 'MD5' ? createHash('md5') : createChecksum(algorithm);
  return { update: (chunk) => void digest.update(chunk), digest: () => digest.digest(), discard: () => {} };
}

/** Reads a small body whole and hashes it in one call each: no running hash object per request. */
async function storeInline(source: AsyncIterable<Buffer>, options: StoreOptions): Promise<StoredBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > options.maxBytes) throw errors.entityTooLarge(options.maxBytes);
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks, size);
  const { algorithm } = options;
  return {
    size,
    md5: hash('md5', bytes, 'buffer'),
    checksum: algorithm && { algorithm, digest: checksumOf(algorithm, bytes) },
    data: { kind: 'inline', bytes },
  };
}

/** Streams bytes into the store (inline when small), hashing them on the way. */
export async function storeStream(blobs: BlobStore, source: AsyncIterable<Buffer>, options: StoreOptions): Promise<StoredBody> {
  if (options.allowInline && options.length <= MAX_INLINE_OBJECT_BYTES) return storeInline(source, options);
  const offThread = options.length >= OFF_THREAD_HASH_BYTES;
  const md5 = runningDigest('MD5', offThread);
  const checksum = options.algorithm ? runningDigest(options.algorithm, offThread) : undefined;
  const onChunk = (chunk: Buffer): Promise<void> | undefined => {
    const waits = [md5.update(chunk), checksum?.update(chunk)].filter((w): w is Promise<void> => w instanceof Promise);
    return waits.length > 0 ? Promise.all(waits).then(() => undefined) : undefined;
  };
  let written: { size: number; blobId: string };
  try {
    written = await blobs.write(source, onChunk, options.maxBytes, options.length);
  } catch (error) {
    md5.discard();
    checksum?.discard();
    throw error;
  }
  const [md5Digest, checksumDigest] = await Promise.all([md5.digest(), checksum?.digest()]);
  return {
    size: written.size,
    md5: md5Digest,
    checksum: options.algorithm && checksumDigest ? { algorithm: options.algorithm, digest: checksumDigest } : undefined,
    data: { kind: 'blob', blobId: written.blobId },
  };
}

export async function ingestBody(ctx: RequestContext, options: IngestOptions): Promise<IngestedBody> {
  const { payload } = ctx;
  if (payload.length === undefined) {
    throw new S3Error('MissingContentLength', 411, 'You must provide the Content-Length HTTP header.');
  }
  if (payload.length > options.maxBytes) throw errors.entityTooLarge(options.maxBytes);
  const expectedMd5 = contentMd5(ctx);
  const requested = requestChecksum(ctx.headers);
  if (requested && options.checksumAlgorithm && requested.algorithm !== options.checksumAlgorithm) {
    throw errors.invalidRequest(
      `Checksum Type mismatch occurred, expected checksum Type: ${options.checksumAlgorithm.toLowerCase()}, actual checksum Type: ${requested.algorithm.toLowerCase()}`,
    );
  }
  const algorithm = requested?.algorithm ?? options.checksumAlgorithm;
  const stored = await storeStream(ctx.services.blobs, payload.stream as AsyncIterable<Buffer>, {
    length: payload.length,
    maxBytes: options.maxBytes,
    allowInline: options.allowInline,
    algorithm,
  });
  try {
    if (expectedMd5 && !stored.md5.equals(expectedMd5)) throw errors.badDigest();
    let checksum: IngestedBody['checksum'];
    if (stored.checksum) {
      const value = stored.checksum.digest.toString('base64');
      if (requested && expectedChecksum(ctx, requested) !== value) throw checksumMismatch(stored.checksum.algorithm);
      checksum = { algorithm: stored.checksum.algorithm, value };
    }
    return { size: stored.size, md5: stored.md5.toString('hex'), checksum, data: stored.data };
  } catch (error) {
    await discard(ctx.services.blobs, stored.data);
    throw error;
  }
}

/** Removes what storeStream wrote, when it is not going to be committed. */
export async function discard(blobs: BlobStore, data: IngestedBody['data']): Promise<void> {
  if (data.kind === 'blob') await blobs.remove(data.blobId);
}
