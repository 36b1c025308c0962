// The metadata store: the only door to buckets, objects, multipart uploads,
// projects and credentials. Implementations (sqlite.ts now, postgres.ts
// later) pass the same test suite; nothing above store/ knows which one runs.
// Every method is async so that a networked backend fits the same shape.

import type { ChecksumAlgorithm } from '../checksum-types.js';

export interface Project {
  /** 32 lowercase hex characters, like an OpenStack project id. */
  id: string;
  /** Human name, e.g. project_2001234. Unique. */
  name: string;
}

/** What a member may do in a project: `member` reads and writes, `reader` only reads. */
export type Role = 'member' | 'reader';

export const ROLES: readonly Role[] = ['member', 'reader'];

export interface User {
  /** 32 lowercase hex characters, like an OpenStack user id. */
  id: string;
  /** Login name. Unique. */
  name: string;
  /** The password's scrypt hash with its salt and parameters (identity/password.ts). */
  passwordHash: string;
  enabled: boolean;
  createdAt: Date;
}

export interface Membership {
  userId: string;
  projectId: string;
  role: Role;
}

/** An identity API token, stored by the SHA-256 of its value (the value itself is never stored). */
export interface TokenRecord {
  /** Hex SHA-256 of the token. */
  tokenHash: string;
  userId: string;
  /** The project the token is scoped to; null for an unscoped token. */
  projectId: string | null;
  issuedAt: Date;
  expiresAt: Date;
}

/** A project's limits. */
export interface Quota {
  maxBytes: number;
  maxBuckets: number;
  maxObjectsPerBucket: number;
}

export interface BucketUsage {
  name: string;
  bytes: number;
  objects: number;
}

/** Exact usage of a project: the sum over its buckets of its stored objects (unfinished uploads not counted). */
export interface ProjectUsage {
  bytes: number;
  objects: number;
  buckets: BucketUsage[];
  quota: Quota;
}

/** What is about to be stored, for a quota check before any data is written. */
export interface QuotaRequest {
  bucket: string;
  key: string;
  /** Bytes the object (or, with uploadId, this part) will have. */
  size: number;
  /** For UploadPart: the upload, whose other parts count towards the object's size. */
  uploadId?: string;
  partNumber?: number;
}

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  projectId: string;
  /** The user the key was issued to; null for the bootstrap credential. */
  userId: string | null;
  active: boolean;
  createdAt: Date;
}

/** Who an ACL grant is for: a project (S3's canonical user) or one of S3's two groups. */
export type Grantee = { project: string } | { group: 'AllUsers' | 'AuthenticatedUsers' };

export type Permission = 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP' | 'FULL_CONTROL';

export interface Grant {
  grantee: Grantee;
  permission: Permission;
}

/**
 * A bucket's configurations stored as text: the policy as its owner sent it
 * (validated JSON), and the others as the JSON their module produced from a
 * validated document (s3/bucket-tagging.ts, s3/cors.ts, lifecycle/).
 */
export const BUCKET_CONFIGS = ['policy', 'tags', 'cors', 'lifecycle'] as const;
export type BucketConfig = (typeof BUCKET_CONFIGS)[number];

/** A bucket's versioning once it has been turned on (it can be suspended, never turned off). */
export type VersioningState = 'Enabled' | 'Suspended';

/** The version id of objects stored while versioning was off or suspended. */
export const NULL_VERSION = 'null';

export interface Bucket extends Partial<Record<BucketConfig, string>> {
  name: string;
  projectId: string;
  /** The LocationConstraint given at creation ('' when none was given). */
  region: string;
  createdAt: Date;
  /** Grants besides the owner's FULL_CONTROL (none: private). */
  acl?: Grant[];
  /** Absent while versioning has never been enabled. */
  versioning?: VersioningState;
}

/** One stored piece of an object: a whole single-PUT body, or one multipart part. */
export interface StoredPart {
  partNumber: number;
  blobId: string;
  size: number;
  /** Hex MD5 of the part, no quotes. */
  etag: string;
  /** Base64 checksum of the part in the object's checksum algorithm, when it has one. */
  checksum?: string;
}

