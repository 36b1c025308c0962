// The AWS SDK for JavaScript v3 (@aws-sdk/client-s3 and lib-storage) at its
// defaults — CRC32 request checksums (a header for buffered bodies, an
// aws-chunked trailer with STREAMING-UNSIGNED-PAYLOAD-TRAILER for streams),
// response checksum validation — against a running Aitta, path-style.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { crc32Base64, md5Hex } from '../helpers/aws.js';
import { startServer, type TestServer } from '../helpers/server.js';

const MiB = 1024 * 1024;
const BUCKET = 'sdk-js';

let server: TestServer;
let s3: S3Client;

before(async () => {
  server = await startServer();
  s3 = new S3Client({
    endpoint: server.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: server.accessKey, secretAccessKey: server.secretKey },
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

after(async () => {
  s3?.destroy();
  await server?.stop();
});

async function getBytes(key: string, range?: string): Promise<{ body: Buffer; contentRange?: string; length?: number }> {
  const r = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: range }));
  const body = Buffer.from(await r.Body!.transformToByteArray());
  return { body, contentRange: r.ContentRange, length: r.ContentLength };
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; status?: number; requestId?: string }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof S3ServiceException, String(error));
    return { name: error.name, status: error.$metadata.httpStatusCode, requestId: error.$metadata.requestId };
  }
  assert.fail('expected the request to fail');
}

