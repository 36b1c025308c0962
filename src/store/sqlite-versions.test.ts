import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ObjectRecord, VersionListQuery, VersionSummary } from './meta.js';
import type { SqliteMetaStore } from './sqlite.js';
import { garbage, object, openStore, part } from './testing.js';

async function versionedStore(): Promise<SqliteMetaStore> {
  const store = await openStore();
  await store.createProject({ id: 'p1', name: 'project_1' });
  await store.setBucketVersioning('bkt', 'Enabled');
  return store;
}

function withBody(key: string, body: string): ObjectRecord {
  return object(key, { kind: 'inline', bytes: Buffer.from(body) });
}

async function bodyOf(store: SqliteMetaStore, key: string, versionId?: string): Promise<string | undefined> {
  const found = versionId === undefined ? await store.getObject('bkt', key, 'body') : await store.getObjectVersion('bkt', key, versionId, 'body');
  if (found === undefined || 'deleteMarker' in found) return undefined;
  assert.equal(found.data.kind, 'inline');
  return found.data.kind === 'inline' ? found.data.bytes.toString() : undefined;
}

const everything: VersionListQuery = { bucket: 'bkt', prefix: '', delimiter: '', keyMarker: '', versionIdMarker: '', maxKeys: 1000 };

function summary(v: VersionSummary): string {
  return `${v.key}:${v.versionId}${v.isLatest ? ':latest' : ''}${v.deleteMarker ? ':marker' : ''}`;
}

