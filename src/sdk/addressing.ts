// Where a request goes: the Host and path for a bucket and key under
// s3cmd's addressing rules. A host_bucket template containing %(bucket)s
// means virtual-hosted style for every DNS-compatible bucket name; any other
// template, or a bucket name DNS cannot carry, means path style on host_base.

import { uriEncode } from '../auth/uri-encode.js';

export interface Endpoint {
  /** host[:port] of the service (s3cmd's host_base). */
  hostBase: string;
  /** Virtual-host template such as "%(bucket)s.s3.example.com" (s3cmd's host_bucket). */
  hostBucket: string;
  useHttps: boolean;
  /** A plain-http proxy: requests go to it with absolute-form targets. */
  proxy?: { host: string; port: number };
}

const BUCKET_PLACEHOLDER = '%(bucket)s';

/** s3cmd's check_bucket_name(dns_strict=True): names that can be a DNS label sequence. */
export function isDnsCompatible(bucket: string): boolean {
  return (
    /^[a-z0-9.-]{3,63}$/.test(bucket) &&
    !bucket.includes('-.') &&
    !bucket.includes('..') &&
    /^[0-9a-z]/.test(bucket) &&
    /[0-9a-z]$/.test(bucket)
  );
}

export function isVirtualHosted(endpoint: Endpoint, bucket: string | undefined): boolean {
  return bucket !== undefined && endpoint.hostBucket.includes(BUCKET_PLACEHOLDER) && isDnsCompatible(bucket);
}

/** The Host header, without the scheme's default port (as s3cmd sends it, and signs it). */
export function hostFor(endpoint: Endpoint, bucket: string | undefined): string {
  const host = isVirtualHosted(endpoint, bucket)
    ? endpoint.hostBucket.toLowerCase().replaceAll(BUCKET_PLACEHOLDER, bucket!)
    : endpoint.hostBase.toLowerCase();
  const defaultPort = endpoint.useHttps ? ':443' : ':80';
  return host.endsWith(defaultPort) ? host.slice(0, -defaultPort.length) : host;
}

/** The encoded path: /bucket/key in path style, /key when the bucket is in the host. */
export function pathFor(endpoint: Endpoint, bucket: string | undefined, key: string | undefined): string {
  const encodedKey = key === undefined ? '' : uriEncode(key, true);
  if (bucket === undefined || isVirtualHosted(endpoint, bucket)) return '/' + encodedKey;
  return `/${uriEncode(bucket, false)}/${encodedKey}`;
}

/** Splits "host[:port]" (IPv6 in brackets allowed) with the scheme's default port. */
export function splitHostPort(hostPort: string, https: boolean): { hostname: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort);
  const hostname = (match?.[1] ?? hostPort).replace(/^\[|\]$/g, '');
  return { hostname, port: match?.[2] ? Number(match[2]) : https ? 443 : 80 };
}
