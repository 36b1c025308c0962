// Digests of large bodies computed on worker threads. MD5 runs at about one
// core's worth of bytes per second; done on the event loop it caps a large
// PUT well below the disk's speed. Here the loop only copies the bytes into a
// small ring of shared memory slots and carries on with the socket and the
// file, while a worker (one per core, shared round-robin) hashes each filled
// slot and hands it back. The ring bounds memory per stream and allocates
// nothing per chunk; when every slot is full, the writer waits. Rings are
// reused: a worker frees shared memory only when it next collects garbage,
// which an idle worker may not do for a long time.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HashAlgorithm, HashReply, HashRequest } from './hash-worker.js';

const SLOT_BYTES = 256 * 1024;
const SLOTS = 8;
/**
 * Rings kept for reuse (2 MiB each). A new ring's pages fault in as the
 * first bytes are copied into them, which on this kind of VM costs more
 * than hashing them: enough are kept for the hashed streams of a client's
 * usual parallel parts (the aws CLI: 10 parts, each with an MD5 and a CRC).
 */
const MAX_SPARE_RINGS = 32;
const spareRings: SharedArrayBuffer[] = [];

interface StreamState {
  onFreed(slot: number): void;
  onDigest(digest: Buffer): void;
}

class HashWorker {
  private readonly worker: Worker;
  private readonly streams = new Map<number, StreamState>();

  constructor() {
    this.worker = new Worker(new URL('./hash-worker.js', import.meta.url));
    this.worker.on('message', (reply: HashReply) => {
      const stream = this.streams.get(reply.id);
      if (!stream) return;
      if ('freed' in reply) stream.onFreed(reply.freed);
      else {
        this.remove(reply.id);
        stream.onDigest(Buffer.from(reply.digest));
      }
    });
    this.worker.unref();
  }

  /** The worker keeps the process alive only while some stream awaits it. */
  add(id: number, stream: StreamState): void {
    this.streams.set(id, stream);
    if (this.streams.size === 1) this.worker.ref();
  }

  remove(id: number): void {
    if (this.streams.delete(id) && this.streams.size === 0) this.worker.unref();
  }

  post(message: HashRequest): void {
    this.worker.postMessage(message);
  }
}

const workers: HashWorker[] = [];
let nextWorker = 0;
let nextId = 0;

function pickWorker(): HashWorker {
  if (workers.length < Math.max(1, availableParallelism())) workers.push(new HashWorker());
  nextWorker = (nextWorker + 1) % workers.length;
  return workers[nextWorker]!;
}

/** A running digest whose work happens on a worker thread. */
export class OffThreadHash {
  private readonly worker = pickWorker();
  private readonly id = ++nextId;
  private readonly ring = spareRings.pop() ?? new SharedArrayBuffer(SLOTS * SLOT_BYTES);
  private readonly ringBytes = Buffer.from(this.ring);
  private readonly free: number[] = Array.from({ length: SLOTS }, (_, i) => i);
  /** The slot being filled and how much of it is. */
  private slot: number | undefined;
  private filled = 0;
  private slotFreed: (() => void) | undefined;
  private digestReady: ((digest: Buffer) => void) | undefined;

  constructor(algorithm: HashAlgorithm) {
    this.worker.add(this.id, {
      onFreed: (slot) => {
        this.free.push(slot);
        this.slotFreed?.();
        this.slotFreed = undefined;
      },
      onDigest: (digest) => {
        this.release();
        this.digestReady?.(digest);
      },
    });
    this.worker.post({ id: this.id, start: algorithm, ring: this.ring, slotBytes: SLOT_BYTES });
  }

  /** Adds bytes; returns a promise to wait on when the ring was full (the bytes are taken either way once it resolves). */
  update(chunk: Buffer): Promise<void> | undefined {
    let offset = this.copy(chunk, 0);
    if (offset === chunk.length) return undefined;
    return (async () => {
      while (offset < chunk.length) {
        await new Promise<void>((resolve) => {
          this.slotFreed = resolve;
        });
        offset = this.copy(chunk, offset);
      }
    })();
  }

  digest(): Promise<Buffer> {
    this.send();
    return new Promise((resolve) => {
      this.digestReady = resolve;
      this.worker.post({ id: this.id, finish: true });
    });
  }

  /** Abandons the digest (the body failed). */
  discard(): void {
    this.worker.remove(this.id);
    this.worker.post({ id: this.id, discard: true });
    // Slots the worker has yet to read belong to the abandoned digest only.
    this.release();
  }

  private release(): void {
    if (spareRings.length < MAX_SPARE_RINGS) spareRings.push(this.ring);
  }

  /** Copies from `offset` into free slots, sending each one filled; returns how far it got. */
  private copy(chunk: Buffer, offset: number): number {
    while (offset < chunk.length) {
      if (this.slot === undefined) {
        const slot = this.free.pop();
        if (slot === undefined) return offset;
        this.slot = slot;
        this.filled = 0;
      }
      const start = this.slot * SLOT_BYTES + this.filled;
      const n = Math.min(SLOT_BYTES - this.filled, chunk.length - offset);
      // fill() with a value as long as the range copies it once, natively (memcpy); copy() and set() into
      // shared memory go through V8's relaxed memmove, 10% of the server's time in a large upload.
      this.ringBytes.fill(chunk.subarray(offset, offset + n), start, start + n);
      offset += n;
      this.filled += n;
      if (this.filled === SLOT_BYTES) this.send();
    }
    return offset;
  }

  private send(): void {
    if (this.slot === undefined || this.filled === 0) return;
    this.worker.post({ id: this.id, slot: this.slot, length: this.filled });
    this.slot = undefined;
    this.filled = 0;
  }
}
