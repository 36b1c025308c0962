// ListObjects (v1), ListObjectsV2 and ListObjectVersions. The store walks
// the key index; this file turns S3's parameters into a query and the page
// into XML.

import { errors } from '../../errors.js';
import type { ListPage, ObjectSummary, VersionSummary } from '../../store/meta.js';
import { xmlResponse, type RequestContext, type S3Response } from '../context.js';
import { pageSize, urlEncodeKey, urlEncodingRequested } from '../max-keys.js';
import type { Operation } from '../operation.js';
import { OwnerNames, ownerXml } from '../owner.js';
import { requireBucket } from '../require-bucket.js';
import { checkedVersionId } from '../versions.js';
import { el, isoDate, XmlChunks } from '../xml.js';

type ListOperation<T extends Operation['type']> = RequestContext<Extract<Operation, { type: T }>>;

interface Common {
  bucket: string;
  prefix: string;
  delimiter: string;
  maxKeys: number;
  encode: (value: string) => string;
  encoded: boolean;
}

function commonParams(ctx: RequestContext, bucket: string): Common {
  const { query } = ctx.target;
  const encoded = urlEncodingRequested(query);
  return {
    bucket,
    prefix: query.get('prefix') ?? '',
    delimiter: query.get('delimiter') ?? '',
    maxKeys: pageSize(query, 'max-keys'),
    encode: encoded ? urlEncodeKey : (value: string) => value,
    encoded,
  };
}

async function addEntries(xml: XmlChunks, ctx: RequestContext, page: ListPage, common: Common, withOwner: boolean): Promise<void> {
  const owners = new Map<string, string>();
  if (withOwner) {
    const names = new OwnerNames(ctx.services.meta);
    for (const id of new Set(page.objects.map((o) => o.ownerProjectId))) owners.set(id, ownerXml(await names.get(id)));
  }
  for (const object of page.objects) xml.add(contentsXml(object, common, owners.get(object.ownerProjectId) ?? ''));
  addCommonPrefixes(xml, page.commonPrefixes, common);
}

function addCommonPrefixes(xml: XmlChunks, prefixes: string[], common: Common): void {
  for (const prefix of prefixes) xml.add(`<CommonPrefixes>${el('Prefix', common.encode(prefix))}</CommonPrefixes>`);
}

/** One <Contents>: this is the hot loop of a listing, so only the key goes through the escaper (the rest cannot hold markup). */
function contentsXml(object: ObjectSummary, common: Common, owner: string): string {
  return (
    `<Contents>${el('Key', common.encode(object.key))}<LastModified>${isoDate(object.lastModified)}</LastModified>` +
    `<ETag>&quot;${object.etag}&quot;</ETag><Size>${object.size}</Size>${owner}<StorageClass>${object.storageClass}</StorageClass></Contents>`
  );
}

function headXml(common: Common): string {
  return (
    `${el('Name', common.bucket)}${el('Prefix', common.encode(common.prefix))}` +
    `${common.delimiter ? el('Delimiter', common.encode(common.delimiter)) : ''}${el('MaxKeys', common.maxKeys)}` +
    `${common.encoded ? el('EncodingType', 'url') : ''}`
  );
}

export async function listObjects(ctx: ListOperation<'ListObjects'>): Promise<S3Response> {
  await requireBucket(ctx, ctx.op.bucket);
  const common = commonParams(ctx, ctx.op.bucket);
  const marker = ctx.target.query.get('marker') ?? '';
  const page = await ctx.services.meta.listObjects({ ...common, after: marker });
  // S3 sends NextMarker only when a delimiter was given; without one the
  // client continues from the last key.
  const nextMarker = page.isTruncated && common.delimiter && page.lastEntry !== undefined ? el('NextMarker', common.encode(page.lastEntry)) : '';
  const xml = new XmlChunks('ListBucketResult');
  xml.add(`${headXml(common)}${el('Marker', common.encode(marker))}${nextMarker}${el('IsTruncated', page.isTruncated)}`);
  await addEntries(xml, ctx, page, common, true);
  return xmlResponse(xml.end());
}

