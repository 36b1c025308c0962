import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { S3Error } from '../errors.js';
import type { ListPage, ObjectRecord } from './meta.js';
import { compareKeys, successor } from './listing-walk.js';
import { CHECKPOINT_FRAMES, SqliteMetaStore } from './sqlite.js';
import { garbage, object, openStore, part, tempDir, upload } from './testing.js';


describe('helpers', () => {
  test('successor increments the last code point', () => {
    assert.equal(successor('a/'), 'a0');
    assert.equal(successor('ab'), 'ac');
    assert.equal(successor('a\u{10ffff}'), 'b');
    assert.equal(successor('\u{10ffff}'), undefined);
    assert.equal(successor(''), undefined);
    assert.equal(successor('x\ud7ff'), 'x\ue000');
    assert.equal(successor('x\u{1f600}'), 'x\u{1f601}');
  });

  test('compareKeys orders by UTF-8 bytes', () => {
    assert.ok(compareKeys('\u{1f600}', '\ufffd') > 0);
    assert.ok(compareKeys('\ue000', '\u{10000}') < 0);
    assert.ok(compareKeys('a', 'a/') < 0);
  });
});

describe('SqliteMetaStore basics', () => {
  test('schema is versioned and data survives reopening', async () => {
    const path = join(tempDir(), 'meta.sqlite');
    let store = await SqliteMetaStore.open(path);
    assert.equal(await store.isEmpty(), true);
    await store.createProject({ id: 'a'.repeat(32), name: 'project_2001234' });
    await store.createBucket({ name: 'bkt', projectId: 'a'.repeat(32), region: 'regionOne', createdAt: new Date(5) });
    await store.putObject(object('k'));
    await store.close();
    store = await SqliteMetaStore.open(path);
    assert.equal(await store.isEmpty(), false);
    assert.deepEqual(await store.getProject('a'.repeat(32)), { id: 'a'.repeat(32), name: 'project_2001234' });
    assert.equal((await store.getObject('bkt', 'k'))?.key, 'k');
    await store.close();
    assert.ok(existsSync(path));
  });

  test('close waits for a WAL sync in flight, and every write it acknowledges survives', async () => {
    // Closing the WAL descriptor under a pending fdatasync failed that sync, and a failed sync ends the process.
    const path = join(tempDir(), 'meta.sqlite');
    for (let round = 0; round < 20; round++) {
      const store = await SqliteMetaStore.open(path);
      if (round === 0) {
        await store.createProject({ id: 'a'.repeat(32), name: 'project_2001234' });
        await store.createBucket({ name: 'bkt', projectId: 'a'.repeat(32), region: '', createdAt: new Date(0) });
      }
      const written = store.putObject(object(`k${round}`));
      await new Promise((resolve) => setImmediate(resolve));
      await store.close();
      await written;
    }
    const store = await SqliteMetaStore.open(path);
    for (let round = 0; round < 20; round++) assert.equal((await store.getObject('bkt', `k${round}`))?.key, `k${round}`);
    await store.close();
  });

  test('checkpoints keep the WAL bounded, and what they copied survives reopening', async () => {
    // The store checkpoints by itself (SQLite's automatic checkpoints are off): without that, this WAL would pass 100 MB.
    const path = join(tempDir(), 'meta.sqlite');
    const store = await SqliteMetaStore.open(path);
    await store.createBucket({ name: 'bkt', projectId: 'p1', region: '', createdAt: new Date(0) });
    const body = (i: number) => Buffer.alloc(200 * 1024, i);
    const count = 500;
    for (let i = 0; i < count; i += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, j) => store.putObject(object(`k${i + j}`, { kind: 'inline', bytes: body(i + j) }))));
    }
    const pageFrameBytes = 4096 + 24;
    const walBytes = statSync(`${path}-wal`).size;
    assert.ok(walBytes < 1.5 * CHECKPOINT_FRAMES * pageFrameBytes, `WAL of ${walBytes} bytes`);
    await store.close();
    const reopened = await SqliteMetaStore.open(path);
    for (const i of [0, 1, 250, count - 1]) {
      const got = await reopened.getObject('bkt', `k${i}`, 'body');
      assert.ok(got?.data.kind === 'inline' && got.data.bytes.equals(body(i)), `k${i}`);
    }
    await reopened.close();
  });

  test('credentials round-trip', async () => {
    const store = await openStore([]);
    const credential = {
      accessKeyId: 'AK',
      secretAccessKey: 'secret',
      projectId: 'p1',
      userId: null,
      active: true,
      createdAt: new Date(1234),
    };
    await store.createCredential(credential);
    assert.deepEqual(await store.getCredential('AK'), credential);
    assert.equal(await store.getCredential('nope'), undefined);
    await store.close();
  });

  test('buckets: create is idempotent, listing is per project and by name', async () => {
    const store = await openStore([]);
    const first = { name: 'zeta', projectId: 'p1', region: '', createdAt: new Date(1) };
    assert.equal(await store.createBucket(first), undefined);
    assert.deepEqual(await store.createBucket({ ...first, projectId: 'p2', createdAt: new Date(2) }), first);
    await store.createBucket({ name: 'alpha', projectId: 'p1', region: 'x', createdAt: new Date(3) });
    await store.createBucket({ name: 'other', projectId: 'p2', region: '', createdAt: new Date(4) });
    assert.deepEqual((await store.listBuckets('p1')).map((b) => b.name), ['alpha', 'zeta']);
    assert.deepEqual(await store.getBucket('alpha'), { name: 'alpha', projectId: 'p1', region: 'x', createdAt: new Date(3) });
    await store.close();
  });

  test('deleteBucket: missing, not-empty, and aborts unfinished uploads', async () => {
    const store = await openStore(['b1']);
    assert.equal(await store.deleteBucket('nope'), 'missing');
    await store.putObject(object('k', undefined, 'b1'));
    assert.equal(await store.deleteBucket('b1'), 'not-empty');
    await store.deleteObject('b1', 'k');
    await store.createUpload(upload('big', 'u1', 1, 'b1'));
    await store.putPart({ ...part(1, 'p'.repeat(32)), uploadId: 'u1', lastModified: new Date() });
    assert.equal(await store.deleteBucket('b1'), 'deleted');
    assert.equal(await store.getBucket('b1'), undefined);
    assert.equal(await store.getUpload('b1', 'big', 'u1'), undefined);
    assert.deepEqual(await garbage(store), ['p'.repeat(32)]);
    await assert.rejects(store.putObject(object('k', undefined, 'b1')), (e: S3Error) => e.code === 'NoSuchBucket');
    await store.close();
  });
});

