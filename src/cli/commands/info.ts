// `info s3://BUCKET[/OBJECT]`: an object's size, dates, type, MD5 and
// metadata, or a bucket's location, payer and expiration rule; then policy,
// CORS and ACL grants for either, in s3cmd's layout.

import { S3ServiceError } from '../../sdk/errors.js';
import { ALL_USERS_URI, stripQuotes } from '../../sdk/results.js';
import { ATTRS_HEADER, parseAttrs } from '../attrs.js';
import { objectUrl, type Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { parseS3Uri, type S3Uri } from '../s3uri.js';
import { withBucketMessage } from './with-bucket-message.js';

/** The value of an optional bucket sub-resource, or the line s3cmd prints when it is unavailable. */
async function optional(get: () => Promise<string>, unavailable: (status: number) => string | undefined): Promise<string> {
  try {
    return await get();
  } catch (error) {
    if (error instanceof S3ServiceError) {
      const line = unavailable(error.status);
      if (line !== undefined) return line;
    }
    throw error;
  }
}

async function objectLines(ctx: Context, uri: S3Uri, lines: string[], record: Record<string, unknown>): Promise<Record<string, string>> {
  const headers = await ctx.client.headObject(uri.bucket, uri.key);
  const attrs = parseAttrs(headers[ATTRS_HEADER] as string | undefined);
  const md5 = attrs['md5'] ?? stripQuotes(String(headers['etag'] ?? ''));
  const meta: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (name.startsWith('x-amz-meta-')) meta[name] = String(value);
  lines.push(
    `s3://${uri.bucket}/${uri.key} (object):`,
    `   File size: ${headers['content-length']}`,
    `   Last mod:  ${headers['last-modified']}`,
    `   MIME type: ${headers['content-type'] ?? 'none'}`,
    `   Storage:   ${headers['x-amz-storage-class'] ?? 'STANDARD'}`,
    `   MD5 sum:   ${md5}`,
    `   SSE:       ${headers['x-amz-server-side-encryption'] ?? 'none'}`,
  );
  Object.assign(record, {
    size: Number(headers['content-length']),
    lastModified: headers['last-modified'],
    contentType: headers['content-type'],
    storageClass: headers['x-amz-storage-class'] ?? 'STANDARD',
    md5,
    etag: stripQuotes(String(headers['etag'] ?? '')),
    metadata: meta,
  });
  return meta;
}

async function bucketLines(ctx: Context, uri: S3Uri, lines: string[], record: Record<string, unknown>): Promise<void> {
  const { client } = ctx;
  const location = (await client.getBucketLocation(uri.bucket)) || 'us-east-1';
  const payer = await client.getBucketRequestPayment(uri.bucket).catch(() => undefined);
  lines.push(`s3://${uri.bucket}/ (bucket):`, `   Location:  ${location === 'US' ? 'us-east-1' : location === 'EU' ? 'eu-west-1' : location}`, `   Payer:     ${payer || 'none'}`);
  let lifecycle;
  try {
    lifecycle = await client.getBucketLifecycle(uri.bucket);
  } catch (error) {
    if (!(error instanceof S3ServiceError && (error.status === 404 || error.status === 501))) throw error;
  }
  const rule = lifecycle?.rootName === 'LifecycleConfiguration' ? lifecycle.rules[0] : undefined;
  if (rule?.prefix !== undefined) {
    let text = 'Expiration Rule: ' + (rule.prefix === '' ? 'all objects in this bucket ' : `objects with key prefix '${rule.prefix}' `) + "will expire in '";
    if (rule.expirationDays) text += `${rule.expirationDays}' day(s) after creation`;
    else if (rule.expirationDate) text += `${rule.expirationDate}' `;
    lines.push(`   ${text}`);
  } else lines.push('   Expiration Rule: none');
  Object.assign(record, { location, payer, lifecycle: lifecycle?.rules ?? [] });
}

export async function info(ctx: Context, args: string[]): Promise<number> {
  const { client, printer } = ctx;
  for (const arg of args) {
    const uri = parseS3Uri(arg);
    if (!uri?.bucket) throw new ParameterError(`Expecting S3 URI instead of '${arg}'`);
    const lines: string[] = [];
    const record: Record<string, unknown> = { type: uri.key ? 'objectInfo' : 'bucketInfo', uri: `s3://${uri.bucket}/${uri.key}` };
    await withBucketMessage(ctx, uri.bucket, async () => {
      const meta = uri.key ? await objectLines(ctx, uri, lines, record) : (await bucketLines(ctx, uri, lines, record), {});
      const policy = await optional(
        () => client.getBucketPolicy(uri.bucket),
        (status) =>
          status === 403 ? 'Not available: GetPolicy permission is needed to read the policy'
          : status === 405 ? 'Not available: Only the bucket owner can read the policy'
          : status === 404 || status === 501 ? 'none'
          : undefined,
      );
      lines.push(`   Policy:    ${policy}`);
      const cors = await optional(() => client.getBucketCors(uri.bucket), (status) => (status === 404 || status === 501 ? 'none' : undefined));
      lines.push(`   CORS:      ${cors}`);
      Object.assign(record, { policy, cors });
      try {
        const { grants } = await client.getAcl(uri.bucket, uri.key || undefined);
        for (const grant of grants) {
          const who = grant.displayName || (grant.granteeKind === 'URI' && grant.grantee === ALL_USERS_URI ? '*anon*' : grant.grantee);
          lines.push(`   ACL:       ${who}: ${grant.permission}`);
        }
        const anonRead = grants.some((g) => g.grantee === ALL_USERS_URI && (g.permission === 'READ' || g.permission === 'FULL_CONTROL'));
        if (anonRead) lines.push(`   URL:       ${objectUrl(ctx, uri.bucket, uri.key, ctx.config.public_url_use_https)}`);
        record['acl'] = grants;
      } catch (error) {
        if (!(error instanceof S3ServiceError && (error.status === 404 || error.status === 501))) throw error;
        lines.push('   ACL:       none');
      }
      for (const [name, value] of Object.entries(meta)) lines.push(`   ${name}: ${value}`);
    });
    if (printer.json) printer.print('', record);
    else for (const line of lines) printer.print(line);
  }
  return EX_OK;
}
