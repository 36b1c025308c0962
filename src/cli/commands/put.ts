// `put FILE [FILE...] s3://BUCKET[/PREFIX]`: upload files (-r: directories).
// Files go up in parallel, big ones as multipart uploads with parallel
// parts; each object carries s3cmd's x-amz-meta-s3cmd-attrs with the file's
// MD5, so that downloads of multipart objects can be verified. `put -`
// uploads standard input, as a multipart upload of unknown length.

import path from 'node:path';
import { putStreamMultipart } from '../../sdk/stream-upload.js';
import { partMd5s, putFile, putFileMultipart, type FileUpload, type TransferObserver } from '../../sdk/upload.js';
import { buildAttrs, ATTRS_HEADER } from '../attrs.js';
import { objectUrl, type Context } from '../context.js';
import { EX_OK } from '../exit-codes.js';
import { ParameterError } from '../failures.js';
import { alreadyUploaded, partWarning, uploadToContinue } from '../continue-put.js';
import { fileMd5 } from '../file-md5.js';
import { fileMd5OnWorker } from '../hash-worker.js';
import { fetchLocalList, type LocalItem } from '../local-list.js';
import { guessMimeType } from '../mime.js';
import { formatSize, printExcluded, transferLine } from '../output.js';
import { inOrder } from '../parallel.js';
import type { ProgressHandle } from '../progress.js';
import { formatS3Uri, parseS3Uri } from '../s3uri.js';

const MIB = 1024 * 1024;

/** The Content-Type of an upload: --mime-type, else guessed, else the default; with a charset for --add-encoding-exts. */
export function contentType(ctx: Context, file: string): string {
  const { config } = ctx;
  let type = config.mime_type || (config.guess_mime_type ? guessMimeType(file) : undefined) || config.default_mime_type;
  const exts = config.add_encoding_exts.split(',').filter((e) => e !== '');
  const ext = path.extname(file).slice(1);
  if (!type.includes('charset=') && ext && exts.includes(ext)) type += `; charset=${config.encoding.toUpperCase()}`;
  return type;
}

function storageClass(ctx: Context): string {
  return ctx.config.storage_class || (ctx.config.reduced_redundancy ? 'REDUCED_REDUNDANCY' : 'STANDARD');
}

/** A transfer's progress told what the upload reports. */
function observed(handle: ProgressHandle): TransferObserver {
  return { bytes: (n) => handle.update(n), done: (ok) => handle.done(ok ? 'done' : 'failed') };
}

/** The headers every upload sends: --add-header, the type, ACL, storage class and encryption. */
function uploadHeaders(ctx: Context, type: string): Record<string, string> {
  const { config } = ctx;
  const headers: Record<string, string> = { ...config.extra_headers, 'content-type': type };
  if (config.acl_public) headers['x-amz-acl'] = 'public-read';
  headers['x-amz-storage-class'] = storageClass(ctx);
  if (config.server_side_encryption) headers['x-amz-server-side-encryption'] = 'AES256';
  if (config.kms_key) {
    headers['x-amz-server-side-encryption'] = 'aws:kms';
    headers['x-amz-server-side-encryption-aws-kms-key-id'] = config.kms_key;
  }
  return headers;
}

/** Uploads one file (its MD5 computed unless known); returns what prints its line once earlier lines are out. */
export async function uploadOne(ctx: Context, item: LocalItem, remote: string, seqLabel: string, knownMd5?: string): Promise<() => void> {
  const { config, client, progress, printer } = ctx;
  const target = parseS3Uri(remote)!;
  const chunk = config.multipart_chunk_size_mb * MIB;
  const headers = uploadHeaders(ctx, contentType(ctx, item.path));
  const upload = (md5: string | undefined): FileUpload => {
    // --no-check-md5 takes the MD5 out of s3cmd's attributes too.
    const attrs = buildAttrs(item.stat, config.check_md5 ? md5 : undefined, config.preserve_attrs);
    return { bucket: target.bucket, key: target.key, file: item.path, size: item.stat.size, headers: attrs ? { ...headers, [ATTRS_HEADER]: attrs } : headers };
  };
  const wholeFileMd5 = async () => knownMd5 ?? (await fileMd5(item.path));
  const labels = { action: 'upload' as const, source: item.path, destination: remote };
  const started = Date.now();
  const warnings: string[] = [];
  const emitWarnings = () => warnings.forEach((warning) => printer.warning(warning));
  // s3cmd's -v line for each request that sends the file or one of its parts.
  let requests = 0;
  let md5: string | undefined;
  if (config.enable_multipart && item.stat.size > chunk) {
    if (item.stat.size > config.multipart_max_chunks * chunk) {
      throw new ParameterError(`Chunk size ${config.multipart_chunk_size_mb} MB results in more than ${config.multipart_max_chunks} chunks. Please increase --multipart-chunk-size-mb`);
    }
    // The whole file's MD5 is read only to be stored. When it must be read, its parts' MD5s are read at the same time
    // on the other core and sent as Content-MD5; else each part's MD5 is computed as it goes up.
    let parts: string[] | undefined;
    if (config.check_md5 && knownMd5 === undefined) [md5, parts] = await Promise.all([fileMd5OnWorker(item.path, item.stat.size), partMd5s(item.path, item.stat.size, chunk)]);
    else if (config.check_md5) md5 = knownMd5;
    const uploadId = await uploadToContinue(ctx, target.bucket, target.key);
    await putFileMultipart(client, upload(md5), {
      partSize: chunk,
      concurrency: ctx.parallel,
      ...(parts ? { partMd5s: parts } : {}),
      ...(uploadId !== undefined ? { uploadId } : {}),
      onExistingPart: (partNumber, verdict) => warnings.push(partWarning(remote, partNumber, verdict)),
      onPart: (partNumber, partCount, size) => {
        requests++;
        const [value, unit] = formatSize(size, true);
        return observed(progress.start({ ...labels, extra: `[part ${partNumber} of ${partCount}, ${value}${unit}B] ${seqLabel}` }, size));
      },
    });
  } else {
    md5 = await wholeFileMd5();
    if (config.put_continue && (await alreadyUploaded(ctx, target.bucket, target.key, item.stat.size, md5, warnings))) return emitWarnings;
    requests++;
    const handle = progress.start({ ...labels, extra: seqLabel }, item.stat.size);
    await putFile(client, upload(md5), md5, observed(handle));
  }
  const seconds = (Date.now() - started) / 1000;
  return () => {
    emitWarnings();
    if (!config.progress_meter) {
      for (let i = 0; i < requests; i++) printer.info(`Sending file '${item.path}', please wait...`);
      printer.print(transferLine('upload', item.path, remote, item.stat.size, seconds, seqLabel), {
        type: 'upload', source: item.path, destination: remote, bytes: item.stat.size, seconds, md5,
      });
    }
  };
}