describe('SqliteMetaStore objects', () => {
  test('put and get round-trip every field', async () => {
    const store = await openStore();
    const inline: ObjectRecord = {
      ...object('dir/ä ö'),
      contentHeaders: { 'cache-control': 'no-cache', 'content-encoding': 'gzip' },
      userMetadata: { color: 'blue' },
      checksum: { algorithm: 'CRC32', value: 'AAAAAA==', type: 'FULL_OBJECT' },
    };
    await store.putObject(inline);
    // Without versioning, every object is the null version.
    assert.deepEqual(await store.getObject('bkt', 'dir/ä ö', 'body'), { ...inline, versionId: 'null' });
    // HEAD, ACL and tagging reads leave the inline body where it is.
    assert.deepEqual(await store.getObject('bkt', 'dir/ä ö'), { ...inline, versionId: 'null', data: { kind: 'inline' } });
    const multipart: ObjectRecord = {
      ...object('mp', { kind: 'parts', parts: [{ ...part(1, 'a'.repeat(32)), checksum: 'x==' }, part(2, 'b'.repeat(32))] }),
      etag: 'f'.repeat(32) + '-2',
      partsCount: 2,
    };
    await store.putObject(multipart);
    assert.deepEqual(await store.getObject('bkt', 'mp', 'body'), { ...multipart, versionId: 'null' });
    assert.deepEqual(await store.getObject('bkt', 'mp'), { ...multipart, versionId: 'null' });
    const empty = object('empty', { kind: 'inline', bytes: Buffer.alloc(0) });
    await store.putObject(empty);
    assert.deepEqual(await store.getObject('bkt', 'empty', 'body'), { ...empty, versionId: 'null' });
    assert.equal(await store.getObject('bkt', 'missing'), undefined);
    await store.close();
  });

  test('overwrite and delete turn the old blobs into garbage; inline objects leave none', async () => {
    const store = await openStore();
    const [a, b, c] = ['a', 'b', 'c'].map((ch) => ch.repeat(32)) as [string, string, string];
    await store.putObject(object('k', { kind: 'inline', bytes: Buffer.from('x') }));
    await store.putObject(object('k', { kind: 'parts', parts: [part(1, a)] }));
    assert.deepEqual(await garbage(store), []);
    await store.putObject(object('k', { kind: 'parts', parts: [part(1, b)] }));
    assert.deepEqual(await garbage(store), [a]);
    await store.putObject(object('k', { kind: 'inline', bytes: Buffer.from('y') }));
    assert.deepEqual(await garbage(store), [a, b]);
    await store.putObject(object('j', { kind: 'parts', parts: [part(1, c)] }));
    assert.equal((await store.deleteObject('bkt', 'j')).deleted, true);
    assert.equal((await store.deleteObject('bkt', 'j')).deleted, false);
    assert.deepEqual(await garbage(store), [a, b, c]);
    assert.deepEqual(await store.knownBlobs([a, b, c, 'd'.repeat(32)]), new Set([a, b, c]));
    await store.forgetGarbage([a, b]);
    assert.deepEqual(await garbage(store), [c]);
    await store.close();
  });

  test('garbageBefore honours the cut-off and the limit', async () => {
    const store = await openStore();
    await store.putObject(object('k', { kind: 'parts', parts: [part(1, 'a'.repeat(32))] }));
    await store.deleteObject('bkt', 'k');
    assert.deepEqual(await store.garbageBefore(new Date(Date.now() - 60_000), 10), []);
    assert.deepEqual(await store.garbageBefore(new Date(Date.now() + 1), 10), ['a'.repeat(32)]);
    assert.deepEqual(await store.garbageBefore(new Date(Date.now() + 1), 0), []);
    await store.close();
  });

  test('a blob shared by two objects becomes garbage only with its last reference', async () => {
    const store = await openStore();
    const shared = 's'.repeat(32);
    await store.putObject(object('one', { kind: 'parts', parts: [part(1, shared)] }));
    await store.putObject(object('two', { kind: 'parts', parts: [part(1, shared)] }));
    await store.deleteObject('bkt', 'one');
    assert.deepEqual(await garbage(store), []);
    assert.deepEqual(await store.knownBlobs([shared]), new Set([shared]));
    // Replacing an object with one that keeps the same blob releases nothing.
    await store.putObject({ ...object('two', { kind: 'parts', parts: [part(1, shared)] }), contentType: 'x/y' });
    assert.deepEqual(await garbage(store), []);
    await store.deleteObject('bkt', 'two');
    assert.deepEqual(await garbage(store), [shared]);
    await store.close();
  });

  test('deleteObjects deletes in one go and reports which keys existed', async () => {
    const store = await openStore();
    for (const key of ['a', 'b', 'c']) await store.putObject(object(key));
    const outcomes = await store.deleteObjects('bkt', [{ key: 'a' }, { key: 'c' }, { key: 'zz' }]);
    assert.deepEqual(outcomes.map((o) => o.deleted), [true, true, false]);
    assert.deepEqual((await store.listObjects({ bucket: 'bkt', prefix: '', delimiter: '', after: '', maxKeys: 10 })).objects.map((o) => o.key), ['b']);
    await store.close();
  });

  test('group commit: concurrent writes share one commit and a failing one fails alone', async () => {
    const store = await openStore();
    // Count COMMITs by wrapping the prepared statement (a test-only peek at a private field).
    const commit = (store as unknown as { sql: { commit: { run: () => unknown } } }).sql.commit;
    const run = commit.run.bind(commit);
    let commits = 0;
    commit.run = () => {
      commits++;
      return run();
    };
    const results = await Promise.allSettled(
      Array.from({ length: 500 }, (_, i) => store.putObject(object(`k${i}`, undefined, i === 250 ? 'no-such-bucket' : 'bkt'))),
    );
    assert.equal(commits, 1);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 499);
    const failed = results[250];
    assert.ok(failed?.status === 'rejected' && (failed.reason as S3Error).code === 'NoSuchBucket');
    const page = await store.listObjects({ bucket: 'bkt', prefix: '', delimiter: '', after: '', maxKeys: 1000 });
    assert.equal(page.objects.length, 499);
    assert.equal(await store.getObject('no-such-bucket', 'k250'), undefined);
    await store.close();
  });

  test('writes queued before close are committed', async () => {
    const path = join(tempDir(), 'meta.sqlite');
    const store = await SqliteMetaStore.open(path);
    await store.createBucket({ name: 'bkt', projectId: 'p1', region: '', createdAt: new Date() });
    const pending = store.putObject(object('late'));
    await store.close();
    await pending;
    await assert.rejects(store.putObject(object('after-close')));
    const reopened = await SqliteMetaStore.open(path);
    assert.equal((await reopened.getObject('bkt', 'late'))?.key, 'late');
    await reopened.close();
  });
});

