import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { ObjectRecord } from './meta.js';
import { SqliteMetaStore } from './sqlite.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function open(): Promise<SqliteMetaStore> {
  const dir = mkdtempSync(join(tmpdir(), 'aitta-sqlite-lifecycle-'));
  dirs.push(dir);
  const meta = await SqliteMetaStore.open(join(dir, 'meta.sqlite'));
  for (const name of ['a', 'b', 'c']) await meta.createBucket({ name, projectId: 'p1', region: '', createdAt: new Date(0) });
  return meta;
}

function object(bucket: string, key: string, lastModified: number, tags?: Record<string, string>): ObjectRecord {
  return {
    bucket,
    key,
    size: key.length,
    etag: 'e',
    lastModified: new Date(lastModified),
    contentType: '',
    contentHeaders: {},
    userMetadata: {},
    storageClass: 'STANDARD',
    ownerProjectId: 'p1',
    tags,
    data: { kind: 'inline', bytes: Buffer.from(key) },
  };
}

describe('SqliteMetaStore lifecycle queries', () => {
  test('lists the buckets that have a configuration', async () => {
    const meta = await open();
    await meta.setBucketConfig('c', 'lifecycle', '{"rules":[]}');
    await meta.setBucketConfig('a', 'lifecycle', '{"rules":[]}');
    assert.deepEqual((await meta.listLifecycleBuckets()).map((b) => [b.name, b.lifecycle]), [['a', '{"rules":[]}'], ['c', '{"rules":[]}']]);
    await meta.setBucketConfig('a', 'lifecycle', undefined);
    assert.deepEqual((await meta.listLifecycleBuckets()).map((b) => b.name), ['c']);
  });

  test('walks objects by age up to a bound, in (lastModified, key) pages', async () => {
    const meta = await open();
    await meta.putObject(object('a', 'z', 100, { t: '1' }));
    await meta.putObject(object('a', 'y', 100));
    await meta.putObject(object('a', 'x', 300));
    await meta.putObject(object('a', 'young', 900));
    await meta.putObject(object('b', 'other', 50));
    const first = await meta.listObjectsByAge('a', new Date(300), undefined, 2);
    assert.deepEqual(first, [
      { key: 'y', size: 1, lastModified: new Date(100), tags: undefined },
      { key: 'z', size: 1, lastModified: new Date(100), tags: { t: '1' } },
    ]);
    const next = await meta.listObjectsByAge('a', new Date(300), { lastModified: 100, key: 'z' }, 2);
    assert.deepEqual(next.map((o) => o.key), ['x']);
    assert.deepEqual(await meta.listObjectsByAge('a', new Date(99), undefined, 10), []);
  });

  test('walks uploads under a prefix initiated by a bound, in (key, initiated, uploadId) pages', async () => {
    const meta = await open();
    const upload = (uploadId: string, key: string, initiated: number) =>
      meta.createUpload({ uploadId, bucket: 'a', key, initiated: new Date(initiated), contentType: '', contentHeaders: {}, userMetadata: {}, storageClass: 'STANDARD', ownerProjectId: 'p1' });
    await upload('u1', 'mp/a', 10);
    await upload('u2', 'mp/a', 20);
    await upload('u3', 'mp/b', 10);
    await upload('u4', 'mp/c', 500);
    await upload('u5', 'mq/a', 10);
    const first = await meta.listUploadsByAge('a', 'mp/', new Date(100), undefined, 2);
    assert.deepEqual(first.map((u) => u.uploadId), ['u1', 'u2']);
    const next = await meta.listUploadsByAge('a', 'mp/', new Date(100), { key: 'mp/a', initiated: 20, uploadId: 'u2' }, 2);
    assert.deepEqual(next.map((u) => u.uploadId), ['u3']);
    assert.deepEqual((await meta.listUploadsByAge('a', '', new Date(100), undefined, 10)).map((u) => u.uploadId), ['u1', 'u2', 'u3', 'u5']);
  });

  test('keeps the worker progress of each bucket', async () => {
    const meta = await open();
    assert.equal(await meta.getLifecycleProgress('a'), undefined);
    await meta.setLifecycleProgress('a', '{"day":1}');
    await meta.setLifecycleProgress('a', '{"day":2}');
    assert.equal(await meta.getLifecycleProgress('a'), '{"day":2}');
    assert.equal(await meta.getLifecycleProgress('b'), undefined);
  });
});
