// `fixbucket s3://BUCKET[/PREFIX]` (s3cmd's cmd_fixbucket): every key under
// the prefix that holds a character XML cannot carry is moved (copied, then
// the original deleted) to a name with those characters spelled out, so the
// object can be listed, fetched and synced again. Unlike s3cmd, which reads
// one page of the listing, every page is read.

import { S3ServiceError } from '../../sdk/errors.js';
import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { hasCharacterReference, listedKeys, replaceNonprintables, unescapeReferences } from '../fixbucket-keys.js';
import { pythonRepr } from '../python-repr.js';
import { parseS3Uri } from '../s3uri.js';
import { copyOne } from './copy.js';

/** The keys under `prefix` as the listing's XML writes them, page by page (ListObjects V1, by marker). */
async function* rawKeys(ctx: Context, bucket: string, prefix: string): AsyncGenerator<string> {
  let marker: string | undefined;
  for (;;) {
    const xml = await ctx.client.listObjectsXml(bucket, { v1: true, prefix, ...(marker !== undefined ? { marker } : {}) });
    const keys = listedKeys(xml);
    yield* keys;
    if (!xml.includes('<IsTruncated>true</IsTruncated>') || keys.length === 0) return;
    marker = unescapeReferences(keys.at(-1)!);
  }
}

export async function fixbucket(ctx: Context, args: string[]): Promise<number> {
  const { client, config, printer } = ctx;
  let count = 0;
  for (const arg of args) {
    const culprit = parseS3Uri(arg);
    if (!culprit) throw new ParameterError(`Expecting S3Uri instead of: ${arg}`);
    const { bucket } = culprit;
    for await (const listed of rawKeys(ctx, bucket, culprit.key)) {
      if (!hasCharacterReference(listed)) continue;
      printer.info(`Fixing: ${listed}`);
      const key = unescapeReferences(listed);
      const fixed = replaceNonprintables(key);
      const record = { type: 'fixbucket', bucket, key, fixed };
      if (config.dry_run) {
        printer.print(`[--dry-run] File ${pythonRepr(key)} would be renamed to ${fixed}`, { ...record, dryRun: true });
        continue;
      }
      try {
        await copyOne(ctx, { bucket, key }, bucket, fixed, false);
        await client.deleteObject(bucket, key);
        printer.print(`File '${pythonRepr(key)}' renamed to '${fixed}'`, record);
        count++;
      } catch (error) {
        if (!(error instanceof S3ServiceError)) throw error;
        printer.error(`Something went wrong for: ${pythonRepr(listed)}`);
      }
    }
  }
  if (count > 0) {
    printer.warning(`Fixed ${count} files' names. Their ACL were reset to Private.`);
    printer.warning(`Use '${ctx.program} setacl --acl-public s3://...' to make`);
    printer.warning('them publicly readable if required.');
  }
  return EX_OK;
}
