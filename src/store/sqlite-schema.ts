// The embedded store's schema, as the migrations that build it.

import type Database from 'better-sqlite3';

/**
 * Schema migrations; user_version is the number applied. Append new steps,
 * never edit old ones. Object bodies kept inline live in a side table so that
 * listing rows stay small; object_blobs indexes the blobs objects reference
 * (a blob may be shared, e.g. by a copy) so that knownBlobs and the garbage
 * bookkeeping never parse part lists.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE projects (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE);
  CREATE TABLE credentials (
    access_key_id TEXT PRIMARY KEY,
    secret_access_key TEXT NOT NULL,
    project_id TEXT NOT NULL,
    user_id TEXT,
    active INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX credentials_project ON credentials (project_id);
  CREATE TABLE buckets (
    name TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    region TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX buckets_project ON buckets (project_id, name);
  CREATE TABLE objects (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    last_modified INTEGER NOT NULL,
    storage_class TEXT NOT NULL,
    owner_project_id TEXT NOT NULL,
    content_type TEXT NOT NULL,
    attrs TEXT NOT NULL,
    parts TEXT,
    body_id INTEGER,
    PRIMARY KEY (bucket, key)
  ) WITHOUT ROWID;
  CREATE TABLE object_bodies (id INTEGER PRIMARY KEY, bytes BLOB NOT NULL);
  CREATE TABLE object_blobs (
    blob_id TEXT NOT NULL,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (blob_id, bucket, key)
  ) WITHOUT ROWID;
  CREATE TABLE uploads (
    upload_id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    initiated INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    attrs TEXT NOT NULL,
    storage_class TEXT NOT NULL,
    owner_project_id TEXT NOT NULL
  );
  CREATE INDEX uploads_listing ON uploads (bucket, key, initiated, upload_id);
  CREATE TABLE parts (
    upload_id TEXT NOT NULL,
    part_number INTEGER NOT NULL,
    blob_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    checksum TEXT,
    last_modified INTEGER NOT NULL,
    PRIMARY KEY (upload_id, part_number)
  ) WITHOUT ROWID;
  CREATE INDEX parts_blob ON parts (blob_id);
  CREATE TABLE garbage (blob_id TEXT PRIMARY KEY, since INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX garbage_since ON garbage (since);
  `,
  // Tenancy: users, memberships, identity tokens, quotas, and usage counters
  // kept exact in the same transaction as every object write (NULL limits
  // mean the defaults of limits.ts, so changing a default reaches every
  // project that was not given its own).
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE memberships (
    user_id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('member', 'reader')),
    PRIMARY KEY (user_id, project_id)
  ) WITHOUT ROWID;
  CREATE INDEX memberships_project ON memberships (project_id, user_id);
  CREATE INDEX credentials_user ON credentials (user_id, project_id, created_at);
  CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    project_id TEXT,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX tokens_expiry ON tokens (expires_at);
  CREATE INDEX tokens_user ON tokens (user_id);
  ALTER TABLE projects ADD COLUMN max_bytes INTEGER;
  ALTER TABLE projects ADD COLUMN max_buckets INTEGER;
  ALTER TABLE projects ADD COLUMN max_objects_per_bucket INTEGER;
  ALTER TABLE projects ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE projects ADD COLUMN objects INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE buckets ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE buckets ADD COLUMN objects INTEGER NOT NULL DEFAULT 0;
  UPDATE buckets SET
    bytes = (SELECT COALESCE(SUM(size), 0) FROM objects WHERE objects.bucket = buckets.name),
    objects = (SELECT COUNT(*) FROM objects WHERE objects.bucket = buckets.name);
  UPDATE projects SET
    bytes = (SELECT COALESCE(SUM(bytes), 0) FROM buckets WHERE buckets.project_id = projects.id),
    objects = (SELECT COALESCE(SUM(objects), 0) FROM buckets WHERE buckets.project_id = projects.id);
  `,
  // 3: bucket policies (the JSON as the owner sent it) and bucket ACLs (JSON grants; object ACLs live in attrs).
  `
  ALTER TABLE buckets ADD COLUMN policy TEXT;
  ALTER TABLE buckets ADD COLUMN acl TEXT NOT NULL DEFAULT '[]';
  `,
  // 4: the other bucket configurations, each the JSON its feature module validated (NULL: none set).
  `
  ALTER TABLE buckets ADD COLUMN tags TEXT;
  ALTER TABLE buckets ADD COLUMN cors TEXT;
  ALTER TABLE buckets ADD COLUMN lifecycle TEXT;
  `,
  // 5: versioning. The current version stays in objects; noncurrent versions
  // and delete markers live in versions (see sqlite-versions.ts). A blob is
  // referenced per version, since versions of one key may share a blob.
  `
  ALTER TABLE buckets ADD COLUMN versioning TEXT;
  ALTER TABLE objects ADD COLUMN version_id TEXT NOT NULL DEFAULT 'null';
  CREATE TABLE versions (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    version_id TEXT NOT NULL,
    delete_marker INTEGER NOT NULL,
    noncurrent_since INTEGER NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    last_modified INTEGER NOT NULL,
    storage_class TEXT NOT NULL,
    owner_project_id TEXT NOT NULL,
    content_type TEXT NOT NULL,
    attrs TEXT NOT NULL,
    parts TEXT,
    body_id INTEGER,
    PRIMARY KEY (bucket, key, seq DESC)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX versions_id ON versions (bucket, key, version_id);
  CREATE TABLE version_blobs (
    blob_id TEXT NOT NULL,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    version_id TEXT NOT NULL,
    PRIMARY KEY (blob_id, bucket, key, version_id)
  ) WITHOUT ROWID;
  INSERT INTO version_blobs SELECT blob_id, bucket, key, 'null' FROM object_blobs;
  DROP TABLE object_blobs;
  ALTER TABLE version_blobs RENAME TO object_blobs;
  `,
  // 6: lifecycle execution: objects and noncurrent versions by age (the
  // worker visits only those old enough for a rule), the buckets that have a configuration, and the
  // worker's progress in each, so a restart resumes.
  `
  CREATE INDEX objects_age ON objects (bucket, last_modified);
  CREATE INDEX versions_age ON versions (bucket, noncurrent_since, key, version_id);
  CREATE INDEX buckets_lifecycle ON buckets (name) WHERE lifecycle IS NOT NULL;
  CREATE TABLE lifecycle_progress (bucket TEXT PRIMARY KEY, progress TEXT NOT NULL) WITHOUT ROWID;
  `,
];

/** Brings the database's schema up to this version of Aitta. */
export function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`metadata schema version ${version} is newer than this Aitta (${MIGRATIONS.length})`);
  }
  for (let next = version; next < MIGRATIONS.length; next++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[next]!);
      db.pragma(`user_version = ${next + 1}`);
    }).immediate();
  }
}
