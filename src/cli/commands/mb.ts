// `mb s3://BUCKET`: create a bucket (in bucket_location; -P makes it public-read).

import type { Context } from '../context.js';
import type { S3Config } from '../s3cfg.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { bucketOnly } from '../s3uri.js';
import { withBucketMessage } from './with-bucket-message.js';

/** s3cmd's check_bucket_name, strict (DNS) or lax. */
export function checkBucketName(bucket: string, dnsStrict: boolean): void {
  const invalid = (dnsStrict ? /[^a-z0-9.-]/ : /[^A-Za-z0-9._-]/).exec(bucket);
  if (invalid) {
    const allowed = dnsStrict
      ? 'lowercase us-ascii letters (a-z), digits (0-9), dot (.) and hyphen (-)'
      : 'us-ascii letters (a-z, A-Z), digits (0-9), dot (.), hyphen (-) and underscore (_)';
    throw new ParameterError(`Bucket name '${bucket}' contains disallowed character '${invalid[0]}'. The only supported ones are: ${allowed}.`);
  }
  if (bucket.length < 3) throw new ParameterError(`Bucket name '${bucket}' is too short (min 3 characters)`);
  if (bucket.length > 255) throw new ParameterError(`Bucket name '${bucket}' is too long (max 255 characters)`);
  if (!dnsStrict) return;
  if (bucket.length > 63) throw new ParameterError(`Bucket name '${bucket}' is too long (max 63 characters)`);
  if (bucket.includes('-.')) throw new ParameterError(`Bucket name '${bucket}' must not contain sequence '-.' for DNS compatibility`);
  if (bucket.includes('..')) throw new ParameterError(`Bucket name '${bucket}' must not contain sequence '..' for DNS compatibility`);
  if (!/^[0-9a-z]/.test(bucket)) throw new ParameterError(`Bucket name '${bucket}' must start with a letter or a digit`);
  if (!/[0-9a-z]$/.test(bucket)) throw new ParameterError(`Bucket name '${bucket}' must end with a letter or a digit`);
}

/** The LocationConstraint a new bucket is created with: none for US (us-east-1). */
export function newBucketLocation(config: S3Config): string | undefined {
  const requested = config.bucket_location.trim();
  if (!requested || requested.toUpperCase() === 'US' || requested.toLowerCase() === 'us-east-1') return undefined;
  return requested.toUpperCase() === 'EU' ? 'EU' : requested;
}

export async function mb(ctx: Context, args: string[]): Promise<number> {
  const { config } = ctx;
  for (const arg of args) {
    const bucket = bucketOnly(arg);
    const location = newBucketLocation(config);
    checkBucketName(bucket, location !== undefined);
    const headers = { ...config.extra_headers, ...(config.acl_public ? { 'x-amz-acl': 'public-read' } : {}) };
    await withBucketMessage(ctx, bucket, () => ctx.client.createBucket(bucket, { headers, ...(location ? { location } : {}) }));
    ctx.printer.print(`Bucket 's3://${bucket}/' created`, { type: 'bucketCreated', bucket });
  }
  return EX_OK;
}
