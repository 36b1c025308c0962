// `sign STRING-TO-SIGN`: the V2 signature of a string with the secret key.

import { signStringV2 } from '../../auth/signing.js';
import type { Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';

export async function sign(ctx: Context, args: string[]): Promise<number> {
  const signature = signStringV2(ctx.config.secret_key, args.at(-1)!);
  ctx.printer.print(`Signature: ${signature}`, { type: 'signature', signature });
  return EX_OK;
}
