// s3cmd's command-line options (those the implemented commands use, under
// s3cmd's names) plus the client's own (--json, --parallel, --v4, bench's), and how
// they override the configuration, as s3cmd's main() applies them.

import { Option, type Command } from 'commander';
import { parseAclSpec, type AclSpec } from './acl.js';
import { ParameterError } from './failures.js';
import { setOption, type OptionName, type S3Config } from './s3cfg.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addS3cmdOptions(program: Command): Command {
  return program
    .option('-c, --config <file>', 'config file name (default $S3CMD_CONFIG or ~/.s3cfg)')
    .option('--access_key <key>', 'S3 access key')
    .option('--secret_key <key>', 'S3 secret key')
    .option('--access_token <token>', 'S3 session token')
    .option('--dump-config', 'print the configuration after the file and options are read, and exit')
    .option('-n, --dry-run', 'only show what would be transferred or deleted')
    .option('-s, --ssl', 'use HTTPS')
    .option('--no-ssl', "don't use HTTPS")
    .option('-f, --force', 'overwrite, and other dangerous operations')
    .option('--continue', 'continue a partial download [get]')
    .option('--continue-put', 'continue uploads: skip files and parts already there with the same size and MD5 [put, sync]')
    .option('--upload-id <id>', 'the multipart upload to continue [put]')
    .option('--skip-existing', 'skip files that exist at the destination [get]')
    .option('-r, --recursive', 'recursive upload, download or removal')
    .option('--check-md5', 'store the MD5 in s3cmd-attrs (default)')
    .option('--no-check-md5', 'do not store the MD5 in s3cmd-attrs')
    .option('-P, --acl-public', 'store objects readable by anyone')
    .option('--acl-private', 'store objects readable by the owner only')
    .option('--region, --bucket-location <region>', 'region to create buckets in and to sign for')
    .option('--host <host>', 'HOST[:PORT] of the S3 endpoint (host_base)')
    .option('--host-bucket <template>', 'DNS-style bucket+hostname:port template (host_bucket)')
    .option('--rr, --reduced-redundancy', 'store with REDUCED_REDUNDANCY')
    .option('--no-rr, --no-reduced-redundancy', 'store with STANDARD')
    .option('--storage-class <class>', 'store objects with this storage class')
    .option('--default-mime-type <type>', 'MIME type when none is guessed')
    .option('-M, --guess-mime-type', 'guess MIME types from file extensions')
    .option('--no-guess-mime-type', 'use the default MIME type')
    .option('--no-mime-magic', 'guess MIME types from extensions only')
    .option('-m, --mime-type <type>', 'force this MIME type')
    .option('--add-header <name:value>', 'add an HTTP header to uploads (repeatable)', collect)
    .option('--remove-header <name>', 'remove a header [modify] (repeatable)', collect)
    .option('--server-side-encryption', 'ask for server-side encryption')
    .option('--server-side-encryption-kms-id <id>', 'SSE-KMS key id')
    .option('--encoding <encoding>', 'charset added with --add-encoding-exts')
    .option('--add-encoding-exts <exts>', 'add a charset to the Content-Type of these extensions (css,js,html)')
    .option('--disable-multipart', 'upload big files with one PUT')
    .option('--multipart-chunk-size-mb <size>', 'multipart part size and threshold in MiB (default 15)')
    .option('--delete-removed', 'delete destination objects with no corresponding source file [sync]')
    .option('--no-delete-removed', "don't delete destination objects [sync]")
    .option('--delete-after', 'perform deletes after new uploads when delete-removed is enabled [sync]')
    .option('--max-delete <n>', 'do not delete more than NUM files [del, sync]')
    .option('--add-destination <uri>', 'additional destination for parallel uploads, in addition to last arg (repeatable) [sync]', collect)
    .option('--cache-file <file>', 'cache FILE containing local source MD5 values [sync]')
    .option('--stats', 'give some file-transfer stats [sync]')
    .option('--delete-after-fetch', 'delete remote objects after fetching them [get, sync]')
    .option('--exclude <glob>', 'filenames and paths matching GLOB are excluded (repeatable)', collect)
    .option('--exclude-from <file>', 'read --exclude GLOBs from FILE', collect)
    .option('--rexclude <regexp>', 'filenames and paths matching REGEXP are excluded (repeatable)', collect)
    .option('--rexclude-from <file>', 'read --rexclude REGEXPs from FILE', collect)
    .option('--include <glob>', 'filenames and paths matching GLOB are included even if excluded', collect)
    .option('--include-from <file>', 'read --include GLOBs from FILE', collect)
    .option('--rinclude <regexp>', 'as --include but with a REGEXP', collect)
    .option('--rinclude-from <file>', 'read --rinclude REGEXPs from FILE', collect)
    .option('--files-from <file>', 'read the list of source files from FILE (- for stdin)', collect)
    .option('--acl-grant <permission:grantee>', 'grant PERMISSION (read, write, read_acp, write_acp, full_control, all) to GRANTEE', parseAclSpec('--acl-grant'))
    .option('--acl-revoke <permission:grantee>', 'revoke PERMISSION from GRANTEE', parseAclSpec('--acl-revoke'))
    .option('--expiry-date <date>', 'objects expire on this date [expire]')
    .option('--expiry-days <days>', 'objects expire this many days after creation [expire]')
    .option('--expiry-prefix <prefix>', 'apply the expiry to objects under this prefix [expire]')
    .option('-D, --restore-days <n>', 'days to keep a restored object available [restore] (default 1)')
    .addOption(new Option('--restore-priority <priority>', 'restore priority [restore]').choices(['standard', 'expedited', 'bulk']))
    .option('--access-logging-target-prefix <uri>', 'target prefix for access logs (S3 URI) [accesslog]')
    .option('--no-access-logging', 'disable access logging [accesslog]')
    .option('--ws-index <file>', 'name of the index document [ws-create]')
    .option('--ws-error <file>', 'name of the error document [ws-create]')
    .option('--list-md5', 'include MD5 sums in listings [ls]')
    .option('-H, --human-readable-sizes', 'sizes in human readable form')
    .option('-l, --long-listing', 'long listing [ls]')
    .option('--limit <n>', 'list at most N entries [ls, la]')
    .option('--progress', 'show progress (default on a TTY)')
    .option('--no-progress', 'no progress meter (default elsewhere)')
    .option('--signature-v2', 'sign with AWS Signature Version 2')
    .option('-p, --preserve', 'store file attributes in s3cmd-attrs (default)')
    .option('--no-preserve', 'store only the MD5 in s3cmd-attrs')
    .option('-F, --follow-symlinks', 'follow symbolic links')
    .option('--stop-on-error', 'stop at the first failed transfer')
    .option('--requester-pays', 'set the requester-pays flag')
    .option('--delay-updates', '*OBSOLETE* put all updated files into place at end [sync]')
    .option('--no-encrypt', "don't encrypt files (there is no client-side encryption)")
    .option('--list-allow-unordered', 'ask for listings in any order, faster on some services (not an AWS standard)')
    .option('--no-connection-pooling', 'a new connection for every request')
    .option('--limit-rate <rate>', 'limit the upload or download speed to RATE bytes per second (k and m suffixes for KiB and MiB), all transfers together')
    .option('--ca-certs <file>', 'CA certificates to trust for HTTPS (instead of the system ones)')
    .option('--ssl-cert <file>', "the client's own certificate for HTTPS")
    .option('--ssl-key <file>', "the private key of the client's certificate")
    .option('--check-certificate', 'check the HTTPS certificate (default)')
    .option('--no-check-certificate', 'do not check the HTTPS certificate')
    .option('--check-hostname', "check the HTTPS certificate's host name (default)")
    .option('--no-check-hostname', "do not check the HTTPS certificate's host name")
    .option('--content-disposition <value>', 'response-content-disposition of a signed URL')
    .option('--content-type <value>', 'response-content-type of a signed URL')
    .option('-q, --quiet', 'silence output on stdout')
    .option('-v, --verbose', 'verbose output')
    .option('-d, --debug', 'debug output')
    .option('--version', 'show the version and exit')
    .option('--json', 'one JSON object per line instead of text')
    .option('--parallel <n>', 'transfers and parts in flight at once (default 8)')
    .option('--v4', 'signurl: a SigV4 presigned URL')
    .option('--only <workloads>', 'bench: run only these of small,list,large,multipart (comma-separated)')
    .option('--concurrent <n>', 'bench: small-object requests in flight (default 16)')
    .option('--duration <seconds>', 'bench: each small-object phase stops after this long (default 10)')
    .option('--objects <n>', 'bench: small objects written, and requests per phase at most (default 20000)')
    .option('--obj-size <size>', 'bench: small object size, e.g. 4KiB (default)')
    .option('--list-keys <n>', 'bench: keys listed (default 10000)')
    .option('--large-size <size>', 'bench: large object and multipart size (default 1GiB)')
    .option('--part-size <size>', 'bench: multipart part size (default 64MiB; parts in flight: --parallel)')
    .option('--keep', 'bench: leave the objects (and a created bucket) in place');
}