const STDIN = '<stdin>';

/** `put - s3://BUCKET/KEY`: standard input in parts of multipart_chunk_size_mb, sent in parallel (s3cmd sends them one by one). */
async function putStdin(ctx: Context, sources: string[], remote: string): Promise<number> {
  const { config, client, progress, printer } = ctx;
  if (sources.length > 1) throw new ParameterError("Cannot specify multiple local files if uploading from '-' (ie stdin)");
  if (remote.endsWith('/')) throw new ParameterError("Destination S3 URI must not end with '/' when uploading from stdin.");
  if (config.dry_run) {
    printer.print(`upload: '${STDIN}' -> '${remote}'`, { type: 'upload', source: STDIN, destination: remote, dryRun: true });
    printer.warning('Exiting now because of --dry-run');
    return EX_OK;
  }
  if (!config.enable_multipart) throw new ParameterError('Multi-part upload is required to upload from stdin');
  const target = parseS3Uri(remote)!;
  // s3cmd's type for standard input: never guessed, always with the charset.
  const headers = uploadHeaders(ctx, `${config.mime_type || config.default_mime_type}; charset=${config.encoding.toUpperCase()}`);
  const attrs = buildAttrs({ uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 }, undefined, config.preserve_attrs);
  if (attrs) headers[ATTRS_HEADER] = attrs;
  const uploadId = await uploadToContinue(ctx, target.bucket, target.key);
  const seqLabel = '[1 of 1]';
  const started = Date.now();
  const { size } = await putStreamMultipart(client, { bucket: target.bucket, key: target.key, headers }, process.stdin, {
    partSize: config.multipart_chunk_size_mb * MIB,
    concurrency: ctx.parallel,
    ...(uploadId !== undefined ? { uploadId } : {}),
    onExistingPart: (partNumber, verdict) => printer.warning(partWarning(remote, partNumber, verdict)),
    onPart: (partNumber, bytes) => {
      const [value, unit] = formatSize(bytes, true);
      return observed(progress.start({ action: 'upload', source: STDIN, destination: remote, extra: `[part ${partNumber} of -, ${value}${unit}B] ${seqLabel}` }, bytes));
    },
  });
  const seconds = (Date.now() - started) / 1000;
  // s3cmd prints "0 bytes" here (it counts a stream's size as 0); this is what was sent.
  if (!config.progress_meter) printer.print(transferLine('upload', STDIN, remote, size, seconds, seqLabel), { type: 'upload', source: STDIN, destination: remote, bytes: size, seconds });
  return EX_OK;
}

export async function put(ctx: Context, args: string[]): Promise<number> {
  const { config, printer } = ctx;
  const sources = [...args];
  if (sources.length === 0) throw new ParameterError('Nothing to upload. Expecting a local file or directory and a S3 URI destination.');
  const last = sources.pop()!;
  const destination = parseS3Uri(last);
  if (!destination) throw new ParameterError(`Destination must be S3Uri. Got: ${last}`);
  const base = formatS3Uri(destination);
  if (sources.length === 0) throw new ParameterError('Nothing to upload. Expecting a local file or directory.');
  if (sources.includes('-')) return putStdin(ctx, sources, base);
  const { items, excluded, singleFile } = await fetchLocalList(
    sources,
    { recursive: config.recursive, followSymlinks: config.follow_symlinks, filters: ctx.filters, filesFrom: ctx.filesFrom, cacheFile: config.cache_file },
    printer,
  );
  printer.info(`Summary: ${items.length} local files to upload`);
  if (items.length === 0) throw new ParameterError('Nothing to upload.');
  if (!base.endsWith('/') && !singleFile) {
    throw new ParameterError("Destination S3 URI must end with '/' (ie must refer to a directory on the remote side).");
  }
  const remotes = items.map((item) => (base.endsWith('/') ? base + item.name : base));
  if (config.dry_run) {
    printExcluded(printer, excluded);
    items.forEach((item, i) => printer.print(`upload: '${item.path}' -> '${remotes[i]}'`, { type: 'upload', source: item.path, destination: remotes[i], dryRun: true }));
    printer.warning('Exiting now because of --dry-run');
    return EX_OK;
  }
  await inOrder(items, ctx.parallel, async (item, i) => {
    const emit = await uploadOne(ctx, item, remotes[i]!, `[${i + 1} of ${items.length}]`);
    return () => {
      emit();
      const target = parseS3Uri(remotes[i]!)!;
      if (config.acl_public) printer.print(`Public URL of the object is: ${objectUrl(ctx, target.bucket, target.key, config.public_url_use_https)}`);
    };
  });
  return EX_OK;
}
