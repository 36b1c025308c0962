// What a handler gets (the routed, authenticated request and the services)
// and what it gives back (status, headers, body). Handlers never touch the
// node:http objects; http/server.ts writes the S3Response.

import type { IncomingHttpHeaders } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import type { Payload, RequestTarget } from '../auth/authenticate.js';
import type { ServerConfig } from '../config.js';
import type { BlobStore } from '../store/blob.js';
import type { Credential, MetaStore } from '../store/meta.js';
import type { Operation } from './operation.js';

export interface Services {
  meta: MetaStore;
  blobs: BlobStore;
  config: ServerConfig;
}

export interface RequestContext<O extends Operation = Operation> {
  requestId: string;
  method: string;
  headers: IncomingHttpHeaders;
  target: RequestTarget;
  op: O;
  /** undefined for anonymous requests. */
  credential: Credential | undefined;
  /** The client's address (the socket's, or X-Forwarded-For's from a trusted proxy). */
  sourceIp: string;
  /** Whether the client's connection used TLS (aws:SecureTransport). */
  secureTransport: boolean;
  payload: Payload;
  services: Services;
}

export type ResponseHeaders = Record<string, string | number>;

/** A body that writes itself (an object's blobs): resolves once `to` has taken all of it. */
export interface BodyWriter {
  writeTo(to: Writable): Promise<void>;
}

export interface S3Response {
  status: number;
  headers: ResponseHeaders;
  /** A Buffer[] is one body in pieces (a large XML document). */
  body?: string | Buffer | Buffer[] | Readable | BodyWriter;
}

/** A single-valued request header (the first, if sent twice). */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function xmlResponse(body: string | Buffer[], status = 200, headers: ResponseHeaders = {}): S3Response {
  return { status, headers: { 'Content-Type': 'application/xml', ...headers }, body };
}

export function emptyResponse(status: number, headers: ResponseHeaders = {}): S3Response {
  return { status, headers };
}