// A model of S3 listing semantics: sort by UTF-8 bytes, group under common
// prefixes, then drop what the marker rule skips.
type Entry = { key: string } | { prefix: string };

function modelListing(keys: string[], prefix: string, delimiter: string, marker: string): Entry[] {
  const entries: Entry[] = [];
  for (const key of [...keys].sort(compareKeys)) {
    if (!key.startsWith(prefix)) continue;
    const at = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    if (at < 0) {
      if (marker === '' || compareKeys(key, marker) > 0) entries.push({ key });
      continue;
    }
    const cp = key.slice(0, at + delimiter.length);
    const last = entries[entries.length - 1];
    if (last !== undefined && 'prefix' in last && last.prefix === cp) continue;
    if (marker !== '' && (compareKeys(cp, marker) <= 0 || marker.startsWith(cp))) continue;
    entries.push({ prefix: cp });
  }
  return entries;
}

function pageEntries(page: ListPage): Entry[] {
  const entries: Entry[] = [
    ...page.objects.map((o) => ({ key: o.key })),
    ...page.commonPrefixes.map((prefix) => ({ prefix })),
  ];
  return entries.sort((x, y) => compareKeys('key' in x ? x.key : x.prefix, 'key' in y ? y.key : y.prefix));
}

describe('SqliteMetaStore listObjects', () => {
  const keys = [
    'a', 'a/', 'a/1', 'a/2', 'a/b/c', 'a//x', 'a//y/z', 'ab', 'abc/d', 'b', 'b/1',
    'photos/2024/jan/1.jpg', 'photos/2024/feb/2.jpg', 'photos/2025/x.jpg', 'photos/readme',
    'x::y::z', 'x::y', 'xy', 'z', 'zz/',
    'é', 'é/1', 'ä/ö', '\ue000', '\ufffd', '\u{1f600}', '\u{1f600}/x', '日本/語', '日本語',
  ];
  const prefixes = ['', 'a', 'a/', 'a//', 'photos/', 'photos/2024/', 'x::', 'é', '\u{1f600}', 'nothing', 'z'];
  const delimiters = ['', '/', '//', '::', 'y', '/2'];
  let store: SqliteMetaStore;

  before(async () => {
    store = await openStore();
    await Promise.all(keys.map((key) => store.putObject(object(key))));
  });
  after(() => store.close());

  const list = (prefix: string, delimiter: string, after: string, maxKeys: number) =>
    store.listObjects({ bucket: 'bkt', prefix, delimiter, after, maxKeys });

  test('orders keys by UTF-8 bytes', async () => {
    const page = await list('', '', '', 1000);
    assert.deepEqual(page.objects.map((o) => o.key), [...keys].sort(compareKeys));
    const tail = page.objects.slice(-4).map((o) => o.key);
    assert.deepEqual(tail, ['\ue000', '\ufffd', '\u{1f600}', '\u{1f600}/x']);
    assert.equal(page.isTruncated, false);
  });

  test('matches the model for every prefix, delimiter and marker', async () => {
    const markers = ['', ...keys, 'a/0', 'a/zzz', 'a0', 'photos/2024/', 'photos/2024/zzz', 'photos/', '\uffff', '~'];
    for (const prefix of prefixes) {
      for (const delimiter of delimiters) {
        for (const marker of markers) {
          const expected = modelListing(keys, prefix, delimiter, marker);
          const label = JSON.stringify({ prefix, delimiter, marker });
          const full = await list(prefix, delimiter, marker, 1000);
          assert.deepEqual(pageEntries(full), expected, label);
          assert.equal(full.isTruncated, false, label);
          for (const maxKeys of [1, 2, 3]) {
            const page = await list(prefix, delimiter, marker, maxKeys);
            assert.deepEqual(pageEntries(page), expected.slice(0, maxKeys), `${label} maxKeys=${maxKeys}`);
            assert.equal(page.isTruncated, expected.length > maxKeys, `${label} maxKeys=${maxKeys}`);
          }
        }
      }
    }
  });

  test('pages reassemble the exact full listing', async () => {
    for (const prefix of prefixes) {
      for (const delimiter of delimiters) {
        const expected = modelListing(keys, prefix, delimiter, '');
        for (const maxKeys of [1, 2, 5]) {
          const collected: Entry[] = [];
          let after = '';
          for (let pages = 0; ; pages++) {
            assert.ok(pages <= keys.length);
            const page = await list(prefix, delimiter, after, maxKeys);
            collected.push(...pageEntries(page));
            assert.ok(page.objects.length + page.commonPrefixes.length <= maxKeys);
            if (!page.isTruncated) break;
            assert.ok(page.lastEntry !== undefined);
            after = page.lastEntry;
          }
          assert.deepEqual(collected, expected, JSON.stringify({ prefix, delimiter, maxKeys }));
        }
      }
    }
  });

  test('lastEntry is the last key or common prefix returned', async () => {
    const page = await list('', '/', '', 2);
    assert.deepEqual(page.objects.map((o) => o.key), ['a']);
    assert.deepEqual(page.commonPrefixes, ['a/']);
    assert.equal(page.lastEntry, 'a/');
    const next = await list('', '/', 'a/', 2);
    assert.deepEqual(pageEntries(next), [{ key: 'ab' }, { prefix: 'abc/' }]);
  });

  test('maxKeys 0 returns an empty, untruncated page', async () => {
    assert.deepEqual(await list('', '', '', 0), { objects: [], commonPrefixes: [], isTruncated: false });
  });

  test('isTruncated is exact when only keys of the last common prefix follow', async () => {
    const small = await openStore();
    for (const key of ['a', 'b/1', 'b/2', 'b/3']) await small.putObject(object(key));
    const page = await small.listObjects({ bucket: 'bkt', prefix: '', delimiter: '/', after: '', maxKeys: 2 });
    assert.deepEqual(pageEntries(page), [{ key: 'a' }, { prefix: 'b/' }]);
    assert.equal(page.isTruncated, false);
    const one = await small.listObjects({ bucket: 'bkt', prefix: '', delimiter: '', after: '', maxKeys: 4 });
    assert.equal(one.isTruncated, false);
    const three = await small.listObjects({ bucket: 'bkt', prefix: '', delimiter: '', after: '', maxKeys: 3 });
    assert.equal(three.isTruncated, true);
    await small.close();
  });

  test('objects summaries carry listing fields only from the right bucket', async () => {
    const other = await openStore(['one', 'two']);
    await other.putObject(object('k', undefined, 'one'));
    await other.putObject({ ...object('k', undefined, 'two'), size: 99 });
    const page = await other.listObjects({ bucket: 'one', prefix: '', delimiter: '', after: '', maxKeys: 10 });
    assert.deepEqual(page.objects, [
      { key: 'k', size: 1, etag: 'd41d8cd98f00b204e9800998ecf8427e', lastModified: new Date(1_700_000_000_000), storageClass: 'STANDARD', ownerProjectId: 'p1' },
    ]);
    await other.close();
  });
});

