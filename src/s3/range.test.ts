import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { S3Error } from '../errors.js';
import { parseCopySourceRange, parseRange } from './range.js';

describe('Range', () => {
  it('parses the three forms S3 supports, clamping the end to the object', () => {
    assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 });
    assert.deepEqual(parseRange('bytes=90-200', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=10-', 100), { start: 10, end: 99 });
    assert.deepEqual(parseRange('bytes=-10', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=-500', 100), { start: 0, end: 99 });
  });

  it('ignores what S3 ignores: no header, several ranges, other units, reversed ranges', () => {
    assert.equal(parseRange(undefined, 100), undefined);
    assert.equal(parseRange('bytes=0-1,5-6', 100), undefined);
    assert.equal(parseRange('items=0-1', 100), undefined);
    assert.equal(parseRange('bytes=9-3', 100), undefined);
  });

  it('answers an unsatisfiable range with InvalidRange 416', () => {
    for (const [value, size] of [['bytes=100-', 100], ['bytes=0-', 0], ['bytes=-0', 100]] as const) {
      assert.throws(() => parseRange(value, size), (e: unknown) => e instanceof S3Error && e.code === 'InvalidRange' && e.status === 416);
    }
  });

  it('requires copy-source ranges to be explicit and inside the source', () => {
    assert.deepEqual(parseCopySourceRange('bytes=0-4', 10), { start: 0, end: 4 });
    assert.throws(() => parseCopySourceRange('bytes=5-', 10), (e: unknown) => e instanceof S3Error && e.code === 'InvalidArgument');
    assert.throws(() => parseCopySourceRange('bytes=5-10', 10), (e: unknown) => e instanceof S3Error && e.code === 'InvalidRange');
  });
});
