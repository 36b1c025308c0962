// The worker-thread side of hash-pool.ts: keeps one running digest per
// stream id and answers each batch with its size, so the sender can bound
// what is in flight.

import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { createChecksum, type Checksum } from '../checksums.js';
import type { ChecksumAlgorithm } from '../checksum-types.js';

export type HashAlgorithm = 'MD5' | ChecksumAlgorithm;

export type HashRequest =
  | { id: number; start: HashAlgorithm }
  | { id: number; data: Uint8Array }
  | { id: number; finish: true }
  | { id: number; discard: true };

export type HashReply = { id: number; hashed: number } | { id: number; digest: Uint8Array };

function newDigest(algorithm: HashAlgorithm): Checksum {
  if (algorithm !== 'MD5') return createChecksum(algorithm);
  const md5 = createHash('md5');
  return { update: (data) => void md5.update(data), digest: () => md5.digest() };
}

const digests = new Map<number, Checksum>();

parentPort?.on('message', (message: HashRequest) => {
  if ('start' in message) {
    digests.set(message.id, newDigest(message.start));
  } else if ('data' in message) {
    digests.get(message.id)?.update(message.data);
    parentPort!.postMessage({ id: message.id, hashed: message.data.byteLength } satisfies HashReply);
  } else if ('finish' in message) {
    const digest = digests.get(message.id)!.digest();
    digests.delete(message.id);
    parentPort!.postMessage({ id: message.id, digest } satisfies HashReply, [digest.buffer as ArrayBuffer]);
  } else {
    digests.delete(message.id);
  }
});
