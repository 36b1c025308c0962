// The real aws CLI (v1; botocore sends CRC32 request checksums by default,
// as headers over plain http) against a running Aitta: the `aws s3` commands in both addressing
// styles, the `aws s3api` data-plane operations, and a presigned URL fetched
// with curl. Every result is checked by what the server then holds.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsCli, awsJson, crc32Base64, execIn, md5Hex, startAwsFixture, type AwsEnv, type AwsFixture } from '../helpers/aws.js';

const MiB = 1024 * 1024;

let fixture: AwsFixture | undefined;
let virtual: AwsEnv;
let pathStyle: AwsEnv;
let work: string;

before(async () => {
  fixture = await startAwsFixture('awscli');
  ({ virtual, path: pathStyle, work } = fixture);
});

after(() => fixture?.stop());

async function writeRandom(file: string, size: number): Promise<Buffer> {
  const data = randomBytes(size);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, data);
  return data;
}

interface ListedObject {
  Key: string;
  Size: number;
  ETag: string;
}

async function listKeys(aws: AwsEnv, bucket: string, prefix = ''): Promise<ListedObject[]> {
  const out = await awsJson<{ Contents?: ListedObject[] } | undefined>(aws, ['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', prefix]);
  return out?.Contents ?? [];
}

/** Every file under dir, as relative path → contents. */
async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, full).split(path.sep).join('/'), await readFile(full));
  }
  return files;
}

for (const style of ['virtual', 'path'] as const) {
  describe(`aws s3 (${style}-hosted style)`, () => {
    const bucket = `cli-${style}`;
    const aws = () => (style === 'virtual' ? virtual : pathStyle);

    test('mb, cp up and down (multipart above 8 MB), ls, rm', async () => {
      const dir = path.join(work, `s3-${style}`);
      const { stdout: made } = await awsCli(aws(), ['s3', 'mb', `s3://${bucket}`]);
      assert.match(made, new RegExp(`make_bucket: ${bucket}`));
      const { stdout: buckets } = await awsCli(aws(), ['s3', 'ls']);
      assert.match(buckets, new RegExp(`\\s${bucket}\\n`));

      const small = await writeRandom(path.join(dir, 'small.txt'), 1500);
      const big = await writeRandom(path.join(dir, 'big.bin'), 17 * MiB + 12345);
      await awsCli(aws(), ['s3', 'cp', path.join(dir, 'small.txt'), `s3://${bucket}/dir/small.txt`]);
      await awsCli(aws(), ['s3', 'cp', path.join(dir, 'big.bin'), `s3://${bucket}/dir/big.bin`]);

      const head = await awsJson<{ ETag: string; ContentLength: number }>(aws(), ['s3api', 'head-object', '--bucket', bucket, '--key', 'dir/big.bin']);
      assert.equal(head.ContentLength, big.length);
      assert.match(head.ETag, /^"[0-9a-f]{32}-3"$/, 'the CLI uploads 17 MiB as three 8 MiB parts');
      const smallHead = await awsJson<{ ETag: string; ContentLength: number }>(aws(), ['s3api', 'head-object', '--bucket', bucket, '--key', 'dir/small.txt']);
      assert.equal(smallHead.ETag, `"${md5Hex(small)}"`);

      await awsCli(aws(), ['s3', 'cp', `s3://${bucket}/dir/big.bin`, path.join(dir, 'big.down')]);
      await awsCli(aws(), ['s3', 'cp', `s3://${bucket}/dir/small.txt`, path.join(dir, 'small.down')]);
      assert.equal(md5Hex(await readFile(path.join(dir, 'big.down'))), md5Hex(big));
      assert.deepEqual(await readFile(path.join(dir, 'small.down')), small);

      const { stdout: listing } = await awsCli(aws(), ['s3', 'ls', `s3://${bucket}/dir/`]);
      const rows = listing.trim().split('\n').map((line) => line.trim().split(/\s+/));
      assert.deepEqual(rows.map((r) => [r[2], r[3]]), [[String(big.length), 'big.bin'], [String(small.length), 'small.txt']]);
      const { stdout: top } = await awsCli(aws(), ['s3', 'ls', `s3://${bucket}`]);
      assert.match(top, /^\s+PRE dir\/$/m);

      const { stdout: removed } = await awsCli(aws(), ['s3', 'rm', `s3://${bucket}/dir/small.txt`]);
      assert.match(removed, new RegExp(`delete: s3://${bucket}/dir/small.txt`));
      assert.deepEqual((await listKeys(aws(), bucket)).map((o) => o.Key), ['dir/big.bin']);
      await awsCli(aws(), ['s3', 'rm', `s3://${bucket}/dir/big.bin`]);
      assert.deepEqual(await listKeys(aws(), bucket), []);
    });

    test('cp --recursive up and down, rm --recursive', async () => {
      const src = path.join(work, `tree-${style}`);
      const files = new Map<string, Buffer>();
      for (const name of ['a.txt', 'b/c.txt', 'b/d/e.bin', 'with space.txt', 'ünï/cödé.txt']) {
        files.set(name, await writeRandom(path.join(src, name), 100 + name.length * 37));
      }
      const { stdout } = await awsCli(aws(), ['s3', 'cp', '--recursive', src, `s3://${bucket}/tree/`]);
      assert.equal(stdout.match(/^upload: /gm)?.length, files.size);
      const listed = await listKeys(aws(), bucket, 'tree/');
      assert.deepEqual(listed.map((o) => o.Key).sort(), [...files.keys()].map((k) => `tree/${k}`).sort());
      for (const o of listed) assert.equal(o.ETag, `"${md5Hex(files.get(o.Key.slice(5))!)}"`);

      const dest = path.join(work, `tree-${style}-down`);
      await awsCli(aws(), ['s3', 'cp', '--recursive', `s3://${bucket}/tree/`, dest]);
      assert.deepEqual(await readTree(dest), files);

      const { stdout: removed } = await awsCli(aws(), ['s3', 'rm', '--recursive', `s3://${bucket}/tree/`]);
      assert.equal(removed.match(/^delete: /gm)?.length, files.size);
      assert.deepEqual(await listKeys(aws(), bucket, 'tree/'), []);
    });
  });
}