/** An optparse error: its usage line, then "PROGRAM: error: MESSAGE", exit 2. */
export class UsageError extends Error {}

/**
 * optparse's abbreviations: a long option may be given by any prefix that
 * names only it ("--dry" for --dry-run); a prefix of several is an error.
 * Subcommands (serve, admin...) take their own options whole.
 */
export function expandAbbreviations(program: Command, args: readonly string[]): string[] {
  const first = args.find((arg) => !arg.startsWith('-'));
  if (first !== undefined && program.commands.some((command) => command.name() === first)) return [...args];
  const options = program.options;
  const names = options.flatMap((option) => [option.short, option.long]).filter((name): name is string => name?.startsWith('--') ?? false);
  const takesValue = new Set(options.filter((option) => option.required || option.optional).flatMap((option) => [option.short, option.long]));
  const expanded: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      expanded.push(...args.slice(i));
      break;
    }
    const [name, ...value] = arg.split('=');
    let full = name!;
    if (arg.startsWith('--') && !names.includes(full)) {
      const matches = names.filter((candidate) => candidate.startsWith(full));
      if (matches.length > 1) throw new UsageError(`ambiguous option: ${full} (${matches.sort().join(', ')}?)`);
      if (matches.length === 1) full = matches[0]!;
    }
    expanded.push([full, ...value].join('='));
    // The value of an option that takes one is never an option itself.
    if (value.length === 0 && takesValue.has(full) && i + 1 < args.length) expanded.push(args[++i]!);
  }
  return expanded;
}

