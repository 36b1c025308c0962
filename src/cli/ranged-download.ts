// A large object fetched in byte ranges, several at once, each written at
// its place in the file: one download then goes as fast as the network and
// the server allow, not as fast as one TCP stream. Every range names the
// ETag the HEAD saw (If-Match), so an object overwritten meanwhile fails the
// download instead of mixing two objects. The file is hashed in order by a
// worker thread (hash-worker.ts), each range once it and all before it are
// written.

import { open, type FileHandle } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { ChecksumAlgorithm } from '../checksum-types.js';
import type { S3Client } from '../sdk/client.js';
import type { HashWorkerData, HashWorkerMessage, HashWorkerResult } from './hash-worker.js';

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

/** Writes one range's body at its offset; resolves when all of it is written. */
async function fetchRange(client: S3Client, d: RangedDownload, fh: FileHandle, start: number, end: number): Promise<void> {
  const { body } = await client.getObject(d.bucket, d.key, { rangeStart: start, rangeEnd: end, ifMatch: d.etag });
  let position = start;
  for await (const chunk of body) {
    const data = chunk as Buffer;
    await fh.write(data, 0, data.length, position);
    position += data.length;
    d.onBytes(data.length);
  }
  if (position !== end + 1) throw new Error(`range ${start}-${end} ended after ${position - start} bytes`);
}

/** The hash worker for `file`: told ranges in order, then asked for the result. */
function hashWorker(file: string, algorithm: ChecksumAlgorithm | undefined) {
  const data: HashWorkerData = { file, ...(algorithm ? { algorithm } : {}) };
  const worker = new Worker(new URL('./hash-worker.js', import.meta.url), { workerData: data });
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`hash worker exited with ${code}`)));
  });
  failed.catch(() => undefined);
  const send = (message: HashWorkerMessage) => worker.postMessage(message);
  return {
    hash: (start: number, end: number) => send({ start, end }),
    async result(): Promise<HashWorkerResult> {
      const answer = new Promise<HashWorkerResult>((resolve) => worker.once('message', resolve));
      send('done');
      return Promise.race([answer, failed]);
    },
    stop: () => worker.terminate(),
  };
}

export async function downloadRanges(client: S3Client, d: RangedDownload): Promise<HashWorkerResult> {
  const count = Math.ceil(d.size / d.partSize);
  const ranges = Array.from({ length: count }, (_, i) => [i * d.partSize, Math.min(d.size, (i + 1) * d.partSize) - 1] as const);
  const fh = await open(d.file, 'w');
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
          await fetchRange(client, d, fh, ...ranges[i]!);
        } catch (error) {
          failed = true;
          throw error;
        }
        written[i] = true;
        for (; hashed < count && written[hashed]; hashed++) hasher.hash(...ranges[hashed]!);
      }
    };
    // Every worker settles before the file is closed, so none writes to a closed handle.
    const settled = await Promise.allSettled(Array.from({ length: Math.min(d.parallel, count) }, worker));
    const rejected = settled.find((result) => result.status === 'rejected');
    if (rejected) throw rejected.reason;
    return await hasher.result();
  } finally {
    await hasher.stop();
    await fh.close();
  }
}
