import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { clientAddress, viaTls } from './client-address.js';

const request = (remoteAddress: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;
const proxied = (remoteAddress: string, forwardedProto: string, encrypted = false) =>
  ({ socket: { remoteAddress, encrypted }, headers: { 'x-forwarded-proto': forwardedProto } }) as unknown as IncomingMessage;

describe('client address', () => {
  const proxies = new Set(['10.0.0.5', '10.0.0.6']);

  it('is the socket peer, IPv4-mapped addresses unwrapped', () => {
    assert.equal(clientAddress(request('127.0.0.2'), proxies), '127.0.0.2');
    assert.equal(clientAddress(request('::ffff:127.0.0.1'), proxies), '127.0.0.1');
    assert.equal(clientAddress(request('::1'), proxies), '::1');
  });

  it('ignores X-Forwarded-For from anyone but a trusted proxy', () => {
    assert.equal(clientAddress(request('192.0.2.9', '203.0.113.1'), proxies), '192.0.2.9');
  });

  it('takes the right-most untrusted hop behind trusted proxies', () => {
    assert.equal(clientAddress(request('10.0.0.5', '203.0.113.1'), proxies), '203.0.113.1');
    assert.equal(clientAddress(request('10.0.0.5', 'forged, 203.0.113.7, 10.0.0.6'), proxies), '203.0.113.7');
    assert.equal(clientAddress(request('10.0.0.5'), proxies), '10.0.0.5');
  });

  it('came over TLS when the socket is, or a trusted proxy says so', () => {
    assert.equal(viaTls(proxied('192.0.2.9', 'https', true), proxies), true);
    assert.equal(viaTls(proxied('10.0.0.5', 'https'), proxies), true);
    assert.equal(viaTls(proxied('::ffff:10.0.0.5', 'http, HTTPS'), proxies), true);
    assert.equal(viaTls(proxied('10.0.0.5', 'https, http'), proxies), false);
    assert.equal(viaTls(proxied('192.0.2.9', 'https'), proxies), false, 'not from a trusted proxy');
    assert.equal(viaTls(request('10.0.0.5'), proxies), false);
  });
});
