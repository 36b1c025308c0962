// The store's rows as SQLite holds them, and their conversion to the
// records of meta.ts: column lists, the JSON kept in attrs columns, and the
// quota arithmetic on a bucket's counters.

import type { ChecksumAlgorithm } from '../checksum-types.js';
import { DEFAULT_BUCKET_MAX_OBJECTS, DEFAULT_PROJECT_MAX_BUCKETS, DEFAULT_PROJECT_MAX_BYTES } from '../limits.js';
import { BUCKET_CONFIGS } from './meta.js';
import type {
  Bucket,
  Credential,
  DeleteMarker,
  Grant,
  ObjectChecksum,
  ObjectData,
  ObjectDataInfo,
  ObjectInfo,
  ObjectRecord,
  ObjectSummary,
  PartRecord,
  Quota,
  StoredPart,
  UploadRecord,
  User,
  VersioningState,
  VersionSummary,
} from './meta.js';
import type { VersionListRow, VersionRow } from './sqlite-versions.js';

export interface ObjectRow {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  last_modified: number;
  storage_class: string;
  owner_project_id: string;
  content_type: string;
  attrs: string;
  parts: string | null;
  version_id: string;
}

/** A listing's raw row: the values of SUMMARY_COLUMNS, in order. */
export type SummaryValues = [key: string, size: number, etag: string, lastModified: number, storageClass: string, ownerProjectId: string];

/** The values of UPLOAD_COLUMNS, in order. */
export type UploadValues = [
  uploadId: string,
  bucket: string,
  key: string,
  initiated: number,
  contentType: string,
  attrs: string,
  storageClass: string,
  ownerProjectId: string,
];

/** The object fields kept as JSON in objects.attrs. */
export interface ObjectAttrs {
  contentHeaders: Record<string, string>;
  userMetadata: Record<string, string>;
  checksum?: ObjectChecksum;
  partsCount?: number;
  /** Absent in objects stored before ACLs existed (private). */
  acl?: Grant[];
  uploaderUserId?: string;
  tags?: Record<string, string>;
}

export interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  initiated: number;
  content_type: string;
  attrs: string;
  storage_class: string;
  owner_project_id: string;
}

/** The upload fields kept as JSON in uploads.attrs. */
export interface UploadAttrs {
  contentHeaders: Record<string, string>;
  userMetadata: Record<string, string>;
  acl?: Grant[];
  uploaderUserId?: string;
  tags?: Record<string, string>;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: 'FULL_OBJECT' | 'COMPOSITE';
}

export interface PartRow {
  upload_id: string;
  part_number: number;
  blob_id: string;
  size: number;
  etag: string;
  checksum: string | null;
  last_modified: number;
}

export interface CredentialRow {
  access_key_id: string;
  secret_access_key: string;
  project_id: string;
  user_id: string | null;
  active: number;
  created_at: number;
}

export interface BucketRow {
  name: string;
  project_id: string;
  region: string;
  created_at: number;
  policy: string | null;
  acl: string;
  tags: string | null;
  cors: string | null;
  lifecycle: string | null;
  versioning: VersioningState | null;
}

export interface UserRow {
  id: string;
  name: string;
  password_hash: string;
  enabled: number;
  created_at: number;
}

export interface TokenRow {
  token_hash: string;
  user_id: string;
  project_id: string | null;
  issued_at: number;
  expires_at: number;
}

export interface QuotaRow {
  max_bytes: number | null;
  max_buckets: number | null;
  max_objects_per_bucket: number | null;
}

/** A bucket's counters with its project's, for the quota check of one write, and its versioning. */
export interface QuotaStateRow extends QuotaRow {
  project_id: string;
  versioning: VersioningState | null;
  bucket_objects: number;
  project_bytes: number | null;
}

export const BUCKET_COLUMNS = `name, project_id, region, created_at, acl, versioning, ${BUCKET_CONFIGS.join(', ')}`;

export function toBucket(row: BucketRow): Bucket {
  const bucket: Bucket = {
    name: row.name,
    projectId: row.project_id,
    region: row.region,
    createdAt: new Date(row.created_at),
  };
  const acl = JSON.parse(row.acl) as Grant[];
  if (acl.length > 0) bucket.acl = acl;
  for (const name of BUCKET_CONFIGS) {
    const value = row[name];
    if (value !== null) bucket[name] = value;
  }
  if (row.versioning !== null) bucket.versioning = row.versioning;
  return bucket;
}

export function toCredential(row: CredentialRow): Credential {
  return {
    accessKeyId: row.access_key_id,
    secretAccessKey: row.secret_access_key,
    projectId: row.project_id,
    userId: row.user_id,
    active: row.active === 1,
    createdAt: new Date(row.created_at),
  };
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    name: row.name,
    passwordHash: row.password_hash,
    enabled: row.enabled === 1,
    createdAt: new Date(row.created_at),
  };
}

export function toQuota(row: QuotaRow | undefined): Quota {
  return {
    maxBytes: row?.max_bytes ?? DEFAULT_PROJECT_MAX_BYTES,
    maxBuckets: row?.max_buckets ?? DEFAULT_PROJECT_MAX_BUCKETS,
    maxObjectsPerBucket: row?.max_objects_per_bucket ?? DEFAULT_BUCKET_MAX_OBJECTS,
  };
}