export type Flags = Record<string, unknown>;

/** Applies the flags that set configuration options, as s3cmd's main() does after reading the file. */
export function applyFlags(config: S3Config, flags: Flags, cliSet: (name: string) => boolean, env: NodeJS.ProcessEnv): void {
  const set = (option: OptionName, value: unknown) => {
    if (value !== undefined) setOption(config, option, String(value), env);
  };
  for (const header of (flags['addHeader'] as string[] | undefined) ?? []) {
    const colon = header.indexOf(':');
    if (colon < 0) throw new ParameterError(`Invalid header format: ${header}`);
    const name = header.slice(0, colon);
    const invalid = name.replace(/[a-zA-Z0-9\-.!#$%&*+^_|]/g, '');
    if (invalid) throw new ParameterError(`Invalid character(s) in header name '${name}': "${invalid.replaceAll(' ', '<space>').replaceAll('\t', '<tab>')}"`);
    config.extra_headers[name.trim().toLowerCase()] = header.slice(colon + 1).trim();
  }
  config.remove_headers = ((flags['removeHeader'] as string[] | undefined) ?? []).map((h) => h.toLowerCase());
  set('dry_run', flags['dryRun']);
  if (cliSet('ssl')) set('use_https', flags['ssl']);
  set('force', flags['force']);
  set('get_continue', flags['continue']);
  set('put_continue', flags['continuePut']);
  set('upload_id', flags['uploadId']);
  // s3cmd: an UploadId given means continuing.
  if (flags['uploadId']) config.put_continue = true;
  // Each key given alone replaces the file's (s3cmd updates every option the command line set).
  set('access_key', flags['access_key']);
  set('secret_key', flags['secret_key']);
  set('access_token', flags['access_token']);
  set('skip_existing', flags['skipExisting']);
  set('recursive', flags['recursive']);
  if (flags['aclPublic']) config.acl_public = true;
  if (flags['aclPrivate']) config.acl_public = false;
  set('bucket_location', flags['bucketLocation']);
  set('host_base', flags['host']);
  set('host_bucket', flags['hostBucket']);
  if (cliSet('reducedRedundancy')) set('reduced_redundancy', flags['reducedRedundancy']);
  set('storage_class', flags['storageClass']);
  set('default_mime_type', flags['defaultMimeType']);
  if (cliSet('guessMimeType')) set('guess_mime_type', flags['guessMimeType']);
  if (cliSet('mimeMagic')) set('use_mime_magic', flags['mimeMagic']);
  set('mime_type', flags['mimeType']);
  set('server_side_encryption', flags['serverSideEncryption']);
  set('kms_key', flags['serverSideEncryptionKmsId']);
  set('encoding', flags['encoding']);
  set('add_encoding_exts', flags['addEncodingExts']);
  if (flags['disableMultipart']) config.enable_multipart = false;
  set('multipart_chunk_size_mb', flags['multipartChunkSizeMb']);
  set('list_md5', flags['listMd5']);
  if (cliSet('deleteRemoved')) set('delete_removed', flags['deleteRemoved']);
  set('delete_after', flags['deleteAfter']);
  set('max_delete', flags['maxDelete']);
  set('delete_after_fetch', flags['deleteAfterFetch']);
  config.additional_destinations = (flags['addDestination'] as string[] | undefined) ?? [];
  set('cache_file', flags['cacheFile']);
  set('stats', flags['stats']);
  if (cliSet('checkMd5')) config.check_md5 = flags['checkMd5'] === true;
  config.acl_grants = (flags['aclGrant'] as AclSpec[] | undefined) ?? [];
  config.acl_revokes = (flags['aclRevoke'] as AclSpec[] | undefined) ?? [];
  set('expiry_date', flags['expiryDate']);
  set('expiry_days', flags['expiryDays']);
  set('expiry_prefix', flags['expiryPrefix']);
  set('restore_days', flags['restoreDays']);
  set('restore_priority', flags['restorePriority']);
  set('log_target_prefix', flags['accessLoggingTargetPrefix']);
  if (cliSet('accessLogging')) config.no_access_logging = true;
  set('website_index', flags['wsIndex']);
  set('website_error', flags['wsError']);
  set('human_readable_sizes', flags['humanReadableSizes']);
  set('long_listing', flags['longListing']);
  set('limit', flags['limit']);
  if (cliSet('progress')) set('progress_meter', flags['progress']);
  set('signature_v2', flags['signatureV2']);
  if (cliSet('preserve')) set('preserve_attrs', flags['preserve']);
  set('follow_symlinks', flags['followSymlinks']);
  set('stop_on_error', flags['stopOnError']);
  set('requester_pays', flags['requesterPays']);
  set('content_disposition', flags['contentDisposition']);
  set('content_type', flags['contentType']);
  if (flags['debug']) config.verbosity = 'DEBUG';
  else if (flags['verbose']) config.verbosity = 'INFO';
  set('delay_updates', flags['delayUpdates']);
  set('list_allow_unordered', flags['listAllowUnordered']);
  set('limitrate', flags['limitRate']);
  if (cliSet('connectionPooling')) set('connection_pooling', flags['connectionPooling']);
  set('ca_certs_file', flags['caCerts']);
  set('ssl_client_cert_file', flags['sslCert']);
  set('ssl_client_key_file', flags['sslKey']);
  if (cliSet('checkCertificate')) set('check_ssl_certificate', flags['checkCertificate']);
  if (cliSet('checkHostname')) set('check_ssl_hostname', flags['checkHostname']);
  if (config.multipart_chunk_size_mb < 5) {
    throw new ParameterError(`Chunk size ${config.multipart_chunk_size_mb} MB is too small, must be >= 5 MB. Please adjust --multipart-chunk-size-mb`);
  }
  if (config.multipart_chunk_size_mb > 5 * 1024) {
    throw new ParameterError(`Chunk size ${config.multipart_chunk_size_mb} MB is too large, must be <= 5120 MB. Please adjust --multipart-chunk-size-mb`);
  }
}
