import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { S3Error } from '../errors.js';
import { DEFAULT_BUCKET_MAX_OBJECTS, DEFAULT_PROJECT_MAX_BUCKETS, DEFAULT_PROJECT_MAX_BYTES } from '../limits.js';
import type { Credential, ObjectRecord, User } from './meta.js';
import { SqliteMetaStore, StoreInUseError } from './sqlite.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aitta-tenancy-'));
  dirs.push(dir);
  return join(dir, 'meta.sqlite');
}

function user(id: string, name: string): User {
  return { id, name, passwordHash: 'scrypt$1$1$1$AA==$AA==', enabled: true, createdAt: new Date(0) };
}

function credential(accessKeyId: string, userId: string, projectId: string, createdAt: number): Credential {
  return { accessKeyId, secretAccessKey: 's'.repeat(40), projectId, userId, active: true, createdAt: new Date(createdAt) };
}

function object(bucket: string, key: string, size: number): ObjectRecord {
  return {
    bucket,
    key,
    size,
    etag: 'e'.repeat(32),
    lastModified: new Date(0),
    contentType: 'text/plain',
    contentHeaders: {},
    userMetadata: {},
    storageClass: 'STANDARD',
    ownerProjectId: 'p1',
    data: { kind: 'parts', parts: [{ partNumber: 1, blobId: `blob-${bucket}-${key}-${size}`, size, etag: 'e'.repeat(32) }] },
  };
}

/** A store with projects p1 (alpha) and p2 (beta), users u1 (ann) and u2 (bob). */
async function tenancyStore(): Promise<SqliteMetaStore> {
  const store = await SqliteMetaStore.open(tempPath());
  await store.createProject({ id: 'p1', name: 'alpha' });
  await store.createProject({ id: 'p2', name: 'beta' });
  await store.createUser(user('u1', 'ann'));
  await store.createUser(user('u2', 'bob'));
  return store;
}

async function assertS3Error(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof S3Error && error.code === code);
}

describe('users and memberships', () => {
  test('users are found by id and name, names are unique, passwords change', async () => {
    const store = await tenancyStore();
    assert.equal((await store.getUserByName('ann'))?.id, 'u1');
    assert.equal((await store.getUser('u2'))?.name, 'bob');
    assert.deepEqual((await store.listUsers()).map((u) => u.name), ['ann', 'bob']);
    await assert.rejects(store.createUser(user('u3', 'ann')));
    assert.equal(await store.setPassword('u1', 'new-hash'), true);
    assert.equal((await store.getUser('u1'))?.passwordHash, 'new-hash');
    assert.equal(await store.setPassword('nobody', 'x'), false);
    await store.close();
  });

  test('memberships carry a role, which can change; removal deactivates that project\'s keys only', async () => {
    const store = await tenancyStore();
    await store.setMembership({ userId: 'u1', projectId: 'p1', role: 'member' });
    await store.setMembership({ userId: 'u1', projectId: 'p2', role: 'reader' });
    await store.setMembership({ userId: 'u2', projectId: 'p1', role: 'reader' });
    await store.setMembership({ userId: 'u2', projectId: 'p1', role: 'member' });
    assert.deepEqual(
      (await store.listUserProjects('u1')).map((m) => [m.project.name, m.role]),
      [['alpha', 'member'], ['beta', 'reader']],
    );
    assert.deepEqual((await store.listProjectMembers('p1')).map((m) => [m.user.name, m.role]), [['ann', 'member'], ['bob', 'member']]);
    assert.equal((await store.getMembership('u2', 'p1'))?.role, 'member');
    await assert.rejects(store.setMembership({ userId: 'u1', projectId: 'p1', role: 'owner' as 'member' }));

    await store.createCredential(credential('K1', 'u1', 'p1', 1));
    await store.createCredential(credential('K2', 'u1', 'p2', 2));
    assert.equal(await store.removeMembership('u1', 'p1'), true);
    assert.equal(await store.removeMembership('u1', 'p1'), false);
    assert.equal((await store.getCredential('K1'))?.active, false);
    assert.equal((await store.getCredential('K2'))?.active, true);
    assert.equal(await store.getMembership('u1', 'p1'), undefined);
    await store.close();
  });

  test('deleting a user removes memberships and tokens and deactivates every key', async () => {
    const store = await tenancyStore();
    await store.setMembership({ userId: 'u1', projectId: 'p1', role: 'member' });
    await store.createCredential(credential('K1', 'u1', 'p1', 1));
    await store.createToken({ tokenHash: 'h1', userId: 'u1', projectId: null, issuedAt: new Date(), expiresAt: new Date(Date.now() + 60_000) });
    assert.equal(await store.deleteUser('u1'), true);
    assert.equal(await store.deleteUser('u1'), false);
    assert.equal(await store.getUser('u1'), undefined);
    assert.deepEqual(await store.listProjectMembers('p1'), []);
    assert.equal((await store.getCredential('K1'))?.active, false);
    assert.equal(await store.getToken('h1', new Date()), undefined);
    await store.close();
  });
});

