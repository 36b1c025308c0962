import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createChecksum } from '../checksums.js';
import { OffThreadHash } from './hash-pool.js';

async function feed(hash: OffThreadHash, chunks: Buffer[]): Promise<Buffer> {
  for (const chunk of chunks) {
    const wait = hash.update(chunk);
    if (wait) await wait;
  }
  return hash.digest();
}

describe('off-thread hashing', () => {
  const chunks = Array.from({ length: 300 }, (_, i) => randomBytes(1 + ((i * 7919) % 70_000)));

  it('gives the same MD5 and checksums as hashing in place, for many streams at once', async () => {
    const md5 = createHash('md5');
    const crc64 = createChecksum('CRC64NVME');
    for (const chunk of chunks) {
      md5.update(chunk);
      crc64.update(chunk);
    }
    const [a, b, c] = await Promise.all([
      feed(new OffThreadHash('MD5'), chunks),
      feed(new OffThreadHash('CRC64NVME'), chunks),
      feed(new OffThreadHash('MD5'), chunks.slice().reverse()),
    ]);
    assert.deepEqual(a, md5.digest());
    assert.deepEqual(b, crc64.digest());
    assert.notDeepEqual(c, a);
  });

  it('asks the writer to wait while too much is still being hashed', async () => {
    const hash = new OffThreadHash('SHA256');
    const big = Buffer.alloc(4 * 1024 * 1024, 1);
    let waited = 0;
    for (let i = 0; i < 8; i++) {
      const wait = hash.update(big);
      if (wait) {
        waited++;
        await wait;
      }
    }
    assert.ok(waited > 0, 'update returned a promise once the ring was full');
    const expected = createHash('sha256');
    for (let i = 0; i < 8; i++) expected.update(big);
    assert.deepEqual(await hash.digest(), expected.digest());
  });

  it('forgets a discarded stream', async () => {
    const hash = new OffThreadHash('MD5');
    hash.update(randomBytes(2 * 1024 * 1024));
    hash.discard();
    const other = new OffThreadHash('MD5');
    assert.deepEqual(await feed(other, [Buffer.from('abc')]), createHash('md5').update('abc').digest());
  });
});
