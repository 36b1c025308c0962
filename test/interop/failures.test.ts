// Every way a request can fail, sent as raw HTTP (node:http, SigV4 from
// @smithy/signature-v4) so that each case is exactly the bytes described:
// the status, the S3 error Code in the XML body and an x-amz-request-id are
// checked, and so is what the server holds afterwards — a refused request
// changes nothing. Also the failures of the network: a client vanishing
// mid-PUT, an overwrite racing a GET, and concurrent PUTs to one key.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { crc32Base64, md5Hex } from '../helpers/aws.js';
import { startServer, type TestServer } from '../helpers/server.js';

const MiB = 1024 * 1024;
const BUCKET = 'failures';

let server: TestServer;

before(async () => {
  server = await startServer();
  assertOk(await s3({ method: 'PUT', bucket: BUCKET }));
});

after(async () => {
  await server?.stop();
});

// ---------------------------------------------------------------- raw S3

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

interface Request {
  method: string;
  bucket?: string;
  key?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** 'none' sends an anonymous request. */
  auth?: 'header' | 'none';
  accessKey?: string;
  secretKey?: string;
  signingDate?: Date;
  /** Sign UNSIGNED-PAYLOAD instead of the body's SHA-256. */
  unsignedPayload?: boolean;
  /** Changes the headers after signing (tampering). */
  afterSigning?: (headers: Record<string, string>) => void;
}

/** RFC 3986 encoding, as SigV4 canonicalises it. */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function pathOf(bucket?: string, key?: string): string {
  if (bucket === undefined) return '/';
  return `/${bucket}${key === undefined ? '' : `/${key.split('/').map(rfc3986).join('/')}`}`;
}

function queryString(query: Record<string, string | string[] | null | undefined>): string {
  const parts = Object.entries(query).map(([k, v]) => `${rfc3986(k)}=${rfc3986(String(v ?? ''))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function signer(accessKeyId = server.accessKey, secretAccessKey = server.secretKey): SignatureV4 {
  return new SignatureV4({
    service: 's3',
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: true,
  });
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function md5Base64(data: Buffer | string): string {
  return createHash('md5').update(data).digest('base64');
}

/** The request's headers, signed unless anonymous. */
async function signedHeaders(req: Request): Promise<Record<string, string>> {
  const body = req.body ?? '';
  const headers: Record<string, string> = { host: `127.0.0.1:${server.port}`, ...req.headers };
  if (req.auth === 'none') return headers;
  headers['x-amz-content-sha256'] ??= req.unsignedPayload ? 'UNSIGNED-PAYLOAD' : sha256Hex(body);
  const request: HttpRequest = {
    method: req.method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: server.port,
    path: pathOf(req.bucket, req.key),
    query: req.query ?? {},
    headers,
  };
  const signed = await signer(req.accessKey, req.secretKey ?? server.secretKey).sign(request, { signingDate: req.signingDate });
  const out = { ...signed.headers };
  req.afterSigning?.(out);
  return out;
}

function collect(res: http.IncomingMessage): Promise<Response> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('error', reject);
    res.on('end', () => {
      const body = Buffer.concat(chunks);
      resolve({ status: res.statusCode!, headers: res.headers, body, text: body.toString('utf8') });
    });
  });
}

async function s3(req: Request): Promise<Response> {
  const headers = await signedHeaders(req);
  const body = req.body ?? '';
  if (req.method !== 'GET' && req.method !== 'HEAD') headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: '127.0.0.1', port: server.port, method: req.method, path: pathOf(req.bucket, req.key) + queryString(req.query ?? {}), headers, agent: false },
      (res) => collect(res).then(resolve, reject),
    );
    r.on('error', reject);
    r.end(body);
  });
}

/** GET of a URL on the server exactly as given (presigned URLs). */
function getUrl(url: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => collect(res).then(resolve, reject)).on('error', reject);
  });
}

function unescapeXml(text: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => entities[name]!);
}

function errorCode(res: Response): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(res.text)?.[1];
}

function assertOk(res: Response, status = 200): void {
  assert.equal(res.status, status, res.text);
}

/** Status, S3 error code in the XML body (not for HEAD) and a request id. */
function assertError(res: Response, status: number, code: string | undefined): void {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text}`);
  if (code !== undefined) {
    assert.equal(errorCode(res), code, res.text);
    assert.match(String(res.headers['content-type']), /xml/);
  }
  assert.match(String(res.headers['x-amz-request-id'] ?? ''), /^\S+$/, 'x-amz-request-id header');
}

