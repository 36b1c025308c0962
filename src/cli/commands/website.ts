// `ws-create`, `ws-delete` and `ws-info` (s3cmd's cmd_website_*): a bucket's
// static-website configuration (--ws-index, --ws-error). A service without
// websites answers 501, reported as s3cmd reports it.

import { elements, escapeXml, parseXml, text } from '../../sdk/xml.js';
import { S3ServiceError } from '../../sdk/errors.js';
import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { bucketOnly } from '../s3uri.js';
import { withBucketMessage } from './with-bucket-message.js';

export async function wsCreate(ctx: Context, args: string[]): Promise<number> {
  const { config } = ctx;
  for (const arg of args) {
    const bucket = bucketOnly(arg);
    const error = config.website_error ? `<ErrorDocument><Key>${escapeXml(config.website_error)}</Key></ErrorDocument>` : '';
    const body = `<WebsiteConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IndexDocument><Suffix>${escapeXml(config.website_index)}</Suffix></IndexDocument>${error}</WebsiteConfiguration>`;
    await withBucketMessage(ctx, bucket, () => ctx.client.sendSubresource('PUT', bucket, undefined, 'website', body));
    ctx.printer.print(`Bucket 's3://${bucket}/': website configuration created.`, { type: 'website', bucket, created: true });
  }
  return EX_OK;
}

export async function wsDelete(ctx: Context, args: string[]): Promise<number> {
  for (const arg of args) {
    const bucket = bucketOnly(arg);
    await withBucketMessage(ctx, bucket, () => ctx.client.deleteSubresource(bucket, undefined, 'website'));
    ctx.printer.print(`Bucket 's3://${bucket}/': website configuration deleted.`, { type: 'website', bucket, deleted: true });
  }
  return EX_OK;
}

export async function wsInfo(ctx: Context, args: string[]): Promise<number> {
  const { client, config, printer } = ctx;
  for (const arg of args) {
    const bucket = bucketOnly(arg);
    const xml = await withBucketMessage(ctx, bucket, async () => {
      try {
        return await client.getSubresource(bucket, undefined, 'website');
      } catch (error) {
        // Not configured: s3cmd says it could not get one.
        if (error instanceof S3ServiceError && error.status === 404) return undefined;
        throw error;
      }
    });
    if (xml === undefined) {
      printer.print(`Bucket s3://${bucket}/: Unable to receive website configuration.`, { type: 'website', bucket, configured: false });
      continue;
    }
    const root = parseXml(xml).root;
    const index = text(elements(root, 'IndexDocument')[0] ?? {}, 'Suffix') ?? '';
    const errorDocument = text(elements(root, 'ErrorDocument')[0] ?? {}, 'Key') ?? '';
    const endpoint = config.website_endpoint.replaceAll('%(bucket)s', bucket).replaceAll('%(location)s', await client.getBucketLocation(bucket));
    printer.print(`Bucket s3://${bucket}/: Website configuration`, { type: 'website', bucket, endpoint, index, error: errorDocument });
    printer.print(`Website endpoint: ${endpoint}`);
    printer.print(`Index document:   ${index}`);
    printer.print(`Error document:   ${errorDocument}`);
  }
  return EX_OK;
}