/** Where an object's bytes live. */
export type ObjectData =
  | { kind: 'inline'; bytes: Buffer }
  | { kind: 'parts'; parts: StoredPart[] };

/** Where an object's bytes live, without reading an inline body (which can be 256 KiB). */
export type ObjectDataInfo = { kind: 'inline' } | Extract<ObjectData, { kind: 'parts' }>;

export interface ObjectChecksum {
  algorithm: ChecksumAlgorithm;
  /** Base64 value as sent in x-amz-checksum-*; composite ones end in -N. */
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

export interface ObjectRecord {
  bucket: string;
  key: string;
  size: number;
  /** Hex MD5 (single PUT) or hex MD5-of-MD5s + "-N" (multipart); no quotes. */
  etag: string;
  lastModified: Date;
  contentType: string;
  /** Content-Encoding, Content-Disposition, Content-Language, Cache-Control, Expires: lowercase name -> value. */
  contentHeaders: Record<string, string>;
  /** x-amz-meta-* without the prefix, names lowercased. */
  userMetadata: Record<string, string>;
  checksum?: ObjectChecksum;
  /** Set for objects made by CompleteMultipartUpload: the number of parts. */
  partsCount?: number;
  storageClass: string;
  ownerProjectId: string;
  /** Grants besides the owner's FULL_CONTROL (none: private). */
  acl?: Grant[];
  /** The user whose credential stored the object (Allas cannot tell; Aitta records it). */
  uploaderUserId?: string;
  /** Object tags (key -> value), at most MAX_OBJECT_TAGS. */
  tags?: Record<string, string>;
  /** Set by the store: a new id for each object stored while versioning is enabled, else NULL_VERSION. */
  versionId?: string;
  data: ObjectData;
}

/** An object as HEAD, ACL, tagging and access checks see it: all but the inline body. */
export type ObjectInfo = Omit<ObjectRecord, 'data'> & { data: ObjectDataInfo };

/** What a read of an object loads: its record without the inline body, or with it (to send or copy it). */
export type ObjectLoad = 'info' | 'body';
export type LoadedObject<L extends ObjectLoad> = L extends 'body' ? ObjectRecord : ObjectInfo;

/** The version a versioned DELETE leaves in place of an object: it hides the object's older versions. */
export interface DeleteMarker {
  deleteMarker: true;
  bucket: string;
  key: string;
  versionId: string;
  lastModified: Date;
  ownerProjectId: string;
}

/** What a DeleteObject did. */
export interface DeleteOutcome {
  /** False when there was nothing to delete (and, without versioning, nothing changed). */
  deleted: boolean;
  /** The version removed, or the delete marker created. */
  versionId?: string;
  /** The delete created a delete marker, or removed one. */
  deleteMarker: boolean;
}

/** What a listing shows of an object. */
export type ObjectSummary = Pick<
  ObjectRecord,
  'key' | 'size' | 'etag' | 'lastModified' | 'storageClass' | 'ownerProjectId'
>;

export interface ListQuery {
  bucket: string;
  prefix: string;
  /** Empty string means no delimiter. */
  delimiter: string;
  /**
   * Exclusive start position (v1 marker, v2 start-after or the decoded
   * continuation token). When a delimiter is given and the part of the marker
   * after the prefix contains it, the listing resumes after that whole common
   * prefix (so a NextMarker that was a CommonPrefix is not listed twice).
   */
  after: string;
  /** 0..1000; 0 returns an empty, untruncated page. */
  maxKeys: number;
}

export interface ListPage {
  /** Objects and common prefixes together are at most maxKeys entries, in key order. */
  objects: ObjectSummary[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned (the v1 NextMarker); undefined when the page is empty. */
  lastEntry?: string;
}

/** One entry of ListObjectVersions: a version of an object, or a delete marker. */
export interface VersionSummary extends ObjectSummary {
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
}

export interface VersionListQuery {
  bucket: string;
  prefix: string;
  delimiter: string;
  keyMarker: string;
  /** With keyMarker: resume after this version of that key ('' for after the whole key). */
  versionIdMarker: string;
  maxKeys: number;
}

export interface VersionListPage {
  /** Newest first within each key; versions and common prefixes together at most maxKeys. */
  versions: VersionSummary[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
}

export interface UploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: Date;
  contentType: string;
  contentHeaders: Record<string, string>;
  userMetadata: Record<string, string>;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: 'FULL_OBJECT' | 'COMPOSITE';
  storageClass: string;
  ownerProjectId: string;
  /** The ACL the completed object gets. */
  acl?: Grant[];
  /** The user who started the upload. */
  uploaderUserId?: string;
  /** The tags the completed object gets. */
  tags?: Record<string, string>;
}

export interface PartRecord extends StoredPart {
  uploadId: string;
  lastModified: Date;
}

export interface UploadListQuery {
  bucket: string;
  prefix: string;
  delimiter: string;
  keyMarker: string;
  uploadIdMarker: string;
  maxUploads: number;
}

export interface UploadListPage {
  uploads: UploadRecord[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}

export interface MetaStore {
  // Projects and credentials.
  createProject(project: Project): Promise<void>;
  getProject(id: string): Promise<Project | undefined>;
  getProjectByName(name: string): Promise<Project | undefined>;
  /** Every project, in name order. */
  listProjects(): Promise<Project[]>;
  /**
   * Deletes a project that owns no bucket, with its memberships and quota;
   * its credentials are deactivated (kept, so an access key is never reused).
   */
  deleteProject(id: string): Promise<'deleted' | 'not-empty' | 'missing'>;
  createCredential(credential: Credential): Promise<void>;
  getCredential(accessKeyId: string): Promise<Credential | undefined>;
  /** Active credentials of a user (in one project, when given), newest first. */
  listCredentials(userId: string, projectId?: string): Promise<Credential[]>;
  /** Deactivates the credential at once (S3 refuses it from then on); false if missing or already inactive. */
  deactivateCredential(accessKeyId: string): Promise<boolean>;
  /** True when no project exists yet (first start). */
  isEmpty(): Promise<boolean>;

