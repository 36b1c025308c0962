import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { S3Error } from '../errors.js';
import { parseCopySource, route } from './router.js';

const domains = ['s3.example.test'];
const op = (method: string, url: string, headers: Record<string, string> = {}) =>
  route(method, url, { host: '127.0.0.1:7480', ...headers }, domains).op;

function s3Error(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof S3Error && e.code === code);
}

describe('router', () => {
  it('routes the service, bucket and object operations by method and query', () => {
    assert.deepEqual(op('GET', '/'), { type: 'ListBuckets' });
    assert.deepEqual(op('PUT', '/b'), { type: 'CreateBucket', bucket: 'b' });
    assert.deepEqual(op('GET', '/b?list-type=2&prefix=x'), { type: 'ListObjectsV2', bucket: 'b' });
    assert.deepEqual(op('GET', '/b/'), { type: 'ListObjects', bucket: 'b' });
    assert.deepEqual(op('GET', '/b?location'), { type: 'GetBucketLocation', bucket: 'b' });
    assert.deepEqual(op('GET', '/b?lifecycle'), { type: 'GetBucketLifecycle', bucket: 'b' });
    assert.deepEqual(op('PUT', '/b?lifecycle'), { type: 'PutBucketLifecycle', bucket: 'b' });
    assert.deepEqual(op('DELETE', '/b?lifecycle'), { type: 'DeleteBucketLifecycle', bucket: 'b' });
    assert.deepEqual(op('GET', '/b?logging'), { type: 'GetBucketLogging', bucket: 'b' });
    assert.deepEqual(op('PUT', '/b?logging'), { type: 'PutBucketLogging', bucket: 'b' });
    assert.deepEqual(op('POST', '/b?delete'), { type: 'DeleteObjects', bucket: 'b' });
    assert.deepEqual(op('GET', '/b?uploads'), { type: 'ListMultipartUploads', bucket: 'b' });
    assert.deepEqual(op('PUT', '/b/k'), { type: 'PutObject', bucket: 'b', key: 'k' });
    assert.deepEqual(op('GET', '/b/k?partNumber=2'), { type: 'GetObject', bucket: 'b', key: 'k', partNumber: 2 });
    assert.deepEqual(op('POST', '/b/k?uploads'), { type: 'CreateMultipartUpload', bucket: 'b', key: 'k' });
    assert.deepEqual(op('PUT', '/b/k?partNumber=3&uploadId=u'), { type: 'UploadPart', bucket: 'b', key: 'k', uploadId: 'u', partNumber: 3 });
    assert.deepEqual(op('POST', '/b/k?uploadId=u'), { type: 'CompleteMultipartUpload', bucket: 'b', key: 'k', uploadId: 'u' });
    assert.deepEqual(op('DELETE', '/b/k?uploadId=u'), { type: 'AbortMultipartUpload', bucket: 'b', key: 'k', uploadId: 'u' });
    assert.deepEqual(op('GET', '/b/k?uploadId=u'), { type: 'ListParts', bucket: 'b', key: 'k', uploadId: 'u' });
    assert.deepEqual(op('GET', '/b/k?tagging'), { type: 'GetObjectTagging', bucket: 'b', key: 'k' });
    assert.deepEqual(op('PUT', '/b/k?tagging'), { type: 'PutObjectTagging', bucket: 'b', key: 'k' });
    assert.deepEqual(op('DELETE', '/b/k?tagging'), { type: 'DeleteObjectTagging', bucket: 'b', key: 'k' });
    assert.deepEqual(op('PUT', '/b/k?acl'), { type: 'PutObjectAcl', bucket: 'b', key: 'k' });
    assert.deepEqual(op('PUT', '/b?policy'), { type: 'PutBucketPolicy', bucket: 'b' });
    assert.deepEqual(op('GET', '/b?policyStatus'), { type: 'GetBucketPolicyStatus', bucket: 'b' });
  });

  it('tells copies from puts by x-amz-copy-source', () => {
    assert.deepEqual(op('PUT', '/b/k', { 'x-amz-copy-source': '/src/a%20b.txt' }), {
      type: 'CopyObject', bucket: 'b', key: 'k', source: { bucket: 'src', key: 'a b.txt', versionId: undefined },
    });
    assert.equal(op('PUT', '/b/k?partNumber=1&uploadId=u', { 'x-amz-copy-source': 'src/x' }).type, 'UploadPartCopy');
  });

  it('routes the CORS configuration and the preflight OPTIONS of buckets and objects, in both styles', () => {
    assert.deepEqual(op('GET', '/b?cors'), { type: 'GetBucketCors', bucket: 'b' });
    assert.deepEqual(op('PUT', '/b?cors'), { type: 'PutBucketCors', bucket: 'b' });
    assert.deepEqual(op('DELETE', '/b?cors'), { type: 'DeleteBucketCors', bucket: 'b' });
    assert.deepEqual(op('OPTIONS', '/b/dir/k'), { type: 'CorsPreflight', bucket: 'b', key: 'dir/k' });
    assert.deepEqual(op('OPTIONS', '/b'), { type: 'CorsPreflight', bucket: 'b', key: undefined });
    assert.deepEqual(route('OPTIONS', '/k?X-Amz-Signature=x', { host: 'bkt.s3.example.test' }, domains).op, { type: 'CorsPreflight', bucket: 'bkt', key: 'k' });
    s3Error(() => op('OPTIONS', '/'), 'MethodNotAllowed');
  });

  it('decodes keys without turning + into a space, and keeps slashes and empty segments', () => {
    assert.deepEqual(op('GET', '/b/a+b/c%2Bd%20e//f'), { type: 'GetObject', bucket: 'b', key: 'a+b/c+d e//f', partNumber: undefined });
  });

  it('takes the bucket from the Host header for virtual-hosted style, with or without a port', () => {
    const routed = route('GET', '/dir/file.txt', { host: 'my-bucket.s3.example.test:8080' }, domains);
    assert.deepEqual(routed.op, { type: 'GetObject', bucket: 'my-bucket', key: 'dir/file.txt', partNumber: undefined });
    assert.equal(routed.target.virtualHost, true);
    assert.deepEqual(route('GET', '/', { host: 'my-bucket.s3.example.test' }, domains).op, { type: 'ListObjects', bucket: 'my-bucket' });
    assert.deepEqual(route('GET', '/', { host: 's3.example.test' }, domains).op, { type: 'ListBuckets' });
  });

  it('accepts absolute-form targets as proxies send them', () => {
    const routed = route('GET', 'http://bkt.s3.example.test/some/key?acl', { host: 'bkt.s3.example.test' }, domains);
    assert.deepEqual(routed.op, { type: 'GetObjectAcl', bucket: 'bkt', key: 'some/key' });
    assert.equal(routed.target.rawPath, '/some/key');
  });

  it('refuses what it cannot parse or serve with S3 errors', () => {
    s3Error(() => op('GET', '/b/%E0%A4%A'), 'InvalidURI');
    s3Error(() => op('GET', '/b/k?partNumber=0'), 'InvalidArgument');
    s3Error(() => op('GET', '/b/k?partNumber=10001'), 'InvalidArgument');
    s3Error(() => op('PUT', '/b/k?uploadId=u'), 'InvalidRequest');
    s3Error(() => op('GET', '/b?website'), 'NotImplemented');
    s3Error(() => op('DELETE', '/b?logging'), 'MethodNotAllowed');
    s3Error(() => op('POST', '/b/k'), 'MethodNotAllowed');
    s3Error(() => op('DELETE', '/'), 'MethodNotAllowed');
  });

  it('parses copy sources with a version id and refuses ones without a key', () => {
    assert.deepEqual(parseCopySource('b/k/x.txt?versionId=null'), { bucket: 'b', key: 'k/x.txt', versionId: 'null' });
    s3Error(() => parseCopySource('just-a-bucket'), 'InvalidArgument');
    s3Error(() => parseCopySource('/b/'), 'InvalidArgument');
  });
});
