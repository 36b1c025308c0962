// The bucket configuration commands (s3cmd's cmd_setpolicy, cmd_delpolicy,
// cmd_setcors, cmd_delcors, cmd_setlifecycle, cmd_getlifecycle,
// cmd_dellifecycle, cmd_set_payer, cmd_expiration_set, and 2.4's getpolicy,
// getcors and setversioning): each sends one request and prints s3cmd's
// line, only for the status s3cmd prints it for. A server without the
// feature answers 501, which main reports as s3cmd does (exit 11).

import { readFile } from 'node:fs/promises';
import { escapeXml } from '../../sdk/xml.js';
import type { Context } from '../context.js';
import { EX_CONFLICT, EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { prettyXml } from '../pretty-xml.js';
import { bucketOnly, formatS3Uri, parseS3Uri, type S3Uri } from '../s3uri.js';
import { withBucketMessage } from './with-bucket-message.js';

/** The s3:// URI of a bucket command's argument. */
export function bucketUri(arg: string): S3Uri {
  const uri = parseS3Uri(arg);
  if (!uri?.bucket) throw new ParameterError(`Expecting S3 URI instead of '${arg}'`);
  return uri;
}

interface ConfigKind {
  subresource: string;
  /** What s3cmd calls it in "s3://b/: Policy updated". */
  title: string;
  contentType?: string;
  /** The status s3cmd prints "updated" for (its checks differ: 204 for policy and CORS, 200 for lifecycle). */
  updatedStatus: number;
}

const KINDS: Record<'policy' | 'cors' | 'lifecycle', ConfigKind> = {
  policy: { subresource: 'policy', title: 'Policy', contentType: 'application/json', updatedStatus: 204 },
  cors: { subresource: 'cors', title: 'CORS', contentType: 'application/xml', updatedStatus: 204 },
  lifecycle: { subresource: 'lifecycle', title: 'Lifecycle Policy', updatedStatus: 200 },
};

/** `setpolicy|setcors|setlifecycle FILE s3://BUCKET`. */
export function setConfig(kind: keyof typeof KINDS) {
  const { subresource, title, contentType, updatedStatus } = KINDS[kind];
  return async (ctx: Context, args: string[]): Promise<number> => {
    const uri = bucketUri(args[1]!);
    const body = await readFile(args[0]!, 'utf8');
    if (ctx.config.dry_run) return EX_OK;
    const status = await ctx.client.sendSubresource('PUT', uri.bucket, undefined, subresource, body, contentType ? { 'content-type': contentType } : {});
    if (status === updatedStatus) ctx.printer.print(`${formatS3Uri(uri)}: ${title} updated`, { type: kind, uri: formatS3Uri(uri), updated: true });
    return EX_OK;
  };
}

/** `delpolicy|delcors|dellifecycle s3://BUCKET`. */
export function deleteConfig(kind: keyof typeof KINDS) {
  const { subresource, title } = KINDS[kind];
  return async (ctx: Context, args: string[]): Promise<number> => {
    const uri = bucketUri(args[0]!);
    if (ctx.config.dry_run) return EX_OK;
    await ctx.client.deleteSubresource(uri.bucket, undefined, subresource);
    ctx.printer.print(`${formatS3Uri(uri)}: ${title} deleted`, { type: kind, uri: formatS3Uri(uri), deleted: true });
    return EX_OK;
  };
}

/** `getpolicy|getcors s3://BUCKET`: the document as the server keeps it; `getlifecycle` laid out as minidom does. */
export function getConfig(kind: keyof typeof KINDS) {
  return async (ctx: Context, args: string[]): Promise<number> => {
    const uri = bucketUri(args[0]!);
    const body = await ctx.client.getSubresource(uri.bucket, undefined, KINDS[kind].subresource);
    ctx.printer.print(kind === 'lifecycle' ? prettyXml(body) : body, { type: kind, uri: formatS3Uri(uri), document: body });
    return EX_OK;
  };
}

/** `payer s3://BUCKET`: BucketOwner, or Requester with --requester-pays. */
export async function payer(ctx: Context, args: string[]): Promise<number> {
  const uri = bucketUri(args[0]!);
  if (ctx.config.dry_run) return EX_OK;
  const who = ctx.config.requester_pays ? 'Requester' : 'BucketOwner';
  const body = `<RequestPaymentConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n<Payer>${who}</Payer>\n</RequestPaymentConfiguration>\n`;
  const status = await ctx.client.sendSubresource('PUT', uri.bucket, undefined, 'requestPayment', body, { 'content-type': 'application/xml' });
  const updated = status === 200;
  ctx.printer.print(`${formatS3Uri(uri)}: Payer ${updated ? '' : 'NOT '}updated`, { type: 'payer', uri: formatS3Uri(uri), payer: who, updated });
  return updated ? EX_OK : EX_CONFLICT;
}

/** `setversioning s3://BUCKET enable|disable` (s3cmd 2.4). */
export async function setversioning(ctx: Context, args: string[]): Promise<number> {
  const uri = bucketUri(args[0]!);
  if (uri.key) throw new ParameterError('Only bucket name is required for [setversioning] command');
  const status = args[1]!;
  if (status !== 'enable' && status !== 'disable') throw new ParameterError(`Must be 'enable' or 'disable'. Got: ${status}`);
  const state = status === 'enable' ? 'Enabled' : 'Suspended';
  const body = `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>${state}</Status></VersioningConfiguration>`;
  const answered = await ctx.client.sendSubresource('PUT', uri.bucket, undefined, 'versioning', body);
  if (answered === 200) ctx.printer.print(`${formatS3Uri(uri)}: Versioning ${state}`, { type: 'versioning', uri: formatS3Uri(uri), status: state });
  return EX_OK;
}

/** `expire s3://BUCKET`: one expiration rule from --expiry-days/--expiry-date (and --expiry-prefix), or none. */
export async function expire(ctx: Context, args: string[]): Promise<number> {
  const { config, client, printer } = ctx;
  for (const arg of args) {
    const bucket = bucketOnly(arg);
    const uri = `s3://${bucket}/`;
    if (config.expiry_date && config.expiry_days) throw new ParameterError('Expect either --expiry-day or --expiry-date');
    const when = config.expiry_date ? `<Date>${config.expiry_date}</Date>` : config.expiry_days ? `<Days>${config.expiry_days}</Days>` : undefined;
    if (when === undefined && config.expiry_prefix) throw new ParameterError('Expect either --expiry-day or --expiry-date');
    const status = await withBucketMessage(ctx, bucket, () =>
      when === undefined
        ? client.deleteSubresource(bucket, undefined, 'lifecycle')
        : client.sendSubresource('PUT', 
            bucket,
            undefined,
            'lifecycle',
            `<LifecycleConfiguration><Rule><Filter><Prefix>${escapeXml(config.expiry_prefix)}</Prefix></Filter><Status>Enabled</Status><Expiration>${when}</Expiration></Rule></LifecycleConfiguration>`,
          ),
    );
    if (status === 200) printer.print(`Bucket '${uri}': expiration configuration is set.`, { type: 'expiration', uri, set: true });
    else if (status === 204) printer.print(`Bucket '${uri}': expiration configuration is deleted.`, { type: 'expiration', uri, set: false });
  }
  return EX_OK;
}
