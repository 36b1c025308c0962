// The HTTP edge: node:http in, S3Response out. Routes, authenticates and
// dispatches each request, writes the handler's response (streaming bodies
// with backpressure), and renders every failure once, as S3's XML error.

import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { authenticate, type AuthOptions } from '../auth/authenticate.js';
import { clientAddress, viaTls } from './client-address.js';
import { S3Error, errors } from '../errors.js';
import { handleIdentityRequest, isIdentityRequest } from '../identity/http.js';
import type { ResponseHeaders, S3Response, Services } from '../s3/context.js';
import { dispatch } from '../s3/dispatch.js';
import { actualRequestCorsHeaders, corsPreflight } from '../s3/handlers/cors.js';
import { route } from '../s3/router.js';
import { document, el } from '../s3/xml.js';

const HOST_ID = randomBytes(24).toString('base64');
const REQUEST_ID_PREFIX = randomBytes(4).toString('hex').toUpperCase();
let requestCounter = 0;

function nextRequestId(): string {
  requestCounter = (requestCounter + 1) >>> 0;
  return REQUEST_ID_PREFIX + requestCounter.toString(16).toUpperCase().padStart(8, '0');
}

function errorXml(error: S3Error, requestId: string, resource: string): string {
  const details = Object.entries(error.details).map(([name, value]) => el(name, value)).join('');
  return document(
    'Error',
    `${el('Code', error.code)}${el('Message', error.message)}${details}${el('Resource', resource)}${el('RequestId', requestId)}${el('HostId', HOST_ID)}`,
    '',
  );
}

function sendError(req: IncomingMessage, res: ServerResponse, failure: unknown, requestId: string, cors: ResponseHeaders = {}): void {
  const error = failure instanceof S3Error ? failure : errors.internal();
  if (!(failure instanceof S3Error)) console.error(`[${requestId}] ${req.method} ${req.url}:`, failure);
  if (res.headersSent) {
    // A body was already under way: the only honest signal left is to cut it.
    res.destroy();
    return;
  }
  if (!req.complete) {
    // The client is still sending a body we will not read: do not reuse the
    // connection, and discard what arrives until it closes.
    res.setHeader('Connection', 'close');
    req.resume();
  }
  const resource = (req.url ?? '/').replace(/^https?:\/\/[^/]*/i, '').split('?')[0] || '/';
  if (req.method === 'HEAD') {
    res.writeHead(error.status, headerList(requestId, { ...error.headers, ...cors }) as unknown as string[]);
    endAtTurnEnd(res, undefined);
    return;
  }
  const body = errorXml(error, requestId, resource);
  res.writeHead(
    error.status,
    headerList(requestId, { ...error.headers, ...cors, 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) }) as unknown as string[],
  );
  endAtTurnEnd(res, body);
}

/** A response body already in memory: none, one piece, or pieces written corked. */
type BufferedBody = string | Buffer | Buffer[] | undefined;

/**
 * Responses whose whole body is at hand, written together once the event
 * loop's turn has handled every request that arrived in it. Each still
 * leaves in one writev, but the client is woken once per turn rather than
 * once per response: on loopback, much of a small request's cost.
 */
let turnEnd: Array<{ res: ServerResponse; body: BufferedBody }> = [];

function endWith(res: ServerResponse, body: BufferedBody): void {
  if (!Array.isArray(body)) {
    res.end(body);
    return;
  }
  // Corked: the head and every piece leave in one writev.
  res.cork();
  for (const piece of body) res.write(piece);
  res.end();
}

function writeAll(): void {
  const pending = turnEnd;
  turnEnd = [];
  for (const { res, body } of pending) {
    try {
      endWith(res, body);
    } catch (error) {
      // Out of any request's try: one failed write must not stop the others, or the server.
      console.error('aitta: a response could not be written:', error);
      res.destroy();
    }
  }
}

/** Ends `res` (its head already written) with `body` once this turn's requests are handled. */
function endAtTurnEnd(res: ServerResponse, body: BufferedBody): void {
  if (turnEnd.push({ res, body }) === 1) setImmediate(writeAll);
}

/** Every response's identifying headers followed by its own, as the flat list writeHead takes. */
function headerList(requestId: string, headers: ResponseHeaders): Array<string | number> {
  const list: Array<string | number> = ['x-amz-request-id', requestId, 'x-amz-id-2', HOST_ID, 'Server', 'Aitta'];
  for (const name in headers) list.push(name, headers[name]!);
  return list;
}

async function send(req: IncomingMessage, res: ServerResponse, response: S3Response, requestId: string): Promise<void> {
  const { body } = response;
  const headers = response.headers;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    headers['Content-Length'] = Buffer.byteLength(body);
  } else if (Array.isArray(body)) {
    headers['Content-Length'] = body.reduce((length, piece) => length + piece.length, 0);
  } else if (body === undefined && headers['Content-Length'] === undefined && req.method !== 'HEAD') {
    headers['Content-Length'] = 0;
  }
  // Only the head is built here (and refused here if a header is invalid); it leaves with the body.
  res.writeHead(response.status, headerList(requestId, headers) as unknown as string[]);
  if (req.method === 'HEAD' || body === undefined) {
    if (body instanceof Readable) body.destroy();
    endAtTurnEnd(res, undefined);
  } else if (typeof body === 'string' || Buffer.isBuffer(body) || Array.isArray(body)) {
    endAtTurnEnd(res, body);
  } else if (body instanceof Readable) {
    await pipeline(body, res);
  } else {
    await body.writeTo(res);
    res.end();
  }
}

export function createS3Server(services: Services): http.Server {
  const authOptions: AuthOptions = {
    lookupCredential: (accessKeyId) => services.meta.getCredential(accessKeyId),
    now: () => new Date(),
    maxPresignV2Seconds: services.config.maxPresignV2Seconds,
  };
  const server = http.createServer(async (req, res) => {
    if (isIdentityRequest(req, services.config.domains)) return handleIdentityRequest(req, res, services);
    const requestId = nextRequestId();
    const method = req.method ?? 'GET';
    // The CORS headers of this request's response or error; only a request with an Origin looks them up.
    let cors: ResponseHeaders = {};
    try {
      const { target, op } = route(method, req.url ?? '/', req.headers, services.config.domains);
      if (op.type === 'CorsPreflight') {
        await send(req, res, await corsPreflight(services, op, req.headers), requestId);
        return;
      }
      if (req.headers.origin !== undefined && target.bucket !== undefined) {
        cors = await actualRequestCorsHeaders(services, target.bucket, method, req.headers);
      }
      const { credential, payload } = await authenticate(req, target, authOptions);
      const response = await dispatch({
        requestId,
        method,
        headers: req.headers,
        target,
        op,
        credential,
        sourceIp: clientAddress(req, services.config.trustedProxies),
        secureTransport: viaTls(req, services.config.trustedProxies),
        payload,
        services,
      });
      Object.assign(response.headers, cors);
      await send(req, res, response, requestId);
    } catch (failure) {
      // S3 sends the CORS headers with an error too, so that the page can read it.
      sendError(req, res, failure, requestId, cors);
    }
  });
  // Large uploads may take long: no whole-request deadline, generous keep-alive.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  return server;
}