/** Why adding `addBytes` and `addObjects` to the bucket would break its project's quota; undefined if it would not. */
export function quotaProblem(state: QuotaStateRow | undefined, addBytes: number, addObjects: number): string | undefined {
  if (state === undefined) return undefined;
  const quota = toQuota(state);
  if (addBytes > 0 && (state.project_bytes ?? 0) + addBytes > quota.maxBytes) {
    return `storing ${addBytes} more bytes would exceed the project's ${quota.maxBytes} bytes`;
  }
  if (addObjects > 0 && state.bucket_objects + addObjects > quota.maxObjectsPerBucket) {
    return `the bucket already holds its maximum of ${quota.maxObjectsPerBucket} objects`;
  }
  return undefined;
}

export function toSummary([key, size, etag, lastModified, storageClass, ownerProjectId]: SummaryValues): ObjectSummary {
  return { key, size, etag, lastModified: new Date(lastModified), storageClass, ownerProjectId };
}

export function toUploadRow([upload_id, bucket, key, initiated, content_type, attrs, storage_class, owner_project_id]: UploadValues): UploadRow {
  return { upload_id, bucket, key, initiated, content_type, attrs, storage_class, owner_project_id };
}

/** The object a row holds, with its inline body when one is given (`bytes` read from object_bodies). */
export function toObject(row: ObjectRow): ObjectInfo;
export function toObject(row: ObjectRow, bytes: Buffer | null): ObjectRecord;
export function toObject(row: ObjectRow, bytes?: Buffer | null): ObjectInfo {
  const attrs = JSON.parse(row.attrs) as ObjectAttrs;
  const data: ObjectData | ObjectDataInfo =
    row.parts !== null
      ? { kind: 'parts', parts: JSON.parse(row.parts) as StoredPart[] }
      : bytes === undefined
        ? { kind: 'inline' }
        : { kind: 'inline', bytes: bytes ?? Buffer.alloc(0) };
  const object: ObjectInfo = {
    bucket: row.bucket,
    key: row.key,
    size: row.size,
    etag: row.etag,
    lastModified: new Date(row.last_modified),
    contentType: row.content_type,
    contentHeaders: attrs.contentHeaders,
    userMetadata: attrs.userMetadata,
    storageClass: row.storage_class,
    ownerProjectId: row.owner_project_id,
    versionId: row.version_id,
    data,
  };
  if (attrs.checksum !== undefined) object.checksum = attrs.checksum;
  if (attrs.acl !== undefined && attrs.acl.length > 0) object.acl = attrs.acl;
  if (attrs.uploaderUserId !== undefined) object.uploaderUserId = attrs.uploaderUserId;
  if (attrs.tags !== undefined && Object.keys(attrs.tags).length > 0) object.tags = attrs.tags;
  if (attrs.partsCount !== undefined) object.partsCount = attrs.partsCount;
  return object;
}

export function toUpload(row: UploadRow): UploadRecord {
  const attrs = JSON.parse(row.attrs) as UploadAttrs;
  const upload: UploadRecord = {
    uploadId: row.upload_id,
    bucket: row.bucket,
    key: row.key,
    initiated: new Date(row.initiated),
    contentType: row.content_type,
    contentHeaders: attrs.contentHeaders,
    userMetadata: attrs.userMetadata,
    storageClass: row.storage_class,
    ownerProjectId: row.owner_project_id,
  };
  if (attrs.acl !== undefined && attrs.acl.length > 0) upload.acl = attrs.acl;
  if (attrs.uploaderUserId !== undefined) upload.uploaderUserId = attrs.uploaderUserId;
  if (attrs.tags !== undefined && Object.keys(attrs.tags).length > 0) upload.tags = attrs.tags;
  if (attrs.checksumAlgorithm !== undefined) upload.checksumAlgorithm = attrs.checksumAlgorithm;
  if (attrs.checksumType !== undefined) upload.checksumType = attrs.checksumType;
  return upload;
}

export function toPart(row: PartRow): PartRecord {
  const part: PartRecord = {
    uploadId: row.upload_id,
    partNumber: row.part_number,
    blobId: row.blob_id,
    size: row.size,
    etag: row.etag,
    lastModified: new Date(row.last_modified),
  };
  if (row.checksum !== null) part.checksum = row.checksum;
  return part;
}

export function blobIdsOf(object: ObjectRecord): string[] {
  return object.data.kind === 'parts' ? object.data.parts.map((part) => part.blobId) : [];
}

/** In the order of SummaryValues. */
export const SUMMARY_COLUMNS = 'key, size, etag, last_modified, storage_class, owner_project_id';
export const OBJECT_COLUMNS = `bucket, ${SUMMARY_COLUMNS}, content_type, attrs, parts, version_id`;
/** In the order of UploadValues. */
export const UPLOAD_COLUMNS = 'upload_id, bucket, key, initiated, content_type, attrs, storage_class, owner_project_id';
export const PART_COLUMNS = 'upload_id, part_number, blob_id, size, etag, checksum, last_modified';

/** Where a stored version's bytes are. */
export interface StoredData {
  size: number;
  parts: string | null;
  body_id: number | null;
  version_id: string;
}

export function toDeleteMarker(row: VersionRow): DeleteMarker {
  return {
    deleteMarker: true,
    bucket: row.bucket,
    key: row.key,
    versionId: row.version_id,
    lastModified: new Date(row.last_modified),
    ownerProjectId: row.owner_project_id,
  };
}

export function toVersionSummary(row: VersionListRow, isLatest: boolean): VersionSummary {
  return {
    key: row.key,
    versionId: row.version_id,
    isLatest,
    deleteMarker: row.delete_marker === 1,
    size: row.size,
    etag: row.etag,
    lastModified: new Date(row.last_modified),
    storageClass: row.storage_class,
    ownerProjectId: row.owner_project_id,
  };
}

