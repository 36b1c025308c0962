import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { authenticate } from './authenticate.js';
import { EXAMPLE_ACCESS_KEY, EXAMPLE_SECRET, authOptions, errorCode, fakeRequest, targetFor } from './testing.js';

function auth(signature: string): [string, string] {
  return ['Authorization', `AWS ${EXAMPLE_ACCESS_KEY}:${signature}`];
}

interface Vector {
  name: string;
  method: string;
  url: string;
  headers: [string, string][];
  signature: string;
  target: { virtualHost?: boolean; bucket?: string };
  now: string;
}

// "Signing and Authenticating REST Requests", Authentication examples (S3 API
// Reference, the johnsmith examples of the SigV2 guide).
const VECTORS: Vector[] = [
  {
    name: 'object GET',
    method: 'GET',
    url: '/photos/puppy.jpg',
    headers: [['Host', 'johnsmith.s3.amazonaws.com'], ['Date', 'Tue, 27 Mar 2007 19:36:42 +0000']],
    signature: 'bWq2s1WEIj+Ydj0vQ697zp+IXMU=',
    target: { virtualHost: true, bucket: 'johnsmith' },
    now: '2007-03-27T19:36:42Z',
  },
  {
    name: 'object PUT',
    method: 'PUT',
    url: '/photos/puppy.jpg',
    headers: [
      ['Content-Type', 'image/jpeg'],
      ['Host', 'johnsmith.s3.amazonaws.com'],
      ['Date', 'Tue, 27 Mar 2007 21:15:45 +0000'],
    ],
    signature: 'MyyxeRY7whkBe+bq8fHCL/2kKUg=',
    target: { virtualHost: true, bucket: 'johnsmith' },
    now: '2007-03-27T21:15:45Z',
  },
  {
    name: 'list (query parameters that are not sub-resources)',
    method: 'GET',
    url: '/?prefix=photos&max-keys=50&marker=puppy',
    headers: [
      ['User-Agent', 'Mozilla/5.0'],
      ['Host', 'johnsmith.s3.amazonaws.com'],
      ['Date', 'Tue, 27 Mar 2007 19:42:41 +0000'],
    ],
    signature: 'htDYFYduRNen8P9ZfE/s9SuKy0U=',
    target: { virtualHost: true, bucket: 'johnsmith' },
    now: '2007-03-27T19:42:41Z',
  },
  {
    name: 'fetch ACL (a sub-resource)',
    method: 'GET',
    url: '/?acl',
    headers: [['Host', 'johnsmith.s3.amazonaws.com'], ['Date', 'Tue, 27 Mar 2007 19:44:46 +0000']],
    signature: 'c2WLPFtWHVgbEmeEG93a4cG37dM=',
    target: { virtualHost: true, bucket: 'johnsmith' },
    now: '2007-03-27T19:44:46Z',
  },
  {
    name: 'DELETE, path style, x-amz-date empties the Date line',
    method: 'DELETE',
    url: '/johnsmith/photos/puppy.jpg',
    headers: [
      ['User-Agent', 'dotnet'],
      ['Host', 's3.amazonaws.com'],
      ['Date', 'Tue, 27 Mar 2007 21:20:27 +0000'],
      ['x-amz-date', 'Tue, 27 Mar 2007 21:20:26 +0000'],
    ],
    signature: 'lx3byBScXR6KzyMaifNkardMwNk=',
    target: {},
    now: '2007-03-27T21:20:26Z',
  },
  {
    name: 'upload with x-amz-meta headers, repeated header, Content-MD5, CNAME bucket',
    method: 'PUT',
    url: '/db-backup.dat.gz',
    headers: [
      ['User-Agent', 'curl/7.15.5'],
      ['Host', 'static.johnsmith.net:8080'],
      ['Date', 'Tue, 27 Mar 2007 21:06:08 +0000'],
      ['x-amz-acl', 'public-read'],
      ['content-type', 'application/x-download'],
      ['Content-MD5', '4gJE4saaMU4BqNR0kLY+lw=='],
      ['X-Amz-Meta-ReviewedBy', 'joe@johnsmith.net'],
      ['X-Amz-Meta-ReviewedBy', 'jane@johnsmith.net'],
      ['X-Amz-Meta-FileChecksum', '0x02661779'],
      ['X-Amz-Meta-ChecksumAlgorithm', 'crc32'],
      ['Content-Disposition', 'attachment; filename=database.dat'],
      ['Content-Encoding', 'gzip'],
    ],
    signature: 'ilyl83RwaSoYIEdixDQcA4OnAnc=',
    target: { virtualHost: true, bucket: 'static.johnsmith.net' },
    now: '2007-03-27T21:06:08Z',
  },
  {
    name: 'list all buckets',
    method: 'GET',
    url: '/',
    headers: [['Host', 's3.amazonaws.com'], ['Date', 'Wed, 28 Mar 2007 01:29:59 +0000']],
    signature: 'qGdzdERIC03wnaRNKh6OqZehG9s=',
    target: {},
    now: '2007-03-28T01:29:59Z',
  },
  {
    name: 'unicode keys, signed with the encoding as sent',
    method: 'GET',
    url: '/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re',
    headers: [['Host', 's3.amazonaws.com'], ['Date', 'Wed, 28 Mar 2007 01:49:49 +0000']],
    signature: 'DNEZGsoieTZ92F3bUfSPQcbGmlM=',
    target: {},
    now: '2007-03-28T01:49:49Z',
  },
];

