// `signurl s3://BUCKET/OBJECT <expiry_epoch|+expiry_offset>`: a URL that
// lets anyone GET the object until the expiry. SigV2 query signing as s3cmd
// prints it; with --v4 a SigV4 presigned URL (at most 7 days).

import { uriEncode } from '../../auth/uri-encode.js';
import { MAX_PRESIGN_V4_SECONDS } from '../../limits.js';
import { objectUrl, type Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { parseS3Uri } from '../s3uri.js';

/** time_to_epoch: "+N" seconds from now, or an epoch. */
function expiryEpoch(text: string, nowSeconds: number): number {
  const relative = /^\+(\d+)$/.exec(text);
  if (relative) return Math.trunc(nowSeconds + Number(relative[1]));
  if (/^\d+$/.test(text)) return Number(text);
  throw new ParameterError(`Unable to parse date or time '${text}'`);
}

export async function signurl(ctx: Context, args: string[]): Promise<number> {
  const [target, expiry] = args as [string, string];
  const uri = parseS3Uri(target);
  if (!uri) throw new ParameterError(`Must be S3Uri. Got: ${target}`);
  const now = Date.now();
  const expires = expiryEpoch(expiry, now / 1000);
  const https = ctx.config.signurl_use_https;
  let url: string;
  if (ctx.signurlV4) {
    const seconds = expires - Math.trunc(now / 1000);
    if (seconds < 1 || seconds > MAX_PRESIGN_V4_SECONDS) throw new ParameterError(`SigV4 URLs expire within 1 to ${MAX_PRESIGN_V4_SECONDS} seconds, not ${seconds}`);
    url = ctx.client.presignV4(uri.bucket, uri.key, seconds, { useHttps: https, now: new Date(now) });
  } else {
    url = `${objectUrl(ctx, uri.bucket, uriEncode(uri.key, true), https)}?${ctx.client.presignV2Query(uri.bucket, uri.key, expires)}`;
  }
  ctx.printer.print(url, { type: 'signedUrl', uri: `s3://${uri.bucket}/${uri.key}`, url, expires });
  return EX_OK;
}
