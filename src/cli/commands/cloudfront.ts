// s3cmd's CloudFront commands (cflist, cfinfo, cfcreate, cfdelete,
// cfmodify, cfinvalinfo) drive AWS's CDN, not S3: the client says so and
// exits as s3cmd does for an operation the service does not implement (11).

import type { Context } from '../context.js';
import { EX_SERVERERROR } from '../exit-codes.js';

export function cloudfrontUnsupported(command: string) {
  return async (ctx: Context): Promise<number> => {
    ctx.printer.error(`'${command}' is not supported: CloudFront is an AWS content delivery service, not part of S3, and ${ctx.program} does not manage it.`);
    return EX_SERVERERROR;
  };
}
