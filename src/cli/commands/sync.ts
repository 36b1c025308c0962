// `sync SOURCE... DESTINATION`: local → S3, S3 → local or S3 → S3, chosen
// by which arguments are s3:// URIs (s3cmd's cmd_sync).

import { SYNC_PARAM } from '../commands.js';
import type { Context } from '../context.js';
import { ParameterError } from '../failures.js';
import { parseS3Uri } from '../s3uri.js';
import { syncDown } from './sync-down.js';
import { syncRemote } from './sync-remote.js';
import { syncUp } from './sync-up.js';

export async function sync(ctx: Context, args: string[]): Promise<number> {
  if (args.length < 2) throw new ParameterError(`Too few parameters! Expected: ${SYNC_PARAM}`);
  if (ctx.config.delay_updates) ctx.printer.warning('`delay-updates` is obsolete.');
  if (args.includes('-')) throw new ParameterError("Stdin or stdout ('-') can't be used for a source or a destination with the sync command.");
  const fromS3 = parseS3Uri(args[0]!) !== undefined;
  const toS3 = parseS3Uri(args.at(-1)!) !== undefined;
  if (!fromS3 && toS3) return syncUp(ctx, args);
  if (fromS3 && !toS3) return syncDown(ctx, args);
  if (fromS3 && toS3) return syncRemote(ctx, args);
  throw new ParameterError(`Invalid source/destination: '${args.join("' '")}'`);
}
