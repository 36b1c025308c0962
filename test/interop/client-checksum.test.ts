// Downloads the MD5 cannot check: a multipart object uploaded without
// s3cmd's md5 attribute (as the AWS SDKs and the aws CLI upload). The aitta
// client asks for the object's checksum (x-amz-checksum-mode: ENABLED) and
// verifies a full-object one; s3cmd has nothing to compare with. Bit rot in
// a stored part is then caught, and the download fails. Both ways of
// downloading: one stream, and parallel ranges (objects of two parts or more,
// here with 5 MiB parts). `aitta md5sum` reads such objects to print their MD5.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type ChecksumAlgorithm,
  type ChecksumType,
  type S3Client,
} from '@aws-sdk/client-s3';
import { checksumToBase64, createChecksum } from '../../src/checksums.js';
import type { ChecksumAlgorithm as Algorithm } from '../../src/checksum-types.js';
import { runAitta } from '../helpers/aitta-client.js';
import { S3CMD_MATRIX, createS3cmd, md5OfFile, type S3cmd } from '../helpers/s3cmd.js';
import { sdkClient } from '../helpers/sdk-client.js';
import { startServer, type TestServer } from '../helpers/server.js';

const MIB = 1024 * 1024;
const BUCKET = 'checksummed';

let server: TestServer;
let s3: S3Client;
let s3cmd: S3cmd;
const parts = [randomBytes(5 * MIB), randomBytes(5 * MIB), randomBytes(MIB + 333)];
const MODES = { stream: [], ranges: ['--multipart-chunk-size-mb=5'] } as const;
const whole = Buffer.concat(parts);

function checksumOf(algorithm: Algorithm, ...data: Buffer[]): string {
  const sum = createChecksum(algorithm);
  for (const d of data) sum.update(d);
  return checksumToBase64(sum.digest());
}

/** A two-part upload with per-part checksums, completed as `type`; no s3cmd attributes. */
async function multipart(key: string, algorithm: Algorithm, type: ChecksumType): Promise<void> {
  const field = `Checksum${algorithm}` as 'ChecksumCRC64NVME';
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ChecksumAlgorithm: algorithm as ChecksumAlgorithm, ChecksumType: type }),
  );
  const done = [];
  for (const [i, body] of parts.entries()) {
    const sum = checksumOf(algorithm, body);
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: i + 1, Body: body, [field]: sum }));
    done.push({ PartNumber: i + 1, ETag, [field]: sum });
  }
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, ChecksumType: type, MultipartUpload: { Parts: done } }));
}

interface Downloaded {
  type: string;
  md5: string;
  verified: boolean;
}

async function get(key: string, file: string, mode: keyof typeof MODES): Promise<{ code: number; stderr: string; line?: Downloaded }> {
  const result = await runAitta(s3cmd, ['--json', ...MODES[mode], 'get', '--force', `s3://${BUCKET}/${key}`, file]);
  const lines = result.stdout.trim().split('\n').filter(Boolean);
  return { code: result.code, stderr: result.stderr, ...(lines.length > 0 ? { line: JSON.parse(lines.at(-1)!) as Downloaded } : {}) };
}

before(async () => {
  server = await startServer();
  s3 = sdkClient(server);
  // Allas users sign with V2: the checksum-mode header is signed that way too.
  s3cmd = await createS3cmd(server, S3CMD_MATRIX.find((c) => c.signatureV2 && c.addressing === 'path')!);
  await runAitta(s3cmd, ['mb', `s3://${BUCKET}`]);
  await multipart('crc64nvme.bin', 'CRC64NVME', 'FULL_OBJECT');
  await multipart('crc32c.bin', 'CRC32C', 'FULL_OBJECT');
  await multipart('composite.bin', 'SHA256', 'COMPOSITE');
});

after(async () => {
  s3?.destroy();
  await s3cmd?.dispose();
  await server?.stop();
});

