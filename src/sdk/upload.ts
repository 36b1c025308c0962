// Uploading a file: one PUT, or a multipart upload whose parts go up in
// parallel (each read straight from its range of the file, so memory does
// not grow with the file) and are checked against their MD5 ETags. An
// upload can continue an earlier one: its parts whose size and MD5 match
// the file are kept, the others sent again. A failed multipart upload this
// call started is aborted so that no parts are left behind; one it
// continued is left for a later attempt.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Body, S3Client } from './client.js';
import { S3ServiceError } from './errors.js';
import { stripQuotes } from './results.js';

/** Told about the bytes of one part (or of the whole file) as they are read. */
export interface TransferObserver {
  bytes(count: number): void;
  done(ok: boolean): void;
}

export interface FileUpload {
  bucket: string;
  key: string;
  file: string;
  size: number;
  /** Headers of the PUT or of CreateMultipartUpload (content-type, x-amz-meta-*, ...). */
  headers: Record<string, string>;
}

/** What continuing an upload found for one part already there. */
export type PartVerdict = { match: true } | { match: false; reason: 'size'; remote: number; local: number } | { match: false; reason: 'checksum'; remote: string; local: string };

export interface MultipartOptions {
  partSize: number;
  concurrency: number;
  /** Called as each part starts, in part order. */
  onPart?: (partNumber: number, partCount: number, size: number) => TransferObserver;
  /** Continue this upload instead of starting one. */
  uploadId?: string;
  /** With `uploadId`: told, in part order before anything is sent, whether each existing part is kept. */
  onExistingPart?: (partNumber: number, verdict: PartVerdict) => void;
  /** Each part's MD5 (hex), if already known: sent as Content-MD5 for the service to check, and not computed again. */
  partMd5s?: readonly string[];
}

const READ_CHUNK = 1024 * 1024;
/** Attempts at a part whose ETag is not the MD5 of what was sent. */
const PART_ATTEMPTS = 3;

/** The Content-MD5 header of a body whose MD5 (hex) is known. */
export function contentMd5Header(md5Hex: string): Record<string, string> {
  return { 'content-md5': Buffer.from(md5Hex, 'hex').toString('base64') };
}

/** Whether a part already there (its size and ETag) holds `length` bytes whose MD5 is `md5` (looked at only when the sizes agree). */
export function partVerdict(remote: { size: number; etag: string }, length: number, md5: string): PartVerdict {
  if (remote.size !== length) return { match: false, reason: 'size', remote: remote.size, local: length };
  const etag = stripQuotes(remote.etag);
  return etag === md5 ? { match: true } : { match: false, reason: 'checksum', remote: etag, local: md5 };
}

/** A re-openable body over a file range that counts what it reads, and shows each chunk to `seen` (told first when an attempt starts). */
function fileBody(file: string, start: number, length: number, observer?: TransferObserver, seen?: (chunk?: Buffer) => void): Body {
  let read = 0;
  return {
    length,
    open: (): Readable => {
      seen?.();
      // A retry sends the range again: take back what the failed attempt counted.
      if (read > 0) observer?.bytes(-read);
      read = 0;
      // A small file gets a buffer of its own size, not a 1 MiB one.
      const stream = length === 0 ? Readable.from([]) : createReadStream(file, { start, end: start + length - 1, highWaterMark: Math.min(READ_CHUNK, length) });
      stream.on('data', (chunk: Buffer) => {
        seen?.(chunk);
        read += chunk.length;
        observer?.bytes(chunk.length);
      });
      return stream;
    },
  };
}

/** A file range as a body whose MD5 (of the last attempt) is known once it is sent. */
function hashedRange(file: string, start: number, length: number, observer?: TransferObserver) {
  let hash = createHash('md5');
  const body = fileBody(file, start, length, observer, (chunk) => {
    if (chunk) hash.update(chunk);
    else hash = createHash('md5');
  });
  return { body, md5: () => hash.digest('hex') };
}

/** One PUT of the whole file; Content-MD5 lets the service refuse a corrupted body. */
export async function putFile(client: S3Client, upload: FileUpload, md5Hex: string, observer?: TransferObserver): Promise<string> {
  // The MD5 is known: the service checks the body against it, so it is not hashed again on the way.
  const body = fileBody(upload.file, 0, upload.size, observer);
  const headers = { ...upload.headers, ...contentMd5Header(md5Hex) };
  try {
    const { etag } = await client.putObject(upload.bucket, upload.key, body, headers);
    observer?.done(true);
    return etag;
  } catch (error) {
    observer?.done(false);
    throw error;
  }
}

