// The client's signatures: SigV4 against the AWS documentation's vectors, and
// every form (SigV4 header, SigV2 header, SigV2 and SigV4 presigned URLs)
// accepted by the server's own verifier for awkward keys and sub-resources.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authenticate } from '../auth/authenticate.js';
import { authOptions, EXAMPLE_ACCESS_KEY, EXAMPLE_SECRET, fakeRequest, targetFor } from '../auth/testing.js';
import { hostFor, pathFor, type Endpoint } from './addressing.js';
import { canonicalizedResource, presignV2Query, signV2 } from './sigv2.js';
import { sha256Hex, UNSIGNED_PAYLOAD } from '../auth/signing.js';
import { canonicalQuery, presignV4Query, signV4 } from './sigv4.js';

const credentials = { accessKey: EXAMPLE_ACCESS_KEY, secretKey: EXAMPLE_SECRET };
const EXAMPLE_TIME = new Date('2013-05-24T00:00:00Z');

describe('SigV4 AWS documentation vectors', () => {
  it('GET object with a Range header', () => {
    const headers: Record<string, string> = { range: 'bytes=0-9' };
    signV4({ method: 'GET', host: 'examplebucket.s3.amazonaws.com', path: '/test.txt', query: {}, headers }, credentials, 'us-east-1', sha256Hex(''), EXAMPLE_TIME);
    assert.equal(
      headers['authorization'],
      `AWS4-HMAC-SHA256 Credential=${EXAMPLE_ACCESS_KEY}/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41`,
    );
  });

  it('presigned GET valid for 86400 seconds', () => {
    const query = presignV4Query({ method: 'GET', host: 'examplebucket.s3.amazonaws.com', path: '/test.txt', query: {} }, credentials, 'us-east-1', 86400, EXAMPLE_TIME);
    assert.match(query, /&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404$/);
  });
});

const pathStyle: Endpoint = { hostBase: '127.0.0.1:7480', hostBucket: '127.0.0.1:7480', useHttps: false };
const virtualStyle: Endpoint = { hostBase: 's3.aitta.test', hostBucket: '%(bucket)s.s3.aitta.test', useHttps: false };
const AWKWARD_KEY = 'dir/ä space+plus(1)*!~\'=&?.txt';

for (const [style, endpoint] of [['path-style', pathStyle], ['virtual-hosted', virtualStyle]] as const) {
  describe(`signatures the server accepts (${style})`, () => {
    const bucket = 'bucket-1';
    const now = new Date();
    const path = pathFor(endpoint, bucket, AWKWARD_KEY);
    const host = hostFor(endpoint, bucket);
    const target = (url: string) => targetFor(url, style === 'virtual-hosted' ? { virtualHost: true, bucket } : {});
    const query = { partNumber: '2', uploadId: 'a/b+c=' };
    const url = `${path}?${canonicalQuery(query)}`;

    it('SigV4 header with UNSIGNED-PAYLOAD and sub-resources', async () => {
      const headers: Record<string, string> = { 'content-length': '0' };
      signV4({ method: 'PUT', host, path, query, headers }, credentials, 'us-east-1', UNSIGNED_PAYLOAD, now);
      const result = await authenticate(fakeRequest({ method: 'PUT', url, headers }), target(url), authOptions(now));
      assert.equal(result.credential?.accessKeyId, EXAMPLE_ACCESS_KEY);
    });

    it('SigV2 header with x-amz-* headers and sub-resources', async () => {
      const headers: Record<string, string> = { 'content-type': 'text/plain', 'x-amz-meta-b': '2', 'x-amz-acl': 'private' };
      signV2('PUT', canonicalizedResource(bucket, AWKWARD_KEY, query), headers, credentials, now);
      headers['host'] = host;
      const result = await authenticate(fakeRequest({ method: 'PUT', url, headers }), target(url), authOptions(now));
      assert.equal(result.credential?.accessKeyId, EXAMPLE_ACCESS_KEY);
    });

    it('SigV2 presigned GET', async () => {
      const expires = Math.trunc(now.getTime() / 1000) + 60;
      const signedUrl = `${path}?${presignV2Query(canonicalizedResource(bucket, AWKWARD_KEY, {}), credentials, expires)}`;
      const result = await authenticate(fakeRequest({ url: signedUrl, headers: { host } }), target(signedUrl), authOptions(now));
      assert.equal(result.credential?.accessKeyId, EXAMPLE_ACCESS_KEY);
    });

    it('SigV4 presigned GET', async () => {
      const signedUrl = `${path}?${presignV4Query({ method: 'GET', host, path, query: {} }, credentials, 'us-east-1', 600, now)}`;
      const result = await authenticate(fakeRequest({ url: signedUrl, headers: { host } }), target(signedUrl), authOptions(now));
      assert.equal(result.credential?.accessKeyId, EXAMPLE_ACCESS_KEY);
    });
  });
}

describe('addressing', () => {
  it('uses path style for names DNS cannot carry, and drops the default port', () => {
    assert.equal(hostFor(virtualStyle, 'Upper_Case'), 's3.aitta.test');
    assert.equal(pathFor(virtualStyle, 'Upper_Case', 'k'), '/Upper_Case/k');
    assert.equal(hostFor({ ...virtualStyle, hostBucket: '%(bucket)s.s3.aitta.test:80' }, 'b-1'), 'b-1.s3.aitta.test');
    assert.equal(pathFor(virtualStyle, 'b-1', 'a b'), '/a%20b');
  });
});
