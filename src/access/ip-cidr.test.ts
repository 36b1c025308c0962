import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cidrContains, parseCidr, parseIpAddress } from './ip-cidr.js';

function contains(cidr: string, ip: string): boolean {
  const block = parseCidr(cidr);
  const address = parseIpAddress(ip);
  assert.ok(block, `block ${cidr}`);
  assert.ok(address, `address ${ip}`);
  return cidrContains(block, address);
}

describe('IP addresses and CIDR blocks', () => {
  it('matches IPv4 blocks', () => {
    assert.equal(contains('127.0.0.1/32', '127.0.0.1'), true);
    assert.equal(contains('127.0.0.1/32', '127.0.0.2'), false);
    assert.equal(contains('192.168.0.0/16', '192.168.255.7'), true);
    assert.equal(contains('192.168.0.0/16', '192.169.0.1'), false);
    assert.equal(contains('10.1.2.3/8', '10.200.0.0'), true, 'host bits are ignored');
    assert.equal(contains('0.0.0.0/0', '8.8.8.8'), true);
    assert.equal(contains('203.0.113.7', '203.0.113.7'), true, 'a bare address is a /32');
    assert.equal(contains('203.0.113.0/25', '203.0.113.128'), false);
  });

  it('matches IPv6 blocks', () => {
    assert.equal(contains('2001:db8::/32', '2001:db8:1234::1'), true);
    assert.equal(contains('2001:db8::/32', '2001:db9::1'), false);
    assert.equal(contains('::1/128', '::1'), true);
    assert.equal(contains('2001:DB8:0:0:0:0:0:0/127', '2001:db8::1'), true);
    assert.equal(contains('fe80::/10', 'fe80::1%eth0'), true, 'zone ids in client addresses are ignored');
  });

  it('treats IPv4-mapped IPv6 as IPv4, on either side', () => {
    assert.equal(contains('127.0.0.1/32', '::ffff:127.0.0.1'), true);
    assert.equal(contains('127.0.0.1/32', '::ffff:7f00:2'), false);
    assert.equal(contains('::ffff:10.0.0.0/104', '10.9.9.9'), true);
    assert.equal(contains('::ffff:0:0/96', '1.2.3.4'), true);
  });

  it('does not let IPv6 blocks match IPv4 clients, nor the reverse', () => {
    assert.equal(contains('::/0', '1.2.3.4'), false);
    assert.equal(contains('0.0.0.0/0', '2001:db8::1'), false);
  });

  it('rejects malformed input', () => {
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.4/33', '1.2.3.4/', '1.2.3.4/01',
      '::1/129', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::1', 'fe80::1%eth0', 'localhost']) {
      assert.equal(parseCidr(bad), undefined, bad);
    }
    assert.equal(parseIpAddress('1.2.3.4/32'), undefined);
  });

  it('agrees with a BigInt reference', () => {
    const v4 = fc.bigInt({ min: 0n, max: (1n << 32n) - 1n });
    const v6 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
    const formatV4 = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
    const formatV6 = (n: bigint) =>
      Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
    const inBlock = (bits: number, base: bigint, prefix: number, x: bigint) =>
      base >> BigInt(bits - prefix) === x >> BigInt(bits - prefix);
    // Bias the address towards the block so that both answers occur often.
    const near = (bits: number, base: bigint, prefix: number, noise: bigint, flip: boolean) => {
      const hostBits = (1n << BigInt(bits - prefix)) - 1n;
      const x = (base & ~hostBits) | (noise & hostBits);
      return flip ? x ^ (1n << BigInt(bits - 1 - Math.floor(Number(noise % BigInt(bits))))) : x;
    };
    fc.assert(
      fc.property(v4, fc.integer({ min: 0, max: 32 }), v4, fc.boolean(), (base, prefix, noise, flip) => {
        const x = near(32, base, prefix, noise, flip);
        return contains(`${formatV4(base)}/${prefix}`, formatV4(x)) === inBlock(32, base, prefix, x);
      }),
      { numRuns: 3000 },
    );
    const mapped = (1n << 32n) * 0xffffn;
    fc.assert(
      fc.property(v6, fc.integer({ min: 0, max: 128 }), v6, fc.boolean(), (base, prefix, noise, flip) => {
        const x = near(128, base, prefix, noise, flip);
        // IPv4-mapped addresses are compared as IPv4, covered above.
        fc.pre(x >> 32n !== mapped >> 32n && base >> 32n !== mapped >> 32n);
        return contains(`${formatV6(base)}/${prefix}`, formatV6(x)) === inBlock(128, base, prefix, x);
      }),
      { numRuns: 3000 },
    );
  });
});
