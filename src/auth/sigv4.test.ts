import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Sha256 } from '@aws-crypto/sha256-js';
import { escapeUri } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { authenticate } from './authenticate.js';
import { parseAuthorizationV4 } from './sigv4.js';
import {
  EXAMPLE_ACCESS_KEY,
  EXAMPLE_SECRET,
  authOptions,
  credential,
  errorCode,
  fakeRequest,
  readAll,
  targetFor,
} from './testing.js';

const EXAMPLE_TIME = new Date('2013-05-24T00:00:00Z');
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const EXAMPLE_HOST = 'examplebucket.s3.amazonaws.com';

function exampleAuthorization(signedHeaders: string, signature: string): string {
  return `AWS4-HMAC-SHA256 Credential=${EXAMPLE_ACCESS_KEY}/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${signature}`;
}

// "Authenticating Requests: Using the Authorization Header", Examples (S3 API Reference).
describe('SigV4 AWS documentation vectors', () => {
  const virtual = { virtualHost: true, bucket: 'examplebucket' };

  it('GET object with a Range header', async () => {
    const req = fakeRequest({
      url: '/test.txt',
      headers: [
        ['Host', EXAMPLE_HOST],
        ['Range', 'bytes=0-9'],
        ['x-amz-content-sha256', EMPTY_SHA256],
        ['x-amz-date', '20130524T000000Z'],
        [
          'Authorization',
          exampleAuthorization(
            'host;range;x-amz-content-sha256;x-amz-date',
            'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
          ),
        ],
      ],
    });
    const result = await authenticate(req, targetFor('/test.txt', virtual), authOptions(EXAMPLE_TIME));
    assert.equal(result.credential?.accessKeyId, EXAMPLE_ACCESS_KEY);
  });

  it('PUT object with a signed payload and a $ in the key', async () => {
    const body = 'Welcome to Amazon S3.';
    const req = fakeRequest({
      method: 'PUT',
      url: '/test%24file.text',
      headers: [
        ['Host', EXAMPLE_HOST],
        ['Date', 'Fri, 24 May 2013 00:00:00 GMT'],
        ['x-amz-date', '20130524T000000Z'],
        ['x-amz-storage-class', 'REDUCED_REDUNDANCY'],
        ['x-amz-content-sha256', '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072'],
        ['Content-Length', String(body.length)],
        [
          'Authorization',
          exampleAuthorization(
            'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
            '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
          ),
        ],
      ],
      body: [body],
    });
    const result = await authenticate(req, targetFor('/test%24file.text', virtual), authOptions(EXAMPLE_TIME));
    assert.equal((await readAll(result.payload.stream)).toString(), body);
    assert.equal(result.payload.length, body.length);
  });

  // Bucket GETs: a sub-resource without value, and parameters to sort.
  const bucketGets: [string, string][] = [
    ['/?lifecycle', 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543'],
    ['/?max-keys=2&prefix=J', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7'],
  ];
  for (const [url, signature] of bucketGets) {
    it(`GET ${url}`, async () => {
      const req = fakeRequest({
        url,
        headers: [
          ['Host', EXAMPLE_HOST],
          ['x-amz-date', '20130524T000000Z'],
          ['x-amz-content-sha256', EMPTY_SHA256],
          ['Authorization', exampleAuthorization('host;x-amz-content-sha256;x-amz-date', signature)],
        ],
      });
      await authenticate(req, targetFor(url, virtual), authOptions(EXAMPLE_TIME));
    });
  }

  // "Authenticating Requests: Using Query Parameters", Example.
  const presignedUrl =
    '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';

  it('presigned GET', async () => {
    const req = fakeRequest({ url: presignedUrl, headers: [['Host', EXAMPLE_HOST]] });
    const result = await authenticate(req, targetFor(presignedUrl, virtual), authOptions(new Date('2013-05-24T20:00:00Z')));
    assert.equal(result.credential?.accessKeyId, EXAMPLE_ACCESS_KEY);
  });

  it('presigned GET after X-Amz-Expires is refused', async () => {
    const req = fakeRequest({ url: presignedUrl, headers: [['Host', EXAMPLE_HOST]] });
    await assert.rejects(authenticate(req, targetFor(presignedUrl, virtual), authOptions(new Date('2013-05-25T00:00:01Z'))), {
      code: 'AccessDenied',
      message: 'Request has expired',
    });
  });
});

// The AWS SDK's own signer as the oracle: whatever it signs must verify.
const HOST = 'localhost:9000';
const NOW = new Date('2025-03-01T12:00:00Z');

function signer(region = 'us-east-1', secretAccessKey = EXAMPLE_SECRET): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: EXAMPLE_ACCESS_KEY, secretAccessKey },
    region,
    service: 's3',
    sha256: Sha256,
    // The S3 client encodes the key once itself and has the signer use the path as is.
    uriEscapePath: false,
  });
}