describe('aitta get verifies what the MD5 cannot', () => {
  it('checks a multipart object against its full-object CRC64NVME or CRC32C', async () => {
    for (const mode of ['stream', 'ranges'] as const) {
      for (const key of ['crc64nvme.bin', 'crc32c.bin']) {
        const file = path.join(s3cmd.home, `${mode}-${key}`);
        const { code, stderr, line } = await get(key, file, mode);
        assert.equal(code, 0, stderr);
        assert.equal(stderr, '');
        assert.equal(line?.type, 'download');
        assert.equal(line?.verified, true, `${key} verified (${mode})`);
        assert.equal(line?.md5, createHash('md5').update(whole).digest('hex'));
        assert.ok((await readFile(file)).equals(whole));
      }
    }
  });

  it('has nothing to check a composite checksum with, and says it did not verify', async () => {
    for (const mode of ['stream', 'ranges'] as const) {
      const { code, stderr, line } = await get('composite.bin', path.join(s3cmd.home, 'composite.bin'), mode);
      assert.equal(code, 0, stderr);
      assert.equal(line?.verified, false);
    }
  });

  it('md5sum prints objects\' MD5s as md5sum does, reading those only a multipart ETag describes', async () => {
    const small = Buffer.from('small object\n');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'dir/small.txt', Body: small }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'dir/', Body: '' }));
    const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');
    const result = await runAitta(s3cmd, ['md5sum', '-r', `s3://${BUCKET}`]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      [`${md5(whole)}  s3://${BUCKET}/composite.bin`, `${md5(whole)}  s3://${BUCKET}/crc32c.bin`, `${md5(whole)}  s3://${BUCKET}/crc64nvme.bin`, `${md5(small)}  s3://${BUCKET}/dir/small.txt`]
        .map((line) => line + '\n')
        .join(''),
    );
    const json = await runAitta(s3cmd, ['--json', 'md5sum', `s3://${BUCKET}/dir/small.txt`, `s3://${BUCKET}/crc32c.bin`]);
    assert.deepEqual(
      json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { uri: string; read: boolean }).map(({ uri, read }) => [uri, read]),
      [[`s3://${BUCKET}/crc32c.bin`, true], [`s3://${BUCKET}/dir/small.txt`, false]],
    );
    const missing = await runAitta(s3cmd, ['md5sum', `s3://${BUCKET}/nothing`]);
    assert.equal(missing.code, 64);
    assert.equal(missing.stderr, `ERROR: Parameter problem: Source object 's3://${BUCKET}/nothing' does not exist.\n`);
  });

  it('catches a corrupted stored part: a warning, and exit 65', async () => {
    // The last part is the only stored blob of its size: flip one of its bytes on the server's disk.
    const blobs = path.join(server.dataDir, 'blobs');
    const candidates: string[] = [];
    const last = parts.at(-1)!;
    for (const name of await readdir(blobs, { recursive: true })) {
      const file = path.join(blobs, name);
      const info = await stat(file);
      if (info.isFile() && info.size === last.length) candidates.push(file);
    }
    assert.equal(candidates.length, 3, 'one second part per object');
    const before: Record<string, Buffer> = {};
    for (const file of candidates) before[file] = await readFile(file);
    try {
      for (const file of candidates) {
        const rotten = Buffer.from(before[file]!);
        rotten[1000] = rotten[1000]! ^ 0x01;
        await writeFile(file, rotten);
      }
      const target = path.join(s3cmd.home, 'rotten.bin');
      for (const mode of ['stream', 'ranges'] as const) {
        const { code, stderr } = await get('crc64nvme.bin', target, mode);
        assert.equal(code, 65, stderr);
        assert.match(stderr, /^WARNING: CRC64NVME checksums do not match: computed=[A-Za-z0-9+/]{11}=, received=[A-Za-z0-9+/]{11}=$/m);
        assert.notEqual(await md5OfFile(target), await md5OfFile(path.join(s3cmd.home, 'stream-crc64nvme.bin')));
      }
      // s3cmd fetches the same bytes without a word: it has no MD5 to compare with.
      const byS3cmd = await s3cmd.run(['get', '--force', `s3://${BUCKET}/crc32c.bin`, path.join(s3cmd.home, 'rotten-s3cmd.bin')]);
      assert.equal(byS3cmd.code, 0);
      assert.doesNotMatch(byS3cmd.stderr, /WARNING/);
      assert.match((await get('crc32c.bin', target, 'ranges')).stderr, /^WARNING: CRC32C checksums do not match/m);
    } finally {
      for (const file of candidates) await writeFile(file, before[file]!);
    }
  });
});
