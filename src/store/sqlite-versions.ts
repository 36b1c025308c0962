// Noncurrent versions and delete markers of versioned buckets, in a table of
// their own: the current versions stay alone in `objects`, so ListObjects,
// GET and HEAD never step over old versions however many a key has. Within a
// key, `seq` orders the versions (higher is newer; the current object is
// newer than all of them). Every method runs inside the store's write
// transaction or is a plain read; the blobs and usage of what they move stay
// the caller's (sqlite.ts) business.

import type Database from 'better-sqlite3';
import type { Position, RangeScan } from './listing-walk.js';
import type { ObjectRow } from './sqlite-rows.js';

/** A row of versions: an object version's columns (its body by id) and its place among the key's versions. */
export interface VersionRow extends Omit<ObjectRow, 'bytes'> {
  seq: number;
  delete_marker: number;
  noncurrent_since: number;
  body_id: number | null;
}

/** What ListObjectVersions needs of a current object or a version. */
export interface VersionListRow {
  key: string;
  version_id: string;
  size: number;
  etag: string;
  last_modified: number;
  storage_class: string;
  owner_project_id: string;
  delete_marker: number;
  seq: number;
}

/** A stored version as the lifecycle worker sees it. */
interface NoncurrentRow {
  key: string;
  version_id: string;
  size: number;
  attrs: string;
  delete_marker: number;
  noncurrent_since: number;
  newer: number;
  latest: number;
  lone: number;
}

/** The seq the current object sorts with: above every stored version. */
const CURRENT_SEQ = Number.MAX_SAFE_INTEGER;

/** The columns objects and versions share, in the same order. */
const DATA_COLUMNS = 'size, etag, last_modified, storage_class, owner_project_id, content_type, attrs, parts, body_id';
const VERSION_COLUMNS = `bucket, key, seq, version_id, delete_marker, noncurrent_since, ${DATA_COLUMNS}`;
const LIST_COLUMNS = 'key, version_id, size, etag, last_modified, storage_class, owner_project_id';

export class VersionTable {
  private readonly sql;
  private readonly scans: Record<'inclusiveBounded' | 'exclusiveBounded' | 'inclusiveOpen' | 'exclusiveOpen', Database.Statement<unknown[], VersionListRow>>;

