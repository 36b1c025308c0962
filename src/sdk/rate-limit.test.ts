import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { RateLimit } from './rate-limit.js';

/** Pipes `data` in 16 KiB chunks through the limit's throttle; resolves to what came out and when it had. */
async function through(limit: RateLimit, data: Buffer): Promise<{ out: Buffer; ms: number }> {
  const chunks: Buffer[] = [];
  const started = performance.now();
  const source = Readable.from(Array.from({ length: Math.ceil(data.length / 16384) }, (_, i) => data.subarray(i * 16384, (i + 1) * 16384)));
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      chunks.push(chunk);
      done();
    },
  });
  await pipeline(source, limit.throttle(), sink);
  return { out: Buffer.concat(chunks), ms: performance.now() - started };
}

test('a throttle passes every byte, in order, no faster than the rate', async () => {
  const data = randomBytes(200_000);
  const { out, ms } = await through(new RateLimit(1_000_000), data);
  assert.deepEqual(out, data);
  assert.ok(ms >= 195, `200 kB at 1 MB/s took ${ms} ms`);
});

test('transfers at once share one limit', async () => {
  const limit = new RateLimit(1_000_000);
  const started = performance.now();
  await Promise.all([through(limit, randomBytes(100_000)), through(limit, randomBytes(100_000))]);
  const ms = performance.now() - started;
  assert.ok(ms >= 195, `2 × 100 kB at 1 MB/s together took ${ms} ms`);
});