function vectorRequest(v: Vector, headers = v.headers) {
  return fakeRequest({ method: v.method, url: v.url, headers: [...headers, auth(v.signature)] });
}

describe('SigV2 AWS documentation vectors', () => {
  for (const v of VECTORS) {
    it(v.name, async () => {
      const result = await authenticate(vectorRequest(v), targetFor(v.url, v.target), authOptions(new Date(v.now)));
      assert.equal(result.credential?.accessKeyId, EXAMPLE_ACCESS_KEY);
    });
  }

  it('query string authentication', async () => {
    const url = '/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620';
    const req = fakeRequest({ url, headers: [['Host', 'johnsmith.s3.amazonaws.com']] });
    const target = targetFor(url, { virtualHost: true, bucket: 'johnsmith' });
    const result = await authenticate(req, target, authOptions(new Date('2007-03-28T01:00:00Z')));
    assert.equal(result.credential?.accessKeyId, EXAMPLE_ACCESS_KEY);
  });
});

describe('SigV2 refusals', () => {
  const get = VECTORS[0]!;
  const now = new Date(get.now);
  const target = targetFor(get.url, get.target);

  it('tampered header', async () => {
    const headers: [string, string][] = [['Host', 'johnsmith.s3.amazonaws.com'], ['Date', 'Tue, 27 Mar 2007 19:36:43 +0000']];
    assert.equal(await errorCode(authenticate(vectorRequest(get, headers), target, authOptions(now))), 'SignatureDoesNotMatch');
  });

  it('added x-amz-* header', async () => {
    const headers: [string, string][] = [...get.headers, ['x-amz-meta-a', '1']];
    assert.equal(await errorCode(authenticate(vectorRequest(get, headers), target, authOptions(now))), 'SignatureDoesNotMatch');
  });

  it('clock skew', async () => {
    const later = new Date(now.getTime() + 16 * 60_000);
    assert.equal(await errorCode(authenticate(vectorRequest(get), target, authOptions(later))), 'RequestTimeTooSkewed');
  });

  it('no date', async () => {
    const headers: [string, string][] = [['Host', 'johnsmith.s3.amazonaws.com']];
    await assert.rejects(authenticate(vectorRequest(get, headers), target, authOptions(now)), {
      code: 'AccessDenied',
      message: 'AWS authentication requires a valid Date or x-amz-date header',
    });
  });

  it('unknown key', async () => {
    assert.equal(await errorCode(authenticate(vectorRequest(get), target, authOptions(now, []))), 'InvalidAccessKeyId');
  });

  it('malformed header', async () => {
    const req = fakeRequest({ url: get.url, headers: [...get.headers, ['Authorization', 'AWS nocolon']] });
    assert.equal(await errorCode(authenticate(req, target, authOptions(now))), 'InvalidArgument');
  });

  it('query: expired, too far ahead, missing parameters', async () => {
    const url = '/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620';
    const qTarget = targetFor(url, { virtualHost: true, bucket: 'johnsmith' });
    const req = () => fakeRequest({ url, headers: [['Host', 'johnsmith.s3.amazonaws.com']] });
    await assert.rejects(authenticate(req(), qTarget, authOptions(new Date(1175139621_000))), {
      code: 'AccessDenied',
      message: 'Request has expired',
    });
    await assert.rejects(authenticate(req(), qTarget, authOptions(new Date(1175139620_000 - 3600_000), undefined, 3599)), {
      code: 'AccessDenied',
      message: /at most 3599 seconds/,
    });
    const partial = '/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620';
    const partialReq = fakeRequest({ url: partial, headers: [['Host', 'johnsmith.s3.amazonaws.com']] });
    assert.equal(await errorCode(authenticate(partialReq, targetFor(partial, qTarget), authOptions(new Date(0)))), 'AccessDenied');
  });
});

// s3cmd 2.3.0, S3/Crypto.py: s3_quote() is Python's urllib quote(), keeping
// only A-Za-z0-9_.-~ (and '/' unless quote_backslashes), over UTF-8 bytes.
function s3Quote(value: string, quoteBackslashes = true): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.\-~]/.test(c) || (!quoteBackslashes && c === '/') ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function signStringV2(secret: string, text: string): string {
  return createHmac('sha1', secret).update(Buffer.from(text, 'utf8')).digest('base64');
}

