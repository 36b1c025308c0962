// `setacl s3://BUCKET[/OBJECT]` (s3cmd's cmd_setacl and update_acl): make a
// bucket or objects public (-P) or private (--acl-private), and add or
// remove grants (--acl-grant/--acl-revoke, granted first, revoked last);
// with --recursive every object under the URI, filtered as s3cmd filters.

import { Acl } from '../acl.js';
import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { printExcluded } from '../output.js';
import { fetchRemoteList } from '../remote-list.js';
import { parseS3Uri } from '../s3uri.js';

async function updateAcl(ctx: Context, bucket: string, key: string | undefined, label: string): Promise<void> {
  const { client, config, printer } = ctx;
  const uri = `s3://${bucket}/${key ?? ''}`;
  const acl = Acl.parse((await client.getAcl(bucket, key)).xml);
  let changed = false;
  if (config.acl_public === true) {
    if (acl.isAnonRead()) printer.info(`${uri}: already Public, skipping ${label}`);
    else {
      acl.grantAnonRead();
      changed = true;
    }
  } else if (config.acl_public === false) {
    if (!acl.isAnonRead() && !acl.isAnonWrite()) printer.info(`${uri}: already Private, skipping ${label}`);
    else {
      acl.revokeAnonRead();
      acl.revokeAnonWrite();
      changed = true;
    }
  }
  for (const grant of config.acl_grants) acl.grant(grant);
  for (const revoke of config.acl_revokes) acl.revoke(revoke);
  if (!changed && config.acl_grants.length === 0 && config.acl_revokes.length === 0) return;
  await client.putAcl(bucket, key, acl.toXml());
  if (config.acl_public !== undefined) {
    printer.print(`${uri}: ACL set to ${config.acl_public ? 'Public' : 'Private'}  ${label}`, { type: 'acl', uri, public: config.acl_public });
  } else printer.print(`${uri}: ACL updated`, { type: 'acl', uri });
}

export async function setacl(ctx: Context, args: string[]): Promise<number> {
  const { config, printer, client, filters } = ctx;
  const objects: string[] = [];
  for (const arg of args) {
    const uri = parseS3Uri(arg);
    if (!uri) throw new ParameterError(`Expecting S3 URI instead of '${arg}'`);
    if (config.recursive || uri.key) {
      objects.push(arg);
      continue;
    }
    const to = config.acl_public === undefined ? '' : ` to ${config.acl_public ? 'Public' : 'Private'}`;
    printer.info(`Setting bucket-level ACL for s3://${uri.bucket}/${to}`);
    if (!config.dry_run) await updateAcl(ctx, uri.bucket, undefined, '');
  }
  const { items, excluded } = objects.length > 0 ? await fetchRemoteList(client, printer, objects, { recursive: config.recursive, requireAttribs: false, filters }) : { items: [], excluded: [] };
  printer.info(`Summary: ${items.length} remote files to update`);
  if (config.dry_run) {
    printExcluded(printer, excluded);
    for (const item of items) printer.print(`setacl: '${item.uri}'`, { type: 'acl', uri: item.uri, dryRun: true });
    printer.warning('Exiting now because of --dry-run');
    return EX_OK;
  }
  for (const [i, item] of items.entries()) await updateAcl(ctx, item.bucket, item.key, `[${i + 1} of ${items.length}]`);
  return EX_OK;
}
