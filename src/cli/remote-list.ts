// s3cmd's fetch_remote_list: which objects a command acts on, and the name
// each gets relative to the URI it was found under. With --recursive every
// key under the prefix; otherwise the object named (or the matches of a
// wildcard). "s3://b/dir" keeps "dir/" in the relative names, "s3://b/dir/"
// drops it. Sorted by relative name, as s3cmd's SortedDict iterates, and
// split by --exclude/--include.

import type { S3Client } from '../sdk/client.js';
import { S3ServiceError } from '../sdk/errors.js';
import { stripQuotes } from '../sdk/results.js';
import { ATTRS_HEADER, parseAttrs } from './attrs.js';
import { ParameterError } from './failures.js';
import type { Filters } from './filters.js';
import type { Printer } from './output.js';
import { globToRegExp } from './glob.js';
import { formatS3Uri, parseS3Uri, type S3Uri } from './s3uri.js';

export interface RemoteItem {
  /** Relative name: where the object goes under a destination directory. */
  name: string;
  bucket: string;
  key: string;
  /** s3://bucket/key as s3cmd prints it. */
  uri: string;
  size?: number;
  /** The real MD5 when known (from s3cmd's attributes for multipart objects). */
  md5?: string;
  lastModified?: string;
}

/** HEAD an object for its size and real MD5 (s3cmd's _get_remote_attribs). */
export async function remoteAttribs(client: S3Client, bucket: string, key: string): Promise<{ size: number; md5: string; lastModified: string }> {
  const headers = await client.headObject(bucket, key);
  const attrs = parseAttrs(headers[ATTRS_HEADER] as string | undefined);
  return {
    size: Number(headers['content-length'] ?? 0),
    md5: attrs['md5'] ?? stripQuotes(String(headers['etag'] ?? '')),
    lastModified: String(headers['last-modified'] ?? ''),
  };
}

async function listUnder(client: S3Client, printer: Printer, uri: S3Uri, recursive: boolean): Promise<RemoteItem[]> {
  const base = uri.key === '' || uri.key.endsWith('/') ? uri.key : uri.key.slice(0, uri.key.lastIndexOf('/') + 1);
  printer.info(`Retrieving list of remote files for ${formatS3Uri(uri)} ...`);
  const items: RemoteItem[] = [];
  for await (const page of client.listObjects(uri.bucket, { prefix: uri.key, ...(recursive ? {} : { delimiter: '/' }) })) {
    for (const object of page.objects) {
      if (object.key === uri.key && !object.key.endsWith('/')) {
        // Asked for one object and got it: it alone, under its base name.
        const only = { name: object.key.slice(object.key.lastIndexOf('/') + 1), bucket: uri.bucket, key: object.key, uri: formatS3Uri(uri) };
        return [{ ...only, size: object.size, md5: object.etag, lastModified: object.lastModified }];
      }
      const name = object.key.slice(base.length);
      if (/^\s*$/.test(name)) {
        printer.warning('Empty object name on S3 found, ignoring.');
        continue;
      }
      items.push({
        name,
        bucket: uri.bucket,
        key: object.key,
        uri: `s3://${uri.bucket}/${base}${name}`,
        size: object.size,
        md5: object.etag,
        lastModified: object.lastModified,
      });
    }
  }
  return items;
}

export interface RemoteListOptions {
  recursive: boolean;
  /** HEAD named objects, and multipart ones for their whole-file MD5 (get and sync need them). */
  requireAttribs: boolean;
  filters: Filters;
}

export interface RemoteList {
  items: RemoteItem[];
  /** Dropped by --exclude/--include. */
  excluded: RemoteItem[];
}

export async function fetchRemoteList(client: S3Client, printer: Printer, args: readonly string[], options: RemoteListOptions): Promise<RemoteList> {
  const list = new Map<string, RemoteItem>();
  const headed = new Set<RemoteItem>();
  for (const arg of args) {
    const uri = parseS3Uri(arg);
    if (!uri) throw new ParameterError(`Expecting S3 URI instead of '${arg}'`);
    if (options.recursive) {
      for (const item of await listUnder(client, printer, uri, true)) list.set(item.name, item);
      continue;
    }
    const uriText = formatS3Uri(uri);
    const wildcard = /[*?]/.exec(uriText);
    if (wildcard) {
      const prefix = parseS3Uri(uriText.slice(0, wildcard.index))!;
      const pattern = globToRegExp(uriText);
      for (const item of await listUnder(client, printer, prefix, uriText.slice(wildcard.index).includes('/'))) {
        if (pattern.test(item.uri)) list.set(item.name, item);
      }
      continue;
    }
    const name = uri.key.slice(uri.key.lastIndexOf('/') + 1);
    if (!name) throw new ParameterError(`Expecting S3 URI with a filename or --recursive: ${uriText}`);
    const item: RemoteItem = { name, bucket: uri.bucket, key: uri.key, uri: uriText };
    if (options.requireAttribs) {
      try {
        Object.assign(item, await remoteAttribs(client, uri.bucket, uri.key));
        headed.add(item);
      } catch (error) {
        if (error instanceof S3ServiceError && error.code === 'NoSuchKey') throw new ParameterError(`Source object '${uriText}' does not exist.`);
        throw error;
      }
    }
    list.set(name, item);
  }
  const items = [...list.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (options.requireAttribs) {
    // A listed multipart ETag is no MD5: its HEAD (s3cmd-attrs) has the file's. Named objects were HEADed above.
    await Promise.all(
      items
        .filter((item) => item.md5?.includes('-') && !headed.has(item))
        .map(async (item) => {
          item.md5 = (await remoteAttribs(client, item.bucket, item.key)).md5;
        }),
    );
  }
  const { kept, excluded } = options.filters.split(items);
  return { items: kept, excluded };
}
