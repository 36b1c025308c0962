// Identifiers and secrets the identity service mints: OpenStack-style hex
// ids for users and projects, S3 access keys and secrets, and API tokens
// (random; only their SHA-256 is stored, so a leaked database holds no
// usable token).

import { createHash, randomBytes, randomInt } from 'node:crypto';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** 32 lowercase hex characters, like an OpenStack project or user id. */
export function newHexId(): string {
  return randomBytes(16).toString('hex');
}

export function newAccessKeyId(): string {
  return randomString(KEY_ALPHABET, 20);
}

export function newSecretAccessKey(): string {
  return randomString(SECRET_ALPHABET, 40);
}

/** A password for a user nobody chose one for: 20 characters, about 119 bits. */
export function newPassword(): string {
  return randomString(SECRET_ALPHABET, 20);
}

/** A new API token: 32 random bytes, base64url (what goes in X-Subject-Token / X-Auth-Token). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** How a token is stored and looked up. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
