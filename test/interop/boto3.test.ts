// boto3 against a running Aitta. Each scenario is a python script under
// python/ that drives boto3 the way applications do and prints one JSON
// document of what it saw; the assertions live here.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { md5Hex, pythonJson, startAwsFixture, type AwsEnv, type AwsFixture } from '../helpers/aws.js';
import type { TestServer } from '../helpers/server.js';

// Compiled to dist/test/interop/; the scripts stay in the source tree.
const PYTHON_DIR = fileURLToPath(new URL('../../../test/interop/python/', import.meta.url));
const MiB = 1024 * 1024;

let fixture: AwsFixture | undefined;
let server: TestServer;
let virtual: AwsEnv;
let pathStyle: AwsEnv;
let work: string;

before(async () => {
  fixture = await startAwsFixture('boto3');
  ({ server, virtual, path: pathStyle, work } = fixture);
});

after(() => fixture?.stop());

type Json = Record<string, any>;

async function scenario(aws: AwsEnv, script: string, args: string[]): Promise<Json> {
  const result = await pythonJson<Json>(aws, path.join(PYTHON_DIR, script), args, 180_000);
  // Prove which addressing style actually went over the wire.
  const bucket = args[0]!;
  const expectedHost = aws.style === 'virtual' ? `${bucket}.${server.domain}` : `127.0.0.1:${server.port}`;
  assert.ok(result.hosts.includes(expectedHost), `requests went to ${result.hosts.join(', ')}, not ${expectedHost}`);
  return result;
}

for (const style of ['virtual', 'path'] as const) {
  test(`upload_file (multipart, 5 MiB parts) and download_file, ${style} style`, async () => {
    const aws = style === 'virtual' ? virtual : pathStyle;
    const source = path.join(work, `upload-${style}.bin`);
    const data = randomBytes(20 * MiB + 333);
    await writeFile(source, data);
    const r = await scenario(aws, 'transfer.py', [`boto-transfer-${style}`, source, path.join(work, `download-${style}.bin`)]);
    assert.equal(r.length, data.length);
    assert.match(r.etag, /^"[0-9a-f]{32}-5"$/, '20 MiB in 5 MiB parts is 5 parts');
    assert.equal(r.partsCount, 5);
    assert.equal(r.part1Length, 5 * MiB);
    assert.deepEqual(r.metadata, { origin: 'boto3' });
    assert.equal(r.downloadedMd5, md5Hex(data));
  });
}

test('list_objects_v2 / list_objects paginators over 2,500 keys, with and without Delimiter', async () => {
  const r = await scenario(pathStyle, 'listing.py', ['boto-listing']);
  const keys = [
    ...Array.from({ length: 2400 }, (_, i) => `p${String(i % 24).padStart(2, '0')}/sub/k${String(i).padStart(5, '0')}`),
    ...Array.from({ length: 100 }, (_, i) => `top-${String(i).padStart(3, '0')}`),
  ].sort();
  const prefixes = Array.from({ length: 24 }, (_, i) => `p${String(i).padStart(2, '0')}/`);
  const tops = keys.filter((k) => k.startsWith('top-'));
  assert.equal(r.written, 2500);

  assert.deepEqual(r.v2.keys, keys, 'every key exactly once, in order');
  assert.equal(r.v2.pages, 3);
  assert.deepEqual(r.v2Small.keys, keys);
  assert.equal(r.v2Small.pages, Math.ceil(2500 / 333));
  assert.deepEqual(r.v1.keys, keys);
  assert.equal(r.v1.pages, 3);

  for (const listing of [r.v2Delimiter, r.v1Delimiter]) {
    assert.deepEqual(listing.prefixes, prefixes, 'each common prefix once, across pages');
    assert.deepEqual(listing.keys, tops);
    assert.equal(listing.pages, Math.ceil((24 + 100) / 7));
  }
  assert.deepEqual(r.v2PrefixDelimiter, { keys: [], prefixes: ['p05/sub/'], pages: 1 });
  assert.deepEqual(r.v2Prefix.keys, keys.filter((k) => k.startsWith('p05/sub/')));
  assert.equal(r.v2Prefix.pages, 4);
  assert.deepEqual(r.v2StartAfter.keys, tops);
});