describe('credentials and projects', () => {
  test('a user\'s active keys are listed newest first, per project or all; deactivation is immediate and once', async () => {
    const store = await tenancyStore();
    await store.createCredential(credential('OLD', 'u1', 'p1', 1000));
    await store.createCredential(credential('NEW', 'u1', 'p1', 2000));
    await store.createCredential(credential('OTHER', 'u1', 'p2', 1500));
    await store.createCredential(credential('BOBS', 'u2', 'p1', 1500));
    assert.deepEqual((await store.listCredentials('u1')).map((c) => c.accessKeyId), ['NEW', 'OTHER', 'OLD']);
    assert.deepEqual((await store.listCredentials('u1', 'p1')).map((c) => c.accessKeyId), ['NEW', 'OLD']);
    assert.equal(await store.deactivateCredential('NEW'), true);
    assert.equal((await store.getCredential('NEW'))?.active, false);
    assert.equal(await store.deactivateCredential('NEW'), false);
    assert.equal(await store.deactivateCredential('MISSING'), false);
    assert.deepEqual((await store.listCredentials('u1', 'p1')).map((c) => c.accessKeyId), ['OLD']);
    await store.close();
  });

  test('projects are listed by name and found by name; only a project without buckets is deleted', async () => {
    const store = await tenancyStore();
    assert.deepEqual((await store.listProjects()).map((p) => p.name), ['alpha', 'beta']);
    assert.equal((await store.getProjectByName('beta'))?.id, 'p2');
    await store.setMembership({ userId: 'u1', projectId: 'p2', role: 'member' });
    await store.createCredential(credential('K2', 'u1', 'p2', 1));
    await store.createBucket({ name: 'bkt', projectId: 'p2', region: '', createdAt: new Date(0) });
    assert.equal(await store.deleteProject('p2'), 'not-empty');
    assert.equal(await store.deleteBucket('bkt'), 'deleted');
    assert.equal(await store.deleteProject('p2'), 'deleted');
    assert.equal(await store.deleteProject('p2'), 'missing');
    assert.equal(await store.getProject('p2'), undefined);
    assert.deepEqual(await store.listUserProjects('u1'), []);
    assert.equal((await store.getCredential('K2'))?.active, false);
    await store.close();
  });
});

