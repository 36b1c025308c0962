import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { isIdentityRequest } from './http.js';

function request(url: string, headers: Record<string, string> = {}): IncomingMessage {
  return { url, headers: { host: '127.0.0.1:7480', ...headers } } as unknown as IncomingMessage;
}

const DOMAINS = ['s3.aitta.test'];

test('identity takes /v3 and its known resources', () => {
  for (const url of ['/v3', '/v3/', '/v3/auth/tokens', '/v3/auth/projects', '/v3/users/u1/credentials/OS-EC2', '/v3/projects?name=x']) {
    assert.equal(isIdentityRequest(request(url), DOMAINS), true, url);
  }
});

test('S3 keeps everything else: other paths, signed requests, virtual-hosted buckets, absolute-form targets', () => {
  assert.equal(isIdentityRequest(request('/v3x/key'), DOMAINS), false);
  assert.equal(isIdentityRequest(request('/v3bucket'), DOMAINS), false);
  assert.equal(isIdentityRequest(request('/v3/other'), DOMAINS), false);
  assert.equal(isIdentityRequest(request('/'), DOMAINS), false);
  assert.equal(isIdentityRequest(request('/v3/auth/x', { authorization: 'AWS4-HMAC-SHA256 Credential=...' }), DOMAINS), false);
  assert.equal(isIdentityRequest(request('/v3/auth/x?X-Amz-Signature=abc&X-Amz-Credential=k'), DOMAINS), false);
  assert.equal(isIdentityRequest(request('/v3/auth/x?AWSAccessKeyId=k&Signature=s&Expires=1'), DOMAINS), false);
  assert.equal(isIdentityRequest(request('/v3/auth/tokens', { host: 'bucket.s3.aitta.test' }), DOMAINS), false);
  assert.equal(isIdentityRequest(request('http://bucket.s3.aitta.test/v3/auth/tokens'), DOMAINS), false);
});