test('copy_object with MetadataDirective COPY and REPLACE', async () => {
  const r = await scenario(virtual, 'copy_object.py', ['boto-copy']);
  const body = Buffer.alloc(256 * 400);
  for (let i = 0; i < body.length; i++) body[i] = i % 256;
  const etag = `"${md5Hex(body)}"`;
  assert.equal(r.copyEtag, etag);
  assert.deepEqual(r.copy, { metadata: { a: '1', b: 'two' }, contentType: 'text/x-src', etag, same: true });
  assert.deepEqual(r.replace, { metadata: { c: '3' }, contentType: 'text/x-new', etag, same: true });
  assert.deepEqual(r.self, { metadata: { self: 'yes' }, contentType: 'text/x-self', etag, same: true });
  assert.deepEqual(r.selfWithoutReplace, { code: 'InvalidRequest', status: 400 });
  assert.deepEqual(r.missingSource, { code: 'NoSuchKey', status: 404 });
});

test('delete_objects verbose and quiet', async () => {
  const r = await scenario(virtual, 'delete_objects.py', ['boto-delete']);
  assert.deepEqual(r.verboseDeleted, ['k0', 'k1', 'k2', 'k3', 'never-existed']);
  assert.deepEqual(r.verboseErrors, []);
  assert.deepEqual(r.quietDeleted, []);
  assert.deepEqual(r.quietErrors, []);
  assert.deepEqual(r.left, ['k7', 'k8', 'k9']);
});

test('versioning: overwrite, delete, read and restore an old version, paginated version listing, suspended null version', async () => {
  const r = await scenario(virtual, 'versioning.py', ['boto-versioning']);
  assert.equal(r.before, null);
  assert.equal(r.status, 'Enabled');
  assert.notEqual(r.v1, r.v2);
  assert.deepEqual([r.currentBody, r.currentVersion, r.oldBody, r.oldVersion], ['second', r.v2, 'first', r.v1]);
  assert.equal(r.marker.DeleteMarker, true);
  assert.match(r.marker.VersionId, /^[0-9a-f]{32}$/);
  assert.deepEqual(r.afterDelete, { code: 'NoSuchKey', status: 404 });
  assert.deepEqual(r.headMarker, { code: '405', status: 405 });
  assert.deepEqual(r.missingVersion, { code: 'NoSuchVersion', status: 404 });
  assert.deepEqual(r.badVersion, { code: 'InvalidArgument', status: 400 });
  assert.equal(r.restored.CopySourceVersionId, r.v1);
  assert.equal(r.restoredBody, 'first');

  // data.csv: restored copy, marker, v2, v1; then two versions of each of three logs.
  const dataCsv = r.listed.filter((v: any[]) => v[0] === 'data.csv');
  assert.deepEqual(dataCsv.map((v: any[]) => [v[1], v[2], v[3]]), [
    [r.restored.VersionId, true, 'version'],
    [r.marker.VersionId, false, 'marker'],
    [r.v2, false, 'version'],
    [r.v1, false, 'version'],
  ]);
  assert.equal(r.listed.length, 4 + 6);
  assert.ok(r.pageSizes.every((n: number) => n <= 2), `pages of at most 2: ${r.pageSizes}`);
  assert.equal(new Set(r.listed.map((v: any[]) => v[1])).size, r.listed.length, 'no version listed twice');
  assert.deepEqual(r.folders, { prefixes: ['logs/'], keys: ['data.csv', 'data.csv', 'data.csv', 'data.csv'] });

  assert.deepEqual(r.batchErrors, []);
  assert.equal(r.batchDeleted.length, 2);
  assert.equal(r.batchDeleted[0].Key, 'logs/0.txt');
  assert.equal(r.batchDeleted[0].DeleteMarker, false);
  assert.equal(r.batchDeleted[1].Key, 'logs/1.txt');
  assert.equal(r.batchDeleted[1].DeleteMarker, true);
  assert.deepEqual(r.afterBatch, {
    versions: [['logs/0.txt', true], ['logs/1.txt', false], ['logs/1.txt', false], ['logs/2.txt', false], ['logs/2.txt', true]],
    markers: [['logs/1.txt', true]],
  });

  assert.equal(r.nullPutVersion, null, 'a suspended bucket names no version on PUT');
  assert.deepEqual(r.suspendedVersions, [['null', true, 3]]);
  assert.equal(r.headNullVersion, 'null');
});

