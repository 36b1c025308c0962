import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidBucketName } from './bucket-name.js';

describe('bucket names', () => {
  it('accepts S3 names and the underscores Allas users have', () => {
    for (const name of ['abc', 'fish-bucket', 'my.bucket.1', 'my_bucket', 'my_fishbucket', 'a'.repeat(63)]) {
      assert.equal(isValidBucketName(name), true, name);
    }
  });

  it('refuses what S3 refuses', () => {
    for (const name of ['ab', 'a'.repeat(64), 'Upper', '-start', 'end-', 'a..b', 'a.-b', '192.168.1.1', 'xn--abc', 'x-s3alias', 'sp ace', '_lead']) {
      assert.equal(isValidBucketName(name), false, name);
    }
  });
});