// ------------------------------------------------------ state of the store

async function put(key: string, body: Buffer | string, headers: Record<string, string> = {}, bucket = BUCKET): Promise<void> {
  assertOk(await s3({ method: 'PUT', bucket, key, body, headers }));
}

async function get(key: string, bucket = BUCKET): Promise<Response> {
  return s3({ method: 'GET', bucket, key });
}

/** Every object of a bucket as "key size etag", in order. */
async function objects(bucket = BUCKET): Promise<string[]> {
  const found: string[] = [];
  let token: string | undefined;
  do {
    const query: Record<string, string> = { 'list-type': '2' };
    if (token) query['continuation-token'] = token;
    const res = await s3({ method: 'GET', bucket, query });
    assertOk(res);
    for (const m of res.text.matchAll(/<Contents>(.*?)<\/Contents>/gs)) {
      const field = (name: string) => unescapeXml(new RegExp(`<${name}>([^<]*)</${name}>`).exec(m[1]!)?.[1] ?? '');
      found.push(`${field('Key')} ${field('Size')} ${field('ETag')}`);
    }
    token = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(res.text)?.[1];
  } while (token);
  return found;
}

async function buckets(): Promise<string[]> {
  const res = await s3({ method: 'GET' });
  assertOk(res);
  return [...res.text.matchAll(/<Name>([^<]*)<\/Name>/g)].map((m) => m[1]!);
}

/** Runs a refused request and checks that buckets and objects are as before. */
async function unchanged(bucket: string, refused: () => Promise<void>): Promise<void> {
  const before = { buckets: await buckets(), objects: await objects(bucket) };
  await refused();
  assert.deepEqual({ buckets: await buckets(), objects: await objects(bucket) }, before, 'the store changed');
}

async function assertBody(key: string, expected: Buffer | string, bucket = BUCKET): Promise<void> {
  const res = await get(key, bucket);
  assertOk(res);
  assert.equal(md5Hex(res.body), md5Hex(expected), `${key} holds other bytes`);
}

// ------------------------------------------------------------------- tests

describe('missing and conflicting resources', () => {
  test('NoSuchBucket for objects, listings and PUTs into a bucket that does not exist', async () => {
    await unchanged(BUCKET, async () => {
      assertError(await get('key', 'no-such-bucket'), 404, 'NoSuchBucket');
      assertError(await s3({ method: 'GET', bucket: 'no-such-bucket', query: { 'list-type': '2' } }), 404, 'NoSuchBucket');
      assertError(await s3({ method: 'PUT', bucket: 'no-such-bucket', key: 'k', body: 'data' }), 404, 'NoSuchBucket');
      assertError(await s3({ method: 'DELETE', bucket: 'no-such-bucket' }), 404, 'NoSuchBucket');
    });
    assert.ok(!(await buckets()).includes('no-such-bucket'));
  });

  test('NoSuchKey for GET; HEAD gives 404 without a body', async () => {
    const res = await get('no/such/key');
    assertError(res, 404, 'NoSuchKey');
    assert.match(res.text, /<Key>no\/such\/key<\/Key>/);
    const head = await s3({ method: 'HEAD', bucket: BUCKET, key: 'no/such/key' });
    assertError(head, 404, undefined);
    assert.equal(head.body.length, 0);
  });

  test('BucketNotEmpty keeps the bucket and its objects', async () => {
    assertOk(await s3({ method: 'PUT', bucket: 'full-bucket' }));
    await put('keep-me', 'kept', {}, 'full-bucket');
    await unchanged('full-bucket', async () => {
      assertError(await s3({ method: 'DELETE', bucket: 'full-bucket' }), 409, 'BucketNotEmpty');
    });
    await assertBody('keep-me', 'kept', 'full-bucket');
  });

  test('BucketAlreadyOwnedByYou keeps the existing bucket and its objects', async () => {
    assertOk(await s3({ method: 'PUT', bucket: 'owned-bucket' }));
    await put('obj', 'still here', {}, 'owned-bucket');
    await unchanged('owned-bucket', async () => {
      assertError(await s3({ method: 'PUT', bucket: 'owned-bucket' }), 409, 'BucketAlreadyOwnedByYou');
    });
    await assertBody('obj', 'still here', 'owned-bucket');
  });

  test('InvalidBucketName creates nothing', async () => {
    const before = await buckets();
    for (const name of ['Upper_Case', 'ab', 'a'.repeat(64), 'bad..dots', '-leading', '192.168.1.1']) {
      assertError(await s3({ method: 'PUT', bucket: name }), 400, 'InvalidBucketName');
    }
    assert.deepEqual(await buckets(), before);
  });
});

