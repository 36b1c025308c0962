// `cp`, `mv` and `modify`: server-side copies (s3cmd's subcmd_cp_mv). The
// source's ACL goes with the copy unless -P/--acl-private says otherwise;
// with --add-header or --mime-type the metadata is replaced (starting from
// the source's), else copied. `mv` deletes the source after the copy,
// `modify` copies an object onto itself.

import { S3ServiceError } from '../../sdk/errors.js';
import type { Context } from '../context.js';
import { Scoreboard } from '../exit-codes.js';
import { describeS3Error, ParameterError } from '../failures.js';
import { printExcluded } from '../output.js';
import { fetchRemoteList } from '../remote-list.js';
import { formatS3Uri, parseS3Uri } from '../s3uri.js';

export type CopyAction = 'copy' | 'move' | 'modify';

const MESSAGES: Record<CopyAction, (src: string, dst: string, label: string) => string> = {
  copy: (src, dst, label) => `remote copy: '${src}' -> '${dst}'  ${label}`,
  move: (src, dst, label) => `move: '${src}' -> '${dst}'  ${label}`,
  modify: (src, _dst, label) => `modify: '${src}'  ${label}`,
};

/** Metadata an object keeps when its metadata is replaced. */
function keptHeaders(headers: Record<string, unknown>, removed: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const keep = name.startsWith('x-amz-meta-') || ['content-type', 'cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires', 'x-amz-website-redirect-location'].includes(name);
    if (keep && !removed.includes(name) && value !== undefined) kept[name] = String(value);
  }
  return kept;
}

/** An ACL operation, skipped (as s3cmd does) where the service does not implement ACLs. */
async function unlessNotImplemented<T>(operation: () => Promise<T>): Promise<T | undefined> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof S3ServiceError && error.status === 501) return undefined;
    throw error;
  }
}

/** s3cmd's object_copy; `extraHeaders` (sync's attributes and type) replace the metadata like --add-header. */
export async function copyOne(
  ctx: Context,
  source: { bucket: string; key: string },
  bucket: string,
  key: string,
  replaceMeta: boolean,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  const { client, config } = ctx;
  const acl = config.acl_public === undefined ? (await unlessNotImplemented(() => client.getAcl(source.bucket, source.key)))?.xml : undefined;
  let headers: Record<string, string> = {};
  const added = { ...config.extra_headers, ...extraHeaders };
  const replace = replaceMeta || Object.keys(added).length > 0 || config.mime_type !== '';
  if (replace) headers = keptHeaders(await client.headObject(source.bucket, source.key), config.remove_headers);
  if (config.acl_public) headers['x-amz-acl'] = 'public-read';
  headers['x-amz-storage-class'] = config.storage_class || (config.reduced_redundancy ? 'REDUCED_REDUNDANCY' : 'STANDARD');
  if (config.server_side_encryption) headers['x-amz-server-side-encryption'] = 'AES256';
  Object.assign(headers, added);
  if (config.mime_type) headers['content-type'] = config.mime_type;
  headers['x-amz-metadata-directive'] = replace ? 'REPLACE' : 'COPY';
  await client.copyObject({ bucket: source.bucket, key: source.key }, bucket, key, headers);
  if (acl !== undefined) await unlessNotImplemented(() => client.putAcl(bucket, key, acl));
}

export async function copyCommand(ctx: Context, args: string[], action: CopyAction): Promise<number> {
  const { config, client, printer } = ctx;
  const sources = [...args];
  let base: string | undefined;
  if (action === 'modify') {
    if (sources.length < 1) throw new ParameterError('Expecting one or more S3 URIs for modify');
  } else {
    if (sources.length < 2) throw new ParameterError(`Expecting two or more S3 URIs for ${action}`);
    const destination = parseS3Uri(sources.pop()!);
    if (!destination) throw new ParameterError("Destination must be S3 URI. To download a file use 'get' or 'sync'.");
    base = formatS3Uri(destination);
  }
  const { items, excluded } = await fetchRemoteList(client, printer, sources, { recursive: config.recursive, requireAttribs: false, filters: ctx.filters });
  if (base !== undefined && !base.endsWith('/') && (items.length > 1 || config.recursive)) {
    throw new ParameterError("Destination must be a directory and end with '/' when acting on a folder content or on multiple sources.");
  }
  const targets = items.map((item) => (base === undefined ? item.uri : base.endsWith('/') ? base + item.name : base));
  if (config.dry_run) {
    printExcluded(printer, excluded);
    items.forEach((item, i) => printer.print(`${action}: '${item.uri}' -> '${targets[i]}'`, { type: action, source: item.uri, destination: targets[i], dryRun: true }));
    printer.warning('Exiting now because of --dry-run');
    return 0;
  }
  const scoreboard = new Scoreboard();
  for (const [i, item] of items.entries()) {
    const target = parseS3Uri(targets[i]!)!;
    const label = `[${i + 1} of ${items.length}]`;
    try {
      await copyOne(ctx, item, target.bucket, target.key, action === 'modify');
      if (action === 'move') await client.deleteObject(item.bucket, item.key);
      printer.print(MESSAGES[action](item.uri, targets[i]!, label), { type: action, source: item.uri, destination: targets[i] });
      scoreboard.success();
    } catch (error) {
      if (!(error instanceof S3ServiceError)) throw error;
      if (error.code === 'NoSuchKey') {
        scoreboard.notFound();
        printer.warning(`Key not found ${item.uri}`);
      } else {
        scoreboard.failure();
        printer.error(`Copy failed for: '${item.uri}' (${describeS3Error(error)})`);
      }
      if (config.stop_on_error) break;
    }
  }
  return scoreboard.code();
}