describe('@aws-sdk/client-s3 at its defaults', () => {
  test('put, head (ChecksumMode ENABLED), get, range get', async () => {
    const body = randomBytes(200_000);
    const put = await s3.send(new PutObjectCommand({
      Bucket: BUCKET,
      Key: 'objects/first.bin',
      Body: body,
      ContentType: 'application/x-first',
      Metadata: { project: 'aitta', 'mixed-case': 'Value With Spaces' },
    }));
    assert.equal(put.ETag, `"${md5Hex(body)}"`);
    assert.equal(put.ChecksumCRC32, crc32Base64(body), 'the SDK sends CRC32 by default; the server verifies and echoes it');

    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'objects/first.bin', ChecksumMode: 'ENABLED' }));
    assert.equal(head.ContentLength, body.length);
    assert.equal(head.ETag, `"${md5Hex(body)}"`);
    assert.equal(head.ContentType, 'application/x-first');
    assert.deepEqual(head.Metadata, { project: 'aitta', 'mixed-case': 'Value With Spaces' });
    assert.equal(head.ChecksumCRC32, crc32Base64(body));
    assert.equal(head.ChecksumType, 'FULL_OBJECT');

    const whole = await getBytes('objects/first.bin');
    assert.ok(whole.body.equals(body));
    const ranged = await getBytes('objects/first.bin', 'bytes=100-1099');
    assert.ok(ranged.body.equals(body.subarray(100, 1100)));
    assert.equal(ranged.contentRange, `bytes 100-1099/${body.length}`);
    assert.equal(ranged.length, 1000);
    const open = await getBytes('objects/first.bin', 'bytes=199990-');
    assert.ok(open.body.equals(body.subarray(199_990)));
    assert.equal(open.contentRange, `bytes 199990-199999/${body.length}`);
  });

  test('empty and small inline objects', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'objects/empty', Body: '' }));
    const empty = await getBytes('objects/empty');
    assert.equal(empty.body.length, 0);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'objects/empty' }));
    assert.equal(head.ETag, '"d41d8cd98f00b204e9800998ecf8427e"');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'objects/ünïcödé & spaces?.txt', Body: 'hello, world' }));
    assert.equal((await getBytes('objects/ünïcödé & spaces?.txt')).body.toString(), 'hello, world');
  });

  test('copy keeps the bytes, REPLACE changes metadata', async () => {
    const body = randomBytes(80_000);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'copy/src', Body: body, Metadata: { a: '1' } }));
    const copied = await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy/dst', CopySource: `${BUCKET}/copy/src` }));
    assert.equal(copied.CopyObjectResult?.ETag, `"${md5Hex(body)}"`);
    assert.ok((await getBytes('copy/dst')).body.equals(body));
    assert.deepEqual((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'copy/dst' }))).Metadata, { a: '1' });
    await s3.send(new CopyObjectCommand({
      Bucket: BUCKET, Key: 'copy/replaced', CopySource: `${BUCKET}/copy/src`, MetadataDirective: 'REPLACE', Metadata: { b: '2' },
    }));
    assert.deepEqual((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'copy/replaced' }))).Metadata, { b: '2' });
  });

  test('ListObjectsV2 with the paginator returns every key exactly once; delimiter gives prefixes', async () => {
    const keys = Array.from({ length: 57 }, (_, i) => `list/${i % 3}/item-${String(i).padStart(3, '0')}`);
    await Promise.all(keys.map((Key) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }))));
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 10 }, { Bucket: BUCKET, Prefix: 'list/' })) {
      pages += 1;
      assert.ok((page.Contents?.length ?? 0) <= 10);
      assert.equal(page.KeyCount, page.Contents?.length ?? 0);
      seen.push(...(page.Contents ?? []).map((o) => o.Key!));
    }
    assert.equal(pages, 6);
    assert.deepEqual(seen, [...keys].sort());

    const delimited = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', Delimiter: '/' }));
    assert.deepEqual(delimited.CommonPrefixes?.map((p) => p.Prefix), ['list/0/', 'list/1/', 'list/2/']);
    assert.equal(delimited.Contents, undefined);
    assert.equal(delimited.KeyCount, 3);
  });

  test('DeleteObject and DeleteObjects (verbose and quiet)', async () => {
    const keys = ['del/a', 'del/b', 'del/c', 'del/d', 'del/e'];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'del/a' }));
    const verbose = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'del/b' }, { Key: 'del/c' }] } }));
    assert.deepEqual(verbose.Deleted?.map((d) => d.Key).sort(), ['del/b', 'del/c']);
    assert.equal(verbose.Errors, undefined);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'del/d' }], Quiet: true } }));
    assert.equal(quiet.Deleted, undefined);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'del/' }));
    assert.deepEqual(left.Contents?.map((o) => o.Key), ['del/e']);
    const missing = await errorOf(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'del/a' })));
    assert.equal(missing.name, 'NoSuchKey');
    assert.equal(missing.status, 404);
    assert.ok(missing.requestId);
  });

  test('lib-storage Upload of a 12 MiB stream, 5 MiB parts, queueSize 4', async () => {
    const data = randomBytes(12 * MiB + 4321);
    // A stream of odd-sized chunks, so the SDK cannot know the length up front.
    const source = Readable.from((function* () {
      for (let offset = 0; offset < data.length; offset += 700_001) yield data.subarray(offset, offset + 700_001);
    })());
    const upload = new Upload({
      client: s3,
      params: { Bucket: BUCKET, Key: 'big/streamed.bin', Body: source, ContentType: 'application/x-streamed' },
      partSize: 5 * MiB,
      queueSize: 4,
    });
    const parts: number[] = [];
    upload.on('httpUploadProgress', (p) => {
      if (p.part !== undefined) parts.push(p.part);
    });
    const done = await upload.done();
    assert.match(done.ETag ?? '', /^"[0-9a-f]{32}-3"$/);
    const expectedEtag = md5Hex(Buffer.concat([0, 1, 2].map((i) => Buffer.from(md5Hex(data.subarray(i * 5 * MiB, (i + 1) * 5 * MiB)), 'hex'))));
    assert.equal(done.ETag, `"${expectedEtag}-3"`);
    assert.deepEqual([...new Set(parts)].sort(), [1, 2, 3]);

    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'big/streamed.bin', ChecksumMode: 'ENABLED' }));
    assert.equal(head.ContentLength, data.length);
    assert.equal(head.ContentType, 'application/x-streamed');
    const got = await getBytes('big/streamed.bin');
    assert.equal(md5Hex(got.body), md5Hex(data));
    const part2 = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big/streamed.bin', PartNumber: 2 }));
    assert.equal(part2.PartsCount, 3);
    assert.ok(Buffer.from(await part2.Body!.transformToByteArray()).equals(data.subarray(5 * MiB, 10 * MiB)));
    const uploads = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'big/' }));
    assert.deepEqual(uploads.Contents?.map((o) => [o.Key, o.Size]), [['big/streamed.bin', data.length]]);
  });

  test('stream bodies go as aws-chunked with a CRC32 trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER)', async () => {
    const modes: string[] = [];
    const recording = new S3Client({
      endpoint: server.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: server.accessKey, secretAccessKey: server.secretKey },
    });
    recording.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as { headers: Record<string, string> }).headers;
        modes.push(`${headers['x-amz-content-sha256']} ${headers['x-amz-trailer']}`);
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    try {
      for (const size of [3 * MiB + 5, 1000]) {
        const data = randomBytes(size);
        const key = `trailer/${size}`;
        const put = await recording.send(new PutObjectCommand({
          Bucket: BUCKET, Key: key, Body: Readable.from([data.subarray(0, 600), data.subarray(600)]), ContentLength: size,
        }));
        assert.equal(put.ETag, `"${md5Hex(data)}"`);
        assert.equal(put.ChecksumCRC32, crc32Base64(data));
        const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: 'ENABLED' }));
        assert.equal(head.ContentLength, size);
        assert.equal(head.ChecksumCRC32, crc32Base64(data));
        assert.ok((await getBytes(key)).body.equals(data));
      }
    } finally {
      recording.destroy();
    }
    assert.deepEqual(modes, Array(2).fill('STREAMING-UNSIGNED-PAYLOAD-TRAILER x-amz-checksum-crc32'), 'the SDK streamed with a trailer');
  });

  test('a small lib-storage Upload goes as one PutObject', async () => {
    const data = randomBytes(1 * MiB);
    const done = await new Upload({ client: s3, params: { Bucket: BUCKET, Key: 'big/small.bin', Body: data }, partSize: 5 * MiB }).done();
    assert.equal(done.ETag, `"${md5Hex(data)}"`);
    assert.ok((await getBytes('big/small.bin')).body.equals(data));
  });
});
