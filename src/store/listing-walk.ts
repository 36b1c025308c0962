// The listing walk shared by objects and uploads, independent of SQL: S3's
// key order, where a listing starts after a marker, and how it steps over
// whole common prefixes. The store supplies the range queries.

/** The smallest string greater than every string that starts with `prefix` (undefined: there is none). */
export function successor(prefix: string): string | undefined {
  const codePoints = Array.from(prefix);
  while (codePoints.length > 0) {
    const last = codePoints.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Surrogates are not characters and have no UTF-8 encoding.
      const next = last === 0xd7ff ? 0xe000 : last + 1;
      return codePoints.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** S3's key order: UTF-8 bytes (JavaScript's < compares UTF-16 units, which differs above U+FFFF). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Where a listing starts: at `from`, or just after it. */
export interface Position {
  from: string;
  inclusive: boolean;
}

/**
 * The start of a listing after `marker` (exclusive); a marker inside a common
 * prefix resumes after the whole prefix. Undefined when nothing can follow.
 */
export function startAfter(prefix: string, delimiter: string, marker: string): Position | undefined {
  if (marker === '' || compareKeys(marker, prefix) < 0) return { from: prefix, inclusive: true };
  if (delimiter !== '' && marker.startsWith(prefix)) {
    const at = marker.indexOf(delimiter, prefix.length);
    if (at >= 0) {
      const next = successor(marker.slice(0, at + delimiter.length));
      return next === undefined ? undefined : { from: next, inclusive: true };
    }
  }
  return { from: marker, inclusive: false };
}

/**
 * Runs one range query: rows of the bucket with key from `position` up to
 * `end` (exclusive), at most `limit`. `eager` fetches them all at once (much
 * faster per row) for walks that will use every row: those without a
 * delimiter, which never jump.
 */
export type RangeScan<R> = (bucket: string, position: Position, end: string | undefined, limit: number, eager: boolean) => Iterable<R>;

export interface Walk<R extends { key: string }> {
  bucket: string;
  prefix: string;
  delimiter: string;
  maxEntries: number;
  /** The first rows (from the start position); later ranges come from `scan`. */
  first: (end: string | undefined, limit: number, eager: boolean) => Iterable<R>;
  scan: RangeScan<R>;
}

export interface WalkResult<R> {
  rows: R[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last entry: a row, or a common prefix. */
  last?: { row: R } | { commonPrefix: string };
}

/**
 * The listing walk shared by objects and uploads. Rows stream from one range
 * query until a row falls under a common prefix; the prefix is emitted and
 * the walk continues with a new query from the prefix's successor, so keys
 * inside a common prefix are never visited. Truncation is decided by finding
 * one more entry, never by guessing.
 */
export function walk<R extends { key: string }>(w: Walk<R>): WalkResult<R> {
  const result: WalkResult<R> = { rows: [], commonPrefixes: [], isTruncated: false };
  if (w.maxEntries <= 0) return result;
  const end = w.prefix === '' ? undefined : successor(w.prefix);
  const eager = w.delimiter === '';
  let rows = w.first(end, w.maxEntries + 1, eager);
  for (;;) {
    let jumpTo: string | undefined;
    for (const row of rows) {
      if (result.rows.length + result.commonPrefixes.length === w.maxEntries) {
        result.isTruncated = true;
        return result;
      }
      const at = w.delimiter === '' ? -1 : row.key.indexOf(w.delimiter, w.prefix.length);
      if (at < 0) {
        result.rows.push(row);
        result.last = { row };
        continue;
      }
      const commonPrefix = row.key.slice(0, at + w.delimiter.length);
      result.commonPrefixes.push(commonPrefix);
      result.last = { commonPrefix };
      jumpTo = successor(commonPrefix);
      if (jumpTo === undefined) return result;
      break;
    }
    if (jumpTo === undefined) return result;
    const remaining = w.maxEntries - result.rows.length - result.commonPrefixes.length;
    rows = w.scan(w.bucket, { from: jumpTo, inclusive: true }, end, remaining + 1, eager);
  }
}

/** Where the next page starts after a walk's last entry: its key (or common prefix) and, for a row, its id within the key. */
export function resumeAfter<R extends { key: string }>(last: WalkResult<R>['last'], idOf: (row: R) => string): { key?: string; id?: string } {
  if (last === undefined) return {};
  return 'row' in last ? { key: last.row.key, id: idOf(last.row) } : { key: last.commonPrefix };
}
