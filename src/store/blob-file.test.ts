import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { constants, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { returnAlignedSlices, takeAlignedSlices } from './aligned-buffers.js';
import { createBlobFile, type BlobFile } from './blob-file.js';

const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'aitta-blob-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The open flags of this process's descriptor for `path` (from /proc/self/fdinfo). */
function openFlags(path: string): number {
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    if (target !== path) continue;
    const flags = /^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
    return Number.parseInt(flags!, 8);
  }
  throw new Error(`${path} is not open`);
}

/** Deterministic bytes, different at every offset of the first 251. */
function bytes(length: number, from: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (from + i) % 251;
  return b;
}

/** Every aligned slice still free. */
function takeAll(): Buffer[] {
  const taken: Buffer[] = [];
  for (let slices = takeAlignedSlices(1); slices !== undefined; slices = takeAlignedSlices(1)) taken.push(...slices);
  return taken;
}

/** Appends chunks of the given sizes; returns what was appended. */
async function appendAll(file: BlobFile, sizes: number[]): Promise<Buffer> {
  const written: Buffer[] = [];
  let offset = 0;
  for (const size of sizes) {
    const chunk = bytes(size, offset);
    offset += size;
    written.push(chunk);
    await file.append(chunk);
  }
  return Buffer.concat(written);
}

describe('createBlobFile', () => {
  test('a large blob is written with O_DIRECT, padded and cut back to its exact size', async () => {
    const path = join(dir, 'direct');
    const sizes = [1, 65_536, 3 * MiB + 7, 12_345, 5 * MiB, 333];
    const file = await createBlobFile(path, 8 * MiB);
    assert.ok(openFlags(path) & constants.O_DIRECT, 'opened with O_DIRECT');
    const expected = await appendAll(file, sizes);
    await file.finish();
    assert.ok(readFileSync(path).equals(expected));
  });

  test('a blob whose size is a whole number of blocks is not cut', async () => {
    const path = join(dir, 'whole');
    const file = await createBlobFile(path, 8 * MiB);
    const expected = await appendAll(file, [4 * MiB, 4 * MiB + 8192]);
    await file.finish();
    assert.ok(readFileSync(path).equals(expected));
  });

  test('a small blob goes through the page cache', async () => {
    const path = join(dir, 'small');
    const file = await createBlobFile(path, 100_000);
    assert.equal(openFlags(path) & constants.O_DIRECT, 0);
    const expected = await appendAll(file, [60_000, 40_000]);
    await file.finish();
    assert.ok(readFileSync(path).equals(expected));
  });

  test('with every aligned slice taken, a large blob is buffered, and intact', async () => {
    const taken = takeAll();
    try {
      const path = join(dir, 'no-slices');
      const file = await createBlobFile(path, 16 * MiB);
      assert.equal(openFlags(path) & constants.O_DIRECT, 0);
      const expected = await appendAll(file, [9 * MiB, 77]);
      await file.finish();
      assert.ok(readFileSync(path).equals(expected));
    } finally {
      returnAlignedSlices(taken);
    }
  });

  test('without address space for the aligned memory (ulimit -v), a large blob is buffered, and intact', () => {
    const blobFile = new URL('./blob-file.js', import.meta.url).href;
    const path = join(dir, 'ulimit');
    const script = `
      const { createBlobFile } = await import(${JSON.stringify(blobFile)});
      const file = await createBlobFile(${JSON.stringify(path)}, 16 * 1024 * 1024);
      await file.append(Buffer.alloc(9 * 1024 * 1024 + 5, 7));
      await file.finish();`;
    const run = spawnSync('bash', ['-c', 'ulimit -v 4000000 && exec "$0" --input-type=module -e "$1"', process.execPath, script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const written = readFileSync(path);
    assert.equal(written.length, 9 * MiB + 5);
    assert.ok(written.equals(Buffer.alloc(9 * MiB + 5, 7)));
  });

  test('finished and abandoned files give their slices back', async () => {
    const free = (): number => {
      const taken = takeAll();
      returnAlignedSlices(taken);
      return taken.length;
    };
    const before = free();
    const finished = await createBlobFile(join(dir, 'finished'), 8 * MiB);
    const abandoned = await createBlobFile(join(dir, 'abandoned'), 8 * MiB);
    assert.ok(free() < before);
    await appendAll(finished, [2 * MiB + 5]);
    await appendAll(abandoned, [3 * MiB]);
    await finished.finish();
    await abandoned.abandon();
    assert.equal(free(), before);
  });
});
