import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TOKEN_LIFETIME_MS } from '../limits.js';
import { SqliteMetaStore } from '../store/sqlite.js';
import { IdentityError } from './errors.js';
import { hashPassword } from './password.js';
import { IdentityService } from './service.js';

let dir: string;
let store: SqliteMetaStore;
let clock = new Date('2030-01-01T00:00:00Z');
const identity = () => new IdentityService(store, () => clock);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aitta-identity-'));
  store = await SqliteMetaStore.open(join(dir, 'meta.sqlite'));
  const passwordHash = await hashPassword('pw');
  for (const [id, name] of [['u1', 'ann'], ['u2', 'bob']]) {
    await store.createUser({ id: id!, name: name!, passwordHash, enabled: true, createdAt: clock });
  }
  await store.createProject({ id: 'p1', name: 'alpha' });
  await store.createProject({ id: 'p2', name: 'beta' });
  await store.setMembership({ userId: 'u1', projectId: 'p1', role: 'member' });
  await store.setMembership({ userId: 'u1', projectId: 'p2', role: 'reader' });
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 0;
  } catch (error) {
    if (error instanceof IdentityError) return error.status;
    throw error;
  }
}

test('a password login issues an 8-hour token that stands for the user (and project and role when scoped)', async () => {
  const { token, context } = await identity().login({ user: { name: 'ann' }, password: 'pw', project: { name: 'beta' } });
  assert.equal(context.user.id, 'u1');
  assert.deepEqual(context.scope?.project, { id: 'p2', name: 'beta' });
  assert.equal(context.scope?.role, 'reader');
  assert.equal(context.token.expiresAt.getTime() - clock.getTime(), TOKEN_LIFETIME_MS);
  const again = await identity().authenticate(token);
  assert.equal(again.scope?.project.id, 'p2');
  const unscoped = await identity().login({ user: { id: 'u1' }, password: 'pw' });
  assert.equal((await identity().validate(unscoped.token)).scope, undefined);
});

test('wrong passwords, unknown users and foreign projects are 401', async () => {
  assert.equal(await status(identity().login({ user: { name: 'ann' }, password: 'PW' })), 401);
  assert.equal(await status(identity().login({ user: { name: 'nobody' }, password: 'pw' })), 401);
  assert.equal(await status(identity().login({ user: { name: 'bob' }, password: 'pw', project: { name: 'alpha' } })), 401);
  assert.equal(await status(identity().login({ user: { name: 'ann' }, password: 'pw', project: { id: 'p9' } })), 401);
});

test('tokens stop working when they expire, are revoked, or their membership goes', async () => {
  const { token } = await identity().login({ user: { name: 'ann' }, password: 'pw', project: { name: 'alpha' } });
  assert.equal(await status(identity().authenticate(token)), 0);
  assert.equal(await status(identity().authenticate('not-a-token')), 401);
  assert.equal(await status(identity().authenticate(undefined)), 401);
  assert.equal(await status(identity().validate('not-a-token')), 404);
  const saved = clock;
  clock = new Date(saved.getTime() + TOKEN_LIFETIME_MS);
  assert.equal(await status(identity().authenticate(token)), 401);
  clock = saved;

  const caller = await identity().authenticate(token);
  const other = await identity().login({ user: { name: 'ann' }, password: 'pw' });
  await identity().revoke(caller, other.token);
  assert.equal(await status(identity().authenticate(other.token)), 401);

  await store.removeMembership('u1', 'p1');
  assert.equal(await status(identity().authenticate(token)), 401);
  await store.setMembership({ userId: 'u1', projectId: 'p1', role: 'member' });
});

test('EC2 credentials: minted for a member in the token\'s project or a named one, listed and deleted by their owner only', async () => {
  const ann = (await identity().login({ user: { name: 'ann' }, password: 'pw', project: { name: 'alpha' } })).context;
  const bob = (await identity().login({ user: { name: 'bob' }, password: 'pw' })).context;
  const first = await identity().createEc2Credential(ann, 'u1', undefined);
  assert.equal(first.projectId, 'p1');
  assert.match(first.accessKeyId, /^[A-Z0-9]{20}$/);
  assert.match(first.secretAccessKey, /^[A-Za-z0-9]{40}$/);
  const second = await identity().createEc2Credential(ann, 'u1', 'p2');
  assert.equal(second.projectId, 'p2');
  assert.equal(await status(identity().createEc2Credential(bob, 'u2', undefined)), 400, 'unscoped without tenant_id');
  assert.equal(await status(identity().createEc2Credential(bob, 'u2', 'p1')), 403, 'not a member');
  assert.equal(await status(identity().createEc2Credential(bob, 'u1', 'p1')), 403, "someone else's");
  assert.equal(await status(identity().listEc2Credentials(bob, 'u1')), 403);
  assert.equal(await status(identity().getEc2Credential(bob, 'u2', first.accessKeyId)), 404);

  const listed = await identity().listEc2Credentials(ann, 'u1');
  assert.deepEqual(new Set(listed.map((c) => c.accessKeyId)), new Set([first.accessKeyId, second.accessKeyId]));
  await identity().deleteEc2Credential(ann, 'u1', first.accessKeyId);
  assert.equal((await store.getCredential(first.accessKeyId))?.active, false);
  assert.equal(await status(identity().deleteEc2Credential(ann, 'u1', first.accessKeyId)), 404);
  assert.deepEqual((await identity().listEc2Credentials(ann, 'u1')).map((c) => c.accessKeyId), [second.accessKeyId]);
});

test('projects: a user sees their own, and no one else\'s', async () => {
  const ann = (await identity().login({ user: { name: 'ann' }, password: 'pw' })).context;
  const bob = (await identity().login({ user: { name: 'bob' }, password: 'pw' })).context;
  assert.deepEqual((await identity().projectsOf(ann, 'u1')).map((p) => p.name), ['alpha', 'beta']);
  assert.deepEqual(await identity().projectsOf(bob, 'u2'), []);
  assert.equal(await status(identity().projectsOf(bob, 'u1')), 403);
  assert.equal((await identity().project(ann, 'p1')).name, 'alpha');
  assert.equal(await status(identity().project(bob, 'p1')), 404);
});