describe('SqliteMetaStore prefix jump', () => {
  test('a delimiter listing jumps over 50,000 keys under one common prefix', async () => {
    const store = await openStore();
    const writes: Promise<string>[] = [];
    for (let i = 0; i < 50_000; i++) writes.push(store.putObject(object(`a/${String(i).padStart(6, '0')}`)));
    for (const key of ['0', 'b', 'b/1', 'c/1', 'd']) writes.push(store.putObject(object(key)));
    await Promise.all(writes);
    const query = { bucket: 'bkt', prefix: '', delimiter: '/', after: '', maxKeys: 1000 };
    const page = await store.listObjects(query);
    assert.deepEqual(pageEntries(page), [{ key: '0' }, { prefix: 'a/' }, { key: 'b' }, { prefix: 'b/' }, { prefix: 'c/' }, { key: 'd' }]);
    // Walking the 50,000 keys takes tens of milliseconds per listing; jumping takes a few queries.
    const started = performance.now();
    for (let i = 0; i < 200; i++) await store.listObjects(query);
    const perListing = (performance.now() - started) / 200;
    assert.ok(perListing < 2, `a delimiter listing took ${perListing.toFixed(2)} ms`);
    // A marker inside the big prefix resumes after it without walking it either.
    const resumed = await store.listObjects({ ...query, after: 'a/000001' });
    assert.deepEqual(pageEntries(resumed), [{ key: 'b' }, { prefix: 'b/' }, { prefix: 'c/' }, { key: 'd' }]);
    await store.close();
  });
});

