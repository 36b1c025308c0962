// Digests of large bodies computed on worker threads. MD5 runs at about one
// core's worth of bytes per second; done on the event loop it caps a large
// PUT well below the disk's speed. Here the loop only copies ~1 MiB batches
// to a worker (one per core, shared round-robin) and carries on with the
// socket and the file, while the worker hashes. In-flight bytes per stream
// are bounded, so a slow worker slows the upload instead of filling memory.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HashAlgorithm, HashReply, HashRequest } from './hash-worker.js';

const BATCH_BYTES = 1024 * 1024;
const MAX_IN_FLIGHT_BYTES = 8 * 1024 * 1024;

interface StreamState {
  onHashed(bytes: number): void;
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
      if ('hashed' in reply) stream.onHashed(reply.hashed);
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

  post(message: HashRequest, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
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
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private inFlight = 0;
  private resume: (() => void) | undefined;
  private digestReady: ((digest: Buffer) => void) | undefined;

  constructor(algorithm: HashAlgorithm) {
    this.worker.add(this.id, {
      onHashed: (bytes) => {
        this.inFlight -= bytes;
        if (this.resume && this.inFlight <= MAX_IN_FLIGHT_BYTES / 2) {
          this.resume();
          this.resume = undefined;
        }
      },
      onDigest: (digest) => this.digestReady?.(digest),
    });
    this.worker.post({ id: this.id, start: algorithm });
  }

  /** Adds bytes; returns a promise to wait on when too much is still being hashed. */
  update(chunk: Buffer): Promise<void> | undefined {
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    if (this.batchBytes >= BATCH_BYTES) this.send();
    if (this.inFlight <= MAX_IN_FLIGHT_BYTES) return undefined;
    return new Promise((resolve) => {
      this.resume = resolve;
    });
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
  }

  private send(): void {
    if (this.batchBytes === 0) return;
    // A fresh buffer of our own, so its memory can move to the worker without a second copy.
    const data = Buffer.allocUnsafeSlow(this.batchBytes);
    let offset = 0;
    for (const chunk of this.batch) offset += chunk.copy(data, offset);
    this.inFlight += data.length;
    this.batch = [];
    this.batchBytes = 0;
    this.worker.post({ id: this.id, data }, [data.buffer as ArrayBuffer]);
  }
}