describe('cached reads', () => {
  test('credentials, users, memberships and buckets read before a change show the change at once', async () => {
    const store = await tenancyStore();
    assert.equal(await store.getCredential('K1'), undefined);
    await store.createCredential(credential('K1', 'u1', 'p1', 1));
    assert.equal((await store.getCredential('K1'))?.active, true);
    await store.deactivateCredential('K1');
    assert.equal((await store.getCredential('K1'))?.active, false);

    assert.equal(await store.getUser('u3'), undefined);
    await store.createUser(user('u3', 'cid'));
    assert.equal((await store.getUser('u3'))?.name, 'cid');
    await store.setPassword('u3', 'new-hash');
    assert.equal((await store.getUser('u3'))?.passwordHash, 'new-hash');
    await store.deleteUser('u3');
    assert.equal(await store.getUser('u3'), undefined);

    assert.equal(await store.getMembership('u1', 'p1'), undefined);
    await store.setMembership({ userId: 'u1', projectId: 'p1', role: 'reader' });
    assert.equal((await store.getMembership('u1', 'p1'))?.role, 'reader');
    await store.setMembership({ userId: 'u1', projectId: 'p1', role: 'member' });
    assert.equal((await store.getMembership('u1', 'p1'))?.role, 'member');
    await store.removeMembership('u1', 'p1');
    assert.equal(await store.getMembership('u1', 'p1'), undefined);

    assert.equal(await store.getBucket('b'), undefined);
    await store.createBucket({ name: 'b', projectId: 'p1', region: '', createdAt: new Date(0) });
    assert.equal((await store.getBucket('b'))?.projectId, 'p1');
    await store.setBucketConfig('b', 'tags', '{"a":"1"}');
    assert.equal((await store.getBucket('b'))?.tags, '{"a":"1"}');
    await store.setBucketAcl('b', [{ grantee: { group: 'AllUsers' }, permission: 'READ' }]);
    assert.equal((await store.getBucket('b'))?.acl?.length, 1);
    await store.setBucketVersioning('b', 'Enabled');
    const changed = await store.getBucket('b');
    assert.equal(changed?.versioning, 'Enabled');
    assert.ok(Object.isFrozen(changed), 'a shared value cannot be changed by its readers');
    await store.deleteBucket('b');
    assert.equal(await store.getBucket('b'), undefined);
    await store.close();
  });
});

describe('tokens', () => {
  test('a token is found by hash until it expires or is deleted; expired ones are purged', async () => {
    const store = await tenancyStore();
    const now = Date.now();
    await store.createToken({ tokenHash: 'live', userId: 'u1', projectId: 'p1', issuedAt: new Date(now), expiresAt: new Date(now + 60_000) });
    await store.createToken({ tokenHash: 'dead', userId: 'u1', projectId: null, issuedAt: new Date(now - 120_000), expiresAt: new Date(now - 60_000) });
    const live = await store.getToken('live', new Date(now));
    assert.deepEqual(live, { tokenHash: 'live', userId: 'u1', projectId: 'p1', issuedAt: new Date(now), expiresAt: new Date(now + 60_000) });
    assert.equal(await store.getToken('live', new Date(now + 60_000)), undefined);
    assert.equal(await store.getToken('dead', new Date(now - 90_000)) !== undefined, true);
    await store.createToken({ tokenHash: 'next', userId: 'u2', projectId: null, issuedAt: new Date(now), expiresAt: new Date(now + 60_000) });
    assert.equal(await store.getToken('dead', new Date(now - 90_000)), undefined, 'purged when the next token was stored');
    assert.equal(await store.deleteToken('live'), true);
    assert.equal(await store.getToken('live', new Date(now)), undefined);
    await store.close();
  });
});