test('aws s3 sync uploads everything once, then only what changed, and syncs back down', async () => {
  const bucket = 'cli-sync';
  await awsCli(virtual, ['s3', 'mb', `s3://${bucket}`]);
  const src = path.join(work, 'sync-src');
  const files = new Map<string, Buffer>();
  for (let i = 0; i < 30; i++) {
    const name = `d${i % 4}/sub${i % 3}/file-${i}.dat`;
    files.set(name, await writeRandom(path.join(src, name), 200 + i * 101));
  }
  const first = await awsCli(virtual, ['s3', 'sync', src, `s3://${bucket}/data/`]);
  assert.equal(first.stdout.match(/^upload: /gm)?.length, files.size);
  const listed = await listKeys(virtual, bucket, 'data/');
  assert.equal(listed.length, files.size);
  for (const o of listed) {
    const body = files.get(o.Key.slice('data/'.length));
    assert.ok(body, o.Key);
    assert.equal(o.Size, body.length);
    assert.equal(o.ETag, `"${md5Hex(body)}"`);
  }

  const second = await awsCli(virtual, ['s3', 'sync', src, `s3://${bucket}/data/`]);
  assert.equal(second.stdout.trim(), '', 'a second sync uploads nothing');

  const changed = 'd1/sub1/file-1.dat';
  files.set(changed, await writeRandom(path.join(src, changed), 5000));
  const third = await awsCli(virtual, ['s3', 'sync', src, `s3://${bucket}/data/`]);
  assert.deepEqual(third.stdout.match(/^upload: .*$/gm)?.map((l) => l.replace(/.* to /, '')), [`s3://${bucket}/data/${changed}`]);

  const dest = path.join(work, 'sync-dest');
  await awsCli(pathStyle, ['s3', 'sync', `s3://${bucket}/data/`, dest]);
  assert.deepEqual(await readTree(dest), files);
  const again = await awsCli(pathStyle, ['s3', 'sync', `s3://${bucket}/data/`, dest]);
  assert.equal(again.stdout.trim(), '', 'a second sync down downloads nothing');
});

