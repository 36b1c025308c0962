// `settagging`, `gettagging` and `deltagging` for a bucket or an object
// (s3cmd 2.4's cmd_settagging, cmd_gettagging, cmd_deltagging): tags given
// as "KEY=VALUE&KEY=VALUE", listed one a line under the URI.

import { elements, escapeXml, parseXml, text } from '../../sdk/xml.js';
import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { formatS3Uri, parseS3Uri, type S3Uri } from '../s3uri.js';

function target(arg: string): S3Uri {
  const uri = parseS3Uri(arg);
  if (!uri?.bucket) throw new ParameterError(`Expecting S3 URI instead of '${arg}'`);
  return uri;
}

/** "KEY=VALUE&KEY=VALUE": a value may hold '=', a missing one is empty, a key may not be. */
export function parseTagSet(spec: string): [string, string][] {
  return spec.split('&').map((pair) => {
    const equals = pair.indexOf('=');
    const key = equals < 0 ? pair : pair.slice(0, equals);
    if (!key) throw new ParameterError('Tag key should not be empty');
    return [key, equals < 0 ? '' : pair.slice(equals + 1)];
  });
}

export async function settagging(ctx: Context, args: string[]): Promise<number> {
  const uri = target(args[0]!);
  const tags = parseTagSet(args[1]!);
  const body = `<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>${tags
    .map(([key, value]) => `<Tag><Key>${escapeXml(key)}</Key><Value>${escapeXml(value)}</Value></Tag>`)
    .join('')}</TagSet></Tagging>`;
  const status = await ctx.client.sendSubresource('PUT', uri.bucket, uri.key || undefined, 'tagging', body, { 'content-type': 'application/xml' });
  if (status === 200 || status === 204) ctx.printer.print(`${formatS3Uri(uri)}: Tagging updated`, { type: 'tagging', uri: formatS3Uri(uri), tags: Object.fromEntries(tags) });
  return EX_OK;
}

export async function gettagging(ctx: Context, args: string[]): Promise<number> {
  const uri = target(args[0]!);
  const xml = await ctx.client.getSubresource(uri.bucket, uri.key || undefined, 'tagging');
  const tagSet = elements(parseXml(xml).root, 'TagSet')[0];
  const tags = (tagSet ? elements(tagSet, 'Tag') : []).map((tag) => [text(tag, 'Key') ?? '', text(tag, 'Value') ?? ''] as const);
  const { printer } = ctx;
  printer.print(`${formatS3Uri(uri)} (${uri.key ? 'object' : 'bucket'}):`);
  for (const [key, value] of tags) printer.print(`\t${key}:\t${value}`);
  if (printer.json) printer.print('', { type: 'tagging', uri: formatS3Uri(uri), tags: Object.fromEntries(tags) });
  return EX_OK;
}

export async function deltagging(ctx: Context, args: string[]): Promise<number> {
  const uri = target(args[0]!);
  await ctx.client.deleteSubresource(uri.bucket, uri.key || undefined, 'tagging');
  ctx.printer.print(`${formatS3Uri(uri)}: Tagging deleted`, { type: 'tagging', uri: formatS3Uri(uri), deleted: true });
  return EX_OK;
}
