// `accesslog s3://BUCKET` (s3cmd's cmd_accesslog with S3.get_accesslog and
// set_accesslog): shows a bucket's server access logging, enables it into
// --access-logging-target-prefix=s3://TARGET/PREFIX (with -P the logs are
// readable by anyone), or disables it with --no-access-logging. When S3
// refuses a target bucket the LogDelivery group may not write to, that
// group gets s3cmd's grants on it and the request is sent again.

import { S3ServiceError } from '../../sdk/errors.js';
import { elements, escapeXml, parseXml, text } from '../../sdk/xml.js';
import { Acl, ALL_USERS, grantXml, LOG_DELIVERY } from '../acl.js';
import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { formatS3Uri, parseS3Uri, type S3Uri } from '../s3uri.js';
import { bucketUri } from './bucket-config.js';

/** The BucketLoggingStatus s3cmd's AccessLog writes: empty (disabled), or logging into `target`. */
function loggingStatusXml(target: S3Uri | undefined, aclPublic: boolean): string {
  const xmlns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
  if (target === undefined) return `<BucketLoggingStatus ${xmlns}/>`;
  const grants = aclPublic ? `<TargetGrants>${grantXml({ kind: 'URI', name: ALL_USERS, permission: 'READ' })}</TargetGrants>` : '';
  return (
    `<BucketLoggingStatus ${xmlns}><LoggingEnabled><TargetBucket>${escapeXml(target.bucket)}</TargetBucket>` +
    `<TargetPrefix>${escapeXml(target.key)}</TargetPrefix>${grants}</LoggingEnabled></BucketLoggingStatus>`
  );
}

/** Where a BucketLoggingStatus sends the logs; undefined when logging is disabled. */
function loggingTarget(xml: string): S3Uri | undefined {
  const enabled = elements(parseXml(xml).root, 'LoggingEnabled')[0];
  return enabled && { bucket: text(enabled, 'TargetBucket') ?? '', key: text(enabled, 'TargetPrefix') ?? '' };
}

/** set_accesslog_acl: the LogDelivery group may write logs into the target bucket and read its ACL. */
async function allowLogDelivery(ctx: Context, bucket: string): Promise<void> {
  const acl = Acl.parse((await ctx.client.getAcl(bucket)).xml);
  acl.grant({ name: LOG_DELIVERY, permission: 'READ_ACP' });
  acl.grant({ name: LOG_DELIVERY, permission: 'WRITE' });
  await ctx.client.putAcl(bucket, undefined, acl.toXml());
}

async function setLogging(ctx: Context, bucket: string, target: S3Uri | undefined): Promise<void> {
  const body = loggingStatusXml(target, ctx.config.acl_public === true);
  const send = () => ctx.client.sendSubresource('PUT', bucket, undefined, 'logging', body);
  try {
    await send();
  } catch (error) {
    if (target === undefined || !(error instanceof S3ServiceError) || error.code !== 'InvalidTargetBucketForLogging') throw error;
    ctx.printer.info('Setting up log-delivery ACL for target bucket.');
    await allowLogDelivery(ctx, target.bucket);
    await send();
  }
}

export async function accesslog(ctx: Context, args: string[]): Promise<number> {
  const { client, config, printer } = ctx;
  const uri = bucketUri(args.at(-1)!);
  if (uri.key) throw new ParameterError('Only bucket name is required for [accesslog] command');
  let target: S3Uri | undefined;
  if (config.no_access_logging) {
    await setLogging(ctx, uri.bucket, undefined);
  } else if (config.log_target_prefix) {
    target = parseS3Uri(config.log_target_prefix);
    if (target === undefined) throw new ParameterError('--log-target-prefix must be a S3 URI');
    await setLogging(ctx, uri.bucket, target);
  } else {
    target = loggingTarget(await client.getSubresource(uri.bucket, undefined, 'logging'));
  }
  const shown = formatS3Uri(uri);
  const targetPrefix = target && formatS3Uri(target);
  printer.print(`Access logging for: ${shown}`, { type: 'accesslog', uri: shown, enabled: target !== undefined, ...(targetPrefix ? { targetPrefix } : {}) });
  printer.print(`   Logging Enabled: ${target ? 'True' : 'False'}`);
  if (targetPrefix) printer.print(`     Target prefix: ${targetPrefix}`);
  return EX_OK;
}