describe('flexible checksums', () => {
  for (const style of ['virtual', 'path'] as const) {
    test(`put_object (default CRC32, SHA256, CRC32C, CRC64NVME) and head_object ChecksumMode=ENABLED, ${style} style`, async () => {
      const r = await scenario(style === 'virtual' ? virtual : pathStyle, 'checksums.py', [`boto-checksums-${style}`]);
      const { expected } = r;
      for (const [name, value] of [['defaultSmall', expected.smallCRC32], ['default', expected.CRC32]] as const) {
        const sentValue = r[name].sent['x-amz-checksum-crc32'];
        const sentAlgorithm = r[name].sent['x-amz-sdk-checksum-algorithm'];
        assert.ok(sentValue === value || sentAlgorithm === 'CRC32', `botocore sends CRC32 by default: ${JSON.stringify(r[name].sent)}`);
        assert.equal(r[name].put.ChecksumCRC32, value);
        assert.equal(r[name].head.ChecksumCRC32, value);
        assert.equal(r[name].head.ChecksumType, 'FULL_OBJECT');
        assert.equal(r[name].etagOk, true);
      }
      for (const algorithm of ['SHA256', 'CRC32C', 'CRC64NVME'] as const) {
        const field = `Checksum${algorithm}`;
        assert.equal(r[algorithm].put[field], expected[algorithm], `${algorithm} on put`);
        assert.equal(r[algorithm].head[field], expected[algorithm], `${algorithm} on head`);
        assert.equal(r[algorithm].head.ChecksumType, 'FULL_OBJECT');
        assert.equal(r[algorithm].head.ChecksumCRC32, undefined, 'only the algorithm used is reported');
        assert.equal(r[algorithm].etagOk, true);
      }
      assert.deepEqual(r.wrongCRC32, { code: 'BadDigest', status: 400 });
      assert.equal(r.afterWrong, expected.CRC32, 'a refused PUT leaves the object as it was');
    });
  }

  test('multipart upload with ChecksumAlgorithm CRC32, ChecksumType FULL_OBJECT and COMPOSITE; get_object PartNumber', async () => {
    const r = await scenario(virtual, 'multipart_checksums.py', ['boto-mp-checksums']);
    const { expected } = r;
    for (const type of ['FULL_OBJECT', 'COMPOSITE'] as const) {
      const u = r[type];
      assert.equal(u.createAlgorithm, 'CRC32');
      assert.equal(u.createType, type);
      assert.deepEqual(u.partChecksums, expected.parts);
      assert.deepEqual(u.listedChecksums, expected.parts);
      assert.equal(u.listedType, type);
      assert.equal(u.completeChecksum, expected[type], `${type} checksum on complete`);
      assert.equal(u.completeType, type);
      assert.equal(u.headChecksum, expected[type], `${type} checksum on head`);
      assert.equal(u.headType, type);
      assert.equal(u.etag, expected.etag);
      assert.equal(u.bodyOk, true);
      assert.deepEqual(u.part1, { length: expected.sizes[0], partsCount: 2, range: `bytes 0-${expected.sizes[0] - 1}/${expected.sizes[0] + expected.sizes[1]}`, ok: true });
      const total = expected.sizes[0] + expected.sizes[1];
      assert.deepEqual(u.part2Head, { length: expected.sizes[1], partsCount: 2, range: `bytes ${expected.sizes[0]}-${total - 1}/${total}` });
    }
  });
});

test('conditional GET and HEAD as botocore reports them', async () => {
  const r = await scenario(pathStyle, 'conditional.py', ['boto-conditional']);
  assert.deepEqual(r.ifNoneMatchGet, { code: '304', status: 304 });
  assert.deepEqual(r.ifNoneMatchHead, { code: '304', status: 304 });
  assert.deepEqual(r.ifModifiedSinceFuture, { code: '304', status: 304 });
  assert.deepEqual(r.ifMatchWrong, { code: 'PreconditionFailed', status: 412 });
  assert.deepEqual(r.ifUnmodifiedSincePast, { code: 'PreconditionFailed', status: 412 });
  assert.equal(r.ifMatchRight, 'conditional body');
  assert.equal(r.ifNoneMatchOther, 'conditional body');
  assert.equal(r.ifModifiedSincePast, 'conditional body');
});

for (const style of ['virtual', 'path'] as const) {
  test(`generate_presigned_url (default and s3v4) for GET and PUT, fetched with urllib, ${style} style`, async () => {
    const r = await scenario(style === 'virtual' ? virtual : pathStyle, 'presign.py', [`boto-presign-${style}`]);
    for (const [name, signature] of [['default', /[?&]Signature=/], ['s3v4', /[?&]X-Amz-Signature=/]] as const) {
      const p = r[name];
      assert.match(p.getUrl, signature);
      assert.deepEqual(p.get, { status: 200, body: 'presigned content' }, `${name} GET`);
      assert.equal(p.tampered.status, 403, `${name} tampered URL`);
      assert.match(p.tampered.body, /<Code>SignatureDoesNotMatch<\/Code>/);
      assert.deepEqual(p.put, { status: 200, body: '' }, `${name} PUT`);
      assert.equal(p.afterPut, `uploaded with ${name}`);
      assert.equal(p.afterPutType, 'text/plain');
    }
  });
}