describe('SqliteMetaStore versioning', () => {
  test('enabled: every put is a new version, the newest is current, the old ones stay readable', async () => {
    const store = await versionedStore();
    const v1 = await store.putObject(withBody('k', 'one'));
    const v2 = await store.putObject(withBody('k', 'two'));
    assert.notEqual(v1, 'null');
    assert.notEqual(v1, v2);
    assert.equal(await bodyOf(store, 'k'), 'two');
    assert.equal((await store.getObject('bkt', 'k'))?.versionId, v2);
    assert.equal(await bodyOf(store, 'k', v1), 'one');
    // Without 'body', neither an older nor the current version reads its inline bytes.
    for (const versionId of [v1, v2]) {
      const info = await store.getObjectVersion('bkt', 'k', versionId);
      assert.ok(info !== undefined && !('deleteMarker' in info));
      assert.equal(info.versionId, versionId);
      assert.deepEqual(info.data, { kind: 'inline' });
    }
    const page = await store.listObjectVersions(everything);
    assert.deepEqual(page.versions.map(summary), [`k:${v2}:latest`, `k:${v1}`]);
    // ListObjects sees only the current version.
    assert.deepEqual((await store.listObjects({ bucket: 'bkt', prefix: '', delimiter: '', after: '', maxKeys: 10 })).objects.map((o) => o.key), ['k']);
    await store.close();
  });

  test('a delete adds a marker that hides the object; removing the marker brings it back', async () => {
    const store = await versionedStore();
    const v1 = await store.putObject(withBody('k', 'one'));
    const deleted = await store.deleteObject('bkt', 'k');
    assert.equal(deleted.deleteMarker, true);
    const marker = deleted.versionId!;
    assert.equal(await store.getObject('bkt', 'k'), undefined);
    assert.equal((await store.latestDeleteMarker('bkt', 'k'))?.versionId, marker);
    assert.equal((await store.getObjectVersion('bkt', 'k', marker)) !== undefined, true);
    assert.deepEqual((await store.listObjectVersions(everything)).versions.map(summary), [`k:${marker}:latest:marker`, `k:${v1}`]);
    assert.equal((await store.listObjects({ bucket: 'bkt', prefix: '', delimiter: '', after: '', maxKeys: 10 })).objects.length, 0);
    assert.equal(await store.deleteBucket('bkt'), 'not-empty', 'versions and markers keep a bucket from being deleted');

    const removed = await store.deleteObject('bkt', 'k', marker);
    assert.deepEqual(removed, { deleted: true, versionId: marker, deleteMarker: true });
    assert.equal(await bodyOf(store, 'k'), 'one');
    assert.equal(await store.latestDeleteMarker('bkt', 'k'), undefined);
    await store.close();
  });

  test('deleting the current version by id makes the previous one current; unknown ids change nothing', async () => {
    const store = await versionedStore();
    const v1 = await store.putObject(withBody('k', 'one'));
    const v2 = await store.putObject(withBody('k', 'two'));
    assert.deepEqual(await store.deleteObject('bkt', 'k', 'a'.repeat(32)), { deleted: false, versionId: 'a'.repeat(32), deleteMarker: false });
    assert.deepEqual(await store.deleteObject('bkt', 'k', v2), { deleted: true, versionId: v2, deleteMarker: false });
    assert.equal(await bodyOf(store, 'k'), 'one');
    assert.deepEqual((await store.listObjectVersions(everything)).versions.map(summary), [`k:${v1}:latest`]);
    await store.deleteObject('bkt', 'k', v1);
    assert.deepEqual((await store.listObjectVersions(everything)).versions, []);
    assert.equal(await store.deleteBucket('bkt'), 'deleted');
    await store.close();
  });

  test('expireVersion (lifecycle) removes a noncurrent version but never the current one', async () => {
    const store = await versionedStore();
    const v1 = await store.putObject(withBody('k', 'one'));
    const v2 = await store.putObject(withBody('k', 'two'));
    // v2 was deleted by a user after the worker listed v1 as noncurrent: v1 became current again.
    await store.deleteObject('bkt', 'k', v2);
    assert.deepEqual(await store.expireVersion('bkt', 'k', v1), { deleted: false, versionId: v1, deleteMarker: false });
    assert.equal(await bodyOf(store, 'k'), 'one');
    const v3 = await store.putObject(withBody('k', 'three'));
    assert.equal((await store.expireVersion('bkt', 'k', v1)).deleted, true);
    assert.deepEqual((await store.listObjectVersions(everything)).versions.map(summary), [`k:${v3}:latest`]);
    await store.close();
  });

  test('suspended: puts and deletes replace the null version and keep the others', async () => {
    const store = await openStore();
    await store.putObject(withBody('k', 'before versioning'));
    await store.setBucketVersioning('bkt', 'Enabled');
    const v1 = await store.putObject(withBody('k', 'versioned'));
    await store.setBucketVersioning('bkt', 'Suspended');
    assert.equal(await store.putObject(withBody('k', 'suspended 1')), 'null');
    assert.equal(await store.putObject(withBody('k', 'suspended 2')), 'null');
    assert.deepEqual((await store.listObjectVersions(everything)).versions.map(summary), ['k:null:latest', `k:${v1}`]);
    assert.equal(await bodyOf(store, 'k'), 'suspended 2');
    const deleted = await store.deleteObject('bkt', 'k');
    assert.deepEqual(deleted, { deleted: true, versionId: 'null', deleteMarker: true });
    assert.deepEqual((await store.listObjectVersions(everything)).versions.map(summary), ['k:null:latest:marker', `k:${v1}`]);
    assert.equal(await bodyOf(store, 'k', v1), 'versioned');
    await store.close();
  });

  test('usage counts every stored version, not delete markers; blobs shared by versions live until the last goes', async () => {
    const store = await versionedStore();
    const shared = 'a'.repeat(32);
    const v1 = await store.putObject(object('k', { kind: 'parts', parts: [part(1, shared)] }));
    // A copy onto the same key shares the blob, as CopyObject does.
    const v2 = await store.putObject(object('k', { kind: 'parts', parts: [part(1, shared)] }));
    let usage = await store.getUsage('p1');
    assert.deepEqual([usage.bytes, usage.objects], [20, 2]);
    await store.deleteObject('bkt', 'k');
    usage = await store.getUsage('p1');
    assert.deepEqual([usage.bytes, usage.objects], [20, 2]);
    await store.deleteObject('bkt', 'k', v2);
    assert.deepEqual(await garbage(store), [], 'the other version still holds the blob');
    await store.deleteObject('bkt', 'k', v1);
    assert.deepEqual(await garbage(store), [shared]);
    usage = await store.getUsage('p1');
    assert.deepEqual([usage.bytes, usage.objects], [0, 0]);
    await store.close();
  });

  test('tags change on the version asked for', async () => {
    const store = await versionedStore();
    const v1 = await store.putObject(withBody('k', 'one'));
    const v2 = await store.putObject(withBody('k', 'two'));
    assert.equal(await store.setObjectTags('bkt', 'k', { old: 'yes' }, v1), true);
    assert.equal(await store.setObjectTags('bkt', 'k', { new: 'yes' }), true);
    const old = await store.getObjectVersion('bkt', 'k', v1);
    assert.deepEqual(old !== undefined && !('deleteMarker' in old) ? old.tags : undefined, { old: 'yes' });
    assert.deepEqual((await store.getObject('bkt', 'k'))?.tags, { new: 'yes' });
    assert.equal((await store.getObject('bkt', 'k'))?.versionId, v2);
    await store.close();
  });

  test('pages of any size, resumed with key and version-id markers, add up to the whole listing', async () => {
    const store = await versionedStore();
    for (let round = 0; round < 3; round++) {
      for (const key of ['a', 'b/1', 'b/2', 'c', 'd']) {
        if ((round + key.length) % 3 === 2) await store.deleteObject('bkt', key);
        else await store.putObject(withBody(key, `${key}${round}`));
      }
    }
    for (const delimiter of ['', '/']) {
      const whole = await store.listObjectVersions({ ...everything, delimiter });
      assert.equal(whole.isTruncated, false);
      const expected = [...whole.versions.map(summary), ...whole.commonPrefixes];
      for (const maxKeys of [1, 2, 3, 5]) {
        const seen: string[] = [];
        let query: VersionListQuery = { ...everything, delimiter, maxKeys };
        for (;;) {
          const page = await store.listObjectVersions(query);
          seen.push(...page.versions.map(summary), ...page.commonPrefixes);
          if (!page.isTruncated) break;
          query = { ...query, keyMarker: page.nextKeyMarker!, versionIdMarker: page.nextVersionIdMarker ?? '' };
        }
        // Common prefixes sort with the keys; compare as sets of entries in key order.
        assert.deepEqual(seen.sort(), [...expected].sort(), `delimiter '${delimiter}', pages of ${maxKeys}`);
      }
    }
    // One latest entry per key.
    const latest = (await store.listObjectVersions(everything)).versions.filter((v) => v.isLatest).map((v) => v.key);
    assert.deepEqual(latest, ['a', 'b/1', 'b/2', 'c', 'd']);
    await store.close();
  });
});
