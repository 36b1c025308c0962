// The statements only the lifecycle worker runs (prepared on first use, so a
// server without lifecycle rules never compiles them).

import type Database from 'better-sqlite3';
import { BUCKET_COLUMNS, UPLOAD_COLUMNS, type BucketRow, type ObjectRow, type UploadRow } from './sqlite-rows.js';

/** The statements only the lifecycle worker runs. */
export function prepareLifecycleStatements(db: Database.Database) {
  const p = <R = unknown>(source: string) => db.prepare<unknown[], R>(source);
  const aged = 'SELECT key, size, last_modified, attrs FROM objects WHERE bucket = ?';
  type AgedRow = Pick<ObjectRow, 'key' | 'size' | 'last_modified' | 'attrs'>;
  return {
    lifecycleBuckets: p<BucketRow>(`SELECT ${BUCKET_COLUMNS} FROM buckets WHERE lifecycle IS NOT NULL ORDER BY name`),
    objectsByAge: p<AgedRow>(`${aged} AND last_modified <= ? ORDER BY last_modified, key LIMIT ?`),
    objectsByAgeAfter: p<AgedRow>(
      `${aged} AND (last_modified, key) > (?, ?) AND last_modified <= ? ORDER BY last_modified, key LIMIT ?`,
    ),
    uploadsByAge: p<UploadRow>(
      `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE bucket = @bucket AND key >= @prefix AND (@end IS NULL OR key < @end)
       AND initiated <= @by AND (key, initiated, upload_id) > (@key, @initiated, @uploadId)
       ORDER BY key, initiated, upload_id LIMIT @limit`,
    ),
    getProgress: p<{ progress: string }>('SELECT progress FROM lifecycle_progress WHERE bucket = ?'),
    setProgress: p(
      'INSERT INTO lifecycle_progress (bucket, progress) VALUES (?, ?) ON CONFLICT (bucket) DO UPDATE SET progress = excluded.progress',
    ),
  };
}

