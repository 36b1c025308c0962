// Uploading a file: one PUT, or a multipart upload whose parts go up in
// parallel (each read straight from its range of the file, so memory does
// not grow with the file) and are checked against their MD5 ETags. A failed
// multipart upload is aborted so that no parts are left behind.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Body, S3Client } from './client.js';
import { S3ServiceError } from './errors.js';

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

export interface MultipartOptions {
  partSize: number;
  concurrency: number;
  /** Called as each part starts, in part order. */
  onPart?: (partNumber: number, partCount: number, size: number) => TransferObserver;
}

const READ_CHUNK = 1024 * 1024;
/** Attempts at a part whose ETag is not the MD5 of what was sent. */
const PART_ATTEMPTS = 3;

/** A re-openable body over a file range that hashes and counts what it reads. */
function fileRange(file: string, start: number, length: number, observer?: TransferObserver) {
  let hash = createHash('md5');
  let read = 0;
  const body: Body = {
    length,
    open: (): Readable => {
      hash = createHash('md5');
      // A retry sends the range again: take back what the failed attempt counted.
      if (read > 0) observer?.bytes(-read);
      read = 0;
      const stream = length === 0 ? Readable.from([]) : createReadStream(file, { start, end: start + length - 1, highWaterMark: READ_CHUNK });
      stream.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        read += chunk.length;
        observer?.bytes(chunk.length);
      });
      return stream;
    },
  };
  return { body, md5: () => hash.digest('hex') };
}

/** One PUT of the whole file; Content-MD5 lets the service refuse a corrupted body. */
export async function putFile(client: S3Client, upload: FileUpload, md5Hex: string, observer?: TransferObserver): Promise<string> {
  const { body } = fileRange(upload.file, 0, upload.size, observer);
  const headers = { ...upload.headers, 'content-md5': Buffer.from(md5Hex, 'hex').toString('base64') };
  try {
    const { etag } = await client.putObject(upload.bucket, upload.key, body, headers);
    observer?.done(true);
    return etag;
  } catch (error) {
    observer?.done(false);
    throw error;
  }
}

async function uploadOnePart(client: S3Client, upload: FileUpload, uploadId: string, partNumber: number, start: number, length: number, observer?: TransferObserver) {
  for (let attempt = 1; ; attempt++) {
    const range = fileRange(upload.file, start, length, observer);
    const etag = await client.uploadPart(upload.bucket, upload.key, uploadId, partNumber, range.body);
    const md5 = range.md5();
    if (etag === md5) return etag;
    if (attempt >= PART_ATTEMPTS) throw new S3ServiceError('BadDigest', 400, `MD5 of part ${partNumber} does not match its ETag ${etag}`, 'Bad Request');
  }
}

/** A multipart upload with `concurrency` parts in flight; resolves to the object's ETag. */
export async function putFileMultipart(client: S3Client, upload: FileUpload, options: MultipartOptions): Promise<string> {
  const partCount = Math.max(1, Math.ceil(upload.size / options.partSize));
  const uploadId = await client.createMultipartUpload(upload.bucket, upload.key, upload.headers);
  const etags: string[] = new Array(partCount);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < partCount) {
      const index = next++;
      const start = index * options.partSize;
      const length = Math.min(options.partSize, upload.size - start);
      const observer = options.onPart?.(index + 1, partCount, length);
      try {
        etags[index] = await uploadOnePart(client, upload, uploadId, index + 1, start, length, observer);
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
    const settled = await Promise.allSettled(Array.from({ length: Math.min(options.concurrency, partCount) }, worker));
    const rejected = settled.find((result) => result.status === 'rejected');
    if (rejected) throw rejected.reason;
    const parts = etags.map((etag, i) => ({ partNumber: i + 1, etag }));
    return (await client.completeMultipartUpload(upload.bucket, upload.key, uploadId, parts)).etag;
  } catch (error) {
    await client.abortMultipartUpload(upload.bucket, upload.key, uploadId).catch(() => undefined);
    throw error;
  }
}