function encodeToken(after: string): string {
  return Buffer.from(after, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  const after = Buffer.from(token, 'base64url').toString('utf8');
  if (token === '' || encodeToken(after) !== token) {
    throw errors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  }
  return after;
}

export async function listObjectsV2(ctx: ListOperation<'ListObjectsV2'>): Promise<S3Response> {
  await requireBucket(ctx, ctx.op.bucket);
  const common = commonParams(ctx, ctx.op.bucket);
  const { query } = ctx.target;
  const token = query.get('continuation-token');
  const startAfter = query.get('start-after') ?? '';
  const after = token !== null ? decodeToken(token) : startAfter;
  const fetchOwner = query.get('fetch-owner') === 'true';
  const page = await ctx.services.meta.listObjects({ ...common, after });
  const next = page.isTruncated && page.lastEntry !== undefined ? el('NextContinuationToken', encodeToken(page.lastEntry)) : '';
  const xml = new XmlChunks('ListBucketResult');
  xml.add(
    `${headXml(common)}${el('KeyCount', page.objects.length + page.commonPrefixes.length)}` +
      `${token !== null ? el('ContinuationToken', token) : ''}${next}` +
      `${startAfter ? el('StartAfter', common.encode(startAfter)) : ''}${el('IsTruncated', page.isTruncated)}`,
  );
  await addEntries(xml, ctx, page, common, fetchOwner);
  return xmlResponse(xml.end());
}

/** One <Version> or <DeleteMarker> of ListObjectVersions. */
function versionXml(version: VersionSummary, common: Common, owner: string): string {
  const head = `${el('Key', common.encode(version.key))}${el('VersionId', version.versionId)}${el('IsLatest', version.isLatest)}<LastModified>${isoDate(version.lastModified)}</LastModified>`;
  if (version.deleteMarker) return `<DeleteMarker>${head}${owner}</DeleteMarker>`;
  return `<Version>${head}<ETag>&quot;${version.etag}&quot;</ETag><Size>${version.size}</Size>${owner}<StorageClass>${version.storageClass}</StorageClass></Version>`;
}

export async function listObjectVersions(ctx: ListOperation<'ListObjectVersions'>): Promise<S3Response> {
  await requireBucket(ctx, ctx.op.bucket);
  const common = commonParams(ctx, ctx.op.bucket);
  const { query } = ctx.target;
  const keyMarker = query.get('key-marker') ?? '';
  const versionIdMarker = checkedVersionId(query.get('version-id-marker') ?? undefined, 'version-id-marker') ?? '';
  if (versionIdMarker !== '' && keyMarker === '') {
    throw errors.invalidArgument('A version-id marker cannot be specified without a key marker.', 'version-id-marker', versionIdMarker);
  }
  const page = await ctx.services.meta.listObjectVersions({ ...common, keyMarker, versionIdMarker });
  const next = page.isTruncated
    ? `${el('NextKeyMarker', common.encode(page.nextKeyMarker ?? ''))}${page.nextVersionIdMarker === undefined ? '' : el('NextVersionIdMarker', page.nextVersionIdMarker)}`
    : '';
  const xml = new XmlChunks('ListVersionsResult');
  xml.add(
    `${headXml(common)}${el('KeyMarker', common.encode(keyMarker))}${el('VersionIdMarker', versionIdMarker)}${next}` +
      `${el('IsTruncated', page.isTruncated)}`,
  );
  const names = new OwnerNames(ctx.services.meta);
  for (const version of page.versions) xml.add(versionXml(version, common, ownerXml(await names.get(version.ownerProjectId))));
  addCommonPrefixes(xml, page.commonPrefixes, common);
  return xmlResponse(xml.end());
}