describe('aws s3api', () => {
  const bucket = 'cli-api';
  const dir = () => path.join(work, 'api');

  before(async () => {
    await awsCli(pathStyle, ['s3api', 'create-bucket', '--bucket', bucket]);
    await mkdir(dir(), { recursive: true });
  });

  test('put-object, head-object --checksum-mode ENABLED, get-object --range', async () => {
    const body = await writeRandom(path.join(dir(), 'obj.bin'), 100_000);
    const put = await awsJson<{ ETag: string; ChecksumCRC32?: string }>(virtual, [
      's3api', 'put-object', '--bucket', bucket, '--key', 'docs/obj.bin', '--body', path.join(dir(), 'obj.bin'),
      '--content-type', 'application/x-test', '--metadata', 'colour=blue,owner=tester', '--cache-control', 'max-age=60',
    ]);
    assert.equal(put.ETag, `"${md5Hex(body)}"`);
    assert.equal(put.ChecksumCRC32, crc32Base64(body), 'botocore sends CRC32 by default; the server echoes it');

    const head = await awsJson<Record<string, unknown>>(virtual, ['s3api', 'head-object', '--bucket', bucket, '--key', 'docs/obj.bin', '--checksum-mode', 'ENABLED']);
    assert.equal(head.ContentLength, body.length);
    assert.equal(head.ETag, `"${md5Hex(body)}"`);
    assert.equal(head.ContentType, 'application/x-test');
    assert.equal(head.CacheControl, 'max-age=60');
    assert.deepEqual(head.Metadata, { colour: 'blue', owner: 'tester' });
    assert.equal(head.ChecksumCRC32, crc32Base64(body));

    const out = path.join(dir(), 'range.out');
    const ranged = await awsJson<Record<string, unknown>>(virtual, ['s3api', 'get-object', '--bucket', bucket, '--key', 'docs/obj.bin', '--range', 'bytes=1000-1999', out]);
    assert.equal(ranged.ContentRange, `bytes 1000-1999/${body.length}`);
    assert.equal(ranged.ContentLength, 1000);
    assert.deepEqual(await readFile(out), body.subarray(1000, 2000));
    const tail = await awsJson<Record<string, unknown>>(pathStyle, ['s3api', 'get-object', '--bucket', bucket, '--key', 'docs/obj.bin', '--range', 'bytes=-10', out]);
    assert.equal(tail.ContentRange, `bytes ${body.length - 10}-${body.length - 1}/${body.length}`);
    assert.deepEqual(await readFile(out), body.subarray(body.length - 10));
  });

  test('list-objects-v2 with --max-items and --page-size paginates every key exactly once', async () => {
    const keys = Array.from({ length: 23 }, (_, i) => `page/k-${String(i).padStart(3, '0')}`);
    const tree = path.join(dir(), 'page');
    for (const key of keys) await writeRandom(path.join(tree, key.slice('page/'.length)), 10);
    await awsCli(pathStyle, ['s3', 'cp', '--recursive', tree, `s3://${bucket}/page/`]);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const args = ['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'page/', '--max-items', '5', '--page-size', '3'];
      if (token) args.push('--starting-token', token);
      const page = await awsJson<{ Contents?: ListedObject[]; NextToken?: string }>(virtual, args);
      assert.ok((page.Contents?.length ?? 0) <= 5);
      seen.push(...(page.Contents ?? []).map((o) => o.Key));
      token = page.NextToken;
      pages += 1;
      assert.ok(pages <= 10, 'pagination ends');
    } while (token);
    assert.equal(pages, 5);
    assert.deepEqual(seen, keys);

    const whole = await awsJson<{ Contents: ListedObject[] }>(virtual, ['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'page/', '--page-size', '4']);
    assert.deepEqual(whole.Contents.map((o) => o.Key), keys);
    const delimited = await awsJson<{ CommonPrefixes: { Prefix: string }[]; Contents?: unknown[] }>(virtual, ['s3api', 'list-objects-v2', '--bucket', bucket, '--delimiter', '/', '--prefix', 'page']);
    assert.deepEqual(delimited.CommonPrefixes, [{ Prefix: 'page/' }]);
    assert.equal(delimited.Contents, undefined);
  });

  test('copy-object keeps or replaces metadata', async () => {
    const body = await writeRandom(path.join(dir(), 'src.bin'), 70_000);
    await awsCli(virtual, ['s3api', 'put-object', '--bucket', bucket, '--key', 'copy/src', '--body', path.join(dir(), 'src.bin'), '--metadata', 'a=1', '--content-type', 'text/x-src']);
    const copied = await awsJson<{ CopyObjectResult: { ETag: string } }>(virtual, ['s3api', 'copy-object', '--bucket', bucket, '--key', 'copy/same', '--copy-source', `${bucket}/copy/src`]);
    assert.equal(copied.CopyObjectResult.ETag, `"${md5Hex(body)}"`);
    const same = await awsJson<Record<string, unknown>>(virtual, ['s3api', 'head-object', '--bucket', bucket, '--key', 'copy/same']);
    assert.deepEqual(same.Metadata, { a: '1' });
    assert.equal(same.ContentType, 'text/x-src');

    await awsCli(pathStyle, [
      's3api', 'copy-object', '--bucket', bucket, '--key', 'copy/replaced', '--copy-source', `${bucket}/copy/src`,
      '--metadata-directive', 'REPLACE', '--metadata', 'b=2', '--content-type', 'text/x-new',
    ]);
    const replaced = await awsJson<Record<string, unknown>>(pathStyle, ['s3api', 'head-object', '--bucket', bucket, '--key', 'copy/replaced']);
    assert.deepEqual(replaced.Metadata, { b: '2' });
    assert.equal(replaced.ContentType, 'text/x-new');
    const out = path.join(dir(), 'copy.out');
    await awsCli(pathStyle, ['s3api', 'get-object', '--bucket', bucket, '--key', 'copy/replaced', out]);
    assert.equal(md5Hex(await readFile(out)), md5Hex(body));
  });

  test('delete-objects verbose and quiet', async () => {
    const file = path.join(dir(), 'del');
    await writeFile(file, 'delete me');
    const keys = ['del/1', 'del/2', 'del/3', 'del/4'];
    for (const key of keys) await awsCli(virtual, ['s3api', 'put-object', '--bucket', bucket, '--key', key, '--body', file]);
    const verbose = await awsJson<{ Deleted: { Key: string }[]; Errors?: unknown[] }>(virtual, [
      's3api', 'delete-objects', '--bucket', bucket, '--delete', JSON.stringify({ Objects: [{ Key: 'del/1' }, { Key: 'del/2' }, { Key: 'del/missing' }] }),
    ]);
    assert.deepEqual(verbose.Deleted.map((d) => d.Key).sort(), ['del/1', 'del/2', 'del/missing']);
    assert.equal(verbose.Errors, undefined);
    const quiet = await awsJson<{ Deleted?: unknown[]; Errors?: unknown[] } | undefined>(virtual, [
      's3api', 'delete-objects', '--bucket', bucket, '--delete', JSON.stringify({ Objects: [{ Key: 'del/3' }], Quiet: true }),
    ]);
    assert.equal(quiet?.Deleted, undefined);
    assert.equal(quiet?.Errors, undefined);
    assert.deepEqual((await listKeys(virtual, bucket, 'del/')).map((o) => o.Key), ['del/4']);
  });

  test('multipart: create, upload-part, list-parts, list-multipart-uploads, complete, abort', async () => {
    const part1 = await writeRandom(path.join(dir(), 'p1'), 5 * MiB);
    const part2 = await writeRandom(path.join(dir(), 'p2'), 1234);
    const key = 'mp/object.bin';
    const created = await awsJson<{ UploadId: string; Key: string }>(virtual, ['s3api', 'create-multipart-upload', '--bucket', bucket, '--key', key, '--metadata', 'kind=mp', '--content-type', 'application/x-mp']);
    assert.equal(created.Key, key);
    const { UploadId } = created;
    const etags: string[] = [];
    for (const [n, file] of [[1, 'p1'], [2, 'p2']] as const) {
      const up = await awsJson<{ ETag: string }>(virtual, ['s3api', 'upload-part', '--bucket', bucket, '--key', key, '--upload-id', UploadId, '--part-number', String(n), '--body', path.join(dir(), file)]);
      etags.push(up.ETag);
    }
    assert.deepEqual(etags, [`"${md5Hex(part1)}"`, `"${md5Hex(part2)}"`]);

    const parts = await awsJson<{ Parts: { PartNumber: number; ETag: string; Size: number }[] }>(virtual, ['s3api', 'list-parts', '--bucket', bucket, '--key', key, '--upload-id', UploadId]);
    assert.deepEqual(parts.Parts.map((p) => [p.PartNumber, p.ETag, p.Size]), [[1, etags[0], part1.length], [2, etags[1], part2.length]]);

    const other = await awsJson<{ UploadId: string }>(pathStyle, ['s3api', 'create-multipart-upload', '--bucket', bucket, '--key', 'mp/aborted']);
    const uploads = await awsJson<{ Uploads: { Key: string; UploadId: string }[] }>(pathStyle, ['s3api', 'list-multipart-uploads', '--bucket', bucket]);
    assert.deepEqual(uploads.Uploads.map((u) => [u.Key, u.UploadId]).sort(), [['mp/aborted', other.UploadId], [key, UploadId]]);

    await awsCli(pathStyle, ['s3api', 'abort-multipart-upload', '--bucket', bucket, '--key', 'mp/aborted', '--upload-id', other.UploadId]);
    const afterAbort = await awsJson<{ Uploads: { Key: string }[] }>(pathStyle, ['s3api', 'list-multipart-uploads', '--bucket', bucket]);
    assert.deepEqual(afterAbort.Uploads.map((u) => u.Key), [key]);
    await assert.rejects(
      awsCli(pathStyle, ['s3api', 'list-parts', '--bucket', bucket, '--key', 'mp/aborted', '--upload-id', other.UploadId]),
      /NoSuchUpload/,
    );

    const manifest = path.join(dir(), 'parts.json');
    await writeFile(manifest, JSON.stringify({ Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) }));
    const done = await awsJson<{ ETag: string; Key: string }>(virtual, ['s3api', 'complete-multipart-upload', '--bucket', bucket, '--key', key, '--upload-id', UploadId, '--multipart-upload', `file://${manifest}`]);
    const expectedEtag = md5Hex(Buffer.concat([part1, part2].map((p) => Buffer.from(md5Hex(p), 'hex'))));
    assert.equal(done.ETag, `"${expectedEtag}-2"`);
    assert.equal(done.Key, key);

    const out = path.join(dir(), 'mp.out');
    const got = await awsJson<Record<string, unknown>>(virtual, ['s3api', 'get-object', '--bucket', bucket, '--key', key, out]);
    assert.equal(got.ContentLength, part1.length + part2.length);
    assert.deepEqual(got.Metadata, { kind: 'mp' });
    assert.equal(got.ContentType, 'application/x-mp');
    assert.equal(md5Hex(await readFile(out)), md5Hex(Buffer.concat([part1, part2])));
    const remaining = await awsJson<{ Uploads?: unknown[] } | undefined>(pathStyle, ['s3api', 'list-multipart-uploads', '--bucket', bucket]);
    assert.equal(remaining?.Uploads, undefined);
  });

  test('aws s3 presign gives a URL curl can fetch, and nothing else', async () => {
    const body = await writeRandom(path.join(dir(), 'presigned.bin'), 3000);
    await awsCli(virtual, ['s3', 'cp', path.join(dir(), 'presigned.bin'), `s3://${bucket}/share/file name+1.bin`]);
    for (const aws of [virtual, pathStyle]) {
      const { stdout } = await awsCli(aws, ['s3', 'presign', `s3://${bucket}/share/file name+1.bin`, '--expires-in', '300']);
      const url = stdout.trim();
      assert.ok(url.startsWith(aws.url(bucket)), url);
      const out = path.join(dir(), `presigned-${aws.style}.out`);
      const proxy = aws.style === 'virtual' ? ['--proxy', aws.env.HTTP_PROXY!] : ['--noproxy', '*'];
      const fetched = await execIn(aws, 'curl', ['-sS', ...proxy, '-o', out, '-w', '%{http_code}', url]);
      assert.equal(fetched.stdout, '200');
      assert.deepEqual(await readFile(out), body);

      const tampered = url.replace('file%20name', 'file%20nam');
      const refused = await execIn(aws, 'curl', ['-sS', ...proxy, '-o', out, '-w', '%{http_code}', tampered]);
      assert.equal(refused.stdout, '403');
      assert.match(await readFile(out, 'utf8'), /<Code>SignatureDoesNotMatch<\/Code>/);
    }
  });

  test('errors reach the CLI as S3 error codes', async () => {
    await assert.rejects(awsCli(virtual, ['s3', 'ls', 's3://cli-no-such-bucket']), /NoSuchBucket/);
    await assert.rejects(awsCli(pathStyle, ['s3api', 'head-object', '--bucket', bucket, '--key', 'nothing-here']), /404|Not Found/);
    await assert.rejects(awsCli(pathStyle, ['s3api', 'get-object', '--bucket', bucket, '--key', 'nothing-here', path.join(dir(), 'x')]), /NoSuchKey/);
    const size = await stat(path.join(dir(), 'x')).then((s) => s.size, () => -1);
    assert.ok(size <= 0, 'no file content written for a missing key');
  });
});