/** Sends a part, each attempt a fresh body from `attempt`, until its ETag is the MD5 of what was sent; resolves to that ETag. */
export async function sendPart(
  client: S3Client,
  target: { bucket: string; key: string },
  uploadId: string,
  partNumber: number,
  attempt: () => { body: Body; md5: () => string; headers?: Record<string, string> },
): Promise<string> {
  for (let tries = 1; ; tries++) {
    const { body, md5, headers } = attempt();
    const etag = await client.uploadPart(target.bucket, target.key, uploadId, partNumber, body, headers);
    if (etag === md5()) return etag;
    if (tries >= PART_ATTEMPTS) throw new S3ServiceError('BadDigest', 400, `MD5 of part ${partNumber} does not match its ETag ${etag}`, 'Bad Request');
  }
}

async function rangeMd5(file: string, start: number, length: number): Promise<string> {
  const hash = createHash('md5');
  if (length > 0) for await (const chunk of createReadStream(file, { start, end: start + length - 1, highWaterMark: READ_CHUNK })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The MD5 (hex) of each `partSize` part of the first `size` bytes of `file`. */
export async function partMd5s(file: string, size: number, partSize: number): Promise<string[]> {
  const md5s: string[] = [];
  for (let start = 0; start < size || md5s.length === 0; start += partSize) md5s.push(await rangeMd5(file, start, Math.min(partSize, size - start)));
  return md5s;
}

/** The ETags of the parts of a continued upload that match the file (index by part number - 1). */
async function keptParts(client: S3Client, upload: FileUpload, uploadId: string, partSize: number, partCount: number, options: MultipartOptions): Promise<string[]> {
  const kept: string[] = new Array(partCount);
  for (const part of await client.listParts(upload.bucket, upload.key, uploadId)) {
    if (part.partNumber < 1 || part.partNumber > partCount) continue;
    const start = (part.partNumber - 1) * partSize;
    const length = Math.min(partSize, upload.size - start);
    // The file's range is read only when the sizes agree.
    const local = part.size !== length ? '' : (options.partMd5s?.[part.partNumber - 1] ?? (await rangeMd5(upload.file, start, length)));
    const verdict = partVerdict(part, length, local);
    options.onExistingPart?.(part.partNumber, verdict);
    if (verdict.match) kept[part.partNumber - 1] = stripQuotes(part.etag);
  }
  return kept;
}

/** A multipart upload with `concurrency` parts in flight; resolves to the object's ETag. */
export async function putFileMultipart(client: S3Client, upload: FileUpload, options: MultipartOptions): Promise<string> {
  const partCount = Math.max(1, Math.ceil(upload.size / options.partSize));
  const continued = options.uploadId !== undefined;
  const uploadId = options.uploadId ?? (await client.createMultipartUpload(upload.bucket, upload.key, upload.headers));
  const etags = continued ? await keptParts(client, upload, uploadId, options.partSize, partCount, options) : new Array<string>(partCount);
  const missing = [...etags.keys()].filter((index) => etags[index] === undefined);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < missing.length) {
      const index = missing[next++]!;
      const start = index * options.partSize;
      const length = Math.min(options.partSize, upload.size - start);
      const observer = options.onPart?.(index + 1, partCount, length);
      try {
        const known = options.partMd5s?.[index];
        etags[index] = await sendPart(client, upload, uploadId, index + 1, () =>
          known === undefined
            ? hashedRange(upload.file, start, length, observer)
            : { body: fileBody(upload.file, start, length, observer), md5: () => known, headers: contentMd5Header(known) },
        );
        observer?.done(true);
      } catch (error) {
        failed = true;
        observer?.done(false);
        throw error;
      }
    }
  };
  try {
    // Every worker settles before an abort, so no part is still being sent to an aborted upload.
    const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(options.concurrency, missing.length)) }, worker));
    const rejected = settled.find((result) => result.status === 'rejected');
    if (rejected) throw rejected.reason;
    const parts = etags.map((etag, i) => ({ partNumber: i + 1, etag }));
    return (await client.completeMultipartUpload(upload.bucket, upload.key, uploadId, parts)).etag;
  } catch (error) {
    if (!continued) await client.abortMultipartUpload(upload.bucket, upload.key, uploadId).catch(() => undefined);
    throw error;
  }
}
