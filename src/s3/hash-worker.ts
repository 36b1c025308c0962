// The worker-thread side of hash-pool.ts: keeps one running digest per
// stream, hashes each slot of the stream's shared ring as it is announced,
// and hands the slot back.

import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { createChecksum, type Checksum } from '../checksums.js';
import type { ChecksumAlgorithm } from '../checksum-types.js';

export type HashAlgorithm = 'MD5' | ChecksumAlgorithm;

export type HashRequest =
  | { id: number; start: HashAlgorithm; ring: SharedArrayBuffer; slotBytes: number }
  | { id: number; slot: number; length: number }
  | { id: number; finish: true }
  | { id: number; discard: true };

export type HashReply = { id: number; freed: number } | { id: number; digest: Uint8Array };

function newDigest(algorithm: HashAlgorithm): Checksum {
  if (algorithm !== 'MD5') return createChecksum(algorithm);
  const md5 = createHash('md5');
  return { update: (data) => void md5.update(data), digest: () => md5.digest() };
}

const streams = new Map<number, { digest: Checksum; ring: SharedArrayBuffer; slotBytes: number }>();

parentPort?.on('message', (message: HashRequest) => {
  if ('start' in message) {
    streams.set(message.id, { digest: newDigest(message.start), ring: message.ring, slotBytes: message.slotBytes });
  } else if ('slot' in message) {
    const stream = streams.get(message.id);
    stream?.digest.update(new Uint8Array(stream.ring, message.slot * stream.slotBytes, message.length));
    parentPort!.postMessage({ id: message.id, freed: message.slot } satisfies HashReply);
  } else if ('finish' in message) {
    // A copy: the digest's memory may be a slice of Buffer's shared pool.
    const digest = new Uint8Array(streams.get(message.id)!.digest.digest());
    streams.delete(message.id);
    parentPort!.postMessage({ id: message.id, digest } satisfies HashReply);
  } else {
    streams.delete(message.id);
  }
});
