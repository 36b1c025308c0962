// Hashing a local file on a worker thread (file-hash-worker.ts), beside the
// main thread's work: a download being written in ranges, told each range
// in order; or a whole file whose MD5 is needed while its parts are hashed
// on the main thread.

import { Worker } from 'node:worker_threads';
import type { ChecksumAlgorithm } from '../checksum-types.js';
import type { HashWorkerData, HashWorkerMessage, HashWorkerResult } from './file-hash-worker.js';

/** The hash worker for `file`: told ranges in order, then asked for the result. */
export function hashWorker(file: string, algorithm: ChecksumAlgorithm | undefined) {
  const data: HashWorkerData = { file, ...(algorithm ? { algorithm } : {}) };
  const worker = new Worker(new URL('./file-hash-worker.js', import.meta.url), { workerData: data });
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

/** The MD5 of the first `size` bytes of `file`, computed on a worker thread. */
export async function fileMd5OnWorker(file: string, size: number): Promise<string> {
  const hasher = hashWorker(file, undefined);
  try {
    if (size > 0) hasher.hash(0, size - 1);
    return (await hasher.result()).md5;
  } finally {
    await hasher.stop();
  }
}