  constructor(db: Database.Database) {
    const p = <R = unknown>(source: string) => db.prepare<unknown[], R>(source);
    this.sql = {
      nextSeq: p<{ seq: number }>('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM versions WHERE bucket = ? AND key = ?'),
      demote: p(
        `INSERT INTO versions (${VERSION_COLUMNS})
         SELECT bucket, key, @seq, version_id, 0, @now, ${DATA_COLUMNS} FROM objects WHERE bucket = @bucket AND key = @key`,
      ),
      deleteCurrent: p('DELETE FROM objects WHERE bucket = ? AND key = ?'),
      insertMarker: p(
        `INSERT INTO versions (${VERSION_COLUMNS})
         VALUES (@bucket, @key, @seq, @versionId, 1, @now, 0, '', @now, '', @owner, '', '{}', NULL, NULL)`,
      ),
      find: p<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM versions WHERE bucket = ? AND key = ? AND version_id = ?`),
      newest: p<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM versions WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1`),
      promote: p(
        `INSERT INTO objects (bucket, key, version_id, ${DATA_COLUMNS})
         SELECT bucket, key, version_id, ${DATA_COLUMNS} FROM versions WHERE bucket = ? AND key = ? AND seq = ?`,
      ),
      remove: p('DELETE FROM versions WHERE bucket = ? AND key = ? AND seq = ?'),
      markerNoncurrent: p(
        `UPDATE versions SET noncurrent_since = @now
         WHERE bucket = @bucket AND key = @key AND delete_marker = 1
           AND seq = (SELECT MAX(seq) FROM versions WHERE bucket = @bucket AND key = @key)`,
      ),
      setAttrs: p('UPDATE versions SET attrs = ? WHERE bucket = ? AND key = ? AND version_id = ? AND delete_marker = 0'),
      any: p('SELECT 1 FROM versions WHERE bucket = ? LIMIT 1'),
      byAge: p<NoncurrentRow>(
        `SELECT key, version_id, size, attrs, delete_marker, noncurrent_since,
           (SELECT COUNT(*) FROM versions n WHERE n.bucket = v.bucket AND n.key = v.key AND n.seq > v.seq) AS newer,
           NOT EXISTS (SELECT 1 FROM objects o WHERE o.bucket = v.bucket AND o.key = v.key)
             AND NOT EXISTS (SELECT 1 FROM versions n WHERE n.bucket = v.bucket AND n.key = v.key AND n.seq > v.seq) AS latest,
           delete_marker = 1
             AND NOT EXISTS (SELECT 1 FROM versions n WHERE n.bucket = v.bucket AND n.key = v.key AND n.seq != v.seq)
             AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.bucket = v.bucket AND o.key = v.key) AS lone
         FROM versions v
         WHERE bucket = @bucket AND noncurrent_since <= @by AND (noncurrent_since, key, version_id) > (@since, @key, @versionId)
         ORDER BY noncurrent_since, key, version_id LIMIT @limit`,
      ),
      olderInKey: p<VersionListRow>(
        `SELECT ${LIST_COLUMNS}, delete_marker, seq FROM versions
         WHERE bucket = ? AND key = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      ),
    };
    // Both tables in (key, newest first) order; SQLite merges the two index
    // scans, so a page reads only the rows it returns.
    const union = (lower: string, upper: string) =>
      p<VersionListRow>(
        `SELECT ${LIST_COLUMNS}, 0 AS delete_marker, ${CURRENT_SEQ} AS seq FROM objects
         WHERE bucket = @bucket AND key ${lower} @from ${upper}
         UNION ALL
         SELECT ${LIST_COLUMNS}, delete_marker, seq FROM versions
         WHERE bucket = @bucket AND key ${lower} @from ${upper}
         ORDER BY key, seq DESC LIMIT @limit`,
      );
    this.scans = {
      inclusiveBounded: union('>=', 'AND key < @end'),
      exclusiveBounded: union('>', 'AND key < @end'),
      inclusiveOpen: union('>=', ''),
      exclusiveOpen: union('>', ''),
    };
  }

  /** Keeps the key's current object as its newest noncurrent version (the objects row goes). */
  demoteCurrent(bucket: string, key: string, now: number): void {
    const { seq } = this.sql.nextSeq.get(bucket, key)!;
    this.sql.demote.run({ bucket, key, seq, now });
    this.sql.deleteCurrent.run(bucket, key);
  }

  addDeleteMarker(bucket: string, key: string, versionId: string, owner: string, now: number): void {
    const { seq } = this.sql.nextSeq.get(bucket, key)!;
    this.sql.insertMarker.run({ bucket, key, seq, versionId, owner, now });
  }

  /** A new current object hides the delete marker that was the newest version: it is noncurrent from now. */
  markerBecomesNoncurrent(bucket: string, key: string, now: number): void {
    this.sql.markerNoncurrent.run({ bucket, key, now });
  }

  find(bucket: string, key: string, versionId: string): VersionRow | undefined {
    return this.sql.find.get(bucket, key, versionId);
  }

  newest(bucket: string, key: string): VersionRow | undefined {
    return this.sql.newest.get(bucket, key);
  }

  /** Makes a stored version the key's current object again. */
  promote(row: VersionRow): void {
    this.sql.promote.run(row.bucket, row.key, row.seq);
    this.sql.remove.run(row.bucket, row.key, row.seq);
  }

  /** Drops the row only; its body, blobs and usage are the caller's. */
  remove(row: VersionRow): void {
    this.sql.remove.run(row.bucket, row.key, row.seq);
  }

  /** Replaces a stored version's attributes; false if it is not stored (or is a delete marker). */
  setAttrs(bucket: string, key: string, versionId: string, attrs: string): boolean {
    return this.sql.setAttrs.run(attrs, bucket, key, versionId).changes > 0;
  }

  any(bucket: string): boolean {
    return this.sql.any.get(bucket) !== undefined;
  }

  /** Current objects and stored versions of the bucket in listing order, from `position` up to `end`. */
  readonly scan: RangeScan<VersionListRow> = (bucket, position: Position, end, limit, eager) => {
    const statement =
      end === undefined
        ? position.inclusive ? this.scans.inclusiveOpen : this.scans.exclusiveOpen
        : position.inclusive ? this.scans.inclusiveBounded : this.scans.exclusiveBounded;
    const params = { bucket, from: position.from, end, limit };
    if (end === undefined) delete params.end;
    return eager ? statement.all(params) : statement.iterate(params);
  };

  /** Stored versions that became noncurrent by `by`, after the cursor, oldest first (lifecycle). */
  byAge(bucket: string, by: number, after: { since: number; key: string; versionId: string }, limit: number): NoncurrentRow[] {
    return this.sql.byAge.all({ bucket, by, ...after, limit });
  }

  /** The versions of `key` older than the one with `seq`, newest first. */
  olderInKey(bucket: string, key: string, seq: number, limit: number): Iterable<VersionListRow> {
    return this.sql.olderInKey.iterate(bucket, key, seq, limit);
  }

  /** The seq of a version of `key` for resuming a listing after it: the current object sorts above all. */
  seqOf(bucket: string, key: string, versionId: string, currentVersionId: string | undefined): number | undefined {
    if (versionId === currentVersionId) return CURRENT_SEQ;
    return this.find(bucket, key, versionId)?.seq;
  }
}
