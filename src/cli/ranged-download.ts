// A large object fetched in byte ranges, several at once, each written at
// its place in the file: one download then goes as fast as the network and
// the server allow, not as fast as one TCP stream. Every range names the
// ETag the HEAD saw (If-Match), so an object overwritten meanwhile fails the
// download instead of mixing two objects. The file is hashed in order by a
// worker thread (file-hash-worker.ts), each range once it and all before it are
// written.

import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { ChecksumAlgorithm } from '../checksum-types.js';
import type { S3Client } from '../sdk/client.js';
import type { HashWorkerResult } from './file-hash-worker.js';
import { hashWorker } from './hash-worker.js';

export interface RangedDownload {
  bucket: string;
  key: string;
  file: string;
  size: number;
  etag: string;
  partSize: number;
  parallel: number;
  /** A flexible checksum to compute besides the MD5. */
  checksumAlgorithm?: ChecksumAlgorithm;
  onBytes: (count: number) => void;
}

/** Big write buffers keep each socket reading while the disk catches up (one writev per batch). */
const WRITE_BUFFER = 2 * 1024 * 1024;

/** Writes one range's body at its offset; resolves when all of it is written. */
async function fetchRange(client: S3Client, d: RangedDownload, start: number, end: number): Promise<void> {
  const { body } = await client.getObject(d.bucket, d.key, { rangeStart: start, rangeEnd: end, ifMatch: d.etag });
  let received = 0;
  body.on('data', (chunk: Buffer) => {
    received += chunk.length;
    d.onBytes(chunk.length);
  });
  await pipeline([body, ...client.throttle(), createWriteStream(d.file, { flags: 'r+', start, highWaterMark: WRITE_BUFFER })]);
  if (received !== end - start + 1) throw new Error(`range ${start}-${end} ended after ${received} bytes`);
}

export async function downloadRanges(client: S3Client, d: RangedDownload): Promise<HashWorkerResult> {
  const count = Math.ceil(d.size / d.partSize);
  const ranges = Array.from({ length: count }, (_, i) => [i * d.partSize, Math.min(d.size, (i + 1) * d.partSize) - 1] as const);
  // Created (or emptied) once; each range then writes into it at its offset.
  await (await open(d.file, 'w')).close();
  const hasher = hashWorker(d.file, d.checksumAlgorithm);
  try {
    const written = new Array<boolean>(count).fill(false);
    let hashed = 0;
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (!failed && next < count) {
        const i = next++;
        try {
          await fetchRange(client, d, ...ranges[i]!);
        } catch (error) {
          failed = true;
          throw error;
        }
        written[i] = true;
        for (; hashed < count && written[hashed]; hashed++) hasher.hash(...ranges[hashed]!);
      }
    };
    const settled = await Promise.allSettled(Array.from({ length: Math.min(d.parallel, count) }, worker));
    const rejected = settled.find((result) => result.status === 'rejected');
    if (rejected) throw rejected.reason;
    return await hasher.result();
  } finally {
    await hasher.stop();
  }
}
