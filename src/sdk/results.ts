// Typed results of S3 operations and their parsers from S3's XML answers.
// Field names are S3's own (Key, ETag, UploadId...) in camelCase.

import { elements, parseXml, text, type XmlElement } from './xml.js';

export interface Bucket {
  name: string;
  creationDate: string;
}

export interface ObjectSummary {
  key: string;
  lastModified: string;
  /** With its quotes stripped. */
  etag: string;
  size: number;
  storageClass: string;
}

export interface ListObjectsPage {
  objects: ObjectSummary[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** V2: where the next page starts. */
  nextContinuationToken?: string;
  /** V1: where the next page starts (only sent with a delimiter). */
  nextMarker?: string;
}

export interface MultipartUpload {
  key: string;
  uploadId: string;
  initiated: string;
}

export interface ListMultipartUploadsPage {
  uploads: MultipartUpload[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}

export interface Part {
  partNumber: number;
  lastModified: string;
  /** As S3 sent it, quotes included (s3cmd prints it so). */
  etag: string;
  size: number;
}

export interface ListPartsPage {
  parts: Part[];
  isTruncated: boolean;
  nextPartNumberMarker?: string;
}

export interface Grant {
  /** ID, URI or EmailAddress of the grantee. */
  grantee: string;
  displayName?: string;
  /** CanonicalUser, Group or AmazonCustomerByEmail (from the element holding the name). */
  granteeKind: 'ID' | 'URI' | 'EmailAddress';
  permission: string;
}

export interface LifecycleRule {
  id?: string;
  prefix?: string;
  status?: string;
  expirationDays?: string;
  expirationDate?: string;
}

export interface DeleteObjectsResult {
  deleted: string[];
  errors: { key: string; code: string; message: string }[];
}

export const ALL_USERS_URI = 'http://acs.amazonaws.com/groups/global/AllUsers';

export function stripQuotes(etag: string): string {
  return etag.replace(/^["']+|["']+$/g, '');
}

function bool(value: string | undefined): boolean {
  return value !== undefined && value.toLowerCase() !== 'false' && value !== '';
}

export function parseListBuckets(xml: string): Bucket[] {
  const { root } = parseXml(xml);
  const buckets = elements(root, 'Buckets')[0];
  if (!buckets) return [];
  return elements(buckets, 'Bucket').map((b) => ({ name: text(b, 'Name') ?? '', creationDate: text(b, 'CreationDate') ?? '' }));
}

export function parseListObjects(xml: string): ListObjectsPage {
  const { root } = parseXml(xml);
  const page: ListObjectsPage = {
    objects: elements(root, 'Contents').map((c) => ({
      key: text(c, 'Key') ?? '',
      lastModified: text(c, 'LastModified') ?? '',
      etag: stripQuotes(text(c, 'ETag') ?? ''),
      size: Number(text(c, 'Size') ?? 0),
      storageClass: text(c, 'StorageClass') ?? '',
    })),
    commonPrefixes: elements(root, 'CommonPrefixes').map((p) => text(p, 'Prefix') ?? ''),
    isTruncated: bool(text(root, 'IsTruncated')),
  };
  const token = text(root, 'NextContinuationToken');
  if (token) page.nextContinuationToken = token;
  const marker = text(root, 'NextMarker');
  if (marker) page.nextMarker = marker;
  return page;
}

/** The bucket's LocationConstraint; '' for the default region. */
export function parseLocation(xml: string): string {
  return parseXml(xml).rootText;
}

export function parseUploadId(xml: string): string {
  return text(parseXml(xml).root, 'UploadId') ?? '';
}

/** CompleteMultipartUpload may answer 200 with an <Error> body. */
export function parseComplete(xml: string): { etag: string } | { code: string; message: string } {
  const { name, root } = parseXml(xml);
  if (name === 'Error') return { code: text(root, 'Code') ?? '', message: text(root, 'Message') ?? '' };
  return { etag: stripQuotes(text(root, 'ETag') ?? '') };
}

export function parseCopyResult(xml: string): { etag: string; lastModified: string } | { code: string; message: string } {
  const { name, root } = parseXml(xml);
  if (name === 'Error') return { code: text(root, 'Code') ?? '', message: text(root, 'Message') ?? '' };
  return { etag: stripQuotes(text(root, 'ETag') ?? ''), lastModified: text(root, 'LastModified') ?? '' };
}

export function parseListMultipartUploads(xml: string): ListMultipartUploadsPage {
  const { root } = parseXml(xml);
  const page: ListMultipartUploadsPage = {
    uploads: elements(root, 'Upload').map((u) => ({
      key: text(u, 'Key') ?? '',
      uploadId: text(u, 'UploadId') ?? '',
      initiated: text(u, 'Initiated') ?? '',
    })),
    isTruncated: bool(text(root, 'IsTruncated')),
  };
  const key = text(root, 'NextKeyMarker');
  if (key) page.nextKeyMarker = key;
  const id = text(root, 'NextUploadIdMarker');
  if (id) page.nextUploadIdMarker = id;
  return page;
}

export function parseListParts(xml: string): ListPartsPage {
  const { root } = parseXml(xml);
  const page: ListPartsPage = {
    parts: elements(root, 'Part').map((p) => ({
      partNumber: Number(text(p, 'PartNumber') ?? 0),
      lastModified: text(p, 'LastModified') ?? '',
      etag: text(p, 'ETag') ?? '',
      size: Number(text(p, 'Size') ?? 0),
    })),
    isTruncated: bool(text(root, 'IsTruncated')),
  };
  const next = text(root, 'NextPartNumberMarker');
  if (next) page.nextPartNumberMarker = next;
  return page;
}

export function parseAcl(xml: string): Grant[] {
  const { root } = parseXml(xml);
  const list = elements(root, 'AccessControlList')[0];
  if (!list) return [];
  return elements(list, 'Grant').map((g) => {
    const grantee: XmlElement = elements(g, 'Grantee')[0] ?? {};
    const kind = (['ID', 'URI', 'EmailAddress'] as const).find((k) => text(grantee, k) !== undefined) ?? 'ID';
    const grant: Grant = { grantee: text(grantee, kind) ?? '', granteeKind: kind, permission: text(g, 'Permission') ?? '' };
    const displayName = text(grantee, 'DisplayName');
    if (displayName) grant.displayName = displayName;
    return grant;
  });
}

export function parseLifecycle(xml: string): { rootName: string; rules: LifecycleRule[] } {
  const { name, root } = parseXml(xml);
  const rules = elements(root, 'Rule').map((r) => {
    const rule: LifecycleRule = {};
    const filter = elements(r, 'Filter')[0];
    const and = filter && elements(filter, 'And')[0];
    const prefix = text(r, 'Prefix') ?? (filter && text(filter, 'Prefix')) ?? (and && text(and, 'Prefix'));
    if (prefix !== undefined) rule.prefix = prefix;
    const id = text(r, 'ID');
    if (id !== undefined) rule.id = id;
    const status = text(r, 'Status');
    if (status !== undefined) rule.status = status;
    const expiration = elements(r, 'Expiration')[0];
    const days = expiration && text(expiration, 'Days');
    if (days !== undefined) rule.expirationDays = days;
    const date = expiration && text(expiration, 'Date');
    if (date !== undefined) rule.expirationDate = date;
    return rule;
  });
  return { rootName: name, rules };
}

export function parseRequestPayment(xml: string): string | undefined {
  return text(parseXml(xml).root, 'Payer');
}

export function parseDeleteResult(xml: string): DeleteObjectsResult {
  const { root } = parseXml(xml);
  return {
    deleted: elements(root, 'Deleted').map((d) => text(d, 'Key') ?? ''),
    errors: elements(root, 'Error').map((e) => ({ key: text(e, 'Key') ?? '', code: text(e, 'Code') ?? '', message: text(e, 'Message') ?? '' })),
  };
}

/** The fields of an <Error> body; undefined when the body is not one. */
export function parseErrorBody(xml: string): Record<string, string> | undefined {
  try {
    const { name, root } = parseXml(xml);
    if (name !== 'Error') return undefined;
    const fields: Record<string, string> = {};
    for (const [field, value] of Object.entries(root)) if (typeof value === 'string') fields[field] = value;
    return fields;
  } catch {
    return undefined;
  }
}
