// The Range header of GetObject, and x-amz-copy-source-range of UploadPartCopy.

import { S3Error } from '../errors.js';

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

function invalidRange(size: number): S3Error {
  return new S3Error('InvalidRange', 416, 'The requested range is not satisfiable', {
    RangeRequested: '',
    ActualObjectSize: String(size),
  });
}

/**
 * Parses `bytes=a-b`, `bytes=a-` or `bytes=-n` against an object of `size`
 * bytes. Syntax S3 does not understand (several ranges, other units) is
 * ignored, as S3 does, by returning undefined: the whole object is sent.
 */
export function parseRange(value: string | undefined, size: number): ByteRange | undefined {
  if (value === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [, first, last] = match;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw invalidRange(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) throw invalidRange(size);
  return { start, end };
}

/** x-amz-copy-source-range must be `bytes=first-last` inside the source object. */
export function parseCopySourceRange(value: string, size: number): ByteRange {
  const match = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  if (!match) {
    throw new S3Error('InvalidArgument', 400, 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', {
      ArgumentName: 'x-amz-copy-source-range',
      ArgumentValue: value,
    });
  }
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start || end >= size) {
    throw new S3Error('InvalidRange', 416, 'The requested range is not satisfiable', {
      RangeRequested: value,
      ActualObjectSize: String(size),
    });
  }
  return { start, end };
}