describe('authentication and authorization', () => {
  before(async () => {
    await put('auth/object', 'original');
  });

  test('SignatureDoesNotMatch: wrong secret key', async () => {
    await unchanged(BUCKET, async () => {
      assertError(await s3({ method: 'GET', bucket: BUCKET, key: 'auth/object', secretKey: 'x'.repeat(40) }), 403, 'SignatureDoesNotMatch');
      assertError(await s3({ method: 'PUT', bucket: BUCKET, key: 'auth/object', body: 'evil', secretKey: 'x'.repeat(40) }), 403, 'SignatureDoesNotMatch');
    });
    await assertBody('auth/object', 'original');
  });

  test('SignatureDoesNotMatch: a signed header changed after signing', async () => {
    await unchanged(BUCKET, async () => {
      const res = await s3({
        method: 'PUT', bucket: BUCKET, key: 'auth/object', body: 'tampered', headers: { 'x-amz-meta-owner': 'alice' },
        afterSigning: (h) => { h['x-amz-meta-owner'] = 'mallory'; },
      });
      assertError(res, 403, 'SignatureDoesNotMatch');
      const typed = await s3({
        method: 'PUT', bucket: BUCKET, key: 'auth/object', body: 'tampered', headers: { 'content-type': 'text/plain' },
        afterSigning: (h) => { h['content-type'] = 'text/html'; },
      });
      assertError(typed, 403, 'SignatureDoesNotMatch');
    });
    await assertBody('auth/object', 'original');
  });

  test('a body that does not match its signed SHA-256 is refused', async () => {
    await unchanged(BUCKET, async () => {
      const res = await s3({
        method: 'PUT', bucket: BUCKET, key: 'auth/object', body: 'tampered!',
        headers: { 'x-amz-content-sha256': sha256Hex('original!') },
      });
      assertError(res, 400, 'XAmzContentSHA256Mismatch');
    });
    await assertBody('auth/object', 'original');
  });

  test('InvalidAccessKeyId', async () => {
    await unchanged(BUCKET, async () => {
      assertError(await s3({ method: 'GET', bucket: BUCKET, key: 'auth/object', accessKey: 'AKIANOSUCHKEY0000000' }), 403, 'InvalidAccessKeyId');
      assertError(await s3({ method: 'PUT', bucket: BUCKET, key: 'auth/new', body: 'x', accessKey: 'AKIANOSUCHKEY0000000' }), 403, 'InvalidAccessKeyId');
    });
  });

  test('AccessDenied for anonymous requests to private data', async () => {
    await unchanged(BUCKET, async () => {
      assertError(await s3({ method: 'GET', bucket: BUCKET, key: 'auth/object', auth: 'none' }), 403, 'AccessDenied');
      assertError(await s3({ method: 'GET', bucket: BUCKET, auth: 'none' }), 403, 'AccessDenied');
      assertError(await s3({ method: 'GET', auth: 'none' }), 403, 'AccessDenied');
      assertError(await s3({ method: 'PUT', bucket: BUCKET, key: 'auth/object', body: 'anon', auth: 'none' }), 403, 'AccessDenied');
      assertError(await s3({ method: 'PUT', bucket: BUCKET, key: 'auth/anon-new', body: 'anon', auth: 'none' }), 403, 'AccessDenied');
      assertError(await s3({ method: 'DELETE', bucket: BUCKET, key: 'auth/object', auth: 'none' }), 403, 'AccessDenied');
      assertError(await s3({ method: 'PUT', bucket: 'anon-bucket', auth: 'none' }), 403, 'AccessDenied');
    });
    await assertBody('auth/object', 'original');
  });

  test('RequestTimeTooSkewed for a request signed 20 minutes ago (or ahead)', async () => {
    await unchanged(BUCKET, async () => {
      for (const offset of [-20, 20]) {
        const signingDate = new Date(Date.now() + offset * 60_000);
        assertError(await s3({ method: 'PUT', bucket: BUCKET, key: 'auth/object', body: 'late', signingDate }), 403, 'RequestTimeTooSkewed');
      }
    });
    await assertBody('auth/object', 'original');
  });

  test('an x-amz-* header that was not signed is refused', async () => {
    await unchanged(BUCKET, async () => {
      const res = await s3({
        method: 'PUT', bucket: BUCKET, key: 'auth/object', body: 'sneaky',
        afterSigning: (h) => { h['x-amz-meta-sneaky'] = 'yes'; },
      });
      assertError(res, 403, 'AccessDenied');
      assert.match(res.text, /x-amz-meta-sneaky/);
      const read = await s3({
        method: 'GET', bucket: BUCKET, key: 'auth/object',
        afterSigning: (h) => { h['x-amz-checksum-mode'] = 'ENABLED'; },
      });
      assertError(read, 403, 'AccessDenied');
    });
    await assertBody('auth/object', 'original');
  });

  test('a presigned URL works until it expires, then AccessDenied', async () => {
    const request: HttpRequest = {
      method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: server.port,
      path: pathOf(BUCKET, 'auth/object'), query: {},
      // As @aws-sdk/s3-request-presigner does: a presigned URL signs no payload.
      headers: { host: `127.0.0.1:${server.port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    };
    const url = (r: HttpRequest) => `http://127.0.0.1:${server.port}${r.path}${queryString(r.query ?? {})}`;
    const valid = await signer().presign(request, { expiresIn: 60 });
    const ok = await getUrl(url(valid));
    assertOk(ok);
    assert.equal(ok.text, 'original');

    const expired = await signer().presign(request, { expiresIn: 60, signingDate: new Date(Date.now() - 120_000) });
    const res = await getUrl(url(expired));
    assertError(res, 403, 'AccessDenied');
    assert.match(res.text, /Request has expired/);
  });
});

describe('XML bodies', () => {
  before(async () => {
    await put('xml/victim', 'must survive');
    await put('xml/other', 'also survives');
  });

  async function deleteObjectsWith(body: string): Promise<Response> {
    return s3({ method: 'POST', bucket: BUCKET, query: { delete: '' }, body, headers: { 'content-md5': md5Base64(body) } });
  }

  test('MalformedXML for DeleteObjects deletes nothing', async () => {
    await unchanged(BUCKET, async () => {
      assertError(await deleteObjectsWith('<Delete><Object><Key>xml/victim</Key></Object>'), 400, 'MalformedXML');
      assertError(await deleteObjectsWith('not xml at all'), 400, 'MalformedXML');
      assertError(await deleteObjectsWith('<Delete></Delete>'), 400, 'MalformedXML');
      assertError(await deleteObjectsWith('<Other><Object><Key>xml/victim</Key></Object></Other>'), 400, 'MalformedXML');
    });
  });

  test('a DOCTYPE / ENTITY declaration is refused, never expanded', async () => {
    await unchanged(BUCKET, async () => {
      const entity = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY k "xml/victim">]><Delete><Object><Key>&k;</Key></Object></Delete>';
      assertError(await deleteObjectsWith(entity), 400, 'MalformedXML');
      const laughs = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><Delete><Object><Key>&d;&d;&d;</Key></Object></Delete>';
      assertError(await deleteObjectsWith(laughs), 400, 'MalformedXML');
      const external = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Delete><Object><Key>&x;</Key></Object></Delete>';
      assertError(await deleteObjectsWith(external), 400, 'MalformedXML');
    });
    await assertBody('xml/victim', 'must survive');
  });

  test('DeleteObjects with a wrong Content-MD5 is BadDigest', async () => {
    await unchanged(BUCKET, async () => {
      const body = '<Delete><Object><Key>xml/victim</Key></Object></Delete>';
      const res = await s3({ method: 'POST', bucket: BUCKET, query: { delete: '' }, body, headers: { 'content-md5': md5Base64('something else') } });
      assertError(res, 400, 'BadDigest');
    });
  });

  test('predefined entities and character references are decoded as XML says', async () => {
    await put('xml/a&b<c>', 'amp');
    const body = '<Delete><Quiet>false</Quiet><Object><Key>xml/a&amp;b&#60;c&gt;</Key></Object></Delete>';
    const res = await deleteObjectsWith(body);
    assertOk(res);
    assert.match(res.text, /<Deleted><Key>xml\/a&amp;b&lt;c&gt;<\/Key><\/Deleted>/);
    assert.deepEqual((await objects()).filter((o) => o.startsWith('xml/')).map((o) => o.split(' ')[0]), ['xml/other', 'xml/victim']);
  });
});

describe('multipart failures', () => {
  const key = 'mp/target';
  let uploadId: string;
  const etags: string[] = [];
  const part = (n: number) => Buffer.alloc(n === 1 ? 5 * MiB : 1000, n);

  before(async () => {
    const created = await s3({ method: 'POST', bucket: BUCKET, key, query: { uploads: '' } });
    assertOk(created);
    uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.text)![1]!;
    for (const n of [1, 2, 3]) {
      const res = await s3({ method: 'PUT', bucket: BUCKET, key, query: { partNumber: String(n), uploadId }, body: part(n) });
      assertOk(res);
      etags.push(String(res.headers.etag));
    }
  });

  function completeBody(parts: [number, string][]): string {
    return `<CompleteMultipartUpload>${parts.map(([n, e]) => `<Part><PartNumber>${n}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  }

  async function complete(body: string, id = uploadId): Promise<Response> {
    return s3({ method: 'POST', bucket: BUCKET, key, query: { uploadId: id }, body });
  }

  async function partsListed(): Promise<number[]> {
    const res = await s3({ method: 'GET', bucket: BUCKET, key, query: { uploadId } });
    assertOk(res);
    return [...res.text.matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
  }

  async function refusedCompletion(body: string, status: number, code: string): Promise<void> {
    await unchanged(BUCKET, async () => {
      assertError(await complete(body), status, code);
    });
    assert.deepEqual(await partsListed(), [1, 2, 3], 'the upload and its parts survive a refused completion');
  }

  test('MalformedXML for CompleteMultipartUpload', async () => {
    await refusedCompletion('<CompleteMultipartUpload><Part><PartNumber>1', 400, 'MalformedXML');
    await refusedCompletion('<CompleteMultipartUpload></CompleteMultipartUpload>', 400, 'MalformedXML');
    await refusedCompletion(`<CompleteMultipartUpload><Part><ETag>${etags[0]}</ETag></Part></CompleteMultipartUpload>`, 400, 'MalformedXML');
    await refusedCompletion(`<!DOCTYPE c [<!ENTITY e "${etags[0]!.replace(/"/g, '')}">]>${completeBody([[1, '&e;']])}`, 400, 'MalformedXML');
  });

  test('InvalidPartOrder', async () => {
    await refusedCompletion(completeBody([[2, etags[1]!], [1, etags[0]!]]), 400, 'InvalidPartOrder');
    await refusedCompletion(completeBody([[1, etags[0]!], [1, etags[0]!]]), 400, 'InvalidPartOrder');
  });

  test('InvalidPart: wrong ETag, or a part never uploaded', async () => {
    await refusedCompletion(completeBody([[1, '"0123456789abcdef0123456789abcdef"'], [2, etags[1]!]]), 400, 'InvalidPart');
    await refusedCompletion(completeBody([[1, etags[0]!], [4, etags[1]!]]), 400, 'InvalidPart');
  });

  test('EntityTooSmall: a part other than the last under 5 MiB', async () => {
    await refusedCompletion(completeBody([[1, etags[0]!], [2, etags[1]!], [3, etags[2]!]]), 400, 'EntityTooSmall');
  });

  test('NoSuchUpload for parts, listing, completion and abort of an unknown upload', async () => {
    const bogus = 'bogus-upload-id';
    await unchanged(BUCKET, async () => {
      assertError(await s3({ method: 'PUT', bucket: BUCKET, key, query: { partNumber: '1', uploadId: bogus }, body: 'x' }), 404, 'NoSuchUpload');
      assertError(await s3({ method: 'GET', bucket: BUCKET, key, query: { uploadId: bogus } }), 404, 'NoSuchUpload');
      assertError(await complete(completeBody([[1, etags[0]!]]), bogus), 404, 'NoSuchUpload');
      assertError(await s3({ method: 'DELETE', bucket: BUCKET, key, query: { uploadId: bogus } }), 404, 'NoSuchUpload');
      // The real upload id under another key is not that key's upload.
      assertError(await s3({ method: 'GET', bucket: BUCKET, key: 'mp/other', query: { uploadId } }), 404, 'NoSuchUpload');
    });
  });

  test('after all that, the upload still completes; then it is gone', async () => {
    const res = await complete(completeBody([[1, etags[0]!], [3, etags[2]!]]));
    assertOk(res);
    const expected = md5Hex(Buffer.concat([part(1), part(3)].map((p) => createHash('md5').update(p).digest())));
    assert.match(res.text, new RegExp(`<ETag>(&quot;|")${expected}-2(&quot;|")</ETag>`));
    await assertBody(key, Buffer.concat([part(1), part(3)]));
    assertError(await complete(completeBody([[1, etags[0]!]])), 404, 'NoSuchUpload');
  });
});

describe('bad bodies and headers leave the old object intact', () => {
  const key = 'intact/object';
  const original = randomBytes(100_000);

  before(async () => {
    await put(key, original, { 'x-amz-meta-version': 'one' });
  });

  async function headVersion(): Promise<string | undefined> {
    const res = await s3({ method: 'HEAD', bucket: BUCKET, key });
    assertOk(res);
    return res.headers['x-amz-meta-version'] as string | undefined;
  }

  async function refusedPut(headers: Record<string, string>, body: Buffer | string, status: number, code: string, objectKey = key): Promise<void> {
    await unchanged(BUCKET, async () => {
      assertError(await s3({ method: 'PUT', bucket: BUCKET, key: objectKey, body, headers: { 'x-amz-meta-version': 'two', ...headers } }), status, code);
    });
    await assertBody(key, original);
    assert.equal(await headVersion(), 'one');
  }

  test('BadDigest: wrong Content-MD5 (small and large bodies)', async () => {
    await refusedPut({ 'content-md5': md5Base64('other') }, 'replacement', 400, 'BadDigest');
    await refusedPut({ 'content-md5': md5Base64('other') }, randomBytes(300_000), 400, 'BadDigest');
    await refusedPut({ 'content-md5': md5Base64('other') }, 'new object', 400, 'BadDigest', 'intact/never');
  });

  test('InvalidDigest: a Content-MD5 that is not an MD5', async () => {
    await refusedPut({ 'content-md5': 'bm90IGFuIG1kNQ==' }, 'replacement', 400, 'InvalidDigest');
  });

  test('BadDigest: wrong x-amz-checksum-crc32 (small and large bodies)', async () => {
    await refusedPut({ 'x-amz-checksum-crc32': crc32Base64('other') }, 'replacement', 400, 'BadDigest');
    await refusedPut({ 'x-amz-checksum-crc32': crc32Base64('other') }, randomBytes(300_000), 400, 'BadDigest');
  });

  test('BadDigest: wrong x-amz-checksum-crc32 in an aws-chunked trailer', async () => {
    /** An unsigned aws-chunked body in two chunks, with the given CRC32 trailer. */
    const chunked = (data: Buffer, checksum: string) => {
      const half = data.length >> 1;
      const chunk = (c: Buffer) => Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]);
      const body = Buffer.concat([chunk(data.subarray(0, half)), chunk(data.subarray(half)), Buffer.from(`0\r\nx-amz-checksum-crc32:${checksum}\r\n\r\n`)]);
      const headers = {
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(data.length),
        'x-amz-trailer': 'x-amz-checksum-crc32',
      };
      return { headers, body };
    };
    for (const size of [1000, 300_000]) {
      const data = randomBytes(size);
      const wrong = chunked(data, crc32Base64('other'));
      await refusedPut(wrong.headers, wrong.body, 400, 'BadDigest');
      const right = chunked(data, crc32Base64(data));
      assertOk(await s3({ method: 'PUT', bucket: BUCKET, key: `intact/chunked-${size}`, headers: right.headers, body: right.body }));
      await assertBody(`intact/chunked-${size}`, data);
    }
  });

  test('KeyTooLongError for a 1025-byte key; 1024 bytes is fine', async () => {
    await unchanged(BUCKET, async () => {
      assertError(await s3({ method: 'PUT', bucket: BUCKET, key: 'k'.repeat(1025), body: 'x' }), 400, 'KeyTooLongError');
      assertError(await s3({ method: 'PUT', bucket: BUCKET, key: 'é'.repeat(513), body: 'x' }), 400, 'KeyTooLongError');
    });
    await put('k'.repeat(1024), 'longest');
    await assertBody('k'.repeat(1024), 'longest');
    assertOk(await s3({ method: 'DELETE', bucket: BUCKET, key: 'k'.repeat(1024) }), 204);
  });

  test('MetadataTooLarge for more than 2 KB of x-amz-meta-*', async () => {
    await refusedPut({ 'x-amz-meta-big': 'v'.repeat(2100) }, 'replacement', 400, 'MetadataTooLarge');
    await refusedPut(
      Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`x-amz-meta-field${i}`, 'v'.repeat(70)])),
      'replacement', 400, 'MetadataTooLarge',
    );
  });

  test('InvalidRange (416) for a range past the end', async () => {
    const res = await s3({ method: 'GET', bucket: BUCKET, key, headers: { range: `bytes=${original.length}-${original.length + 100}` } });
    assertError(res, 416, 'InvalidRange');
  });

  test('PreconditionFailed (412) and Not Modified (304)', async () => {
    const head = await s3({ method: 'HEAD', bucket: BUCKET, key });
    const etag = String(head.headers.etag);
    assert.equal(etag, `"${md5Hex(original)}"`);
    assertError(await s3({ method: 'GET', bucket: BUCKET, key, headers: { 'if-match': '"0123456789abcdef0123456789abcdef"' } }), 412, 'PreconditionFailed');
    assertError(await s3({ method: 'GET', bucket: BUCKET, key, headers: { 'if-unmodified-since': new Date(Date.now() - 86_400_000).toUTCString() } }), 412, 'PreconditionFailed');
    assertError(await s3({ method: 'HEAD', bucket: BUCKET, key, headers: { 'if-match': '"nope"' } }), 412, undefined);

    const notModifiedCases: Record<string, string>[] = [{ 'if-none-match': etag }, { 'if-modified-since': new Date(Date.now() + 86_400_000).toUTCString() }];
    for (const headers of notModifiedCases) {
      const notModified = await s3({ method: 'GET', bucket: BUCKET, key, headers });
      assert.equal(notModified.status, 304, JSON.stringify(headers));
      assert.equal(notModified.body.length, 0);
      assert.equal(notModified.headers.etag, etag);
      assert.ok(notModified.headers['x-amz-request-id']);
    }
    const matched = await s3({ method: 'GET', bucket: BUCKET, key, headers: { 'if-match': etag, 'if-none-match': '"other"' } });
    assertOk(matched);
    assert.equal(md5Hex(matched.body), md5Hex(original));

    await refusedPut({ 'if-none-match': '*' }, 'replacement', 412, 'PreconditionFailed');
    await refusedPut({ 'if-match': '"0123456789abcdef0123456789abcdef"' }, 'replacement', 412, 'PreconditionFailed');
  });
});

