// s3cmd's S3Uri: "s3://bucket/key" (any number of slashes after "s3:",
// case-insensitive scheme), and the strings s3cmd prints for it.

import { ParameterError } from './failures.js';

export interface S3Uri {
  bucket: string;
  /** '' when the URI names only the bucket. */
  key: string;
}

const S3_URI = /^s3:\/\/\/*([^/]*)\/?(.*)$/is;

/** Parses an s3:// URI; undefined for anything else (a local path). */
export function parseS3Uri(text: string): S3Uri | undefined {
  const match = S3_URI.exec(text);
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}

/** "s3://bucket/key": always a slash after the bucket, as s3cmd's uri(). */
export function formatS3Uri(uri: S3Uri): string {
  return `s3://${uri.bucket}/${uri.key}`;
}

/** The bucket of an "s3://bucket" argument; anything else is s3cmd's parameter error. */
export function bucketOnly(arg: string): string {
  const uri = parseS3Uri(arg);
  if (!uri || !uri.bucket || uri.key) throw new ParameterError(`Expecting S3 URI with just the bucket name set instead of '${arg}'`);
  return uri.bucket;
}
