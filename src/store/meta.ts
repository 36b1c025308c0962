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

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  projectId: string;
  /** The user the key was issued to; null for the bootstrap credential. */
  userId: string | null;
  active: boolean;
  createdAt: Date;
}

export interface Bucket {
  name: string;
  projectId: string;
  /** The LocationConstraint given at creation ('' when none was given). */
  region: string;
  createdAt: Date;
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
  data: ObjectData;
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
  // Projects and credentials (the tenancy issue extends these).
  createProject(project: Project): Promise<void>;
  getProject(id: string): Promise<Project | undefined>;
  createCredential(credential: Credential): Promise<void>;
  getCredential(accessKeyId: string): Promise<Credential | undefined>;
  /** True when no project exists yet (first start). */
  isEmpty(): Promise<boolean>;

  // Buckets.
  /** Creates the bucket, or returns the existing bucket of that name and changes nothing. */
  createBucket(bucket: Bucket): Promise<Bucket | undefined>;
  getBucket(name: string): Promise<Bucket | undefined>;
  /** The project's buckets in name order. */
  listBuckets(projectId: string): Promise<Bucket[]>;
  /** Deletes an empty bucket (its unfinished uploads are aborted with it). */
  deleteBucket(name: string): Promise<'deleted' | 'not-empty' | 'missing'>;

  // Objects.
  getObject(bucket: string, key: string): Promise<ObjectRecord | undefined>;
  /**
   * Inserts or replaces the object in one transaction; the replaced object's
   * blobs become garbage. Durable when the promise resolves. Commits may be
   * grouped with others (one fsync for many).
   */
  putObject(object: ObjectRecord): Promise<void>;
  /** Deletes the object if present; its blobs become garbage. */
  deleteObject(bucket: string, key: string): Promise<boolean>;
  /** Deletes many in one transaction; returns the keys that existed. */
  deleteObjects(bucket: string, keys: string[]): Promise<Set<string>>;
  listObjects(query: ListQuery): Promise<ListPage>;

  // Multipart uploads.
  createUpload(upload: UploadRecord): Promise<void>;
  getUpload(bucket: string, key: string, uploadId: string): Promise<UploadRecord | undefined>;
  /** Inserts or replaces the part; a replaced part's blob becomes garbage. */
  putPart(part: PartRecord): Promise<void>;
  /** Parts with partNumber > partNumberMarker, ascending, at most maxParts, and whether more follow. */
  listParts(uploadId: string, partNumberMarker: number, maxParts: number): Promise<{ parts: PartRecord[]; isTruncated: boolean }>;
  /**
   * Atomically: stores the object (replacing any), removes the upload and its
   * part rows; blobs of parts not in object.data and of the replaced object
   * become garbage. Returns false (changing nothing) if the upload is gone.
   */
  completeUpload(uploadId: string, object: ObjectRecord): Promise<boolean>;
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
}
