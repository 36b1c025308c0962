import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from './checksum-types.js';
import {
  checksumFromBase64,
  combineCrcs,
  compositeChecksum,
  createChecksum,
  fullObjectChecksum,
  parseChecksumAlgorithm,
  requestChecksum,
} from './checksums.js';

function digest(algorithm: ChecksumAlgorithm, ...pieces: Uint8Array[]): Buffer {
  const c = createChecksum(algorithm);
  for (const p of pieces) c.update(p);
  return c.digest();
}

const CRCS = ['CRC32', 'CRC32C', 'CRC64NVME'] as const;

describe('checksum values', () => {
  // Check values from the CRC catalogue (reveng) and FIPS 180 test strings.
  const check = Buffer.from('123456789');
  const expected: Record<ChecksumAlgorithm, string> = {
    CRC32: 'cbf43926',
    CRC32C: 'e3069283',
    CRC64NVME: 'ae8b14860a799888',
    SHA1: 'f7c3bc1d808e04732adf679965ccc34ca7ae3441',
    SHA256: '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225',
  };
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    it(`${algorithm} of "123456789"`, () => {
      assert.equal(digest(algorithm, check).toString('hex'), expected[algorithm]);
      assert.equal(digest(algorithm, check.subarray(0, 4), check.subarray(4)).toString('hex'), expected[algorithm]);
    });
  }

  it('empty input', () => {
    assert.equal(digest('CRC32').toString('hex'), '00000000');
    assert.equal(digest('CRC64NVME').toString('hex'), '0000000000000000');
  });

  it('CRC64NVME matches @aws-sdk/crc64-nvme on random data split anywhere', async () => {
    for (const length of [1, 7, 8, 9, 63, 64, 65, 1000, 65537]) {
      const data = randomBytes(length);
      const oracle = new Crc64Nvme();
      oracle.update(data);
      const want = Buffer.from(await oracle.digest()).toString('hex');
      const cut = Math.floor(length / 3);
      assert.equal(digest('CRC64NVME', data.subarray(0, cut), data.subarray(cut)).toString('hex'), want, `length ${length}`);
    }
  });

  it('S3 example: CRC32C of the SigV4 streaming example body', () => {
    assert.equal(digest('CRC32C', Buffer.alloc(66560, 'a')).toString('base64'), 'sOO8/Q==');
  });
});

describe('multipart checksums', () => {
  it('FULL_OBJECT: combined part CRCs equal the CRC of the concatenation', () => {
    const sizes = [0, 1, 5, 8, 100, 4096, 65536, 8 * 1024 * 1024 + 1, 3];
    const parts = sizes.map((n) => randomBytes(n));
    for (const algorithm of CRCS) {
      const combined = combineCrcs(
        algorithm,
        parts.map((p) => ({ digest: digest(algorithm, p), length: p.length })),
      );
      assert.equal(combined.toString('hex'), digest(algorithm, ...parts).toString('hex'), algorithm);
      assert.equal(
        fullObjectChecksum(algorithm, parts.map((p) => ({ digest: digest(algorithm, p), length: p.length }))),
        digest(algorithm, Buffer.concat(parts)).toString('base64'),
      );
    }
  });

  it('FULL_OBJECT of a single part is that part\'s checksum; of none, the empty checksum', () => {
    const p = randomBytes(1234);
    for (const algorithm of CRCS) {
      assert.deepEqual(combineCrcs(algorithm, [{ digest: digest(algorithm, p), length: p.length }]), digest(algorithm, p));
      assert.deepEqual(combineCrcs(algorithm, []), digest(algorithm));
    }
  });

  it('FULL_OBJECT is refused for SHA algorithms', () => {
    assert.throws(() => combineCrcs('SHA256', []), TypeError);
  });

  it('FULL_OBJECT over 10,000 parts is fast', () => {
    const parts = Array.from({ length: 10_000 }, (_, i) => ({
      digest: randomBytes(8),
      length: i === 9_999 ? 12_345 : 8 * 1024 * 1024,
    }));
    const started = performance.now();
    combineCrcs('CRC64NVME', parts);
    combineCrcs('CRC32', parts.map((p) => ({ ...p, digest: p.digest.subarray(0, 4) })));
    assert.ok(performance.now() - started < 2000);
  });

  it('COMPOSITE: checksum of the concatenated raw part checksums, with the part count', () => {
    const parts = [randomBytes(10), randomBytes(20), randomBytes(30)];
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const digests = parts.map((p) => digest(algorithm, p));
      const want = digest(algorithm, Buffer.concat(digests)).toString('base64') + '-3';
      assert.equal(compositeChecksum(algorithm, digests), want);
    }
    const sha = parts.map((p) => createHash('sha256').update(p).digest());
    assert.equal(
      compositeChecksum('SHA256', sha),
      createHash('sha256').update(Buffer.concat(sha)).digest('base64') + '-3',
    );
  });
});

describe('request checksum headers', () => {
  const crc32Of123 = Buffer.from('cbf43926', 'hex').toString('base64');

  it('names algorithms case-insensitively', () => {
    assert.equal(parseChecksumAlgorithm('crc64nvme'), 'CRC64NVME');
    assert.equal(parseChecksumAlgorithm('md5'), undefined);
  });

  it('validates base64 values by length', () => {
    assert.ok(checksumFromBase64('CRC32', crc32Of123));
    assert.equal(checksumFromBase64('CRC32', 'AAAA'), undefined);
    assert.equal(checksumFromBase64('SHA256', crc32Of123), undefined);
    assert.equal(checksumFromBase64('CRC32', 'y/Q5Jg'), undefined);
  });

  it('reads x-amz-checksum-<alg>', () => {
    assert.deepEqual(requestChecksum({ 'x-amz-checksum-crc32': crc32Of123, 'x-amz-sdk-checksum-algorithm': 'CRC32' }), {
      algorithm: 'CRC32',
      value: crc32Of123,
      trailer: false,
    });
  });

  it('reads x-amz-trailer', () => {
    assert.deepEqual(requestChecksum({ 'x-amz-trailer': 'x-amz-checksum-crc64nvme', 'x-amz-sdk-checksum-algorithm': 'CRC64NVME' }), {
      algorithm: 'CRC64NVME',
      value: undefined,
      trailer: true,
    });
  });

  it('ignores requests without one, and the unrelated x-amz-checksum-* headers', () => {
    assert.equal(requestChecksum({ 'x-amz-checksum-type': 'FULL_OBJECT', 'x-amz-checksum-algorithm': 'CRC32' }), undefined);
  });

  it('refuses what S3 refuses', () => {
    const invalid = (headers: Record<string, string>) =>
      assert.throws(() => requestChecksum(headers), { code: 'InvalidRequest' });
    invalid({ 'x-amz-checksum-crc32': crc32Of123, 'x-amz-checksum-crc32c': crc32Of123 });
    invalid({ 'x-amz-checksum-crc32': 'not base64!' });
    invalid({ 'x-amz-checksum-crc32': crc32Of123, 'x-amz-sdk-checksum-algorithm': 'SHA1' });
    invalid({ 'x-amz-sdk-checksum-algorithm': 'MD5' });
    invalid({ 'x-amz-sdk-checksum-algorithm': 'CRC32' });
    invalid({ 'x-amz-trailer': 'x-amz-checksum-md5' });
  });
});
