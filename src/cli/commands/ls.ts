// `ls [s3://BUCKET[/PREFIX]]`: the project's buckets, or what is in one
// bucket (directories first, then objects; -r for every key, -l and
// --list-md5 for more columns, -H for human sizes, --limit).

import type { S3Client } from '../../sdk/client.js';
import type { ObjectSummary } from '../../sdk/results.js';
import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { bucketLine, listingLine, type ListingStyle } from '../output.js';
import { remoteAttribs } from '../remote-list.js';
import { parseS3Uri, type S3Uri } from '../s3uri.js';
import { withBucketMessage } from './with-bucket-message.js';

export async function ls(ctx: Context, args: string[]): Promise<number> {
  const uri = args[0] !== undefined ? parseS3Uri(args[0]) : undefined;
  if (uri?.bucket) await listBucket(ctx, uri);
  else await listBuckets(ctx);
  return EX_OK;
}

async function listBuckets(ctx: Context): Promise<void> {
  const buckets = await ctx.client.listBuckets();
  buckets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const bucket of buckets) {
    ctx.printer.print(bucketLine(bucket.creationDate, bucket.name), {
      type: 'bucket',
      name: bucket.name,
      creationDate: bucket.creationDate,
    });
  }
}

async function realMd5(client: S3Client, bucket: string, object: ObjectSummary): Promise<string> {
  if (!object.etag.includes('-')) return object.etag;
  return (await remoteAttribs(client, bucket, object.key)).md5;
}

/** subcmd_bucket_list: prefixes first, then objects, stopping at --limit entries. */
export async function listBucket(ctx: Context, uri: S3Uri): Promise<void> {
  const { config, client, printer } = ctx;
  const style: ListingStyle = { human: config.human_readable_sizes, long: config.long_listing, md5: config.list_md5 };
  const prefix = uri.key.endsWith('*') ? uri.key.slice(0, -1) : uri.key;
  const limit = config.limit;
  const prefixes: string[] = [];
  const objects: ObjectSummary[] = [];
  let truncated = false;
  await withBucketMessage(ctx, uri.bucket, async () => {
    // --limit is s3cmd's max-keys: the first N entries in key order, prefixes and objects together.
    let token: string | undefined;
    for (;;) {
      const remaining = limit >= 0 ? limit - prefixes.length - objects.length : undefined;
      const page = await client.listObjectsPage(uri.bucket, {
        prefix,
        ...(config.recursive ? {} : { delimiter: '/' }),
        ...(remaining !== undefined ? { maxKeys: remaining } : {}),
        ...(token ? { continuationToken: token } : {}),
      });
      prefixes.push(...page.commonPrefixes);
      objects.push(...page.objects);
      token = page.nextContinuationToken;
      if (!page.isTruncated || !token) return;
      if (limit >= 0 && prefixes.length + objects.length >= limit) {
        truncated = true;
        return;
      }
    }
  });
  for (const p of prefixes) {
    printer.print(listingLine(style, { uri: `s3://${uri.bucket}/${p}` }), { type: 'prefix', uri: `s3://${uri.bucket}/${p}` });
  }
  for (const object of objects) {
    const md5 = style.md5 ? await realMd5(client, uri.bucket, object) : object.etag;
    const objectUri = `s3://${uri.bucket}/${object.key}`;
    printer.print(
      listingLine(style, { uri: objectUri, timestamp: object.lastModified, size: object.size, md5, storageClass: object.storageClass }),
      { type: 'object', uri: objectUri, key: object.key, size: object.size, lastModified: object.lastModified, etag: object.etag, md5, storageClass: object.storageClass },
    );
  }
  if (truncated) printer.warning('The list is truncated because the settings limit was reached.');
}
