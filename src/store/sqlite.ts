// The embedded MetaStore: SQLite through better-sqlite3, in WAL mode.
// better-sqlite3 is synchronous, so reads run directly; writes are queued and
// applied together in one transaction, each in its own savepoint so that one
// failure fails only its caller. A write resolves only once its commit is on
// disk: SQLite never syncs (synchronous=OFF) and the WAL is fdatasync'd on
// libuv's thread pool, so the event loop keeps serving requests meanwhile.
// Writes queued while a sync runs are committed when it ends, all at once,
// and synced by the next; with no sync running, a commit ends each
// event-loop turn that queued writes. Checkpoints are the store's too (see
// checkpointIfDue), so that their syncs run off the event loop as well.
// Listings walk the (bucket, key) primary key with keyset pagination and jump
// over whole common prefixes; nothing is scanned or sorted in memory. The
// schema is in sqlite-schema.ts, rows and their conversions in
// sqlite-rows.ts, versions in sqlite-versions.ts.

import { fdatasync, fdatasyncSync, mkdirSync, openSync, closeSync } from 'node:fs';
import { promisify } from 'node:util';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { resumeAfter, startAfter, successor, walk, type RangeScan } from './listing-walk.js';
import { errors } from '../errors.js';
import { BUCKET_CONFIGS, NULL_VERSION } from './meta.js';
import { prepareLifecycleStatements } from './sqlite-lifecycle.js';
import {
  BUCKET_COLUMNS,
  OBJECT_COLUMNS,
  PART_COLUMNS,
  SUMMARY_COLUMNS,
  UPLOAD_COLUMNS,
  blobIdsOf,
  quotaProblem,
  toBucket,
  toCredential,
  toDeleteMarker,
  toObject,
  toPart,
  toQuota,
  toSummary,
  toUploadRow,
  toUpload,
  toUser,
  toVersionSummary,
  type BucketRow,
  type CredentialRow,
  type ObjectAttrs,
  type ObjectRow,
  type PartRow,
  type QuotaRow,
  type QuotaStateRow,
  type StoredData,
  type TokenRow,
  type UploadAttrs,
  type UploadRow,
  type UserRow,
} from './sqlite-rows.js';
import { ReadCache } from '../read-cache.js';
import { migrate } from './sqlite-schema.js';
import { VersionTable, type VersionListRow } from './sqlite-versions.js';
import { newVersionId } from './version-id.js';
import type {
  Bucket,
  BucketConfig,
  DeleteMarker,
  DeleteOutcome,
  VersioningState,
  VersionListPage,
  VersionListQuery,
  VersionCursor,
  NoncurrentVersion,
  Grant,
  Credential,
  ListPage,
  ListQuery,
  Membership,
  MetaStore,
  LoadedObject,
  ObjectLoad,
  ObjectRecord,
  ObjectSummary,
  PartRecord,
  Project,
  ProjectUsage,
  Quota,
  QuotaRequest,
  Role,
  StoredPart,
  TokenRecord,
  UploadListPage,
  UploadListQuery,
  UploadRecord,
  User,
} from './meta.js';
import type { AgeCursor, AgedObject, UploadCursor } from './meta.js';



/** Bytes of the database file read through a memory map (SQLite's mmap_size). */
const MMAP_BYTES = 256 * 1024 * 1024;
/** Most writes applied in one transaction; the rest wait for the next turn so one commit never grows without bound. */
const MAX_WRITES_PER_COMMIT = 1000;
/**
 * WAL frames (pages) that make a checkpoint due: ~10 MB. A checkpoint holds
 * the event loop while it copies (~13 ms for 10,000 frames); with its syncs
 * off the loop, checkpoints 4x as often as that measured no slower.
 */
export const CHECKPOINT_FRAMES = 2_500;
const datasync = promisify(fdatasync);

/** The store's own error for a database another process holds (a running `aitta serve`). */
export class StoreInUseError extends Error {
  constructor(path: string) {
    super(`${path} is in use by another process (is another aitta serve running on this data directory?)`);
    this.name = 'StoreInUseError';
  }
}


interface QueuedWrite {
  apply: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}


/** Maps each row of an iteration as it is read. */
function* mapRows<V, R>(rows: Iterable<V>, toRow: (values: V) => R): Iterable<R> {
  for (const values of rows) yield toRow(values);
}

/**
 * Prepares the four range queries (lower bound inclusive or not, upper bound
 * or none) of one listing. They return raw rows (arrays of the selected
 * columns), which `toRow` turns into records: much cheaper per row than the
 * objects better-sqlite3 builds by column name.
 */
function rangeScan<V extends unknown[], R>(
  db: Database.Database,
  select: string,
  orderBy: string,
  toRow: (values: V) => R,
): RangeScan<R> {
  const prepare = (lower: string, upper: string) =>
    db.prepare<unknown[], V>(`${select} WHERE bucket = ? AND key ${lower} ? ${upper} ORDER BY ${orderBy} LIMIT ?`).raw(true);
  const inclusiveBounded = prepare('>=', 'AND key < ?');
  const exclusiveBounded = prepare('>', 'AND key < ?');
  const inclusiveOpen = prepare('>=', '');
  const exclusiveOpen = prepare('>', '');
  return (bucket, position, end, limit, eager) => {
    const statement = end === undefined ? (position.inclusive ? inclusiveOpen : exclusiveOpen) : position.inclusive ? inclusiveBounded : exclusiveBounded;
    const params = end === undefined ? [bucket, position.from, limit] : [bucket, position.from, end, limit];
    return eager ? statement.all(...params).map(toRow) : mapRows(statement.iterate(...params), toRow);
  };
}

/** What removing a version gave back, for usage and garbage. */
interface Released {
  size: number;
  /** 1 for an object version, 0 for a delete marker. */
  objects: number;
  blobIds: string[];
}

