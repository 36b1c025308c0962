import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { MetaStore, ObjectRecord } from '../store/meta.js';
import { SqliteMetaStore } from '../store/sqlite.js';
import { parseLifecycleXml, storedLifecycle } from './config.js';
import { LifecycleWorker } from './worker.js';

const DAY = 1000;
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const POLICY = `<LifecycleConfiguration>
  <Rule><ID>1-days-expiration</ID><Status>Enabled</Status><Filter><Tag><Key>days</Key><Value>1</Value></Tag></Filter><Expiration><Days>1</Days></Expiration></Rule>
  <Rule><ID>daily</ID><Status>Enabled</Status><Filter><Prefix>daily/</Prefix></Filter><Expiration><Days>3</Days></Expiration></Rule>
  <Rule><ID>small</ID><Status>Enabled</Status><Filter><And><Prefix>tmp/</Prefix><ObjectSizeLessThan>3</ObjectSizeLessThan></And></Filter><Expiration><Days>1</Days></Expiration></Rule>
  <Rule><ID>off</ID><Status>Disabled</Status><Filter></Filter><Expiration><Days>1</Days></Expiration></Rule>
  <Rule><ID>uploads</ID><Status>Enabled</Status><Filter><Prefix>mp/</Prefix></Filter><AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>
</LifecycleConfiguration>`;

function object(key: string, lastModified: number, body = 'data', tags?: Record<string, string>): ObjectRecord {
  return {
    bucket: 'bkt',
    key,
    size: body.length,
    etag: 'etag',
    lastModified: new Date(lastModified),
    contentType: 'text/plain',
    contentHeaders: {},
    userMetadata: {},
    storageClass: 'STANDARD',
    ownerProjectId: 'p1',
    tags,
    data: { kind: 'inline', bytes: Buffer.from(body) },
  };
}

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'aitta-lifecycle-'));
  dirs.push(dir);
  const meta = await SqliteMetaStore.open(join(dir, 'meta.sqlite'));
  await meta.createBucket({ name: 'bkt', projectId: 'p1', region: '', createdAt: new Date(0) });
  await meta.createBucket({ name: 'other', projectId: 'p1', region: '', createdAt: new Date(0) });
  await meta.setBucketConfig('bkt', 'lifecycle', storedLifecycle(parseLifecycleXml(Buffer.from(POLICY))));
  const clock = { now: 10_500 };
  const log: string[] = [];
  const worker = (store: MetaStore = meta, batchSize = 2) =>
    new LifecycleWorker(store, { dayMs: DAY, intervalMs: 1000, batchSize, now: () => new Date(clock.now), log: (line) => log.push(line) });
  const keys = async (bucket = 'bkt') => (await meta.listObjects({ bucket, prefix: '', delimiter: '', after: '', maxKeys: 1000 })).objects.map((o) => o.key);
  return { meta, clock, log, worker, keys };
}

