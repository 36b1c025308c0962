// A limit on the bytes per second of all transfers together (s3cmd's
// --limit-rate, which it applies to its one transfer at a time; parallel
// transfers share it here). Each chunk is let through when it and the bytes
// before it are due, so no transfer runs ahead of the rate.

import { Transform } from 'node:stream';

export class RateLimit {
  /** When the bytes let through so far are due (performance.now() time). */
  private due = 0;

  constructor(private readonly bytesPerSecond: number) {}

  /** How long a chunk of `bytes` must wait before it goes (ms): until it and the bytes before it are due. */
  private take(bytes: number): number {
    const now = performance.now();
    this.due = Math.max(this.due, now) + (bytes * 1000) / this.bytesPerSecond;
    return this.due - now;
  }

  /** A pass-through stream that holds chunks back to keep to the rate. */
  throttle(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        const wait = this.take(chunk.length);
        if (wait > 0) setTimeout(() => done(null, chunk), wait);
        else done(null, chunk);
      },
    });
  }
}
