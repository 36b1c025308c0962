// The identity API over HTTP: the subset of OpenStack Identity v3 that
// `aitta conf` and python-openstackclient use, served by the S3 server on the
// same port under /v3. JSON in and out; failures in Keystone's error shape.
//
// Which requests are identity requests (isIdentityRequest): the S3 API owns
// every path, so the identity API takes only what S3 cannot mean. A path
// `/v3/...` would name bucket "v3", which is not a valid bucket name (three
// characters at least), so path-style S3 never uses it; but a
// virtual-hosted request (BUCKET.domain/v3/...) or one with an S3 signature
// is an S3 request for key "v3/...". So: origin-form path `/v3` or
// `/v3/<auth|users|projects|credentials|domains>...`, a Host that is not
// BUCKET.<configured domain>, and no S3 signature (Authorization header or
// signed-URL query).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { MAX_IDENTITY_BODY_BYTES } from '../limits.js';
import { header, type Services } from '../s3/context.js';
import { IdentityError } from './errors.js';
import { parseEc2Create, parseLogin } from './parse.js';
import { ec2Body, projectBody, projectList, tokenBody, userBody, versionDocument } from './render.js';
import { IdentityService } from './service.js';

const IDENTITY_RESOURCES = new Set(['auth', 'users', 'projects', 'credentials', 'domains']);
const S3_SIGNED_URL_PARAMS = ['X-Amz-Signature', 'X-Amz-Credential', 'Signature', 'AWSAccessKeyId'];

export function isIdentityRequest(req: IncomingMessage, domains: readonly string[]): boolean {
  const url = req.url ?? '/';
  if (!url.startsWith('/v3')) return false;
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const segments = path.split('/');
  if (segments[1] !== 'v3') return false;
  if (segments.length > 2 && segments[2] !== '' && !IDENTITY_RESOURCES.has(segments[2]!)) return false;
  if (req.headers.authorization !== undefined) return false;
  if (queryAt >= 0) {
    const query = new URLSearchParams(url.slice(queryAt + 1));
    if (S3_SIGNED_URL_PARAMS.some((name) => query.has(name))) return false;
  }
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  return !domains.some((domain) => host.endsWith(`.${domain}`));
}

interface Reply {
  status: number;
  body?: object;
  headers?: Record<string, string>;
}

/** Serves one identity request; never throws (failures become Keystone error bodies). */
export async function handleIdentityRequest(req: IncomingMessage, res: ServerResponse, services: Services): Promise<void> {
  const base = `${(req.socket as TLSSocket).encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
  let reply: Reply;
  try {
    reply = await route(req, base, services);
  } catch (failure) {
    const error = failure instanceof IdentityError ? failure : IdentityError.internal();
    if (!(failure instanceof IdentityError)) console.error(`identity ${req.method} ${req.url}:`, failure);
    reply = { status: error.status, body: error.toJSON() };
    if (error.status === 401) reply.headers = { 'WWW-Authenticate': `Keystone uri="${base}/v3"` };
  }
  if (!req.complete) {
    res.setHeader('Connection', 'close');
    req.resume();
  }
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(text === '' ? {} : { 'Content-Type': 'application/json' }),
    'Content-Length': Buffer.byteLength(text),
    Vary: 'X-Auth-Token',
    Server: 'Aitta',
    ...reply.headers,
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

async function route(req: IncomingMessage, base: string, services: Services): Promise<Reply> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', base);
  const segments = url.pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  const identity = new IdentityService(services.meta);
  const region = services.config.region;
  const authToken = header(req.headers, 'x-auth-token');
  const caller = () => identity.authenticate(authToken);
  const allow = (...methods: string[]) => {
    if (!methods.includes(method)) throw IdentityError.methodNotAllowed(method);
  };
  const path = segments.slice(1).join('/');

  if (segments.length === 1) {
    allow('GET', 'HEAD');
    return { status: 200, body: { version: versionDocument(base) } };
  }
  if (path === 'auth/tokens') {
    allow('POST', 'GET', 'HEAD', 'DELETE');
    if (method === 'POST') {
      const { token, context } = await identity.login(parseLogin(await readJson(req)));
      return { status: 201, body: tokenBody(base, region, context), headers: { 'X-Subject-Token': token } };
    }
    const self = await caller();
    const subjectToken = header(req.headers, 'x-subject-token');
    if (method === 'DELETE') {
      await identity.revoke(self, subjectToken);
      return { status: 204 };
    }
    const subject = await identity.validate(subjectToken);
    return { status: 200, body: tokenBody(base, region, subject), headers: { 'X-Subject-Token': subjectToken! } };
  }
  if (path === 'auth/projects' || path === 'projects') {
    allow('GET', 'HEAD');
    const self = await caller();
    const name = url.searchParams.get('name');
    const projects = (await identity.projectsOf(self, self.user.id)).filter((p) => name === null || p.name === name);
    return { status: 200, body: projectList(base, url.pathname, projects) };
  }
  if (segments[1] === 'projects' && segments.length === 3) {
    allow('GET', 'HEAD');
    return { status: 200, body: { project: projectBody(base, await identity.project(await caller(), segments[2]!)) } };
  }
  if (segments[1] === 'users' && segments.length >= 3) {
    const userId = segments[2]!;
    const rest = segments.slice(3).join('/');
    if (rest === '') {
      allow('GET', 'HEAD');
      return { status: 200, body: userBody(base, identity.user(await caller(), userId)) };
    }
    if (rest === 'projects') {
      allow('GET', 'HEAD');
      return { status: 200, body: projectList(base, url.pathname, await identity.projectsOf(await caller(), userId)) };
    }
    if (rest === 'credentials/OS-EC2') {
      allow('GET', 'HEAD', 'POST');
      const self = await caller();
      if (method === 'POST') {
        const credential = await identity.createEc2Credential(self, userId, parseEc2Create(await readJson(req)));
        return { status: 201, body: { credential: ec2Body(base, credential) } };
      }
      const credentials = await identity.listEc2Credentials(self, userId);
      return {
        status: 200,
        body: { credentials: credentials.map((c) => ec2Body(base, c)), links: { self: `${base}${url.pathname}`, previous: null, next: null } },
      };
    }
    if (segments.length === 6 && segments[3] === 'credentials' && segments[4] === 'OS-EC2') {
      allow('GET', 'HEAD', 'DELETE');
      const self = await caller();
      if (method === 'DELETE') {
        await identity.deleteEc2Credential(self, userId, segments[5]!);
        return { status: 204 };
      }
      return { status: 200, body: { credential: ec2Body(base, await identity.getEc2Credential(self, userId, segments[5]!)) } };
    }
  }
  throw IdentityError.notFound(`The resource could not be found: ${url.pathname}.`);
}

/** The JSON request body, read whole into memory up to MAX_IDENTITY_BODY_BYTES; undefined when empty. */
async function readJson(req: IncomingMessage, limit = MAX_IDENTITY_BODY_BYTES): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new IdentityError(413, 'Request Entity Too Large', `The request body is larger than ${limit} bytes.`);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw IdentityError.badRequest('The request body is not valid JSON.');
  }
}
