// s3cmd's configuration: the options of S3/Config.py with their defaults and
// types, read from an s3cfg file the way s3cmd's own ConfigParser reads it
// (every section, `key = rest of the line` with nothing stripped but
// surrounding blanks and one pair of double quotes, so values may hold ';'
// or '#'; `$NAME` takes the environment variable), then the AWS_* environment
// fallbacks s3cmd honours when no key is configured.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AclSpec } from './acl.js';
import { ConfigError, ParameterError } from './failures.js';

/** Every option s3cmd writes to an s3cfg, with its default (the type comes from it). */
const DEFAULTS = {
  access_key: '',
  access_token: '',
  add_encoding_exts: '',
  add_headers: '',
  bucket_location: 'US',
  ca_certs_file: '',
  cache_file: '',
  check_ssl_certificate: true,
  check_ssl_hostname: true,
  cloudfront_host: 'cloudfront.amazonaws.com',
  connection_max_age: 5,
  connection_pooling: true,
  content_disposition: '',
  content_type: '',
  default_mime_type: 'binary/octet-stream',
  delay_updates: false,
  delete_after: false,
  delete_after_fetch: false,
  delete_removed: false,
  dry_run: false,
  enable_multipart: true,
  encoding: 'UTF-8',
  encrypt: false,
  expiry_date: '',
  expiry_days: '',
  expiry_prefix: '',
  follow_symlinks: false,
  force: false,
  get_continue: false,
  gpg_command: '',
  gpg_decrypt: '%(gpg_command)s -d --verbose --no-use-agent --batch --yes --passphrase-fd %(passphrase_fd)s -o %(output_file)s %(input_file)s',
  gpg_encrypt: '%(gpg_command)s -c --verbose --no-use-agent --batch --yes --passphrase-fd %(passphrase_fd)s -o %(output_file)s %(input_file)s',
  gpg_passphrase: '',
  guess_mime_type: true,
  host_base: 's3.amazonaws.com',
  host_bucket: '%(bucket)s.s3.amazonaws.com',
  human_readable_sizes: false,
  invalidate_default_index_on_cf: false,
  invalidate_default_index_root_on_cf: true,
  invalidate_on_cf: false,
  kms_key: '',
  limit: -1,
  limitrate: 0,
  list_allow_unordered: false,
  list_md5: false,
  log_target_prefix: '',
  long_listing: false,
  max_delete: -1,
  mime_type: '',
  multipart_chunk_size_mb: 15,
  multipart_copy_chunk_size_mb: 1024,
  multipart_max_chunks: 10000,
  preserve_attrs: true,
  progress_meter: false,
  proxy_host: '',
  proxy_port: 3128,
  public_url_use_https: false,
  put_continue: false,
  recursive: false,
  recv_chunk: 65536,
  reduced_redundancy: false,
  requester_pays: false,
  restore_days: 1,
  restore_priority: 'Standard',
  secret_key: '',
  send_chunk: 65536,
  server_side_encryption: false,
  signature_v2: false,
  signurl_use_https: false,
  simpledb_host: 'sdb.amazonaws.com',
  skip_existing: false,
  socket_timeout: 300,
  ssl_client_cert_file: '',
  ssl_client_key_file: '',
  stats: false,
  stop_on_error: false,
  storage_class: '',
  throttle_max: 100,
  upload_id: '',
  urlencoding_mode: 'normal',
  use_http_expect: false,
  use_https: true,
  use_mime_magic: true,
  verbosity: 'WARNING',
  website_endpoint: 'http://%(bucket)s.s3-website-%(location)s.amazonaws.com/',
  website_error: '',
  website_index: 'index.html',
};

type Widen<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean : never;
export type OptionName = keyof typeof DEFAULTS;

