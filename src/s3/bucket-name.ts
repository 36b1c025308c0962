// Bucket naming rules. S3's current rules (3–63 characters of lowercase
// letters, digits, dots and hyphens; starting and ending with a letter or a
// digit; no "..", not an IP address, no reserved prefixes or suffixes), with
// the underscore that Ceph RGW — and so Allas, whose guide names buckets like
// my_bucket — allows. Such names work with path-style addressing.

import { S3Error } from '../errors.js';
import { MAX_BUCKET_NAME, MIN_BUCKET_NAME } from '../limits.js';

const SHAPE = /^[a-z0-9][a-z0-9._-]*[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

export function isValidBucketName(name: string): boolean {
  return (
    name.length >= MIN_BUCKET_NAME &&
    name.length <= MAX_BUCKET_NAME &&
    SHAPE.test(name) &&
    !name.includes('..') &&
    !name.includes('.-') &&
    !name.includes('-.') &&
    !IP_ADDRESS.test(name) &&
    !RESERVED_PREFIXES.some((p) => name.startsWith(p)) &&
    !RESERVED_SUFFIXES.some((s) => name.endsWith(s))
  );
}

export function assertValidBucketName(name: string): void {
  if (!isValidBucketName(name)) {
    throw new S3Error('InvalidBucketName', 400, 'The specified bucket is not valid.', { BucketName: name });
  }
}
