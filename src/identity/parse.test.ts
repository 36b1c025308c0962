import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdentityError } from './errors.js';
import { parseEc2Create, parseLogin } from './parse.js';

function login(user: object, scope?: unknown): object {
  return { auth: { identity: { methods: ['password'], password: { user } }, ...(scope === undefined ? {} : { scope }) } };
}

function rejects(body: unknown, status: number): void {
  assert.throws(() => parseLogin(body), (error: unknown) => error instanceof IdentityError && error.status === status);
}

test('password logins by user name or id, unscoped or scoped to a project by name or id', () => {
  assert.deepEqual(parseLogin(login({ name: 'ann', domain: { name: 'Default' }, password: 'pw' })), { user: { name: 'ann' }, password: 'pw' });
  assert.deepEqual(parseLogin(login({ id: 'u1', password: 'pw' }, 'unscoped')), { user: { id: 'u1' }, password: 'pw' });
  assert.deepEqual(parseLogin(login({ name: 'ann', domain: { id: 'default' }, password: 'pw' }, { project: { name: 'alpha', domain: { name: 'Default' } } })), {
    user: { name: 'ann' },
    password: 'pw',
    project: { name: 'alpha' },
  });
  assert.deepEqual(parseLogin(login({ name: 'ann', password: '' }, { project: { id: 'p1' } })).project, { id: 'p1' });
});

test('malformed bodies are 400s; other methods, scopes or domains are refused', () => {
  rejects(undefined, 400);
  rejects([], 400);
  rejects({ auth: {} }, 400);
  rejects(login({ name: 'ann' }), 400);
  rejects(login({ password: 'pw' }), 400);
  rejects(login({ name: 'ann', password: 'pw' }, { domain: { id: 'default' } }), 400);
  rejects({ auth: { identity: { methods: ['token'], token: { id: 'x' } } } }, 401);
  rejects(login({ name: 'ann', domain: { name: 'Other' }, password: 'pw' }), 401);
});

test('EC2 create takes tenant_id (or project_id), or nothing', () => {
  assert.equal(parseEc2Create({ tenant_id: 'p1' }), 'p1');
  assert.equal(parseEc2Create({ project_id: 'p2' }), 'p2');
  assert.equal(parseEc2Create(undefined), undefined);
  assert.equal(parseEc2Create({}), undefined);
  assert.throws(() => parseEc2Create('p1'), IdentityError);
});
