// Test doubles shared by the auth tests: a fake IncomingMessage (a Readable
// with the properties the verifiers read), the RequestTarget the router would
// build for it, and AuthOptions over an in-memory credential list.

import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { Credential } from '../store/meta.js';
import type { AuthOptions, RequestTarget } from './authenticate.js';

export interface FakeRequestInit {
  method?: string;
  /** Path and query exactly as on the request line. */
  url: string;
  /** Header pairs in the order sent; repeated names allowed. */
  headers?: [string, string][] | Record<string, string>;
  /** Body pieces, each delivered as one 'data' event (one TCP read). */
  body?: (Buffer | string)[];
  /** Close the connection after the body pieces instead of ending it. */
  disconnect?: boolean;
}

export function fakeRequest(init: FakeRequestInit): IncomingMessage {
  const pairs = Array.isArray(init.headers) ? init.headers : Object.entries(init.headers ?? {});
  const pieces = (init.body ?? []).map((b) => (typeof b === 'string' ? Buffer.from(b, 'latin1') : b));
  let next = 0;
  const stream = new Readable({
    read() {
      if (next < pieces.length) {
        this.push(pieces[next++]);
      } else if (init.disconnect) {
        setImmediate(() => this.destroy());
      } else {
        this.push(null);
      }
    },
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase();
    headers[lower] = headers[lower] === undefined ? value : `${headers[lower]}, ${value}`;
  }
  return Object.assign(stream, {
    method: init.method ?? 'GET',
    url: init.url,
    headers,
    rawHeaders: pairs.flat(),
  }) as unknown as IncomingMessage;
}

export function targetFor(url: string, style: { virtualHost?: boolean; bucket?: string } = {}): RequestTarget {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const target: RequestTarget = {
    rawPath,
    query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
    virtualHost: style.virtualHost ?? false,
  };
  const bucket = style.bucket ?? (style.virtualHost ? undefined : decodeURIComponent(rawPath.split('/')[1] ?? ''));
  if (bucket) target.bucket = bucket;
  return target;
}

export const EXAMPLE_ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
export const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

export function credential(accessKeyId = EXAMPLE_ACCESS_KEY, secretAccessKey = EXAMPLE_SECRET, active = true): Credential {
  return { accessKeyId, secretAccessKey, projectId: 'p'.repeat(32), userId: null, active, createdAt: new Date(0) };
}

export function authOptions(now: Date, credentials: Credential[] = [credential()], maxPresignV2Seconds = 7 * 24 * 3600): AuthOptions {
  return {
    lookupCredential: async (id) => credentials.find((c) => c.accessKeyId === id),
    now: () => now,
    maxPresignV2Seconds,
  };
}

export async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

/** Resolves to the S3 error code the promise rejects with. */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  return 'no error';
}
