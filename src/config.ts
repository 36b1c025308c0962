// Server settings: command-line flags over AITTA_* environment variables over
// defaults. Everything the server needs to know about its surroundings.

import { BLOB_GRACE_MS } from './limits.js';

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Base domains for virtual-hosted-style requests (BUCKET.DOMAIN). */
  domains: string[];
  /** Region reported by the service. */
  region: string;
  /** Credential to create on first start instead of a random one. */
  accessKey?: string;
  secretKey?: string;
  /** Longest lifetime accepted for SigV2 query-signed URLs (seconds). */
  maxPresignV2Seconds: number;
  /** How long unreferenced blobs are kept (so GETs in flight finish), and how often GC runs. */
  gcGraceMs: number;
  gcIntervalMs: number;
  /**
   * The length of a lifecycle "day" (S3: 86,400 s; shorter for tests), how
   * often the lifecycle worker looks for due work, how many objects it
   * handles per batch, and how long it pauses between batches.
   */
  lifecycleDayMs: number;
  lifecycleIntervalMs: number;
  lifecycleBatchSize: number;
  lifecycleBatchPauseMs: number;
  /** Proxies whose X-Forwarded-For is believed for aws:SourceIp. */
  trustedProxies: Set<string>;
}

export interface ConfigFlags {
  host?: string;
  port?: string;
  data?: string;
  domain?: string;
  region?: string;
}

export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = Number(flags.port ?? env.AITTA_PORT ?? 7480);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${flags.port ?? env.AITTA_PORT}`);
  const domains = (flags.domain ?? env.AITTA_DOMAIN ?? 'localhost')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  return {
    host: flags.host ?? env.AITTA_HOST ?? '127.0.0.1',
    port,
    dataDir: flags.data ?? env.AITTA_DATA ?? './aitta-data',
    domains,
    region: flags.region ?? env.AITTA_REGION ?? 'us-east-1',
    accessKey: env.AITTA_ACCESS_KEY || undefined,
    secretKey: env.AITTA_SECRET_KEY || undefined,
    maxPresignV2Seconds: Number(env.AITTA_MAX_PRESIGN_V2_SECONDS ?? 7 * 24 * 3600),
    gcGraceMs: Number(env.AITTA_GC_GRACE_SECONDS ?? BLOB_GRACE_MS / 1000) * 1000,
    gcIntervalMs: Number(env.AITTA_GC_INTERVAL_SECONDS ?? 60) * 1000,
    lifecycleDayMs: Number(env.AITTA_LIFECYCLE_DAY_SECONDS ?? 86_400) * 1000,
    lifecycleIntervalMs: Number(env.AITTA_LIFECYCLE_INTERVAL_SECONDS ?? 60) * 1000,
    lifecycleBatchSize: Number(env.AITTA_LIFECYCLE_BATCH_SIZE ?? 256),
    lifecycleBatchPauseMs: Number(env.AITTA_LIFECYCLE_BATCH_PAUSE_MS ?? 0),
    trustedProxies: new Set((env.AITTA_TRUSTED_PROXIES ?? '').split(',').map((a) => a.trim()).filter(Boolean)),
  };
}
