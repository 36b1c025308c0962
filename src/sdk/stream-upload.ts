// Uploading a stream of unknown length (`put -`, standard input) as a
// multipart upload: the stream is cut into parts of `partSize` bytes, each
// held in memory while it goes up, `concurrency` at most at once. Memory is
// bounded by the part size and the concurrency, whatever the stream's
// length, and the buffers of finished parts are used again. Each part goes
// with its Content-MD5 and is checked against its ETag; a failed upload
// this call started is aborted once every part in flight has settled. An
// upload can continue an earlier one: a part already there with the size
// and MD5 of what the stream gives is kept.

import { createHash } from 'node:crypto';
import type { S3Client } from './client.js';
import { contentMd5Header, partVerdict, sendPart, type PartVerdict, type TransferObserver } from './upload.js';

export interface StreamUpload {
  bucket: string;
  key: string;
  /** Headers of CreateMultipartUpload (content-type, x-amz-meta-*, ...). */
  headers: Record<string, string>;
}

export interface StreamPartsOptions {
  partSize: number;
  concurrency: number;
  /** Called as each part starts; the number of parts is not known until the stream ends. */
  onPart?: (partNumber: number, size: number) => TransferObserver;
  /** Continue this upload instead of starting one. */
  uploadId?: string;
  /** With `uploadId`: told, as the stream reaches each part already there, whether it is kept. */
  onExistingPart?: (partNumber: number, verdict: PartVerdict) => void;
}

/** Uploads everything `source` yields; resolves to the object's ETag and the bytes sent. An empty stream makes one empty part. */
export async function putStreamMultipart(
  client: S3Client,
  upload: StreamUpload,
  source: AsyncIterable<Buffer>,
  options: StreamPartsOptions,
): Promise<{ etag: string; size: number }> {
  const continued = options.uploadId !== undefined;
  const uploadId = options.uploadId ?? (await client.createMultipartUpload(upload.bucket, upload.key, upload.headers));
  const existing = new Map(continued ? (await client.listParts(upload.bucket, upload.key, uploadId)).map((part) => [part.partNumber, part]) : []);
  const etags: string[] = [];
  const inFlight = new Set<Promise<void>>();
  const spare: Buffer[] = [];
  let size = 0;
  let failure: { error: unknown } | undefined;

  const send = async (partNumber: number, buffer: Buffer, length: number): Promise<void> => {
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    if (failure) throw failure.error;
    const part = buffer.subarray(0, length);
    const md5 = createHash('md5').update(part).digest('hex');
    const there = existing.get(partNumber);
    if (there) {
      const verdict = partVerdict(there, length, md5);
      options.onExistingPart?.(partNumber, verdict);
      if (verdict.match) {
        etags[partNumber - 1] = md5;
        spare.push(buffer);
        return;
      }
    }
    const observer = options.onPart?.(partNumber, length);
    // A task never rejects (nothing may be awaiting it yet): a failure is kept for the next send or the end.
    const headers = contentMd5Header(md5);
    const task = sendPart(client, upload, uploadId, partNumber, () => ({ body: part, md5: () => md5, headers })).then(
      (etag) => {
        etags[partNumber - 1] = etag;
        observer?.bytes(length);
        observer?.done(true);
        spare.push(buffer);
        inFlight.delete(task);
      },
      (error: unknown) => {
        failure ??= { error };
        observer?.done(false);
        inFlight.delete(task);
      },
    );
    inFlight.add(task);
  };

  try {
    let buffer: Buffer = Buffer.allocUnsafe(options.partSize);
    let filled = 0;
    let partNumber = 0;
    for await (const chunk of source) {
      for (let offset = 0; offset < chunk.length; ) {
        const copied = chunk.copy(buffer, filled, offset);
        filled += copied;
        offset += copied;
        if (filled === options.partSize) {
          await send(++partNumber, buffer, filled);
          size += filled;
          buffer = spare.pop() ?? Buffer.allocUnsafe(options.partSize);
          filled = 0;
        }
      }
    }
    if (filled > 0 || partNumber === 0) {
      await send(++partNumber, buffer, filled);
      size += filled;
    }
    await Promise.all(inFlight);
    if (failure) throw failure.error;
    const parts = etags.map((etag, i) => ({ partNumber: i + 1, etag }));
    return { etag: (await client.completeMultipartUpload(upload.bucket, upload.key, uploadId, parts)).etag, size };
  } catch (error) {
    await Promise.allSettled(inFlight);
    if (!continued) await client.abortMultipartUpload(upload.bucket, upload.key, uploadId).catch(() => undefined);
    throw error;
  }
}