describe('quotas and usage', () => {
  test('defaults apply until set; setting one limit keeps the others', async () => {
    const store = await tenancyStore();
    assert.deepEqual(await store.getQuota('p1'), {
      maxBytes: DEFAULT_PROJECT_MAX_BYTES,
      maxBuckets: DEFAULT_PROJECT_MAX_BUCKETS,
      maxObjectsPerBucket: DEFAULT_BUCKET_MAX_OBJECTS,
    });
    assert.equal(DEFAULT_PROJECT_MAX_BYTES, 10 * 2 ** 40);
    assert.equal(await store.setQuota('p1', { maxBytes: 100 }), true);
    assert.equal(await store.setQuota('p1', { maxBuckets: 3 }), true);
    assert.deepEqual(await store.getQuota('p1'), { maxBytes: 100, maxBuckets: 3, maxObjectsPerBucket: DEFAULT_BUCKET_MAX_OBJECTS });
    assert.equal(await store.setQuota('nope', { maxBytes: 1 }), false);
    await store.close();
  });

  test('usage is exact after every put, replace, delete, multi-delete and multipart completion', async () => {
    const store = await tenancyStore();
    await store.createBucket({ name: 'b1', projectId: 'p1', region: '', createdAt: new Date(0) });
    await store.createBucket({ name: 'b2', projectId: 'p1', region: '', createdAt: new Date(0) });
    await store.createBucket({ name: 'other', projectId: 'p2', region: '', createdAt: new Date(0) });
    await store.putObject(object('b1', 'a', 10));
    await store.putObject(object('b1', 'b', 20));
    await store.putObject(object('b2', 'c', 5));
    await store.putObject(object('other', 'x', 1000));
    let usage = await store.getUsage('p1');
    assert.deepEqual([usage.bytes, usage.objects], [35, 3]);
    assert.deepEqual(usage.buckets, [
      { name: 'b1', bytes: 30, objects: 2 },
      { name: 'b2', bytes: 5, objects: 1 },
    ]);
    await store.putObject(object('b1', 'a', 4));
    usage = await store.getUsage('p1');
    assert.deepEqual([usage.bytes, usage.objects], [29, 3]);
    await store.deleteObject('b1', 'b');
    await store.deleteObject('b1', 'b');
    await store.deleteObjects('b2', [{ key: 'c' }, { key: 'missing' }]);
    usage = await store.getUsage('p1');
    assert.deepEqual([usage.bytes, usage.objects], [4, 1]);

    await store.createUpload({
      uploadId: 'up', bucket: 'b2', key: 'mp', initiated: new Date(0), contentType: 'x', contentHeaders: {}, userMetadata: {},
      storageClass: 'STANDARD', ownerProjectId: 'p1',
    });
    await store.putPart({ uploadId: 'up', partNumber: 1, blobId: 'part1', size: 7, etag: 'e'.repeat(32), lastModified: new Date(0) });
    assert.equal((await store.getUsage('p1')).bytes, 4, 'unfinished uploads are not counted');
    assert.equal(await store.completeUpload('up', { ...object('b2', 'mp', 7), data: { kind: 'parts', parts: [{ partNumber: 1, blobId: 'part1', size: 7, etag: 'e'.repeat(32) }] } }), 'null');
    usage = await store.getUsage('p1');
    assert.deepEqual([usage.bytes, usage.objects], [11, 2]);
    assert.deepEqual([(await store.getUsage('p2')).bytes, (await store.getUsage('p2')).objects], [1000, 1]);
    await store.close();
  });

  test('bytes over quota are refused before and at commit, changing nothing; shrinking is allowed', async () => {
    const store = await tenancyStore();
    await store.createBucket({ name: 'b1', projectId: 'p1', region: '', createdAt: new Date(0) });
    await store.setQuota('p1', { maxBytes: 100 });
    await store.putObject(object('b1', 'a', 60));
    await store.checkQuota({ bucket: 'b1', key: 'b', size: 40 });
    await assertS3Error(store.checkQuota({ bucket: 'b1', key: 'b', size: 41 }), 'QuotaExceeded');
    await store.checkQuota({ bucket: 'b1', key: 'a', size: 100 });
    await assertS3Error(store.putObject(object('b1', 'b', 41)), 'QuotaExceeded');
    assert.equal(await store.getObject('b1', 'b'), undefined);
    assert.deepEqual([(await store.getUsage('p1')).bytes, (await store.getUsage('p1')).objects], [60, 1]);
    assert.deepEqual([...(await store.knownBlobs(['blob-b1-b-41']))], [], 'the refused object left no reference');
    await store.putObject(object('b1', 'a', 100));
    await store.setQuota('p1', { maxBytes: 50 });
    await store.putObject(object('b1', 'a', 80));
    assert.equal((await store.getUsage('p1')).bytes, 80);
    await store.close();
  });

  test('with versioning suspended, the check predicts what the PUT replaces: the null version, not a current one with an id', async () => {
    const store = await tenancyStore();
    await store.createBucket({ name: 'b1', projectId: 'p1', region: '', createdAt: new Date(0) });
    await store.setQuota('p1', { maxBytes: 100 });
    await store.putObject(object('b1', 'k', 50));
    await store.setBucketVersioning('b1', 'Enabled');
    await store.putObject(object('b1', 'k', 30));
    await store.setBucketVersioning('b1', 'Suspended');
    // The 30-byte current version stays (as noncurrent); the 50-byte null version goes.
    await store.checkQuota({ bucket: 'b1', key: 'k', size: 70 });
    await assertS3Error(store.checkQuota({ bucket: 'b1', key: 'k', size: 71 }), 'QuotaExceeded');
    await store.putObject(object('b1', 'k', 70));
    assert.equal((await store.getUsage('p1')).bytes, 100);
    // Now the null version is current, and replacing it frees its 70 bytes.
    await store.checkQuota({ bucket: 'b1', key: 'k', size: 70 });
    await assertS3Error(store.checkQuota({ bucket: 'b1', key: 'k', size: 71 }), 'QuotaExceeded');
    await store.close();
  });

  test('an upload part counts with the upload\'s other parts', async () => {
    const store = await tenancyStore();
    await store.createBucket({ name: 'b1', projectId: 'p1', region: '', createdAt: new Date(0) });
    await store.setQuota('p1', { maxBytes: 100 });
    await store.createUpload({
      uploadId: 'up', bucket: 'b1', key: 'mp', initiated: new Date(0), contentType: 'x', contentHeaders: {}, userMetadata: {},
      storageClass: 'STANDARD', ownerProjectId: 'p1',
    });
    await store.putPart({ uploadId: 'up', partNumber: 1, blobId: 'p1b', size: 60, etag: 'e'.repeat(32), lastModified: new Date(0) });
    await store.checkQuota({ bucket: 'b1', key: 'mp', size: 60, uploadId: 'up', partNumber: 1 });
    await store.checkQuota({ bucket: 'b1', key: 'mp', size: 40, uploadId: 'up', partNumber: 2 });
    await assertS3Error(store.checkQuota({ bucket: 'b1', key: 'mp', size: 41, uploadId: 'up', partNumber: 2 }), 'QuotaExceeded');
    await store.close();
  });

  test('objects per bucket and buckets per project are limited', async () => {
    const store = await tenancyStore();
    await store.setQuota('p1', { maxObjectsPerBucket: 2, maxBuckets: 1 });
    assert.equal(await store.createBucket({ name: 'b1', projectId: 'p1', region: '', createdAt: new Date(0) }), undefined);
    await assertS3Error(store.createBucket({ name: 'b2', projectId: 'p1', region: '', createdAt: new Date(0) }), 'TooManyBuckets');
    assert.equal((await store.createBucket({ name: 'b1', projectId: 'p1', region: '', createdAt: new Date(0) }))?.name, 'b1', 'an existing bucket is still reported');
    await store.createBucket({ name: 'b2', projectId: 'p2', region: '', createdAt: new Date(0) });
    await store.putObject(object('b1', 'a', 1));
    await store.putObject(object('b1', 'b', 1));
    await assertS3Error(store.checkQuota({ bucket: 'b1', key: 'c', size: 1 }), 'QuotaExceeded');
    await assertS3Error(store.putObject(object('b1', 'c', 1)), 'QuotaExceeded');
    await store.putObject(object('b1', 'b', 2));
    assert.equal((await store.getUsage('p1')).objects, 2);
    await store.close();
  });
});

test('a store held by another process is refused with StoreInUseError', async () => {
  const path = tempPath();
  const first = await SqliteMetaStore.open(path);
  await first.createProject({ id: 'p1', name: 'alpha' });
  await assert.rejects(SqliteMetaStore.open(path), StoreInUseError);
  await first.close();
});