interface Signed {
  url: string;
  headers: [string, string][];
}

interface SdkRequest {
  method?: string;
  key: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

function sdkRequest(r: SdkRequest) {
  const path = '/bucket/' + r.key.split('/').map(escapeUri).join('/');
  return {
    method: r.method ?? 'GET',
    protocol: 'http:',
    hostname: 'localhost',
    port: 9000,
    path,
    query: r.query ?? {},
    headers: { host: HOST, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...r.headers },
  };
}

function toWire(signed: { path: string; query?: Record<string, string | string[] | null>; headers: Record<string, string> }): Signed {
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${escapeUri(k)}=${escapeUri(String(v))}`)
    .join('&');
  return { url: query === '' ? signed.path : `${signed.path}?${query}`, headers: Object.entries(signed.headers) };
}

async function signHeader(r: SdkRequest, region?: string, secret?: string): Promise<Signed> {
  return toWire((await signer(region, secret).sign(sdkRequest(r), { signingDate: NOW })) as never);
}

// Like @aws-sdk/s3-request-presigner: x-amz-content-sha256 is UNSIGNED-PAYLOAD
// and, with every other x-amz-* header not listed as unhoistable, moves into the query.
async function presign(r: SdkRequest, expiresIn = 3600, unhoistable: string[] = []): Promise<Signed> {
  const request = sdkRequest(r);
  const options = { expiresIn, signingDate: NOW, unhoistableHeaders: new Set(unhoistable) };
  return toWire((await signer().presign(request, options)) as never);
}

function verify(s: Signed, extra: { method?: string; body?: string[]; now?: Date; headers?: [string, string][] } = {}) {
  const req = fakeRequest({
    method: extra.method ?? 'GET',
    url: s.url,
    headers: [...s.headers, ...(extra.headers ?? [])],
    body: extra.body ?? [],
  });
  return authenticate(req, targetFor(s.url), authOptions(extra.now ?? NOW));
}

const KEYS = [
  'plain.txt',
  'with space.txt',
  'unicodé/ñandú/日本語.txt',
  "a+b=c~d!e'(f)*g.txt",
  'dir/sub/',
  'percent%20literal & ampersand?.txt',
  'emoji 😀/x',
];
const QUERIES: Record<string, string>[] = [{}, { prefix: 'a b+c/é', 'list-type': '2', delimiter: '/' }, { uploads: '' }];

describe('SigV4 against the AWS SDK signer', () => {
  for (const key of KEYS) {
    for (const query of QUERIES) {
      it(`header-signed: ${key} ${JSON.stringify(query)}`, async () => {
        const s = await signHeader({ key, query, headers: { 'x-amz-meta-note': '  two   spaces  ' } });
        const result = await verify(s);
        assert.equal(result.credential?.accessKeyId, EXAMPLE_ACCESS_KEY);
      });
      it(`presigned: ${key} ${JSON.stringify(query)}`, async () => {
        const s = await presign({ key, query });
        const result = await verify(s, { now: new Date(NOW.getTime() + 3599_000) });
        assert.equal(result.credential?.accessKeyId, EXAMPLE_ACCESS_KEY);
      });
    }
  }

  it('accepts a path signed exactly as sent, for clients with their own encoding', async () => {
    for (const path of ["/bucket/a!b(c)'d*", '/bucket/caf%c3%a9', '/bucket/a%2Fb']) {
      const request = { ...sdkRequest({ key: 'x' }), path };
      const s = toWire((await signer().sign(request, { signingDate: NOW })) as never);
      await verify(s);
    }
  });

  it('accepts any region in the credential scope', async () => {
    const s = await signHeader({ key: 'k' }, 'eu-north-1');
    await verify(s);
  });

  it('verifies a signed payload and passes the body through', async () => {
    const body = 'hello, world';
    const sha = (await import('node:crypto')).createHash('sha256').update(body).digest('hex');
    const s = await signHeader({
      method: 'PUT',
      key: 'k',
      headers: { 'x-amz-content-sha256': sha, 'content-length': String(body.length) },
    });
    const result = await verify(s, { method: 'PUT', body: ['hello, ', 'world'] });
    assert.equal((await readAll(result.payload.stream)).toString(), body);
  });

  it('errors the stream when the body does not match the signed SHA-256', async () => {
    const sha = (await import('node:crypto')).createHash('sha256').update('hello').digest('hex');
    const s = await signHeader({ method: 'PUT', key: 'k', headers: { 'x-amz-content-sha256': sha, 'content-length': '5' } });
    const result = await verify(s, { method: 'PUT', body: ['hellO'] });
    assert.equal(await errorCode(readAll(result.payload.stream)), 'XAmzContentSHA256Mismatch');
  });

  it('errors the stream with IncompleteBody when the client disconnects early', async () => {
    const s = await signHeader({ method: 'PUT', key: 'k', headers: { 'content-length': '10' } });
    const req = fakeRequest({ method: 'PUT', url: s.url, headers: s.headers, body: ['12345'], disconnect: true });
    const result = await authenticate(req, targetFor(s.url), authOptions(NOW));
    assert.equal(await errorCode(readAll(result.payload.stream)), 'IncompleteBody');
  });

  it('verifies a presigned URL whose signed headers include an x-amz-* header', async () => {
    const s = await presign({ key: 'k', headers: { 'x-amz-acl': 'public-read' } }, 3600, ['x-amz-acl']);
    assert.ok(s.headers.some(([n]) => n === 'x-amz-acl'));
    await verify(s);
  });
});

describe('SigV4 refusals', () => {
  it('tampered signed header', async () => {
    const s = await signHeader({ key: 'k', headers: { 'x-amz-meta-a': '1' } });
    s.headers = s.headers.map(([n, v]) => [n, n === 'x-amz-meta-a' ? '2' : v]);
    assert.equal(await errorCode(verify(s)), 'SignatureDoesNotMatch');
  });

  it('tampered path', async () => {
    const s = await signHeader({ key: 'k' });
    s.url = s.url.replace('/k', '/j');
    assert.equal(await errorCode(verify(s)), 'SignatureDoesNotMatch');
  });

  it('tampered query', async () => {
    const s = await signHeader({ key: 'k', query: { prefix: 'a' } });
    s.url = s.url.replace('prefix=a', 'prefix=b');
    assert.equal(await errorCode(verify(s)), 'SignatureDoesNotMatch');
  });

  it('unsigned x-amz-* header', async () => {
    const s = await signHeader({ key: 'k' });
    await assert.rejects(verify(s, { headers: [['x-amz-meta-extra', 'x'], ['X-Amz-Tagging', 'a=b']] }), {
      code: 'AccessDenied',
      message: 'There were headers present in the request which were not signed',
      details: { HeadersNotSigned: 'x-amz-meta-extra, x-amz-tagging' },
    });
  });

  it('unsigned x-amz-* header on a presigned URL', async () => {
    const s = await presign({ key: 'k' });
    await assert.rejects(verify(s, { headers: [['x-amz-acl', 'public-read']] }), { code: 'AccessDenied' });
  });

  it('host not signed', async () => {
    const s = await signHeader({ key: 'k' });
    const auth = s.headers.find(([n]) => n === 'authorization')!;
    auth[1] = auth[1].replace('SignedHeaders=host;', 'SignedHeaders=');
    await assert.rejects(verify(s), { code: 'AccessDenied', details: { HeadersNotSigned: 'host' } });
  });

  it('clock skew over 15 minutes', async () => {
    const s = await signHeader({ key: 'k' });
    assert.equal(await errorCode(verify(s, { now: new Date(NOW.getTime() + 16 * 60_000) })), 'RequestTimeTooSkewed');
    assert.equal(await errorCode(verify(s, { now: new Date(NOW.getTime() - 16 * 60_000) })), 'RequestTimeTooSkewed');
    await verify(s, { now: new Date(NOW.getTime() + 14 * 60_000) });
  });

  it('wrong secret', async () => {
    const s = await signHeader({ key: 'k' }, undefined, 'not-the-secret');
    assert.equal(await errorCode(verify(s)), 'SignatureDoesNotMatch');
  });

  it('unknown and inactive access keys', async () => {
    const s = await signHeader({ key: 'k' });
    const req = () => fakeRequest({ url: s.url, headers: s.headers });
    assert.equal(await errorCode(authenticate(req(), targetFor(s.url), authOptions(NOW, []))), 'InvalidAccessKeyId');
    const inactive = [credential(EXAMPLE_ACCESS_KEY, EXAMPLE_SECRET, false)];
    assert.equal(await errorCode(authenticate(req(), targetFor(s.url), authOptions(NOW, inactive))), 'InvalidAccessKeyId');
  });

  it('missing x-amz-content-sha256', async () => {
    const s = await signHeader({ key: 'k' });
    s.headers = s.headers.filter(([n]) => n !== 'x-amz-content-sha256');
    await assert.rejects(verify(s), {
      code: 'InvalidRequest',
      message: 'Missing required header for this request: x-amz-content-sha256',
    });
  });

  it('ECDSA streaming payload is not implemented', async () => {
    const s = await signHeader({ method: 'PUT', key: 'k', headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD' } });
    assert.equal(await errorCode(verify(s, { method: 'PUT' })), 'NotImplemented');
  });

  it('invalid x-amz-content-sha256', async () => {
    const s = await signHeader({ key: 'k', headers: { 'x-amz-content-sha256': 'nonsense' } });
    assert.equal(await errorCode(verify(s)), 'InvalidArgument');
  });

  it('presigned URL expired, not yet valid, or too long-lived', async () => {
    const s = await presign({ key: 'k' }, 60);
    await assert.rejects(verify(s, { now: new Date(NOW.getTime() + 61_000) }), { code: 'AccessDenied', message: 'Request has expired' });
    await assert.rejects(verify(s, { now: new Date(NOW.getTime() - 16 * 60_000) }), { code: 'AccessDenied', message: 'Request is not valid yet' });
    const long = { ...s, url: s.url.replace('X-Amz-Expires=60', 'X-Amz-Expires=604801') };
    await assert.rejects(verify(long), {
      code: 'AuthorizationQueryParametersError',
      message: /X-Amz-Expires must be less than a week/,
    });
    const negative = { ...s, url: s.url.replace('X-Amz-Expires=60', 'X-Amz-Expires=-1') };
    await assert.rejects(verify(negative), { code: 'AuthorizationQueryParametersError', message: 'X-Amz-Expires must be non-negative' });
    const week = await presign({ key: 'k' }, 604800);
    await verify(week, { now: new Date(NOW.getTime() + 604799_000) });
  });

  it('presigned URL missing a parameter', async () => {
    const s = await presign({ key: 'k' });
    s.url = s.url.replace(/&?X-Amz-SignedHeaders=[^&]*/, '');
    assert.equal(await errorCode(verify(s)), 'AuthorizationQueryParametersError');
  });

  it('malformed Authorization headers', async () => {
    const s = await signHeader({ key: 'k' });
    const auth = s.headers.find(([n]) => n === 'authorization')!;
    const original = auth[1];
    auth[1] = original.replace(/, ?Signature=[0-9a-f]+/, '');
    await assert.rejects(verify(s), { code: 'AuthorizationHeaderMalformed', message: /missing Signature/ });
    auth[1] = original.replace('/s3/', '/ec2/');
    await assert.rejects(verify(s), { code: 'AuthorizationHeaderMalformed', message: /incorrect service "ec2"/ });
    auth[1] = original.replace(/Credential=[^,]+/, 'Credential=AKID/2025');
    await assert.rejects(verify(s), { code: 'AuthorizationHeaderMalformed', message: /Credential is mal-formed/ });
    auth[1] = original.replace('/20250301/', '/20250302/');
    await assert.rejects(verify(s), { code: 'AuthorizationHeaderMalformed', message: /Invalid credential date/ });
    auth[1] = 'Bearer abc';
    await assert.rejects(verify(s), { code: 'InvalidArgument', message: 'Unsupported Authorization Type' });
  });

  it('Authorization header and query signature together', async () => {
    const s = await signHeader({ key: 'k' });
    s.url += '?X-Amz-Algorithm=AWS4-HMAC-SHA256';
    assert.equal(await errorCode(verify(s)), 'InvalidArgument');
  });
});

describe('Authorization header parsing', () => {
  it('tolerates spaces around separators', () => {
    const fields = parseAuthorizationV4(
      'AWS4-HMAC-SHA256   Credential = AKID/20130524/us-east-1/s3/aws4_request ,SignedHeaders=host;x-amz-date,  Signature=abc ',
    );
    assert.deepEqual(fields, {
      credential: 'AKID/20130524/us-east-1/s3/aws4_request',
      signedHeaders: 'host;x-amz-date',
      signature: 'abc',
    });
  });
});

describe('anonymous requests', () => {
  it('have no credential and pass the body through', async () => {
    const req = fakeRequest({ method: 'PUT', url: '/b/k', headers: { 'content-length': '3' }, body: ['a', 'bc'] });
    const result = await authenticate(req, targetFor('/b/k'), authOptions(NOW));
    assert.equal(result.credential, undefined);
    assert.equal((await readAll(result.payload.stream)).toString(), 'abc');
  });

  it('still detect a short body', async () => {
    const req = fakeRequest({ method: 'PUT', url: '/b/k', headers: { 'content-length': '3' }, body: ['a'], disconnect: true });
    const result = await authenticate(req, targetFor('/b/k'), authOptions(NOW));
    assert.equal(await errorCode(readAll(result.payload.stream)), 'IncompleteBody');
  });
});