  // Users and memberships.
  /** Throws if the name or id is taken. */
  createUser(user: User): Promise<void>;
  getUser(id: string): Promise<User | undefined>;
  getUserByName(name: string): Promise<User | undefined>;
  /** Every user, in name order. */
  listUsers(): Promise<User[]>;
  setPassword(userId: string, passwordHash: string): Promise<boolean>;
  /** Deletes the user, their memberships and tokens, and deactivates their credentials. */
  deleteUser(id: string): Promise<boolean>;
  /** Adds the user to the project, or changes their role there. */
  setMembership(membership: Membership): Promise<void>;
  /** Removes the user from the project and deactivates their credentials for it; false if not a member. */
  removeMembership(userId: string, projectId: string): Promise<boolean>;
  getMembership(userId: string, projectId: string): Promise<Membership | undefined>;
  /** The user's projects with their role there, in project name order. */
  listUserProjects(userId: string): Promise<Array<{ project: Project; role: Role }>>;
  /** The project's members with their role, in user name order. */
  listProjectMembers(projectId: string): Promise<Array<{ user: User; role: Role }>>;

  // Identity tokens.
  /** Stores the token (and forgets tokens that have expired). */
  createToken(token: TokenRecord): Promise<void>;
  /** The token if stored and not expired at `now`. */
  getToken(tokenHash: string, now: Date): Promise<TokenRecord | undefined>;
  deleteToken(tokenHash: string): Promise<boolean>;

  // Quotas and usage.
  getQuota(projectId: string): Promise<Quota>;
  /** Changes the given limits of a project; the others keep their value. False if the project does not exist. */
  setQuota(projectId: string, quota: Partial<Quota>): Promise<boolean>;
  getUsage(projectId: string): Promise<ProjectUsage>;
  /**
   * Throws QuotaExceeded when storing the request's object (replacing any
   * object at bucket/key) would exceed a limit of the bucket's project. Call
   * before writing data; putObject, completeUpload and createBucket enforce
   * the same limits again in their transaction, so racing writers cannot
   * overshoot.
   */
  checkQuota(request: QuotaRequest): Promise<void>;

