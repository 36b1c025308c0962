import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { S3Error } from '../errors.js';
import { FsBlobStore } from './fs-blob.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function newStore(): FsBlobStore {
  const dir = mkdtempSync(join(tmpdir(), 'aitta-blob-'));
  dirs.push(dir);
  return new FsBlobStore(dir);
}

async function* chunks(sizes: number[], fill = (i: number) => i % 251): AsyncIterable<Buffer> {
  let offset = 0;
  for (const size of sizes) {
    const chunk = Buffer.alloc(size);
    for (let i = 0; i < size; i++) chunk[i] = fill(offset + i);
    offset += size;
    yield chunk;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

async function listAll(store: FsBlobStore): Promise<Array<{ blobId: string; mtime: Date }>> {
  const blobs: Array<{ blobId: string; mtime: Date }> = [];
  for await (const blob of store.list()) blobs.push(blob);
  return blobs;
}

function tempFiles(store: FsBlobStore): string[] {
  return readdirSync(join(store.root, 'tmp'));
}

describe('FsBlobStore', () => {
  test('writes chunks of any size, shows each to onChunk, and reads back whole or by range', async () => {
    const store = newStore();
    const sizes = [1, 7, 65_536, 3, 1_048_576, 200_000, 0, 5];
    const seen: Buffer[] = [];
    const result = await store.write(chunks(sizes), (chunk) => void seen.push(Buffer.from(chunk)), Number.MAX_SAFE_INTEGER);
    const total = sizes.reduce((a, b) => a + b, 0);
    assert.equal(result.size, total);
    assert.match(result.blobId, /^[0-9a-f]{32}$/);
    const expected = Buffer.concat(seen);
    assert.equal(expected.length, total);
    const path = join(store.root, 'blobs', result.blobId.slice(0, 2), result.blobId.slice(2, 4), result.blobId);
    assert.equal(statSync(path).size, total);
    assert.deepEqual(await readAll(store.read(result.blobId)), expected);
    assert.deepEqual(await readAll(store.read(result.blobId, 10, 70_000)), expected.subarray(10, 70_001));
    assert.deepEqual(await readAll(store.read(result.blobId, total - 1)), expected.subarray(total - 1));
    assert.deepEqual(tempFiles(store), []);
  });

  test('a large write (past the background sync point) is intact', async () => {
    const store = newStore();
    const sizes = Array.from({ length: 40 * 16 }, () => 65_536);
    const written = createHash('md5');
    const result = await store.write(chunks(sizes), (chunk) => void written.update(chunk), 40 * 1024 * 1024);
    const read = createHash('md5');
    for await (const chunk of store.read(result.blobId)) read.update(chunk as Buffer);
    assert.equal(read.digest('hex'), written.digest('hex'));
  });

  test('an empty body makes an empty blob', async () => {
    const store = newStore();
    const result = await store.write(chunks([]), () => {}, 0);
    assert.equal(result.size, 0);
    assert.deepEqual(await readAll(store.read(result.blobId)), Buffer.alloc(0));
  });

  test('more than maxBytes fails with EntityTooLarge and leaves nothing', async () => {
    const store = newStore();
    await assert.rejects(
      store.write(chunks([600_000, 600_000, 600_000]), () => {}, 1_000_000),
      (error: S3Error) => error.code === 'EntityTooLarge' && error.details.MaxSizeAllowed === '1000000',
    );
    assert.deepEqual(tempFiles(store), []);
    assert.deepEqual(await listAll(store), []);
    const exact = await store.write(chunks([500_000, 500_000]), () => {}, 1_000_000);
    assert.equal(exact.size, 1_000_000);
  });

  test('a failing source is rethrown and leaves no temporary file', async () => {
    const store = newStore();
    async function* broken(): AsyncIterable<Buffer> {
      for (let i = 0; i < 40; i++) yield Buffer.alloc(100_000, 1);
      throw new Error('client went away');
    }
    await assert.rejects(store.write(broken(), () => {}, Number.MAX_SAFE_INTEGER), /client went away/);
    assert.deepEqual(tempFiles(store), []);
    assert.deepEqual(await listAll(store), []);
  });

  test('list yields every blob with its mtime; remove ignores missing blobs', async () => {
    const store = newStore();
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await store.write(chunks([10]), () => {}, 100)).blobId);
    const listed = await listAll(store);
    assert.deepEqual(new Set(listed.map((b) => b.blobId)), ids);
    for (const { mtime } of listed) assert.ok(Date.now() - mtime.getTime() < 60_000);
    const [first] = ids;
    await store.remove(first!);
    await store.remove(first!);
    await store.remove('0'.repeat(32));
    assert.equal((await listAll(store)).length, 19);
  });

  test('writeTo writes a range through reused buffers, concurrent calls intact, and fails with its destination', async () => {
    const store = newStore();
    const size = 5 * 1024 * 1024 + 123;
    const { blobId } = await store.write(chunks([size]), () => {}, size);
    const whole = await readAll(store.read(blobId));
    const collect = async (start: number, end: number, delayMs: number): Promise<Buffer> => {
      const parts: Buffer[] = [];
      // A slow destination, so that reads run ahead of its writes: each chunk is copied when taken.
      const to = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          parts.push(Buffer.from(chunk));
          setTimeout(callback, delayMs);
        },
      });
      await store.writeTo(blobId, start, end, to);
      return Buffer.concat(parts);
    };
    const [all, middle, tail] = await Promise.all([collect(0, size - 1, 2), collect(1_048_000, 3_200_000, 0), collect(size - 10, size - 1, 1)]);
    assert.ok(all.equals(whole));
    assert.ok(middle.equals(whole.subarray(1_048_000, 3_200_001)));
    assert.ok(tail.equals(whole.subarray(size - 10)));
    assert.ok((await collect(0, size - 1, 0)).equals(whole));
    const failing = new Writable({ write: (_chunk, _encoding, callback) => callback(new Error('refused')) });
    failing.on('error', () => {});
    await assert.rejects(store.writeTo(blobId, 0, size - 1, failing), /refused/);
    const stalled = new Writable({ write: () => setImmediate(() => stalled.destroy()) });
    await assert.rejects(store.writeTo(blobId, 0, size - 1, stalled), /closed/);
    await assert.rejects(store.writeTo('0'.repeat(32), 0, 10, new Writable()), { code: 'ENOENT' });
  });

  test('read of a missing blob errors on the stream', async () => {
    const store = newStore();
    await assert.rejects(readAll(store.read('0'.repeat(32))), (error: NodeJS.ErrnoException) => error.code === 'ENOENT');
    assert.throws(() => store.read('../../etc/passwd'));
  });

  test('sweepTemp removes only temporary files older than the cut-off', async () => {
    const store = newStore();
    const old = join(store.root, 'tmp', 'a'.repeat(32));
    const fresh = join(store.root, 'tmp', 'b'.repeat(32));
    writeFileSync(old, 'x');
    writeFileSync(fresh, 'y');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(old, hourAgo, hourAgo);
    assert.equal(await store.sweepTemp(new Date(Date.now() - 60_000)), 1);
    assert.equal(existsSync(old), false);
    assert.equal(existsSync(fresh), true);
  });
});
