// --continue-put and --upload-id (s3cmd's object_put and MultiPartUpload):
// a file already uploaded whole (same size and MD5) is skipped, and a big
// file continues the one unfinished multipart upload of its key (or the one
// --upload-id names), keeping the parts that match. The warnings are
// s3cmd's, collected so that they print with the file's other lines.

import { stripQuotes } from '../sdk/results.js';
import type { PartVerdict } from '../sdk/upload.js';
import type { Context } from './context.js';
import { ParameterError } from './failures.js';

/** Whether the object is already there whole; the warnings to print either way. */
export async function alreadyUploaded(ctx: Context, bucket: string, key: string, size: number, md5: string, warnings: string[]): Promise<boolean> {
  const uri = `s3://${bucket}/${key}`;
  let headers;
  try {
    headers = await ctx.client.headObject(bucket, key);
  } catch {
    return false;
  }
  const remoteSize = Number(headers['content-length'] ?? -1);
  const remoteMd5 = stripQuotes(String(headers['etag'] ?? ''));
  if (remoteSize !== size) warnings.push(`MultiPart: size (${remoteSize} vs ${size}) does not match for ${uri}, reuploading.`);
  else if (remoteMd5 !== md5) warnings.push(`MultiPart: checksum (${remoteMd5} vs ${md5}) does not match for ${uri}, reuploading.`);
  else {
    warnings.push(`Put: size and md5sum match for ${uri}, skipping.`);
    return true;
  }
  return false;
}

/** The upload to continue: --upload-id, or with --continue-put the only unfinished one of the key; undefined to start one. */
export async function uploadToContinue(ctx: Context, bucket: string, key: string): Promise<string | undefined> {
  if (ctx.config.upload_id) return ctx.config.upload_id;
  if (!ctx.config.put_continue) return undefined;
  const uploads = (await ctx.client.listMultipartUploads(bucket, key)).filter((upload) => upload.key === key);
  if (uploads.length > 1) {
    const uri = `s3://${bucket}/${key}`;
    throw new ParameterError(
      `More than one UploadId for URI ${uri}.  Disable multipart upload, or use\n ${ctx.program} multipart ${uri}\nto list the Ids, then pass a unique --upload-id into the put command.`,
    );
  }
  return uploads[0]?.uploadId;
}

/** s3cmd's warning for one part of a continued upload. */
export function partWarning(uri: string, partNumber: number, verdict: PartVerdict): string {
  if (verdict.match) return `MultiPart: size and md5sum match for ${uri} part ${partNumber}, skipping.`;
  if (verdict.reason === 'size') return `MultiPart: size (${verdict.remote} vs ${verdict.local}) does not match for ${uri} part ${partNumber}, reuploading.`;
  return `MultiPart: checksum (${verdict.remote} vs ${verdict.local}) does not match for ${uri} part ${partNumber}, reuploading.`;
}