export type S3Config = { [K in OptionName]: Widen<(typeof DEFAULTS)[K]> } & {
  /** Tri-state: undefined unless set (-P, --acl-private, or acl_public in the file). */
  acl_public: boolean | undefined;
  /** add_headers and --add-header, by lowercase name. */
  extra_headers: Record<string, string>;
  /** --remove-header names (lowercase), dropped when metadata is replaced. */
  remove_headers: string[];
  /** 'md5' in sync_checks (--no-check-md5 removes it): sync compares MD5s and stores them in s3cmd-attrs. */
  check_md5: boolean;
  /** --acl-grant / --acl-revoke. */
  acl_grants: AclSpec[];
  acl_revokes: AclSpec[];
  /** --add-destination: more destinations a local → S3 sync uploads to. */
  additional_destinations: string[];
  /** --no-access-logging (s3cmd's log_target_prefix = False): accesslog disables logging. */
  no_access_logging: boolean;
};

const LOG_LEVELS = new Set(['CRITICAL', 'FATAL', 'ERROR', 'WARN', 'WARNING', 'INFO', 'DEBUG', 'NOTSET']);
const TRUE = ['true', 'yes', 'on', '1'];
const FALSE = ['false', 'no', 'off', '0'];

export function isOption(name: string): name is OptionName {
  return Object.hasOwn(DEFAULTS, name);
}

export function defaultConfig(stdoutIsTty: boolean): S3Config {
  return { ...DEFAULTS, progress_meter: stdoutIsTty, acl_public: undefined, extra_headers: {}, remove_headers: [], check_md5: true, acl_grants: [], acl_revokes: [], additional_destinations: [], no_access_logging: false };
}

function parseBoolean(option: string, value: string): boolean {
  if (TRUE.includes(value.toLowerCase())) return true;
  if (FALSE.includes(value.toLowerCase())) return false;
  throw new ParameterError(`Config: value of option '${option}' must be Yes or No, not '${value}'`);
}