  // Buckets.
  /**
   * Creates the bucket, or returns the existing bucket of that name and
   * changes nothing. Throws TooManyBuckets when the project has its maximum.
   */
  createBucket(bucket: Bucket): Promise<Bucket | undefined>;
  getBucket(name: string): Promise<Bucket | undefined>;
  /** Sets (or with undefined removes) one of the bucket's configurations; false if the bucket does not exist. */
  setBucketConfig(name: string, config: BucketConfig, value: string | undefined): Promise<boolean>;
  /** Replaces the bucket's ACL grants; false if the bucket does not exist. */
  setBucketAcl(name: string, acl: Grant[]): Promise<boolean>;
  /** Enables or suspends versioning; false if the bucket does not exist. */
  setBucketVersioning(name: string, state: VersioningState): Promise<boolean>;
  /** Replaces the ACL grants of an object (its current version, or the one given); false if it does not exist. */
  setObjectAcl(bucket: string, key: string, acl: Grant[], versionId?: string): Promise<boolean>;
  /** Replaces the tags of an object (its current version, or the one given); false if it does not exist. */
  setObjectTags(bucket: string, key: string, tags: Record<string, string>, versionId?: string): Promise<boolean>;
  /** The project's buckets in name order. */
  listBuckets(projectId: string): Promise<Bucket[]>;
  /** Deletes an empty bucket (no object, version or delete marker; its unfinished uploads are aborted with it). */
  deleteBucket(name: string): Promise<'deleted' | 'not-empty' | 'missing'>;

  // Objects. Stored versions count towards usage and quotas; delete markers do not.
  /**
   * The current version of the object (undefined when there is none, or the
   * newest version is a delete marker); its inline body only when `load` is
   * 'body'.
   */
  getObject<L extends ObjectLoad = 'info'>(bucket: string, key: string, load?: L): Promise<LoadedObject<L> | undefined>;
  /** One version of the object, which may be a delete marker; its inline body only when `load` is 'body'. */
  getObjectVersion<L extends ObjectLoad = 'info'>(bucket: string, key: string, versionId: string, load?: L): Promise<LoadedObject<L> | DeleteMarker | undefined>;
  /** The delete marker that is the newest version of the key, if it is one. */
  latestDeleteMarker(bucket: string, key: string): Promise<DeleteMarker | undefined>;
  /**
   * Stores the object as the key's current version in one transaction and
   * returns its version id. Without versioning it replaces the object (whose
   * blobs become garbage); with versioning enabled the replaced one stays as
   * a noncurrent version; suspended, the new object replaces the null
   * version. Durable when the promise resolves. Commits may be grouped with
   * others (one fsync for many). Throws QuotaExceeded (changing nothing)
   * over a quota.
   */
  putObject(object: ObjectRecord): Promise<string>;
  /**
   * Deletes the current object, or with versioning adds a delete marker; with
   * a versionId, removes that version for good (the newest remaining version
   * becomes current). Blobs no longer referenced become garbage.
   */
  deleteObject(bucket: string, key: string, versionId?: string): Promise<DeleteOutcome>;
  /** Many deletes in one transaction. */
  deleteObjects(bucket: string, items: Array<{ key: string; versionId?: string }>): Promise<DeleteOutcome[]>;
  listObjects(query: ListQuery): Promise<ListPage>;
  listObjectVersions(query: VersionListQuery): Promise<VersionListPage>;

  // Multipart uploads.
  createUpload(upload: UploadRecord): Promise<void>;
  getUpload(bucket: string, key: string, uploadId: string): Promise<UploadRecord | undefined>;
  /** Inserts or replaces the part; a replaced part's blob becomes garbage. */
  putPart(part: PartRecord): Promise<void>;
  /** Parts with partNumber > partNumberMarker, ascending, at most maxParts, and whether more follow. */
  listParts(uploadId: string, partNumberMarker: number, maxParts: number): Promise<{ parts: PartRecord[]; isTruncated: boolean }>;
  /**
   * Atomically: stores the object as putObject does, removes the upload and
   * its part rows; blobs of parts not in object.data become garbage. Returns
   * the object's version id, or undefined (changing nothing) if the upload
   * is gone. Throws QuotaExceeded (changing nothing) over a quota.
   */
  completeUpload(uploadId: string, object: ObjectRecord): Promise<string | undefined>;
  /** Removes the upload; its parts' blobs become garbage. False if it did not exist. */
  abortUpload(bucket: string, key: string, uploadId: string): Promise<boolean>;
  listUploads(query: UploadListQuery): Promise<UploadListPage>;

