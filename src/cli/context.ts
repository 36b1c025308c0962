// What every command gets: the configuration, an S3 client built from it,
// the printer and the progress display, and the client's own settings
// (parallelism, --json, signurl --v4), and the exclude/include filters.

import { readFileSync } from 'node:fs';
import { isVirtualHosted } from '../sdk/addressing.js';
import { S3Client } from '../sdk/client.js';
import type { Filters } from './filters.js';
import type { Flags } from './flags.js';
import type { Printer } from './output.js';
import type { Progress } from './progress.js';
import type { S3Config } from './s3cfg.js';

export interface Context {
  config: S3Config;
  client: S3Client;
  printer: Printer;
  progress: Progress;
  /** --exclude/--include and friends. */
  filters: Filters;
  /** --files-from lists. */
  filesFrom: readonly string[];
  /** Transfers (files, and parts of one file) in flight at once. */
  parallel: number;
  /** signurl: SigV4 query signing instead of V2. */
  signurlV4: boolean;
  /** The program name for messages that tell the user what to run. */
  program: string;
  /** The command line's flags, for the options of the client's own commands (bench). */
  flags: Flags;
}

/** The signing region for a bucket_location ("US" and "" mean us-east-1, "EU" eu-west-1). */
export function signingRegion(bucketLocation: string): string {
  const location = bucketLocation.trim();
  if (location === '' || location.toUpperCase() === 'US') return 'us-east-1';
  if (location.toUpperCase() === 'EU') return 'eu-west-1';
  return location;
}

/** The client for `config`; `retries` 0 makes every failure count (bench). */
export function createClient(config: S3Config, parallel: number, printer: Printer, retries?: number): S3Client {
  return new S3Client({
    endpoint: {
      hostBase: config.host_base,
      hostBucket: config.host_bucket,
      useHttps: config.use_https,
      ...(config.proxy_host ? { proxy: { host: config.proxy_host, port: config.proxy_port } } : {}),
    },
    credentials: {
      accessKey: config.access_key,
      secretKey: config.secret_key,
      ...(config.access_token ? { sessionToken: config.access_token } : {}),
    },
    region: signingRegion(config.bucket_location),
    signatureV2: config.signature_v2,
    maxSockets: Math.max(parallel, 4),
    ...(retries !== undefined ? { retries } : {}),
    timeoutMs: config.socket_timeout * 1000,
    listUnordered: config.list_allow_unordered,
    ...(config.limitrate > 0 ? { limitRate: config.limitrate } : {}),
    connections: {
      ...(config.ca_certs_file ? { ca: readFileSync(config.ca_certs_file) } : {}),
      ...(config.ssl_client_cert_file ? { cert: readFileSync(config.ssl_client_cert_file) } : {}),
      ...(config.ssl_client_key_file ? { key: readFileSync(config.ssl_client_key_file) } : {}),
      checkCertificate: config.check_ssl_certificate,
      checkHostname: config.check_ssl_hostname,
      keepAlive: config.connection_pooling,
    },
    onRetry: (what, reason, delayMs) => {
      printer.warning(`Retrying failed request: ${what} (${reason})`);
      printer.warning(`Waiting ${Math.round(delayMs / 1000)} sec...`);
    },
  });
}

/** S3Uri.public_url: http(s)://bucket.host_base/key when the bucket can be a host name, else path style. */
export function objectUrl(ctx: Context, bucket: string, encodedKey: string, https: boolean): string {
  const scheme = https ? 'https' : 'http';
  return isVirtualHosted(ctx.client.endpoint, bucket)
    ? `${scheme}://${bucket}.${ctx.config.host_base}/${encodedKey}`
    : `${scheme}://${ctx.config.host_base}/${bucket}/${encodedKey}`;
}