/** Config.update_option: converts `value` to the option's type and sets it. */
export function setOption(config: S3Config, option: OptionName | 'acl_public', raw: string, env: NodeJS.ProcessEnv): void {
  let value = raw;
  if (value.startsWith('$')) {
    const fromEnv = env[value.slice(1)];
    if (fromEnv === undefined) return;
    value = fromEnv;
  }
  if (option === 'acl_public') {
    config.acl_public = parseBoolean(option, value);
    return;
  }
  const type = typeof DEFAULTS[option];
  if (option === 'verbosity') {
    if (!/^-?\d+$/.test(value) && !LOG_LEVELS.has(value)) throw new ParameterError(`Config: verbosity level '${value}' is not valid`);
    config.verbosity = value;
  } else if (option === 'limitrate') {
    const shift = /[kK]$/.test(value) ? 10 : /[mM]$/.test(value) ? 20 : 0;
    const digits = shift ? value.slice(0, -1) : value;
    if (!/^\s*[+-]?\d+\s*$/.test(digits)) {
      throw new ParameterError(`Config: value of option ${option} must have suffix m, k, or nothing, not '${value}'`);
    }
    config.limitrate = Number(digits) * 2 ** shift;
  } else if (type === 'boolean') {
    (config as Record<string, unknown>)[option] = parseBoolean(option, value);
  } else if (type === 'number') {
    if (!/^\s*[+-]?\d+\s*$/.test(value)) throw new ParameterError(`Config: value of option '${option}' must be an integer, not '${value}'`);
    (config as Record<string, unknown>)[option] = Number(value);
  } else {
    if (option === 'host_base' || option === 'host_bucket' || option === 'cloudfront_host') value = value.replace(/^https?:\/\//, '');
    (config as Record<string, unknown>)[option] = value;
  }
}

/** The `key = value` pairs of an s3cfg, as s3cmd's ConfigParser finds them, and its warnings. */
export function parseS3cfg(text: string, file: string): { values: Map<string, string>; warnings: string[] } {
  const values = new Map<string, string>();
  const warnings: string[] = [];
  for (const line of text.split(/(?<=\n)/)) {
    if (/^\s*#/.test(line) || /^\s*$/.test(line)) continue;
    if (/^\[([^\]]+)\]/.test(line)) continue;
    const data = /^\s*(\w+)\s*=\s*(.*)/.exec(line);
    if (data) {
      let value = data[2]!;
      if (/^"(.*)"\s*$/.test(value)) value = value.slice(1, -1);
      values.set(data[1]!, value);
      continue;
    }
    warnings.push(`Ignoring invalid line in '${file}': ${line}`);
  }
  return { values, warnings };
}

/** Config.read_config_file: every known option present in the file, then acl_public and add_headers. */
export function applyS3cfg(config: S3Config, values: Map<string, string>, env: NodeJS.ProcessEnv): void {
  for (const [name, value] of values) {
    if (isOption(name) && name !== 'add_headers') setOption(config, name, value.trim(), env);
  }
  const aclPublic = values.get('acl_public');
  if (aclPublic) setOption(config, 'acl_public', aclPublic.trim(), env);
  const addHeaders = values.get('add_headers');
  if (addHeaders) {
    for (const pair of addHeaders.split(',')) {
      const colon = pair.indexOf(':');
      if (colon < 0) throw new ParameterError(`Invalid header format: ${pair}`);
      config.extra_headers[pair.slice(0, colon).trim().toLowerCase()] = pair.slice(colon + 1).trim();
    }
  }
}

/** ~/.s3cfg unless S3CMD_CONFIG names another file. */
export function defaultConfigPath(env: NodeJS.ProcessEnv): string {
  return env['S3CMD_CONFIG'] || path.join(env['HOME'] || os.homedir(), '.s3cfg');
}

/** The [profile] keys of ~/.aws/credentials (or AWS_CREDENTIAL_FILE), read when the s3cfg is missing. */
function awsCredentialFile(config: S3Config, env: NodeJS.ProcessEnv): void {
  const file = env['AWS_CREDENTIAL_FILE'] || path.join(env['HOME'] || os.homedir(), '.aws', 'credentials');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const profile = env['AWS_PROFILE'] || 'default';
  let section = /^\s*\[/.test(text) ? '' : 'default';
  for (const line of text.split('\n')) {
    const header = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const pair = /^\s*([\w.-]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (!pair || section !== profile) continue;
    const [, name, value] = pair;
    if (name === 'aws_access_key_id' || name === 'AWSAccessKeyId') config.access_key = value!;
    if (name === 'aws_secret_access_key' || name === 'AWSSecretKey') config.secret_key = value!;
    if (name === 'aws_session_token') config.access_token = value!;
  }
}

export interface LoadOptions {
  file: string;
  env: NodeJS.ProcessEnv;
  stdoutIsTty: boolean;
  /** --access_key/--secret_key (used only together) and --access_token. */
  accessKey?: string;
  secretKey?: string;
  accessToken?: string;
}

/** Config(): defaults, the file, command-line keys, then AWS_* variables when still keyless. */
export function loadConfig(options: LoadOptions): { config: S3Config; warnings: string[] } {
  const { env, file } = options;
  const config = defaultConfig(options.stdoutIsTty);
  let warnings: string[] = [];
  try {
    const parsed = parseS3cfg(readFileSync(file, 'utf8'), file);
    warnings = parsed.warnings;
    applyS3cfg(config, parsed.values, env);
  } catch (error) {
    if (error instanceof ParameterError) throw error;
    if (env['AWS_CREDENTIAL_FILE'] !== undefined || env['AWS_PROFILE'] !== undefined) awsCredentialFile(config, env);
  }
  if (options.accessKey && options.secretKey) {
    config.access_key = options.accessKey;
    config.secret_key = options.secretKey;
  }
  if (options.accessToken) config.access_token = options.accessToken;
  if (config.access_key === '') {
    const accessKey = env['AWS_ACCESS_KEY'] || env['AWS_ACCESS_KEY_ID'];
    const secretKey = env['AWS_SECRET_KEY'] || env['AWS_SECRET_ACCESS_KEY'];
    const token = env['AWS_SESSION_TOKEN'] || env['AWS_SECURITY_TOKEN'];
    if (accessKey) {
      if (!secretKey) throw new ParameterError('AWS_ACCESS_KEY environment variable is used but AWS_SECRET_KEY variable is missing');
      config.access_key = accessKey;
      config.secret_key = secretKey;
      if (token) config.access_token = token;
    } else {
      // s3cmd now asks the EC2 instance metadata service, fails, and says this ("None" included).
      throw new ConfigError([
        `${file}: None`,
        'Configuration file not available.',
        'Consider using --configure parameter to create one.',
      ]);
    }
  }
  return { config, warnings };
}