  // Garbage collection.
  /** Blob ids that became garbage before `before`, at most `limit`. */
  garbageBefore(before: Date, limit: number): Promise<string[]>;
  /** Forget garbage entries once their files are deleted. */
  forgetGarbage(blobIds: string[]): Promise<void>;
  /** Of the given blob ids, those referenced by an object, a part or the garbage list. */
  knownBlobs(blobIds: string[]): Promise<Set<string>>;

  close(): Promise<void>;

  // Lifecycle (lifecycle/worker.ts).
  /** Buckets that have a lifecycle configuration, in name order. */
  listLifecycleBuckets(): Promise<Bucket[]>;
  /**
   * Up to `limit` objects of the bucket last modified at or before
   * `modifiedBy`, after `after`, in (lastModified, key) order: an index walk
   * that never visits younger objects.
   */
  listObjectsByAge(bucket: string, modifiedBy: Date, after: AgeCursor | undefined, limit: number): Promise<AgedObject[]>;
  /**
   * Up to `limit` uploads of the bucket whose key starts with `prefix`,
   * initiated at or before `initiatedBy`, after `after`, in (key, initiated,
   * uploadId) order.
   */
  listUploadsByAge(bucket: string, prefix: string, initiatedBy: Date, after: UploadCursor | undefined, limit: number): Promise<UploadRecord[]>;
  /**
   * Expiration of a current object: deletes it as DeleteObject without a
   * version id does, but only if it is still the object last modified at
   * `lastModified` (one stored since the worker read it is not expired).
   */
  expireObject(bucket: string, key: string, lastModified: Date): Promise<DeleteOutcome>;
  /**
   * Removal of a stored version by a lifecycle rule: as DeleteObject with a
   * version id, but never of the current object (a version the worker read
   * as noncurrent may have become current since).
   */
  expireVersion(bucket: string, key: string, versionId: string): Promise<DeleteOutcome>;
  /**
   * Up to `limit` stored versions (noncurrent versions and delete markers) of
   * the bucket that became noncurrent (markers: were made) at or before `noncurrentBy`,
   * after `after`, in (noncurrentSince, key, versionId) order.
   */
  listNoncurrentByAge(bucket: string, noncurrentBy: Date, after: VersionCursor | undefined, limit: number): Promise<NoncurrentVersion[]>;
  /** The lifecycle worker's saved progress in a bucket (its own JSON), so a restarted worker resumes. */
  getLifecycleProgress(bucket: string): Promise<string | undefined>;
  setLifecycleProgress(bucket: string, progress: string): Promise<void>;
}

/** Where the lifecycle worker's walk of a bucket's objects by age stands: after this (lastModified, key). */
export interface AgeCursor {
  lastModified: number;
  key: string;
}

/** What a lifecycle rule reads of an object. */
export type AgedObject = Pick<ObjectRecord, 'key' | 'size' | 'lastModified' | 'tags'>;

/** Where a walk of a bucket's uploads stands: after this (key, initiated, uploadId). */
export interface UploadCursor {
  key: string;
  initiated: number;
  uploadId: string;
}

/** Where the lifecycle worker's walk of a bucket's noncurrent versions stands. */
export interface VersionCursor {
  noncurrentSince: number;
  key: string;
  versionId: string;
}

/** What a lifecycle rule reads of a noncurrent version or delete marker. */
export interface NoncurrentVersion {
  key: string;
  versionId: string;
  size: number;
  tags?: Record<string, string>;
  deleteMarker: boolean;
  /** When it stopped being the current version (a delete marker: when it was made). */
  noncurrentSince: Date;
  /** Versions of the key newer than this one, apart from the current object (NewerNoncurrentVersions). */
  newerNoncurrent: number;
  /** The newest version of its key: a delete marker hiding the key, so not noncurrent at all. */
  latest: boolean;
  /** A delete marker with no other version of its key left (ExpiredObjectDeleteMarker). */
  lone: boolean;
}
