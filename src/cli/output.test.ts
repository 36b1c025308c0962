// s3cmd's output formats: sizes, listing columns, du lines, transfer lines.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketLine, formatSize, listingLine, transferLine, usageLine } from './output.js';

describe('output formats', () => {
  it('formatSize divides by 1024 while over 2048', () => {
    assert.deepEqual(formatSize(2048, true), [2048, '']);
    assert.deepEqual(formatSize(2049, true), [2, 'K']);
    assert.deepEqual(formatSize(15 * 1024 * 1024, true), [15, 'M']);
    assert.deepEqual(formatSize(1234, false), [1234, '']);
  });

  it('ls lines: plain, human, long and md5, directories', () => {
    const object = { uri: 's3://b/f', timestamp: '2026-11-26T07:59:24.000Z', size: 1000, md5: 'bdc0c01d6123a4984e1fe56befb0395e', storageClass: 'STANDARD' };
    assert.equal(listingLine({ human: false, long: false, md5: false }, object), '2026-11-26 07:59         1000  s3://b/f');
    assert.equal(listingLine({ human: true, long: false, md5: false }, object), '2026-11-26 07:59  1000   s3://b/f');
    assert.equal(
      listingLine({ human: false, long: true, md5: false }, object),
      '2026-11-26 07:59         1000  bdc0c01d6123a4984e1fe56befb0395e     STANDARD     s3://b/f',
    );
    assert.equal(listingLine({ human: false, long: false, md5: false }, { uri: 's3://b/d/' }), '                          DIR  s3://b/d/');
    assert.equal(listingLine({ human: true, long: false, md5: false }, { uri: 's3://b/d/' }), '                    DIR  s3://b/d/');
    assert.equal(bucketLine('2018-03-12T13:01:00.000Z', 'fish-bucket'), '2018-03-12 13:01  s3://fish-bucket');
  });

  it('du and transfer lines', () => {
    assert.equal(usageLine(false, 1012, 4, 's3://bk1/'), '        1012       4 objects s3://bk1/');
    assert.equal(usageLine(true, 3 * 1024 * 1024, 4, 's3://bk1/'), '   3M       4 objects s3://bk1/');
    assert.equal(
      transferLine('upload', 'f1.txt', 's3://bk1/f1.txt', 1000, 0.015, '[1 of 1]'),
      "upload: 'f1.txt' -> 's3://bk1/f1.txt' (1000 bytes in 0.0 seconds, 65.10 KB/s) [1 of 1]",
    );
  });
});