/** sign_url_base_v2: the URL `s3cmd signurl s3://bucket/object +expiry` prints. */
function s3cmdSignUrl(o: {
  bucket: string;
  object: string;
  expiry: number;
  hostBase: string;
  dnsStyle: boolean;
  contentDisposition?: string;
  contentType?: string;
}): string {
  const object = s3Quote(o.object, false);
  let signtext = `GET\n\n\n${o.expiry}\n/${o.bucket}/${object}`;
  let separator = '?';
  if (o.contentDisposition) {
    signtext += separator + 'response-content-disposition=' + o.contentDisposition;
    separator = '&';
  }
  if (o.contentType) signtext += separator + 'response-content-type=' + o.contentType;
  const sig = s3Quote(signStringV2(EXAMPLE_SECRET, signtext));
  let url = o.dnsStyle ? `http://${o.bucket}.${o.hostBase}/${object}` : `http://${o.hostBase}/${o.bucket}/${object}`;
  url += `?AWSAccessKeyId=${EXAMPLE_ACCESS_KEY}&Expires=${o.expiry}&Signature=${sig}`;
  if (o.contentDisposition) url += '&response-content-disposition=' + s3Quote(o.contentDisposition);
  if (o.contentType) url += '&response-content-type=' + s3Quote(o.contentType);
  return url;
}

describe('s3cmd 2.3.0 signurl', () => {
  const expiry = 1_900_000_000;
  const now = new Date((expiry - 3600) * 1000);
  const objects = ['report.pdf', 'dir/with space/file name.txt', 'päivä/日本語 ü+=&?#%.txt', "odd!'()*~@$,;:.txt"];

  for (const object of objects) {
    for (const dnsStyle of [true, false]) {
      it(`${dnsStyle ? 'virtual-host' : 'path'} style: ${object}`, async () => {
        const url = new globalThis.URL(s3cmdSignUrl({ bucket: 'my-bucket', object, expiry, hostBase: 'aitta.example', dnsStyle }));
        const pathAndQuery = url.pathname + url.search;
        const target = targetFor(pathAndQuery, dnsStyle ? { virtualHost: true, bucket: 'my-bucket' } : {});
        const req = fakeRequest({ url: pathAndQuery, headers: [['Host', url.host]] });
        const result = await authenticate(req, target, authOptions(now));
        assert.equal(result.credential?.accessKeyId, EXAMPLE_ACCESS_KEY);
      });
    }
  }

  it('with --content-disposition and --content-type', async () => {
    const url = new globalThis.URL(
      s3cmdSignUrl({
        bucket: 'my-bucket',
        object: 'a b.txt',
        expiry,
        hostBase: 'aitta.example',
        dnsStyle: true,
        contentDisposition: 'attachment; filename="a b.txt"',
        contentType: 'text/plain; charset=utf-8',
      }),
    );
    const pathAndQuery = url.pathname + url.search;
    const req = fakeRequest({ url: pathAndQuery, headers: [['Host', url.host]] });
    await authenticate(req, targetFor(pathAndQuery, { virtualHost: true, bucket: 'my-bucket' }), authOptions(now));
  });

  it('a signature with its "+" left unencoded still verifies', async () => {
    // Find an expiry whose signature contains '+', then send it raw as some clients do.
    for (let e = expiry; e < expiry + 200; e++) {
      const url = s3cmdSignUrl({ bucket: 'b', object: 'k', expiry: e, hostBase: 'h', dnsStyle: false });
      if (!url.includes('%2B')) continue;
      const pathAndQuery = new globalThis.URL(url.replaceAll('%2B', '+')).pathname + '?' + url.split('?')[1]!.replaceAll('%2B', '+');
      const req = fakeRequest({ url: pathAndQuery, headers: [['Host', 'h']] });
      await authenticate(req, targetFor(pathAndQuery), authOptions(now));
      return;
    }
    assert.fail('no signature with + found');
  });

  it('x-amz-date instead of Date: empty Date line, x-amz-date among the signed headers', async () => {
    const amzDate = now.toUTCString();
    const stringToSign = `GET\n\n\n\nx-amz-date:${amzDate}\n/my-bucket/k`;
    const req = fakeRequest({
      url: '/my-bucket/k',
      headers: [
        ['Host', 'aitta.example'],
        ['x-amz-date', amzDate],
        ['Authorization', `AWS ${EXAMPLE_ACCESS_KEY}:${signStringV2(EXAMPLE_SECRET, stringToSign)}`],
      ],
    });
    await authenticate(req, targetFor('/my-bucket/k'), authOptions(now));
  });

  it('s3cmd V2 header signing of a key with spaces and unicode (sign_request_v2)', async () => {
    const path = s3Quote('/my-bucket/päivä/a b+c.txt', false);
    const date = now.toUTCString();
    const stringToSign = `PUT\n\ntext/plain\n${date}\nx-amz-meta-s3cmd-attrs:uid:1000\n${path}?acl`;
    const req = fakeRequest({
      method: 'PUT',
      url: path + '?acl',
      headers: [
        ['Host', 'aitta.example'],
        ['Content-Type', 'text/plain'],
        ['Date', date],
        ['x-amz-meta-s3cmd-attrs', 'uid:1000'],
        ['Authorization', `AWS ${EXAMPLE_ACCESS_KEY}:${signStringV2(EXAMPLE_SECRET, stringToSign)}`],
      ],
    });
    await authenticate(req, targetFor(path + '?acl'), authOptions(now));
  });
});
