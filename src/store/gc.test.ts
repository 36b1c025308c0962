import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FsBlobStore } from './fs-blob.js';
import { GarbageCollector } from './gc.js';
import type { ObjectRecord } from './meta.js';
import { SqliteMetaStore } from './sqlite.js';

const GRACE_MS = 15 * 60 * 1000;
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'aitta-gc-'));
  dirs.push(dir);
  const meta = await SqliteMetaStore.open(join(dir, 'meta.sqlite'));
  const blobs = new FsBlobStore(dir);
  await meta.createBucket({ name: 'bkt', projectId: 'p1', region: '', createdAt: new Date() });
  let now = Date.now();
  const clock = {
    advance: (ms: number) => {
      now += ms;
    },
  };
  const gc = new GarbageCollector(meta, blobs, { graceMs: GRACE_MS, intervalMs: 1000, now: () => new Date(now), batchSize: 2 });
  const pathOf = (blobId: string) => join(dir, 'blobs', blobId.slice(0, 2), blobId.slice(2, 4), blobId);
  const newBlob = async () => (await blobs.write((async function* () { yield Buffer.from('data'); })(), () => {}, 100)).blobId;
  /** Makes a file look as if it was written `ms` ago. */
  const age = (path: string, ms: number) => {
    const then = new Date(Date.now() - ms);
    utimesSync(path, then, then);
  };
  return { dir, meta, blobs, gc, clock, pathOf, newBlob, age };
}

function object(key: string, blobId: string): ObjectRecord {
  return {
    bucket: 'bkt',
    key,
    size: 4,
    etag: '8d777f385d3dfec8815d20f7496026dc',
    lastModified: new Date(),
    contentType: 'text/plain',
    contentHeaders: {},
    userMetadata: {},
    storageClass: 'STANDARD',
    ownerProjectId: 'p1',
    data: { kind: 'parts', parts: [{ partNumber: 1, blobId, size: 4, etag: '8d777f385d3dfec8815d20f7496026dc' }] },
  };
}

describe('GarbageCollector', () => {
  test('removes garbage blobs only after the grace period, then forgets them', async () => {
    const { meta, gc, clock, pathOf, newBlob } = await setup();
    const [first, second] = [await newBlob(), await newBlob()];
    await meta.putObject(object('k', first));
    await meta.putObject(object('k', second));
    assert.deepEqual(await gc.runOnce(), { garbage: 0, orphans: 0, temp: 0 });
    assert.ok(existsSync(pathOf(first)));
    clock.advance(GRACE_MS + 1000);
    assert.deepEqual(await gc.runOnce(), { garbage: 1, orphans: 0, temp: 0 });
    assert.equal(existsSync(pathOf(first)), false);
    assert.ok(existsSync(pathOf(second)));
    assert.deepEqual(await meta.garbageBefore(new Date(Date.now() + GRACE_MS * 2), 10), []);
    await meta.close();
  });

  test('removes old orphans in batches but never a referenced or a young blob', async () => {
    const { meta, gc, pathOf, newBlob, age } = await setup();
    const referenced = await newBlob();
    await meta.putObject(object('k', referenced));
    await meta.createUpload({
      uploadId: 'u1', bucket: 'bkt', key: 'mp', initiated: new Date(), contentType: '', contentHeaders: {},
      userMetadata: {}, storageClass: 'STANDARD', ownerProjectId: 'p1',
    });
    const part = await newBlob();
    await meta.putPart({ uploadId: 'u1', partNumber: 1, blobId: part, size: 4, etag: 'x', lastModified: new Date() });
    const orphans = [await newBlob(), await newBlob(), await newBlob(), await newBlob(), await newBlob()];
    const young = await newBlob();
    for (const blobId of [referenced, part, ...orphans]) age(pathOf(blobId), GRACE_MS + 60_000);
    assert.deepEqual(await gc.runOnce(), { garbage: 0, orphans: 5, temp: 0 });
    for (const blobId of orphans) assert.equal(existsSync(pathOf(blobId)), false);
    for (const blobId of [referenced, part, young]) assert.ok(existsSync(pathOf(blobId)));
    await meta.close();
  });

  test('a garbage blob is not swept as an orphan before its own grace ends', async () => {
    const { meta, gc, pathOf, newBlob, age } = await setup();
    const blob = await newBlob();
    await meta.putObject(object('k', blob));
    await meta.deleteObject('bkt', 'k');
    age(pathOf(blob), GRACE_MS * 10);
    assert.deepEqual(await gc.runOnce(), { garbage: 0, orphans: 0, temp: 0 });
    assert.ok(existsSync(pathOf(blob)));
    await meta.close();
  });

  test('sweeps stale temporary files', async () => {
    const { dir, meta, gc, age } = await setup();
    const stale = join(dir, 'tmp', 'a'.repeat(32));
    const live = join(dir, 'tmp', 'b'.repeat(32));
    writeFileSync(stale, 'x');
    writeFileSync(live, 'y');
    age(stale, GRACE_MS + 60_000);
    assert.deepEqual(await gc.runOnce(), { garbage: 0, orphans: 0, temp: 1 });
    assert.equal(existsSync(stale), false);
    assert.ok(existsSync(live));
    await meta.close();
  });

  test('runs in the background until stopped, and concurrent runOnce calls share one pass', async () => {
    const { dir, meta, blobs } = await setup();
    const errors: unknown[] = [];
    let passes = 0;
    const gc = new GarbageCollector(meta, blobs, {
      graceMs: 0,
      intervalMs: 5,
      now: () => {
        passes++;
        return new Date();
      },
      onError: (error) => errors.push(error),
    });
    assert.equal(gc.runOnce(), gc.runOnce());
    await gc.runOnce();
    passes = 0;
    gc.start();
    const stale = join(dir, 'tmp', 'c'.repeat(32));
    writeFileSync(stale, 'x');
    const deadline = Date.now() + 5000;
    while (existsSync(stale) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(existsSync(stale), false);
    await gc.stop();
    const after = passes;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(passes, after);
    assert.ok(after >= 1);
    assert.deepEqual(errors, []);
    await meta.close();
  });
});