describe('the network fails', () => {
  /** Starts a PUT announcing `length` bytes, sends `sent` of them, then drops the connection. */
  async function abandonedPut(key: string, length: number, sent: number): Promise<void> {
    const headers = await signedHeaders({ method: 'PUT', bucket: BUCKET, key, unsignedPayload: true });
    headers['content-length'] = String(length);
    await new Promise<void>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, method: 'PUT', path: pathOf(BUCKET, key), headers, agent: false });
      req.on('error', () => resolve());
      req.on('response', (res) => {
        res.resume();
        resolve();
      });
      req.write(randomBytes(sent), () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 100);
      });
    });
    // Give the server time to notice and clean up.
    await sleep(300);
  }

  test('a client that disconnects mid-PUT leaves no object and the previous version intact', async () => {
    const previous = randomBytes(200_000);
    await put('net/existing', previous);
    await unchanged(BUCKET, async () => {
      await abandonedPut('net/existing', 10 * MiB, 1 * MiB);
      await abandonedPut('net/new', 10 * MiB, 1 * MiB);
      await abandonedPut('net/tiny', 1000, 10);
    });
    await assertBody('net/existing', previous);
    assertError(await get('net/new'), 404, 'NoSuchKey');
    assertError(await get('net/tiny'), 404, 'NoSuchKey');
    // The server is still healthy and the key still writable.
    await put('net/new', 'written after all');
    await assertBody('net/new', 'written after all');
  });

  test('an overwrite racing a GET: the GET gets exactly the old bytes, a new GET the new ones', async () => {
    const key = 'net/raced';
    const oldBody = randomBytes(20 * MiB);
    const newBody = randomBytes(20 * MiB);
    await put(key, oldBody);

    const headers = await signedHeaders({ method: 'GET', bucket: BUCKET, key });
    const received: Buffer[] = [];
    const done = new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: server.port, path: pathOf(BUCKET, key), headers, agent: false }, (res) => {
        let paused = false;
        res.on('data', (chunk: Buffer) => {
          received.push(chunk);
          if (!paused) {
            // Hold the download after its first bytes while the object is replaced.
            paused = true;
            res.pause();
            put(key, newBody).then(() => res.resume(), reject);
          }
        });
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(received) }));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
    const raced = await done;
    assert.equal(raced.status, 200);
    assert.equal(raced.body.length, oldBody.length);
    assert.equal(md5Hex(raced.body), md5Hex(oldBody), 'the GET in flight delivered the old object whole');
    await assertBody(key, newBody);
  });

  test('concurrent PUTs of different bodies to one key end with exactly one of them whole', async () => {
    const key = 'net/contended';
    const bodies = Array.from({ length: 6 }, () => randomBytes(3 * MiB + 7));
    const results = await Promise.all(bodies.map((body) => s3({ method: 'PUT', bucket: BUCKET, key, body })));
    for (const res of results) assertOk(res);
    const res = await get(key);
    assertOk(res);
    const winner = bodies.findIndex((b) => md5Hex(b) === md5Hex(res.body));
    assert.ok(winner >= 0, 'the object is one of the bodies, not a mix');
    assert.equal(res.headers.etag, `"${md5Hex(bodies[winner]!)}"`);
    assert.equal(Number(res.headers['content-length']), bodies[winner]!.length);
    assert.deepEqual((await objects()).filter((o) => o.startsWith(`${key} `)), [`${key} ${bodies[winner]!.length} "${md5Hex(bodies[winner]!)}"`]);
  });
});
