// One HTTP exchange with keep-alive connections: straight to the service, or
// through a plain-http proxy with an absolute-form request target. Knows
// nothing of signing or retries; the client does both around it.

import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { splitHostPort, type Endpoint } from './addressing.js';
import type { RateLimit } from './rate-limit.js';

export interface WireRequest {
  method: string;
  /** Host header value, which also names the server to connect to. */
  host: string;
  /** Encoded path and query string. */
  target: string;
  headers: Record<string, string>;
  /** Bytes, or a stream opened only once the request has a connection (queued requests hold no file open). */
  body?: Buffer | (() => Readable);
}

/** How connections are made (s3cmd's ca_certs_file, check_ssl_*, ssl_client_*, connection_pooling). */
export interface ConnectionOptions {
  /** PEM CA certificates trusted instead of the system's. */
  ca?: Buffer;
  /** The client's own certificate and key (PEM). */
  cert?: Buffer;
  key?: Buffer;
  /** false: accept any certificate (default true). */
  checkCertificate?: boolean;
  /** false: accept a valid certificate for another host name (default true). */
  checkHostname?: boolean;
  /** false: a new connection for every request (default true). */
  keepAlive?: boolean;
}

export class Transport {
  private readonly agent: http.Agent;

  constructor(
    private readonly endpoint: Endpoint,
    maxSockets: number,
    private readonly timeoutMs: number,
    connections: ConnectionOptions = {},
    private readonly limit?: RateLimit,
  ) {
    const options = { keepAlive: connections.keepAlive ?? true, maxSockets, maxFreeSockets: maxSockets };
    this.agent = endpoint.useHttps
      ? new https.Agent({
          ...options,
          ...(connections.ca ? { ca: connections.ca } : {}),
          ...(connections.cert ? { cert: connections.cert } : {}),
          ...(connections.key ? { key: connections.key } : {}),
          rejectUnauthorized: connections.checkCertificate ?? true,
          ...(connections.checkHostname === false ? { checkServerIdentity: () => undefined } : {}),
        })
      : new http.Agent(options);
  }

  send(request: WireRequest): Promise<http.IncomingMessage> {
    const { endpoint } = this;
    const viaProxy = endpoint.proxy !== undefined && !endpoint.useHttps;
    const { hostname, port } = viaProxy
      ? { hostname: endpoint.proxy!.host, port: endpoint.proxy!.port }
      : splitHostPort(request.host, endpoint.useHttps);
    const path = viaProxy ? `http://${request.host}${request.target}` : request.target;
    const send = endpoint.useHttps ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = send({ hostname, port, path, method: request.method, headers: request.headers, agent: this.agent });
      req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error('socket timeout'), { code: 'ETIMEDOUT' })));
      req.once('response', resolve);
      req.once('error', reject);
      const body = request.body;
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body) && !this.limit) req.end(body);
      else {
        req.once('socket', () => {
          const stream = Buffer.isBuffer(body) ? Readable.from([body]) : body();
          stream.once('error', (error) => req.destroy(error));
          if (this.limit) stream.pipe(this.limit.throttle()).pipe(req);
          else stream.pipe(req);
        });
      }
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
