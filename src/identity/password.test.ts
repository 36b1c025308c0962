import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from './password.js';

test('a hash verifies its password only, and records scrypt parameters with a per-hash salt', async () => {
  const hash = await hashPassword('correct horse');
  assert.match(hash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
  assert.equal(await verifyPassword('correct horse', hash), true);
  assert.equal(await verifyPassword('correct horsE', hash), false);
  assert.equal(await verifyPassword('', hash), false);
  assert.notEqual(await hashPassword('correct horse'), hash, 'salted');
});

test('passwords compare in Unicode normal form', async () => {
  assert.equal(await verifyPassword('\u00e5', await hashPassword('a\u030a')), true);
});

test('the stored parameters are used, so old hashes keep working', async () => {
  const { scryptSync } = await import('node:crypto');
  const salt = Buffer.from('0123456789abcdef');
  const hash = scryptSync('pw', salt, 16, { N: 1024, r: 4, p: 2 });
  const stored = `scrypt$1024$4$2$${salt.toString('base64')}$${hash.toString('base64')}`;
  assert.equal(await verifyPassword('pw', stored), true);
  assert.equal(await verifyPassword('px', stored), false);
});

test('malformed hashes never verify', async () => {
  for (const stored of ['', 'plain', 'scrypt$x$8$1$AA==$AA==', 'bcrypt$1$1$1$AA==$AA==', 'scrypt$1024$8$1$AA==$']) {
    assert.equal(await verifyPassword('pw', stored), false, stored);
  }
});