describe('LifecycleWorker', () => {
  test('expires exactly the objects whose rule has fallen due, once a day', async () => {
    const { meta, clock, log, worker, keys } = await setup();
    // Created at 8.2 s: one day is due at the boundary 10 s, three at 12 s.
    for (const [key, body, tags] of [
      ['a', 'data', { days: '1' }],
      ['b', 'data', { days: '30' }],
      ['daily/c', 'data', undefined],
      ['tmp/big', 'data', undefined],
      ['tmp/s', 'da', undefined],
      ['keep', 'data', undefined],
    ] as const) {
      await meta.putObject(object(key, 8200, body, tags));
    }
    await meta.putObject({ ...object('other-bucket', 0, 'data', { days: '1' }), bucket: 'other' });
    await meta.putObject(object('young', 9900, 'data', { days: '1' }));

    assert.deepEqual(await worker().runOnce(), { expired: 2, aborted: 0 });
    assert.deepEqual(await keys(), ['b', 'daily/c', 'keep', 'tmp/big', 'young']);
    assert.deepEqual(log.sort(), [
      'aitta lifecycle: expired s3://bkt/a (rule 1-days-expiration)',
      'aitta lifecycle: expired s3://bkt/tmp/s (rule small)',
    ]);
    assert.deepEqual(await keys('other'), ['other-bucket']);

    // The same day again: nothing to do, and nothing walked.
    clock.now = 11_900;
    assert.deepEqual(await worker().runOnce(), { expired: 1, aborted: 0 }, 'young (9.9 s) falls due at 11 s');
    clock.now = 12_000;
    assert.deepEqual(await worker().runOnce(), { expired: 1, aborted: 0 });
    assert.deepEqual(await keys(), ['b', 'keep', 'tmp/big']);
    assert.deepEqual(await worker().runOnce(), { expired: 0, aborted: 0 });
  });

  test('a pass stopped or failed mid-walk resumes, and deletes nothing twice', async () => {
    const { meta, clock, log, worker, keys } = await setup();
    const due = Array.from({ length: 9 }, (_, i) => `k${i}`);
    for (const key of due) await meta.putObject(object(key, 5000 + due.indexOf(key), 'data', { days: '1' }));
    await meta.putObject(object('keep', 6000, 'data'));
    clock.now = 20_000;

    // The progress after the second batch is never saved, as when the server is killed there.
    let saves = 0;
    const crashing = new Proxy(meta, {
      get(target, name, receiver) {
        if (name === 'setLifecycleProgress') {
          return async (bucket: string, progress: string) => {
            saves += 1;
            if (saves === 2) throw new Error('killed');
            return target.setLifecycleProgress(bucket, progress);
          };
        }
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await assert.rejects(worker(crashing).runOnce(), /killed/);
    assert.equal(log.length, 4, 'two batches of two were deleted');

    // A key deleted before the kill is stored again: it is young and must stay.
    await meta.putObject(object('k0', clock.now, 'new', { days: '1' }));
    assert.deepEqual(await worker().runOnce(), { expired: 5, aborted: 0 });
    assert.deepEqual(await keys(), ['k0', 'keep']);
    assert.equal(log.length, 9);
    assert.equal(new Set(log).size, 9, 'every due key was deleted exactly once');
    assert.equal((await meta.getObject('bkt', 'k0'))!.size, 3);
  });

  test('an object replaced after the walk read it is left alone', async () => {
    const { meta, clock, worker, keys } = await setup();
    await meta.putObject(object('a', 5000, 'data', { days: '1' }));
    await meta.putObject(object('b', 5000, 'data', { days: '1' }));
    clock.now = 20_000;
    const racing = new Proxy(meta, {
      get(target, name, receiver) {
        if (name === 'listObjectsByAge') {
          return async (...args: Parameters<MetaStore['listObjectsByAge']>) => {
            const batch = await target.listObjectsByAge(...args);
            await target.putObject(object('a', clock.now, 'fresh', { days: '1' }));
            return batch;
          };
        }
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    assert.deepEqual(await worker(racing, 10).runOnce(), { expired: 1, aborted: 0 });
    assert.deepEqual(await keys(), ['a']);
    assert.equal((await meta.getObject('bkt', 'a'))!.size, 5);
  });

  test('aborts incomplete uploads under the rule prefix once they are old enough', async () => {
    const { meta, clock, log, worker } = await setup();
    const upload = (uploadId: string, key: string, initiated: number) =>
      meta.createUpload({ uploadId, bucket: 'bkt', key, initiated: new Date(initiated), contentType: '', contentHeaders: {}, userMetadata: {}, storageClass: 'STANDARD', ownerProjectId: 'p1' });
    for (let i = 0; i < 5; i++) await upload(`old${i}`, `mp/${i}`, 7500);
    await upload('young', 'mp/y', 8500);
    await upload('elsewhere', 'other/x', 1000);
    clock.now = 10_000;
    assert.deepEqual(await worker().runOnce(), { expired: 0, aborted: 5 });
    assert.equal(log.filter((line) => line.includes('aborted upload')).length, 5);
    const left = await meta.listUploads({ bucket: 'bkt', prefix: '', delimiter: '', keyMarker: '', uploadIdMarker: '', maxUploads: 100 });
    assert.deepEqual(left.uploads.map((u) => u.uploadId).sort(), ['elsewhere', 'young']);
  });

  test('removes noncurrent versions after NoncurrentDays keeping the newest NewerNoncurrentVersions, and lone delete markers', async () => {
    const { meta, clock, log, worker } = await setup();
    await meta.setBucketVersioning('bkt', 'Enabled');
    const policy = `<LifecycleConfiguration>
      <Rule><ID>old-versions</ID><Status>Enabled</Status><Filter><Prefix>v/</Prefix></Filter>
        <NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>
      <Rule><ID>markers</ID><Status>Enabled</Status><Filter><Prefix>m/</Prefix></Filter><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>
    </LifecycleConfiguration>`;
    await meta.setBucketConfig('bkt', 'lifecycle', storedLifecycle(parseLifecycleXml(Buffer.from(policy))));
    // Versions become noncurrent at the store's own time.
    const now = Date.now();
    const versions: string[] = [];
    for (const body of ['1', '2', '3', '4']) versions.push(await meta.putObject(object('v/k', now, body)));
    // m/gone: its only version removed, leaving the marker alone; m/kept: a marker over a version.
    const gone = await meta.putObject(object('m/gone', now));
    const goneMarker = (await meta.deleteObject('bkt', 'm/gone')).versionId!;
    await meta.deleteObject('bkt', 'm/gone', gone);
    await meta.putObject(object('m/kept', now));
    await meta.deleteObject('bkt', 'm/kept');
    const everything = { bucket: 'bkt', prefix: '', delimiter: '', keyMarker: '', versionIdMarker: '', maxKeys: 100 };
    const stored = async () => (await meta.listObjectVersions(everything)).versions.map((v) => `${v.key} ${v.deleteMarker ? 'marker' : v.versionId}`);
    const before = await stored();

    clock.now = now;
    assert.deepEqual(await worker().runOnce(), { expired: 1, aborted: 0 }, 'only the lone marker is due at once');
    assert.ok(log.some((line) => line.includes(`removed version ${goneMarker} of s3://bkt/m/gone (rule markers)`)));
    clock.now = now + 3 * DAY;
    assert.deepEqual(await worker().runOnce(), { expired: 2, aborted: 0 });
    const [v1, v2, v3, v4] = versions;
    assert.deepEqual(await stored(), before.filter((entry) => ![`v/k ${v1}`, `v/k ${v2}`, 'm/gone marker'].includes(entry)));
    assert.deepEqual((await stored()).filter((entry) => entry.startsWith('v/k')), [`v/k ${v4}`, `v/k ${v3}`]);
    clock.now = now + 4 * DAY;
    assert.deepEqual(await worker().runOnce(), { expired: 0, aborted: 0 }, 'the newest noncurrent version is kept');
  });
});