describe('SqliteMetaStore multipart uploads', () => {
  test('parts: replace, list with markers, missing upload', async () => {
    const store = await openStore();
    await store.createUpload({ ...upload('k', 'u1', 10), userMetadata: { a: 'b' }, checksumAlgorithm: 'SHA256', checksumType: 'COMPOSITE' });
    assert.deepEqual(await store.getUpload('bkt', 'k', 'u1'), {
      ...upload('k', 'u1', 10),
      userMetadata: { a: 'b' },
      checksumAlgorithm: 'SHA256',
      checksumType: 'COMPOSITE',
    });
    assert.equal(await store.getUpload('bkt', 'other', 'u1'), undefined);
    const at = new Date(1000);
    for (const n of [3, 1, 2]) await store.putPart({ ...part(n, String(n).repeat(32)), uploadId: 'u1', lastModified: at });
    await store.putPart({ ...part(2, 'f'.repeat(32)), checksum: 'c==', uploadId: 'u1', lastModified: at });
    assert.deepEqual(await garbage(store), ['2'.repeat(32)]);
    const all = await store.listParts('u1', 0, 1000);
    assert.deepEqual(all.parts.map((p) => [p.partNumber, p.blobId]), [[1, '1'.repeat(32)], [2, 'f'.repeat(32)], [3, '3'.repeat(32)]]);
    assert.equal(all.parts[1]?.checksum, 'c==');
    assert.equal(all.isTruncated, false);
    const page = await store.listParts('u1', 1, 1);
    assert.deepEqual(page.parts.map((p) => p.partNumber), [2]);
    assert.equal(page.isTruncated, true);
    assert.equal((await store.listParts('u1', 2, 1)).isTruncated, false);
    await assert.rejects(
      store.putPart({ ...part(1, 'e'.repeat(32)), uploadId: 'gone', lastModified: at }),
      (e: S3Error) => e.code === 'NoSuchUpload',
    );
    await store.close();
  });

  test('completeUpload stores the object, drops the upload, and garbages unused parts and the replaced object', async () => {
    const store = await openStore();
    const [p1, p2, p3, old] = ['1', '2', '3', 'o'].map((c) => c.repeat(32)) as [string, string, string, string];
    await store.putObject(object('k', { kind: 'parts', parts: [part(1, old)] }));
    await store.createUpload(upload('k', 'u1', 10));
    for (const [n, blob] of [[1, p1], [2, p2], [3, p3]] as const) {
      await store.putPart({ ...part(n, blob), uploadId: 'u1', lastModified: new Date() });
    }
    const completed = { ...object('k', { kind: 'parts', parts: [part(1, p1), part(3, p3)] }), partsCount: 2 };
    assert.equal(await store.completeUpload('u1', { ...completed, key: 'wrong-key' }), undefined);
    assert.equal(await store.completeUpload('u1', completed), 'null');
    assert.deepEqual(await store.getObject('bkt', 'k'), { ...completed, versionId: 'null' });
    assert.equal(await store.getUpload('bkt', 'k', 'u1'), undefined);
    assert.deepEqual((await store.listParts('u1', 0, 100)).parts, []);
    assert.deepEqual(await garbage(store), [p2, old].sort());
    assert.deepEqual(await store.knownBlobs([p1, p3, 'x'.repeat(32)]), new Set([p1, p3]));
    assert.equal(await store.completeUpload('u1', completed), undefined);
    await store.close();
  });

  test('completeUpload after a concurrent abort changes nothing', async () => {
    const store = await openStore();
    await store.createUpload(upload('k', 'u1', 10));
    await store.putPart({ ...part(1, 'a'.repeat(32)), uploadId: 'u1', lastModified: new Date() });
    const [aborted, completed] = await Promise.all([
      store.abortUpload('bkt', 'k', 'u1'),
      store.completeUpload('u1', object('k', { kind: 'parts', parts: [part(1, 'a'.repeat(32))] })),
    ]);
    assert.equal(aborted, true);
    assert.equal(completed, undefined);
    assert.equal(await store.getObject('bkt', 'k'), undefined);
    assert.deepEqual(await garbage(store), ['a'.repeat(32)]);
    await store.close();
  });

  test('abortUpload garbages the parts; false when missing or mismatched', async () => {
    const store = await openStore();
    await store.createUpload(upload('k', 'u1', 10));
    await store.putPart({ ...part(1, 'a'.repeat(32)), uploadId: 'u1', lastModified: new Date() });
    await store.putPart({ ...part(2, 'b'.repeat(32)), uploadId: 'u1', lastModified: new Date() });
    assert.deepEqual(await store.knownBlobs(['a'.repeat(32)]), new Set(['a'.repeat(32)]));
    assert.equal(await store.abortUpload('bkt', 'other', 'u1'), false);
    assert.equal(await store.abortUpload('bkt', 'k', 'u1'), true);
    assert.equal(await store.abortUpload('bkt', 'k', 'u1'), false);
    assert.deepEqual(await garbage(store), ['a'.repeat(32), 'b'.repeat(32)]);
    await store.close();
  });

  describe('listUploads', () => {
    let store: SqliteMetaStore;
    // [key, uploadId, initiated]: several uploads per key, ids not in time order.
    const uploads: Array<[string, string, number]> = [
      ['a', 'u-a2', 2], ['a', 'u-a1', 1], ['a', 'u-a3', 3],
      ['b/1', 'u-b1', 1], ['b/2', 'u-b2', 1], ['b/2', 'u-b2x', 5],
      ['c', 'u-c', 9], ['dir/x', 'u-dx', 1], ['é', 'u-e', 1], ['\u{1f600}', 'u-s', 1],
    ];
    const order = ['u-a1', 'u-a2', 'u-a3', 'u-b1', 'u-b2', 'u-b2x', 'u-c', 'u-dx', 'u-e', 'u-s'];

    before(async () => {
      store = await openStore(['bkt', 'empty']);
      for (const [key, id, at] of uploads) await store.createUpload(upload(key, id, at));
    });
    after(() => store.close());

    const list = (q: { prefix?: string; delimiter?: string; keyMarker?: string; uploadIdMarker?: string; maxUploads?: number }) =>
      store.listUploads({ bucket: 'bkt', prefix: '', delimiter: '', keyMarker: '', uploadIdMarker: '', maxUploads: 1000, ...q });

    test('orders by key (UTF-8), then initiation time', async () => {
      const page = await list({});
      assert.deepEqual(page.uploads.map((u) => u.uploadId), order);
      assert.equal(page.isTruncated, false);
      assert.deepEqual((await store.listUploads({ bucket: 'empty', prefix: '', delimiter: '', keyMarker: '', uploadIdMarker: '', maxUploads: 10 })).uploads, []);
    });

    test('key-marker alone skips every upload of that key; with upload-id-marker it resumes inside the key', async () => {
      assert.deepEqual((await list({ keyMarker: 'a' })).uploads.map((u) => u.uploadId), order.slice(3));
      assert.deepEqual((await list({ keyMarker: 'a', uploadIdMarker: 'u-a1' })).uploads.map((u) => u.uploadId), order.slice(1));
      assert.deepEqual((await list({ keyMarker: 'a', uploadIdMarker: 'u-a2' })).uploads.map((u) => u.uploadId), order.slice(2));
      assert.deepEqual((await list({ uploadIdMarker: 'u-a2' })).uploads.map((u) => u.uploadId), order);
    });

    test('prefix and delimiter group keys; a marker inside a common prefix skips it', async () => {
      const page = await list({ delimiter: '/' });
      assert.deepEqual(page.uploads.map((u) => u.uploadId), ['u-a1', 'u-a2', 'u-a3', 'u-c', 'u-e', 'u-s']);
      assert.deepEqual(page.commonPrefixes, ['b/', 'dir/']);
      assert.deepEqual((await list({ prefix: 'b/' })).uploads.map((u) => u.uploadId), ['u-b1', 'u-b2', 'u-b2x']);
      const resumed = await list({ delimiter: '/', keyMarker: 'b/1', uploadIdMarker: 'u-b1' });
      assert.deepEqual(resumed.uploads.map((u) => u.uploadId), ['u-c', 'u-e', 'u-s']);
      assert.deepEqual(resumed.commonPrefixes, ['dir/']);
    });

    test('pages reassemble the full listing and the next markers point at the last entry', async () => {
      for (const delimiter of ['', '/']) {
        const full = await list({ delimiter });
        for (const maxUploads of [1, 2, 3]) {
          const ids: string[] = [];
          const prefixes: string[] = [];
          let keyMarker = '';
          let uploadIdMarker = '';
          for (;;) {
            const page = await list({ delimiter, keyMarker, uploadIdMarker, maxUploads });
            assert.ok(page.uploads.length + page.commonPrefixes.length <= maxUploads);
            ids.push(...page.uploads.map((u) => u.uploadId));
            prefixes.push(...page.commonPrefixes);
            if (!page.isTruncated) break;
            keyMarker = page.nextKeyMarker!;
            uploadIdMarker = page.nextUploadIdMarker ?? '';
          }
          assert.deepEqual(ids, full.uploads.map((u) => u.uploadId), `delimiter=${delimiter} max=${maxUploads}`);
          assert.deepEqual(prefixes, full.commonPrefixes);
        }
      }
      const first = await list({ maxUploads: 2 });
      assert.equal(first.isTruncated, true);
      assert.equal(first.nextKeyMarker, 'a');
      assert.equal(first.nextUploadIdMarker, 'u-a2');
      const grouped = await list({ delimiter: '/', keyMarker: 'a', maxUploads: 1 });
      assert.deepEqual(grouped.commonPrefixes, ['b/']);
      assert.equal(grouped.nextKeyMarker, 'b/');
      assert.equal(grouped.nextUploadIdMarker, undefined);
      assert.deepEqual((await list({ maxUploads: 0 })).uploads, []);
    });
  });
});
