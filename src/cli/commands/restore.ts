// `restore s3://BUCKET/OBJECT` (s3cmd's cmd_object_restore): ask for
// archived objects to be restored for --restore-days at --restore-priority;
// directory markers are skipped, a restore already under way only warned of.

import { escapeXml } from '../../sdk/xml.js';
import { S3ServiceError } from '../../sdk/errors.js';
import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { printExcluded } from '../output.js';
import { fetchRemoteList } from '../remote-list.js';

const PRIORITIES = ['Standard', 'Expedited', 'Bulk'];

export async function restore(ctx: Context, args: string[]): Promise<number> {
  const { config, client, printer, filters } = ctx;
  if (config.restore_days < 1) throw new ParameterError('You must restore a file for 1 or more days');
  const priority = config.restore_priority.charAt(0).toUpperCase() + config.restore_priority.slice(1).toLowerCase();
  if (!PRIORITIES.includes(priority)) throw new ParameterError('Valid restoration priorities: bulk, standard, expedited');
  const { items, excluded } = await fetchRemoteList(client, printer, args, { recursive: config.recursive, requireAttribs: false, filters });
  printer.info(`Summary: Restoring ${items.length} remote files for ${config.restore_days} days at ${priority} priority`);
  if (config.dry_run) {
    printExcluded(printer, excluded);
    for (const item of items) printer.print(`restore: '${item.uri}'`, { type: 'restore', uri: item.uri, dryRun: true });
    printer.warning('Exiting now because of --dry-run');
    return EX_OK;
  }
  const body = `<RestoreRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Days>${config.restore_days}</Days><GlacierJobParameters><Tier>${escapeXml(priority)}</Tier></GlacierJobParameters></RestoreRequest>`;
  for (const item of items) {
    if (item.uri.endsWith('/')) continue;
    try {
      await client.sendSubresource('POST', item.bucket, item.key, 'restore', body);
      printer.print(`restore: '${item.uri}'`, { type: 'restore', uri: item.uri });
    } catch (error) {
      if (!(error instanceof S3ServiceError) || error.code !== 'RestoreAlreadyInProgress') throw error;
      printer.warning(`${error.message}: ${item.uri}`);
    }
  }
  return EX_OK;
}