/** Every statement the store runs, prepared once. */
function prepareStatements(db: Database.Database) {
  const p = <R = unknown>(source: string) => db.prepare<unknown[], R>(source);
  return {
    begin: p('BEGIN IMMEDIATE'),
    commit: p('COMMIT'),
    rollback: p('ROLLBACK'),
    savepoint: p('SAVEPOINT item'),
    release: p('RELEASE item'),
    rollbackToSavepoint: p('ROLLBACK TO item'),
    walFrames: p<{ log: number }>('PRAGMA wal_checkpoint(NOOP)'),
    checkpoint: p('PRAGMA wal_checkpoint(PASSIVE)'),

    insertProject: p('INSERT INTO projects (id, name) VALUES (?, ?)'),
    getProject: p<Project>('SELECT id, name FROM projects WHERE id = ?'),
    getProjectByName: p<Project>('SELECT id, name FROM projects WHERE name = ?'),
    listProjects: p<Project>('SELECT id, name FROM projects ORDER BY name'),
    deleteProject: p('DELETE FROM projects WHERE id = ?'),
    anyProjectBucket: p('SELECT 1 FROM buckets WHERE project_id = ? LIMIT 1'),
    projectBucketCount: p<{ n: number }>('SELECT COUNT(*) AS n FROM buckets WHERE project_id = ?'),
    anyProject: p('SELECT 1 FROM projects LIMIT 1'),
    getQuota: p<QuotaRow>('SELECT max_bytes, max_buckets, max_objects_per_bucket FROM projects WHERE id = ?'),
    setQuota: p(
      `UPDATE projects SET max_bytes = COALESCE(@maxBytes, max_bytes), max_buckets = COALESCE(@maxBuckets, max_buckets),
       max_objects_per_bucket = COALESCE(@maxObjectsPerBucket, max_objects_per_bucket) WHERE id = @id`,
    ),
    projectUsage: p<{ bytes: number; objects: number }>('SELECT bytes, objects FROM projects WHERE id = ?'),
    bucketUsage: p<{ name: string; bytes: number; objects: number }>(
      'SELECT name, bytes, objects FROM buckets WHERE project_id = ? ORDER BY name',
    ),
    quotaState: p<QuotaStateRow>(
      `SELECT b.project_id, b.versioning, b.objects AS bucket_objects, p.bytes AS project_bytes,
       p.max_bytes, p.max_buckets, p.max_objects_per_bucket
       FROM buckets b LEFT JOIN projects p ON p.id = b.project_id WHERE b.name = ?`,
    ),
    addBucketUsage: p('UPDATE buckets SET bytes = bytes + ?, objects = objects + ? WHERE name = ?'),
    addProjectUsage: p('UPDATE projects SET bytes = bytes + ?, objects = objects + ? WHERE id = ?'),
    otherPartsSize: p<{ n: number }>(
      'SELECT COALESCE(SUM(size), 0) AS n FROM parts WHERE upload_id = ? AND part_number != ?',
    ),
    insertCredential: p(
      'INSERT INTO credentials (access_key_id, secret_access_key, project_id, user_id, active, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    getCredential: p<CredentialRow>('SELECT * FROM credentials WHERE access_key_id = ?'),
    userCredentials: p<CredentialRow>(
      'SELECT * FROM credentials WHERE user_id = ? AND active = 1 ORDER BY created_at DESC, access_key_id',
    ),
    userProjectCredentials: p<CredentialRow>(
      'SELECT * FROM credentials WHERE user_id = ? AND project_id = ? AND active = 1 ORDER BY created_at DESC, access_key_id',
    ),
    deactivateCredential: p('UPDATE credentials SET active = 0 WHERE access_key_id = ? AND active = 1'),
    deactivateUserCredentials: p('UPDATE credentials SET active = 0 WHERE user_id = ?'),
    deactivateMemberCredentials: p('UPDATE credentials SET active = 0 WHERE user_id = ? AND project_id = ?'),
    deactivateProjectCredentials: p('UPDATE credentials SET active = 0 WHERE project_id = ?'),

    insertUser: p('INSERT INTO users (id, name, password_hash, enabled, created_at) VALUES (?, ?, ?, ?, ?)'),
    getUser: p<UserRow>('SELECT * FROM users WHERE id = ?'),
    getUserByName: p<UserRow>('SELECT * FROM users WHERE name = ?'),
    listUsers: p<UserRow>('SELECT * FROM users ORDER BY name'),
    setPassword: p('UPDATE users SET password_hash = ? WHERE id = ?'),
    deleteUser: p('DELETE FROM users WHERE id = ?'),
    setMembership: p(
      'INSERT INTO memberships (user_id, project_id, role) VALUES (?, ?, ?) ON CONFLICT (user_id, project_id) DO UPDATE SET role = excluded.role',
    ),
    getMembership: p<{ role: Role }>('SELECT role FROM memberships WHERE user_id = ? AND project_id = ?'),
    deleteMembership: p('DELETE FROM memberships WHERE user_id = ? AND project_id = ?'),
    deleteUserMemberships: p('DELETE FROM memberships WHERE user_id = ?'),
    deleteProjectMemberships: p('DELETE FROM memberships WHERE project_id = ?'),
    userProjects: p<Project & { role: Role }>(
      'SELECT p.id, p.name, m.role FROM memberships m JOIN projects p ON p.id = m.project_id WHERE m.user_id = ? ORDER BY p.name',
    ),
    projectMembers: p<UserRow & { role: Role }>(
      'SELECT u.*, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.project_id = ? ORDER BY u.name',
    ),

    insertToken: p('INSERT INTO tokens (token_hash, user_id, project_id, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
    getToken: p<TokenRow>('SELECT * FROM tokens WHERE token_hash = ? AND expires_at > ?'),
    deleteToken: p('DELETE FROM tokens WHERE token_hash = ?'),
    deleteExpiredTokens: p('DELETE FROM tokens WHERE expires_at <= ?'),
    deleteUserTokens: p('DELETE FROM tokens WHERE user_id = ?'),
    deleteProjectTokens: p('DELETE FROM tokens WHERE project_id = ?'),
    deleteMemberTokens: p('DELETE FROM tokens WHERE user_id = ? AND project_id = ?'),

    insertBucket: p(
      'INSERT INTO buckets (name, project_id, region, created_at, acl) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING',
    ),
    getBucket: p<BucketRow>(`SELECT ${BUCKET_COLUMNS} FROM buckets WHERE name = ?`),
    setBucketConfig: Object.fromEntries(
      BUCKET_CONFIGS.map((name) => [name, p(`UPDATE buckets SET ${name} = ? WHERE name = ?`)]),
    ) as Record<BucketConfig, Database.Statement<unknown[], unknown>>,
    setBucketAcl: p('UPDATE buckets SET acl = ? WHERE name = ?'),
    setBucketVersioning: p('UPDATE buckets SET versioning = ? WHERE name = ?'),
    getObjectAttrs: p<{ attrs: string; version_id: string }>('SELECT attrs, version_id FROM objects WHERE bucket = ? AND key = ?'),
    setObjectAttrs: p('UPDATE objects SET attrs = ? WHERE bucket = ? AND key = ?'),
    bucketExists: p('SELECT 1 FROM buckets WHERE name = ?'),
    listBuckets: p<BucketRow>(
      `SELECT ${BUCKET_COLUMNS} FROM buckets WHERE project_id = ? ORDER BY name`,
    ),
    deleteBucket: p('DELETE FROM buckets WHERE name = ?'),
    anyObject: p('SELECT 1 FROM objects WHERE bucket = ? LIMIT 1'),
    bucketUploads: p<{ upload_id: string }>('SELECT upload_id FROM uploads WHERE bucket = ?'),

    getBody: p<{ bytes: Buffer }>('SELECT bytes FROM object_bodies WHERE id = ?'),
    getObject: p<ObjectRow>(`SELECT ${OBJECT_COLUMNS} FROM objects WHERE bucket = ? AND key = ?`),
    getObjectWithBody: p<ObjectRow & { bytes: Buffer | null }>(
      `SELECT ${OBJECT_COLUMNS}, b.bytes FROM objects o LEFT JOIN object_bodies b ON b.id = o.body_id WHERE o.bucket = ? AND o.key = ?`,
    ),
    getObjectData: p<StoredData & { last_modified: number }>(
      'SELECT size, parts, body_id, version_id, last_modified FROM objects WHERE bucket = ? AND key = ?',
    ),
    insertObject: p(
      `INSERT OR REPLACE INTO objects (${OBJECT_COLUMNS}, body_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    deleteObject: p('DELETE FROM objects WHERE bucket = ? AND key = ?'),
    insertBody: p('INSERT INTO object_bodies (bytes) VALUES (?)'),
    deleteBody: p('DELETE FROM object_bodies WHERE id = ?'),
    insertObjectBlob: p('INSERT OR IGNORE INTO object_blobs (blob_id, bucket, key, version_id) VALUES (?, ?, ?, ?)'),
    deleteObjectBlob: p('DELETE FROM object_blobs WHERE blob_id = ? AND bucket = ? AND key = ? AND version_id = ?'),

    insertUpload: p(`INSERT INTO uploads (${UPLOAD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    getUpload: p<UploadRow>(`SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE upload_id = ?`),
    deleteUpload: p('DELETE FROM uploads WHERE upload_id = ?'),
    uploadsAfterMarker: p<UploadRow>(
      `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE bucket = ? AND key = ? AND (initiated, upload_id) > (?, ?)
       ORDER BY initiated, upload_id LIMIT ?`,
    ),
    uploadsAfterUnknownMarker: p<UploadRow>(
      `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE bucket = ? AND key = ? AND upload_id > ?
       ORDER BY initiated, upload_id LIMIT ?`,
    ),

    getPartBlob: p<{ blob_id: string }>('SELECT blob_id FROM parts WHERE upload_id = ? AND part_number = ?'),
    insertPart: p(`INSERT OR REPLACE INTO parts (${PART_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    listParts: p<PartRow>(
      `SELECT ${PART_COLUMNS} FROM parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?`,
    ),
    uploadBlobs: p<{ blob_id: string }>('SELECT blob_id FROM parts WHERE upload_id = ?'),
    deleteParts: p('DELETE FROM parts WHERE upload_id = ?'),

    isReferenced: p(
      'SELECT 1 FROM object_blobs WHERE blob_id = @id UNION ALL SELECT 1 FROM parts WHERE blob_id = @id LIMIT 1',
    ),
    isKnown: p(
      `SELECT 1 FROM object_blobs WHERE blob_id = @id UNION ALL SELECT 1 FROM parts WHERE blob_id = @id
       UNION ALL SELECT 1 FROM garbage WHERE blob_id = @id LIMIT 1`,
    ),
    insertGarbage: p('INSERT OR IGNORE INTO garbage (blob_id, since) VALUES (?, ?)'),
    deleteGarbage: p('DELETE FROM garbage WHERE blob_id = ?'),
    garbageBefore: p<{ blob_id: string }>('SELECT blob_id FROM garbage WHERE since < ? ORDER BY since LIMIT ?'),
  };
}

export class SqliteMetaStore implements MetaStore {
  private queue: QueuedWrite[] = [];
  private flushScheduled = false;
  private closed = false;
  /** Callbacks of committed writes waiting for the next WAL sync. */
  private awaitingSync: Array<() => void> = [];
  /** The running loop of WAL syncs, while there is one. */
  private syncing: Promise<void> | undefined;
  /** True from the start of a WAL sync to the end of the checkpoint after it: nothing is committed then. */
  private syncInFlight = false;
  /** Descriptors of the WAL and of the database file, for fdatasync. */
  private readonly walFd: number;
  private readonly dbFd: number;
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly scanObjects: RangeScan<ObjectSummary>;
  private readonly scanUploads: RangeScan<UploadRow>;
  private readonly versions: VersionTable;
  // Read on (nearly) every request; cleared by the writes that change them.
  private readonly bucketCache = new ReadCache<Bucket>();
  private readonly credentialCache = new ReadCache<Credential>();
  private readonly userCache = new ReadCache<User>();
  private readonly membershipCache = new ReadCache<Membership>();

  private constructor(private readonly db: Database.Database) {
    this.walFd = openSync(`${db.name}-wal`, 'a');
    this.dbFd = openSync(db.name, 'r+');
    // What opening wrote (the schema's migrations) is on disk before anything else is.
    fdatasyncSync(this.walFd);
    this.sql = prepareStatements(db);
    this.scanObjects = rangeScan(db, `SELECT ${SUMMARY_COLUMNS} FROM objects`, 'key', toSummary);
    this.scanUploads = rangeScan(db, `SELECT ${UPLOAD_COLUMNS} FROM uploads`, 'key, initiated, upload_id', toUploadRow);
    this.versions = new VersionTable(db);
  }

  /** Opens (creating and migrating as needed) the database at `path`. */
  static async open(path: string): Promise<SqliteMetaStore> {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    try {
      // One server process owns the embedded database: exclusive locking
      // keeps the WAL index in process memory, so a read takes no file locks
      // (4x faster point lookups), and a second server pointed at the same
      // data directory is refused instead of sharing it.
      db.pragma('busy_timeout = 1000');
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      // SQLite's own syncs would block the event loop; the store makes them
      // on the thread pool instead: the WAL after each commit (syncWal), the
      // database file after each checkpoint (checkpointIfDue).
      db.pragma('synchronous = OFF');
      db.pragma('wal_autocheckpoint = 0');
      db.pragma('cache_size = -32768');
      // Inline bodies fill overflow pages, which SQLite reads with a pread
      // of the file on every GET, bypassing its cache; mapped, they are a
      // memcpy (syscalls are the costly part of a small GET). Only address
      // space is reserved: the pages are the kernel's page cache.
      db.pragma(`mmap_size = ${MMAP_BYTES}`);
      migrate(db);
      return new SqliteMetaStore(db);
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new StoreInUseError(path);
      throw error;
    }
  }

  // Projects and credentials.

  createProject(project: Project): Promise<void> {
    return this.write(() => {
      this.sql.insertProject.run(project.id, project.name);
    });
  }

  async getProject(id: string): Promise<Project | undefined> {
    return this.sql.getProject.get(id);
  }

  createCredential(credential: Credential): Promise<void> {
    return this.write(() => {
      this.credentialCache.clear();
      this.sql.insertCredential.run(
        credential.accessKeyId,
        credential.secretAccessKey,
        credential.projectId,
        credential.userId,
        credential.active ? 1 : 0,
        credential.createdAt.getTime(),
      );
    });
  }

  async getProjectByName(name: string): Promise<Project | undefined> {
    return this.sql.getProjectByName.get(name);
  }

  async listProjects(): Promise<Project[]> {
    return this.sql.listProjects.all();
  }

  deleteProject(id: string): Promise<'deleted' | 'not-empty' | 'missing'> {
    return this.write(() => {
      if (this.sql.getProject.get(id) === undefined) return 'missing';
      if (this.sql.anyProjectBucket.get(id) !== undefined) return 'not-empty';
      this.membershipCache.clear();
      this.sql.deleteProjectMemberships.run(id);
      this.sql.deleteProjectTokens.run(id);
      this.credentialCache.clear();
      this.sql.deactivateProjectCredentials.run(id);
      this.sql.deleteProject.run(id);
      return 'deleted';
    });
  }

  async getCredential(accessKeyId: string): Promise<Credential | undefined> {
    return this.credentialCache.get(accessKeyId, () => {
      const row = this.sql.getCredential.get(accessKeyId);
      return row === undefined ? undefined : toCredential(row);
    });
  }

  async listCredentials(userId: string, projectId?: string): Promise<Credential[]> {
    const rows =
      projectId === undefined
        ? this.sql.userCredentials.all(userId)
        : this.sql.userProjectCredentials.all(userId, projectId);
    return rows.map(toCredential);
  }

  deactivateCredential(accessKeyId: string): Promise<boolean> {
    return this.write(() => {
      this.credentialCache.clear();
      return this.sql.deactivateCredential.run(accessKeyId).changes === 1;
    });
  }

  async isEmpty(): Promise<boolean> {
    return this.sql.anyProject.get() === undefined;
  }

  // Users and memberships.

  createUser(user: User): Promise<void> {
    return this.write(() => {
      this.userCache.clear();
      this.sql.insertUser.run(user.id, user.name, user.passwordHash, user.enabled ? 1 : 0, user.createdAt.getTime());
    });
  }

  async getUser(id: string): Promise<User | undefined> {
    return this.userCache.get(id, () => {
      const row = this.sql.getUser.get(id);
      return row === undefined ? undefined : toUser(row);
    });
  }

  async getUserByName(name: string): Promise<User | undefined> {
    const row = this.sql.getUserByName.get(name);
    return row === undefined ? undefined : toUser(row);
  }

  async listUsers(): Promise<User[]> {
    return this.sql.listUsers.all().map(toUser);
  }

  setPassword(userId: string, passwordHash: string): Promise<boolean> {
    return this.write(() => {
      this.userCache.clear();
      return this.sql.setPassword.run(passwordHash, userId).changes === 1;
    });
  }

  deleteUser(id: string): Promise<boolean> {
    return this.write(() => {
      if (this.sql.getUser.get(id) === undefined) return false;
      this.membershipCache.clear();
      this.sql.deleteUserMemberships.run(id);
      this.sql.deleteUserTokens.run(id);
      this.userCache.clear();
      this.credentialCache.clear();
      this.sql.deactivateUserCredentials.run(id);
      this.sql.deleteUser.run(id);
      return true;
    });
  }

  setMembership(membership: Membership): Promise<void> {
    return this.write(() => {
      this.membershipCache.clear();
      this.sql.setMembership.run(membership.userId, membership.projectId, membership.role);
    });
  }

  removeMembership(userId: string, projectId: string): Promise<boolean> {
    return this.write(() => {
      this.membershipCache.clear();
      if (this.sql.deleteMembership.run(userId, projectId).changes === 0) return false;
      this.sql.deleteMemberTokens.run(userId, projectId);
      this.credentialCache.clear();
      this.sql.deactivateMemberCredentials.run(userId, projectId);
      return true;
    });
  }

  async getMembership(userId: string, projectId: string): Promise<Membership | undefined> {
    return this.membershipCache.get(`${userId}\n${projectId}`, () => {
      const row = this.sql.getMembership.get(userId, projectId);
      return row === undefined ? undefined : { userId, projectId, role: row.role };
    });
  }

  async listUserProjects(userId: string): Promise<Array<{ project: Project; role: Role }>> {
    return this.sql.userProjects.all(userId).map((row) => ({ project: { id: row.id, name: row.name }, role: row.role }));
  }

  async listProjectMembers(projectId: string): Promise<Array<{ user: User; role: Role }>> {
    return this.sql.projectMembers.all(projectId).map((row) => ({ user: toUser(row), role: row.role }));
  }

  // Identity tokens.

  createToken(token: TokenRecord): Promise<void> {
    return this.write(() => {
      this.sql.deleteExpiredTokens.run(Date.now());
      this.sql.insertToken.run(
        token.tokenHash,
        token.userId,
        token.projectId,
        token.issuedAt.getTime(),
        token.expiresAt.getTime(),
      );
    });
  }

  async getToken(tokenHash: string, now: Date): Promise<TokenRecord | undefined> {
    const row = this.sql.getToken.get(tokenHash, now.getTime());
    if (row === undefined) return undefined;
    return {
      tokenHash: row.token_hash,
      userId: row.user_id,
      projectId: row.project_id,
      issuedAt: new Date(row.issued_at),
      expiresAt: new Date(row.expires_at),
    };
  }

  deleteToken(tokenHash: string): Promise<boolean> {
    return this.write(() => this.sql.deleteToken.run(tokenHash).changes === 1);
  }

  // Quotas and usage.

  async getQuota(projectId: string): Promise<Quota> {
    return toQuota(this.sql.getQuota.get(projectId));
  }

  setQuota(projectId: string, quota: Partial<Quota>): Promise<boolean> {
    return this.write(
      () =>
        this.sql.setQuota.run({
          id: projectId,
          maxBytes: quota.maxBytes ?? null,
          maxBuckets: quota.maxBuckets ?? null,
          maxObjectsPerBucket: quota.maxObjectsPerBucket ?? null,
        }).changes === 1,
    );
  }

  async getUsage(projectId: string): Promise<ProjectUsage> {
    const totals = this.sql.projectUsage.get(projectId);
    return {
      bytes: totals?.bytes ?? 0,
      objects: totals?.objects ?? 0,
      buckets: this.sql.bucketUsage.all(projectId),
      quota: toQuota(this.sql.getQuota.get(projectId)),
    };
  }

  async checkQuota(request: QuotaRequest): Promise<void> {
    const state = this.sql.quotaState.get(request.bucket);
    if (state === undefined) return;
    const otherParts =
      request.uploadId === undefined ? 0 : this.sql.otherPartsSize.get(request.uploadId, request.partNumber ?? 0)!.n;
    const adding = otherParts + request.size;
    // What the new object replaces can only make room: looked up only when the quota is tight without it.
    if (quotaProblem(state, adding, 1) === undefined) return;
    const replaced = this.replacedByPut(state.versioning, request.bucket, request.key);
    const problem = quotaProblem(state, adding - (replaced?.size ?? 0), 1 - (replaced?.objects ?? 0));
    if (problem !== undefined) throw errors.quotaExceeded(problem);
  }

  /** What a new object at `key` would replace, as storeObject will (see makeRoomForVersion). */
  private replacedByPut(versioning: VersioningState | null, bucket: string, key: string): { size: number; objects: number } | undefined {
    // With versioning enabled nothing is replaced: the current object stays as a noncurrent version.
    if (versioning === 'Enabled') return undefined;
    const current = this.sql.getObjectData.get(bucket, key);
    if (versioning === null || current?.version_id === NULL_VERSION) return current && { size: current.size, objects: 1 };
    // Suspended: a current version with an id is kept; the old null version, if any, goes.
    const oldNull = this.versions.find(bucket, key, NULL_VERSION);
    return oldNull && { size: oldNull.size, objects: oldNull.delete_marker === 1 ? 0 : 1 };
  }

  // Buckets.

  createBucket(bucket: Bucket): Promise<Bucket | undefined> {
    return this.write(() => {
      const existing = this.sql.getBucket.get(bucket.name);
      if (existing !== undefined) return toBucket(existing);
      const { maxBuckets } = toQuota(this.sql.getQuota.get(bucket.projectId));
      if (this.sql.projectBucketCount.get(bucket.projectId)!.n >= maxBuckets) throw errors.tooManyBuckets();
      this.bucketCache.clear();
      this.sql.insertBucket.run(bucket.name, bucket.projectId, bucket.region, bucket.createdAt.getTime(), JSON.stringify(bucket.acl ?? []));
      return undefined;
    });
  }

  async getBucket(name: string): Promise<Bucket | undefined> {
    return this.bucketCache.get(name, () => {
      const row = this.sql.getBucket.get(name);
      return row === undefined ? undefined : toBucket(row);
    });
  }

  setBucketAcl(name: string, acl: Grant[]): Promise<boolean> {
    return this.write(() => {
      this.bucketCache.clear();
      return this.sql.setBucketAcl.run(JSON.stringify(acl), name).changes > 0;
    });
  }

  setBucketVersioning(name: string, state: VersioningState): Promise<boolean> {
    return this.write(() => {
      this.bucketCache.clear();
      return this.sql.setBucketVersioning.run(state, name).changes > 0;
    });
  }

  setObjectAcl(bucket: string, key: string, acl: Grant[], versionId?: string): Promise<boolean> {
    return this.patchObjectAttrs(bucket, key, { acl }, versionId);
  }

  setObjectTags(bucket: string, key: string, tags: Record<string, string>, versionId?: string): Promise<boolean> {
    return this.patchObjectAttrs(bucket, key, { tags }, versionId);
  }

  /** Changes some of an object version's attributes in place (its data and ETag stay). */
  private patchObjectAttrs(bucket: string, key: string, patch: Partial<ObjectAttrs>, versionId?: string): Promise<boolean> {
    const patched = (attrs: string) => JSON.stringify({ ...(JSON.parse(attrs) as ObjectAttrs), ...patch });
    return this.write(() => {
      const current = this.sql.getObjectAttrs.get(bucket, key);
      if (current !== undefined && (versionId === undefined || versionId === current.version_id)) {
        this.sql.setObjectAttrs.run(patched(current.attrs), bucket, key);
        return true;
      }
      if (versionId === undefined) return false;
      const version = this.versions.find(bucket, key, versionId);
      return version !== undefined && this.versions.setAttrs(bucket, key, versionId, patched(version.attrs));
    });
  }

  setBucketConfig(name: string, config: BucketConfig, value: string | undefined): Promise<boolean> {
    return this.write(() => {
      this.bucketCache.clear();
      return this.sql.setBucketConfig[config].run(value ?? null, name).changes > 0;
    });
  }

  async listBuckets(projectId: string): Promise<Bucket[]> {
    return this.sql.listBuckets.all(projectId).map(toBucket);
  }

  deleteBucket(name: string): Promise<'deleted' | 'not-empty' | 'missing'> {
    return this.write(() => {
      if (this.sql.bucketExists.get(name) === undefined) return 'missing';
      if (this.sql.anyObject.get(name) !== undefined || this.versions.any(name)) return 'not-empty';
      const now = Date.now();
      for (const { upload_id } of this.sql.bucketUploads.all(name)) this.removeUpload(upload_id, now);
      this.bucketCache.clear();
      this.sql.deleteBucket.run(name);
      return 'deleted';
    });
  }

  // Objects.

  async getObject<L extends ObjectLoad = 'info'>(bucket: string, key: string, load?: L): Promise<LoadedObject<L> | undefined> {
    if (load === 'body') {
      const row = this.sql.getObjectWithBody.get(bucket, key);
      return row === undefined ? undefined : (toObject(row, row.bytes) as LoadedObject<L>);
    }
    const row = this.sql.getObject.get(bucket, key);
    return row === undefined ? undefined : (toObject(row) as LoadedObject<L>);
  }

  async getObjectVersion<L extends ObjectLoad = 'info'>(
    bucket: string,
    key: string,
    versionId: string,
    load?: L,
  ): Promise<LoadedObject<L> | DeleteMarker | undefined> {
    // The current row's id first: its body is loaded only when it is the version asked for.
    if (this.sql.getObjectData.get(bucket, key)?.version_id === versionId) return this.getObject(bucket, key, load);
    const version = this.versions.find(bucket, key, versionId);
    if (version === undefined) return undefined;
    if (version.delete_marker === 1) return toDeleteMarker(version);
    if (load !== 'body') return toObject(version) as LoadedObject<L>;
    const bytes = version.body_id === null ? null : (this.sql.getBody.get(version.body_id)?.bytes ?? null);
    return toObject(version, bytes) as LoadedObject<L>;
  }

  async latestDeleteMarker(bucket: string, key: string): Promise<DeleteMarker | undefined> {
    if (this.sql.getObjectData.get(bucket, key) !== undefined) return undefined;
    const newest = this.versions.newest(bucket, key);
    return newest?.delete_marker === 1 ? toDeleteMarker(newest) : undefined;
  }

  putObject(object: ObjectRecord): Promise<string> {
    return this.write(() => this.storeObject(object, Date.now()));
  }

  deleteObject(bucket: string, key: string, versionId?: string): Promise<DeleteOutcome> {
    return this.write(() => this.removeObject(bucket, key, versionId, Date.now()));
  }

  deleteObjects(bucket: string, items: Array<{ key: string; versionId?: string }>): Promise<DeleteOutcome[]> {
    return this.write(() => {
      const now = Date.now();
      return items.map(({ key, versionId }) => this.removeObject(bucket, key, versionId, now));
    });
  }

  async listObjects(query: ListQuery): Promise<ListPage> {
    const start = startAfter(query.prefix, query.delimiter, query.after);
    if (start === undefined) return { objects: [], commonPrefixes: [], isTruncated: false };
    const result = walk<ObjectSummary>({
      bucket: query.bucket,
      prefix: query.prefix,
      delimiter: query.delimiter,
      maxEntries: query.maxKeys,
      first: (end, limit, eager) => this.scanObjects(query.bucket, start, end, limit, eager),
      scan: this.scanObjects,
    });
    const page: ListPage = {
      objects: result.rows,
      commonPrefixes: result.commonPrefixes,
      isTruncated: result.isTruncated,
    };
    if (result.last !== undefined) page.lastEntry = 'row' in result.last ? result.last.row.key : result.last.commonPrefix;
    return page;
  }

  async listObjectVersions(query: VersionListQuery): Promise<VersionListPage> {
    const { bucket, prefix, delimiter, keyMarker, versionIdMarker } = query;
    const start = startAfter(prefix, delimiter, keyMarker);
    if (start === undefined) return { versions: [], commonPrefixes: [], isTruncated: false };
    // With a version-id-marker, the older versions of the marker's own key come first.
    const resumesInsideKey = versionIdMarker !== '' && !start.inclusive && keyMarker.startsWith(prefix);
    const first = (end: string | undefined, limit: number, eager: boolean): Iterable<VersionListRow> => {
      const rest = () => this.versions.scan(bucket, start, end, limit, eager);
      if (!resumesInsideKey) return rest();
      const current = this.sql.getObjectData.get(bucket, keyMarker)?.version_id;
      const seq = this.versions.seqOf(bucket, keyMarker, versionIdMarker, current);
      return seq === undefined ? rest() : concat(this.versions.olderInKey(bucket, keyMarker, seq, limit), rest);
    };
    const result = walk<VersionListRow>({ bucket, prefix, delimiter, maxEntries: query.maxKeys, first, scan: this.versions.scan });
    // The first entry of a key is its newest version, unless the page resumed inside that key.
    let previousKey = resumesInsideKey ? keyMarker : undefined;
    const versions = result.rows.map((row) => {
      const isLatest = row.key !== previousKey;
      previousKey = row.key;
      return toVersionSummary(row, isLatest);
    });
    const next = resumeAfter(result.last, (row) => row.version_id);
    return {
      versions,
      commonPrefixes: result.commonPrefixes,
      isTruncated: result.isTruncated,
      ...(next.key === undefined ? {} : { nextKeyMarker: next.key }),
      ...(next.id === undefined ? {} : { nextVersionIdMarker: next.id }),
    };
  }

  // Multipart uploads.

  createUpload(upload: UploadRecord): Promise<void> {
    return this.write(() => {
      if (this.sql.bucketExists.get(upload.bucket) === undefined) throw errors.noSuchBucket(upload.bucket);
      const attrs: UploadAttrs = {
        contentHeaders: upload.contentHeaders,
        userMetadata: upload.userMetadata,
        checksumAlgorithm: upload.checksumAlgorithm,
        checksumType: upload.checksumType,
        acl: upload.acl,
        uploaderUserId: upload.uploaderUserId,
        tags: upload.tags,
      };
      this.sql.insertUpload.run(
        upload.uploadId,
        upload.bucket,
        upload.key,
        upload.initiated.getTime(),
        upload.contentType,
        JSON.stringify(attrs),
        upload.storageClass,
        upload.ownerProjectId,
      );
    });
  }

  async getUpload(bucket: string, key: string, uploadId: string): Promise<UploadRecord | undefined> {
    const row = this.sql.getUpload.get(uploadId);
    return row === undefined || row.bucket !== bucket || row.key !== key ? undefined : toUpload(row);
  }

  /** Throws NoSuchUpload when the upload is gone (e.g. aborted while the part was being written). */
  putPart(part: PartRecord): Promise<void> {
    return this.write(() => {
      if (this.sql.getUpload.get(part.uploadId) === undefined) throw errors.noSuchUpload(part.uploadId);
      const replaced = this.sql.getPartBlob.get(part.uploadId, part.partNumber);
      this.sql.insertPart.run(
        part.uploadId,
        part.partNumber,
        part.blobId,
        part.size,
        part.etag,
        part.checksum ?? null,
        part.lastModified.getTime(),
      );
      this.sql.deleteGarbage.run(part.blobId);
      if (replaced !== undefined) this.release([replaced.blob_id], Date.now());
    });
  }

  async listParts(
    uploadId: string,
    partNumberMarker: number,
    maxParts: number,
  ): Promise<{ parts: PartRecord[]; isTruncated: boolean }> {
    const rows = this.sql.listParts.all(uploadId, partNumberMarker, maxParts + 1);
    const isTruncated = rows.length > maxParts;
    return { parts: rows.slice(0, maxParts).map(toPart), isTruncated };
  }

  completeUpload(uploadId: string, object: ObjectRecord): Promise<string | undefined> {
    return this.write(() => {
      const upload = this.sql.getUpload.get(uploadId);
      if (upload === undefined || upload.bucket !== object.bucket || upload.key !== object.key) return undefined;
      const now = Date.now();
      const partBlobs = this.sql.uploadBlobs.all(uploadId).map((row) => row.blob_id);
      this.sql.deleteParts.run(uploadId);
      this.sql.deleteUpload.run(uploadId);
      const versionId = this.storeObject(object, now);
      // The parts the object uses are referenced again by now, so only the others become garbage.
      this.release(partBlobs, now);
      return versionId;
    });
  }

  abortUpload(bucket: string, key: string, uploadId: string): Promise<boolean> {
    return this.write(() => {
      const upload = this.sql.getUpload.get(uploadId);
      if (upload === undefined || upload.bucket !== bucket || upload.key !== key) return false;
      this.removeUpload(uploadId, Date.now());
      return true;
    });
  }

  async listUploads(query: UploadListQuery): Promise<UploadListPage> {
    const { bucket, prefix, delimiter, keyMarker, uploadIdMarker } = query;
    const start = startAfter(prefix, delimiter, keyMarker);
    if (start === undefined) return { uploads: [], commonPrefixes: [], isTruncated: false };
    // With an upload-id-marker, the later uploads of the marker's own key come first.
    const resumesInsideKey = uploadIdMarker !== '' && !start.inclusive && keyMarker.startsWith(prefix);
    const first = (end: string | undefined, limit: number): Iterable<UploadRow> => {
      if (!resumesInsideKey) return this.scanUploads(bucket, start, end, limit, false);
      const marker = this.sql.getUpload.get(uploadIdMarker);
      const sameKey =
        marker !== undefined && marker.bucket === bucket && marker.key === keyMarker
          ? this.sql.uploadsAfterMarker.iterate(bucket, keyMarker, marker.initiated, marker.upload_id, limit)
          : this.sql.uploadsAfterUnknownMarker.iterate(bucket, keyMarker, uploadIdMarker, limit);
      return concat(sameKey, () => this.scanUploads(bucket, start, end, limit, false));
    };
    const result = walk<UploadRow>({ bucket, prefix, delimiter, maxEntries: query.maxUploads, first, scan: this.scanUploads });
    const next = resumeAfter(result.last, (row) => row.upload_id);
    return {
      uploads: result.rows.map(toUpload),
      commonPrefixes: result.commonPrefixes,
      isTruncated: result.isTruncated,
      ...(next.key === undefined ? {} : { nextKeyMarker: next.key }),
      ...(next.id === undefined ? {} : { nextUploadIdMarker: next.id }),
    };
  }

  // Garbage collection.

  async garbageBefore(before: Date, limit: number): Promise<string[]> {
    return this.sql.garbageBefore.all(before.getTime(), limit).map((row) => row.blob_id);
  }

  forgetGarbage(blobIds: string[]): Promise<void> {
    return this.write(() => {
      for (const blobId of blobIds) this.sql.deleteGarbage.run(blobId);
    });
  }

  async knownBlobs(blobIds: string[]): Promise<Set<string>> {
    return new Set(blobIds.filter((blobId) => this.sql.isKnown.get({ id: blobId }) !== undefined));
  }

  /** Commits the writes still queued, then closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.syncing !== undefined || this.queue.length > 0) {
      if (this.syncing !== undefined) await this.syncing;
      else this.flush();
    }
    // Closing checkpoints the WAL and removes it: with SQLite's own syncs, the database file is synced first.
    this.db.pragma('synchronous = NORMAL');
    this.db.close();
    closeSync(this.walFd);
    closeSync(this.dbFd);
  }

  // Write path.

  /** Queues `apply` for the next group commit; resolves with its result once committed. */
  private write<T>(apply: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('metadata store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ apply, resolve: resolve as (value: unknown) => void, reject });
      this.scheduleFlush();
    });
  }

  /**
   * Commits the queue at the end of this turn, unless the WAL is being
   * synced: then the writes wait for that sync to end and are committed
   * together (see syncWal). They could not be acknowledged before it ended
   * anyway, and one commit of many writes costs little more than one of a
   * few.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.syncing !== undefined) return;
    this.flushScheduled = true;
    setImmediate(this.flushTurn);
  }

  private readonly flushTurn = (): void => {
    this.flushScheduled = false;
    this.flush();
    if (this.queue.length > 0) this.scheduleFlush();
  };

  /**
   * Applies up to MAX_WRITES_PER_COMMIT queued writes in one transaction,
   * each in its own savepoint; nothing while a sync is in flight (the sync
   * loop commits them when it ends).
   */
  private flush(): void {
    if (this.syncInFlight) return;
    const batch = this.queue.splice(0, MAX_WRITES_PER_COMMIT);
    if (batch.length === 0) return;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.sql.begin.run();
      try {
        for (const item of batch) {
          this.sql.savepoint.run();
          try {
            outcomes.push({ ok: true, value: item.apply() });
            this.sql.release.run();
          } catch (error) {
            this.sql.rollbackToSavepoint.run();
            this.sql.release.run();
            outcomes.push({ ok: false, error });
          }
        }
        this.sql.commit.run();
      } catch (error) {
        if (this.db.inTransaction) this.sql.rollback.run();
        throw error;
      }
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (!outcome.ok) item.reject(outcome.error);
    });
    this.afterSync(() =>
      batch.forEach((item, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) item.resolve(outcome.value);
      }),
    );
  }

  /** Runs `done` once everything committed so far is on disk. */
  private afterSync(done: () => void): void {
    this.awaitingSync.push(done);
    this.syncing ??= this.syncWal();
  }

  private async syncWal(): Promise<void> {
    while (this.awaitingSync.length > 0) {
      const done = this.awaitingSync;
      this.awaitingSync = [];
      this.syncInFlight = true;
      try {
        await datasync(this.walFd);
      } catch (error) {
        // A failed sync leaves durability unknown: nothing more is acknowledged.
        console.error('aitta: fdatasync of the metadata WAL failed:', error);
        process.exit(1);
      }
      for (const callback of done) callback();
      await this.checkpointIfDue();
      this.syncInFlight = false;
      // What was queued during the sync is committed now, at once, for the next one.
      this.flush();
    }
    this.syncing = undefined;
    if (this.queue.length > 0) this.scheduleFlush();
  }

  /**
   * Copies the WAL into the database file once it holds CHECKPOINT_FRAMES,
   * then syncs the file. Runs after a WAL sync, with nothing committed since
   * that sync began (syncInFlight): every frame it copies is on disk already,
   * and the WAL is not reused (the next commit would restart it) before the
   * copies are on disk too.
   */
  private async checkpointIfDue(): Promise<void> {
    if (this.sql.walFrames.get()!.log < CHECKPOINT_FRAMES) return;
    try {
      this.sql.checkpoint.run();
      await datasync(this.dbFd);
    } catch (error) {
      // Whether the copies are on disk is unknown, so the WAL may not be reused: nothing more is written.
      console.error('aitta: checkpoint of the metadata WAL failed:', error);
      process.exit(1);
    }
  }

  // Helpers that run inside a write transaction.

  /**
   * Stores the object as the key's current version, within quota, and
   * returns its version id. What it replaces (see MetaStore.putObject) is
   * dropped and its blobs released.
   */
  private storeObject(object: ObjectRecord, now: number): string {
    const { bucket, key } = object;
    const state = this.sql.quotaState.get(bucket);
    if (state === undefined) throw errors.noSuchBucket(bucket);
    const versionId = state.versioning === 'Enabled' ? newVersionId() : NULL_VERSION;
    let replaced: Released | undefined;
    if (state.versioning === null) {
      // The insert below replaces the row; only its data goes here.
      const current = this.sql.getObjectData.get(bucket, key);
      replaced = current && this.dropData(bucket, key, current, false);
    } else {
      replaced = this.makeRoomForVersion(bucket, key, versionId, now);
    }
    const addBytes = object.size - (replaced?.size ?? 0);
    const addObjects = 1 - (replaced?.objects ?? 0);
    const problem = quotaProblem(state, addBytes, addObjects);
    // Thrown inside the write's savepoint, which undoes the changes above.
    if (problem !== undefined) throw errors.quotaExceeded(problem);
    const attrs: ObjectAttrs = {
      contentHeaders: object.contentHeaders,
      userMetadata: object.userMetadata,
      checksum: object.checksum,
      partsCount: object.partsCount,
      acl: object.acl,
      uploaderUserId: object.uploaderUserId,
      tags: object.tags,
    };
    let parts: string | null = null;
    let bodyId: number | bigint | null = null;
    if (object.data.kind === 'inline') {
      bodyId = this.sql.insertBody.run(object.data.bytes).lastInsertRowid;
    } else {
      parts = JSON.stringify(object.data.parts);
      for (const blobId of blobIdsOf(object)) {
        this.sql.insertObjectBlob.run(blobId, bucket, key, versionId);
        this.sql.deleteGarbage.run(blobId);
      }
    }
    this.sql.insertObject.run(
      bucket,
      key,
      object.size,
      object.etag,
      object.lastModified.getTime(),
      object.storageClass,
      object.ownerProjectId,
      object.contentType,
      JSON.stringify(attrs),
      parts,
      versionId,
      bodyId,
    );
    this.addUsage(bucket, state.project_id, addBytes, addObjects);
    if (replaced !== undefined) this.release(replaced.blobIds, now);
    return versionId;
  }

  /**
   * In a versioned bucket, before a new current version is stored: the
   * current object becomes noncurrent, except that a new null version
   * replaces the old null version (current or not). Returns what was
   * replaced, its row already gone.
   */
  private makeRoomForVersion(bucket: string, key: string, versionId: string, now: number): Released | undefined {
    const current = this.sql.getObjectData.get(bucket, key);
    if (current === undefined) {
      this.versions.markerBecomesNoncurrent(bucket, key, now);
    } else if (current.version_id === NULL_VERSION && versionId === NULL_VERSION) {
      return this.dropCurrent(bucket, key, current);
    } else {
      this.versions.demoteCurrent(bucket, key, now);
    }
    if (versionId !== NULL_VERSION) return undefined;
    const oldNull = this.versions.find(bucket, key, NULL_VERSION);
    if (oldNull === undefined) return undefined;
    this.versions.remove(oldNull);
    return this.dropData(bucket, key, oldNull, oldNull.delete_marker === 1);
  }

  /** DeleteObject: of the current object without a versionId, else of that version. */
  private removeObject(bucket: string, key: string, versionId: string | undefined, now: number): DeleteOutcome {
    const state = this.sql.quotaState.get(bucket);
    if (state === undefined) return { deleted: false, deleteMarker: false };
    if (versionId !== undefined) return this.removeVersion(state.project_id, bucket, key, versionId, now);
    if (state.versioning === null) {
      const current = this.sql.getObjectData.get(bucket, key);
      if (current === undefined) return { deleted: false, deleteMarker: false };
      this.discard(this.dropCurrent(bucket, key, current), bucket, state.project_id, now);
      return { deleted: true, deleteMarker: false };
    }
    // Versioned: a delete marker becomes the newest version (suspended: the null version).
    const markerId = state.versioning === 'Enabled' ? newVersionId() : NULL_VERSION;
    const replaced = this.makeRoomForVersion(bucket, key, markerId, now);
    if (replaced !== undefined) this.discard(replaced, bucket, state.project_id, now);
    this.versions.addDeleteMarker(bucket, key, markerId, state.project_id, now);
    return { deleted: true, versionId: markerId, deleteMarker: true };
  }

  /** Removes one version for good; if it was the newest, the newest remaining object version becomes current. */
  private removeVersion(projectId: string, bucket: string, key: string, versionId: string, now: number): DeleteOutcome {
    const current = this.sql.getObjectData.get(bucket, key);
    let deleteMarker = false;
    if (current !== undefined && current.version_id === versionId) {
      this.discard(this.dropCurrent(bucket, key, current), bucket, projectId, now);
    } else {
      const version = this.versions.find(bucket, key, versionId);
      if (version === undefined) return { deleted: false, versionId, deleteMarker: false };
      deleteMarker = version.delete_marker === 1;
      this.versions.remove(version);
      this.discard(this.dropData(bucket, key, version, deleteMarker), bucket, projectId, now);
      if (current !== undefined) return { deleted: true, versionId, deleteMarker };
    }
    const newest = this.versions.newest(bucket, key);
    if (newest !== undefined && newest.delete_marker === 0) this.versions.promote(newest);
    return { deleted: true, versionId, deleteMarker };
  }

  /** Usage and blobs of what was removed. */
  private discard(released: Released, bucket: string, projectId: string, now: number): void {
    this.addUsage(bucket, projectId, -released.size, -released.objects);
    this.release(released.blobIds, now);
  }

  private addUsage(bucket: string, projectId: string, bytes: number, objects: number): void {
    this.sql.addBucketUsage.run(bytes, objects, bucket);
    this.sql.addProjectUsage.run(bytes, objects, projectId);
  }

  /** Removes the current object's row (as read by the caller), body and blob references. */
  private dropCurrent(bucket: string, key: string, current: StoredData): Released {
    this.sql.deleteObject.run(bucket, key);
    return this.dropData(bucket, key, current, false);
  }

  /** Drops a version's body and blob references (not its row); returns what it held. */
  private dropData(bucket: string, key: string, data: StoredData, deleteMarker: boolean): Released {
    if (data.body_id !== null) this.sql.deleteBody.run(data.body_id);
    const blobIds = data.parts === null ? [] : (JSON.parse(data.parts) as StoredPart[]).map((part) => part.blobId);
    for (const blobId of blobIds) this.sql.deleteObjectBlob.run(blobId, bucket, key, data.version_id);
    return { size: data.size, objects: deleteMarker ? 0 : 1, blobIds };
  }

  private removeUpload(uploadId: string, now: number): void {
    const blobIds = this.sql.uploadBlobs.all(uploadId).map((row) => row.blob_id);
    this.sql.deleteParts.run(uploadId);
    this.sql.deleteUpload.run(uploadId);
    this.release(blobIds, now);
  }

  /** Blobs no object or part refers to any more become garbage. */
  private release(blobIds: string[], now: number): void {
    for (const blobId of blobIds) {
      if (this.sql.isReferenced.get({ id: blobId }) === undefined) this.sql.insertGarbage.run(blobId, now);
    }
  }

  // Lifecycle.

  private lifecycleStatements: ReturnType<typeof prepareLifecycleStatements> | undefined;

  private get lifecycleSql(): ReturnType<typeof prepareLifecycleStatements> {
    return (this.lifecycleStatements ??= prepareLifecycleStatements(this.db));
  }

  async listLifecycleBuckets(): Promise<Bucket[]> {
    return this.lifecycleSql.lifecycleBuckets.all().map(toBucket);
  }

  async listObjectsByAge(bucket: string, modifiedBy: Date, after: AgeCursor | undefined, limit: number): Promise<AgedObject[]> {
    const rows = after === undefined
      ? this.lifecycleSql.objectsByAge.all(bucket, modifiedBy.getTime(), limit)
      : this.lifecycleSql.objectsByAgeAfter.all(bucket, after.lastModified, after.key, modifiedBy.getTime(), limit);
    return rows.map((row) => ({
      key: row.key,
      size: row.size,
      lastModified: new Date(row.last_modified),
      tags: (JSON.parse(row.attrs) as ObjectAttrs).tags,
    }));
  }

  async listUploadsByAge(bucket: string, prefix: string, initiatedBy: Date, after: UploadCursor | undefined, limit: number): Promise<UploadRecord[]> {
    const from = after ?? { key: prefix, initiated: -1, uploadId: '' };
    return this.lifecycleSql.uploadsByAge
      .all({ bucket, prefix, end: successor(prefix) ?? null, by: initiatedBy.getTime(), ...from, limit })
      .map(toUpload);
  }

  expireObject(bucket: string, key: string, lastModified: Date): Promise<DeleteOutcome> {
    return this.write(() => {
      const current = this.sql.getObjectData.get(bucket, key);
      if (current?.last_modified !== lastModified.getTime()) return { deleted: false, deleteMarker: false };
      return this.removeObject(bucket, key, undefined, Date.now());
    });
  }

  expireVersion(bucket: string, key: string, versionId: string): Promise<DeleteOutcome> {
    return this.write(() => {
      const state = this.sql.quotaState.get(bucket);
      if (state === undefined || this.sql.getObjectData.get(bucket, key)?.version_id === versionId) {
        return { deleted: false, versionId, deleteMarker: false };
      }
      return this.removeVersion(state.project_id, bucket, key, versionId, Date.now());
    });
  }

  async listNoncurrentByAge(bucket: string, noncurrentBy: Date, after: VersionCursor | undefined, limit: number): Promise<NoncurrentVersion[]> {
    const from = after === undefined ? { since: -1, key: '', versionId: '' } : { since: after.noncurrentSince, key: after.key, versionId: after.versionId };
    return this.versions.byAge(bucket, noncurrentBy.getTime(), from, limit).map((row) => ({
      key: row.key,
      versionId: row.version_id,
      size: row.size,
      tags: (JSON.parse(row.attrs) as ObjectAttrs).tags,
      deleteMarker: row.delete_marker === 1,
      noncurrentSince: new Date(row.noncurrent_since),
      newerNoncurrent: row.newer,
      latest: row.latest === 1,
      lone: row.lone === 1,
    }));
  }

  async getLifecycleProgress(bucket: string): Promise<string | undefined> {
    return this.lifecycleSql.getProgress.get(bucket)?.progress;
  }

  setLifecycleProgress(bucket: string, progress: string): Promise<void> {
    return this.write(() => {
      this.lifecycleSql.setProgress.run(bucket, progress);
    });
  }
}

/** `first`, then the rows of `next()` (started only once `first` is exhausted). */
function* concat<R>(first: Iterable<R>, next: () => Iterable<R>): Generator<R> {
  yield* first;
  yield* next();
}
