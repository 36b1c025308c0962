// Interrupted transfers resumed by the aitta client as s3cmd 2.3.0 resumes
// them, on the same server: `put --continue-put` finishes an unfinished
// multipart upload (keeping the parts that match, sending the others again)
// or skips a file already there; `get --continue` fetches the rest of a
// partial download and checks the whole file. A corrupted partial file is
// caught: the same warning as s3cmd's, but aitta also fails (EX_DATAERR)
// where s3cmd exits 0.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { S3Client } from '../../src/sdk/client.js';
import { ClientTwins, startTwins, normaliseClientOutput, TOOLS, type Tool, type TwinsFixture } from '../helpers/aitta-client.js';
import { S3CMD_MATRIX, md5OfFile, type S3cmdResult } from '../helpers/s3cmd.js';

const MIB = 1024 * 1024;

let fixture: TwinsFixture;
let twins: ClientTwins;
let client: S3Client;
let big: Buffer;

before(async () => {
  fixture = await startTwins('cresume', S3CMD_MATRIX.find((cell) => !cell.signatureV2 && cell.addressing === 'virtual')!);
  ({ twins, client } = fixture);
  big = randomBytes(12 * MIB + 5);
  for (const tool of TOOLS) {
    await writeFile(path.join(twins.work[tool], 'big.bin'), big);
    await writeFile(path.join(twins.work[tool], 'small.txt'), 'small file\n');
  }
});

after(async () => {
  await fixture?.stop();
});

const same = (args: string[], expectedCode = 0) => twins.same(args, expectedCode);

/** An upload left behind half done: part 1 right, part 2 with one byte flipped, part 3 short. */
async function interruptedUpload(bucket: string, key: string): Promise<string> {
  const id = await client.createMultipartUpload(bucket, key);
  await client.uploadPart(bucket, key, id, 1, big.subarray(0, 5 * MIB));
  const flipped = Buffer.from(big.subarray(5 * MIB, 10 * MIB));
  flipped[0] = flipped[0]! ^ 1;
  await client.uploadPart(bucket, key, id, 2, flipped);
  await client.uploadPart(bucket, key, id, 3, big.subarray(10 * MIB, 10 * MIB + 100));
  return id;
}

describe('aitta resumable transfers vs s3cmd', () => {
  it('put --continue-put finishes an interrupted multipart upload, keeping the matching part', async () => {
    await same(['mb', 's3://BUCKET']);
    for (const tool of TOOLS) await interruptedUpload(twins.bucket[tool], 'big.bin');
    const results = await same(['put', '--continue-put', '--multipart-chunk-size-mb=5', 'big.bin', 's3://BUCKET/big.bin']);
    assert.match(results.aitta.stderr, /part 1, skipping\.\n.*part 2, reuploading\.\n.*part 3, reuploading\.\n/);
    await same(['multipart', 's3://BUCKET']);
    await same(['ls', '--list-md5', 's3://BUCKET/big.bin']);
    const stored = await client.getObject(twins.bucket.aitta, 'big.bin');
    const chunks: Buffer[] = [];
    for await (const chunk of stored.body) chunks.push(chunk as Buffer);
    assert.ok(Buffer.concat(chunks).equals(big), 'the continued upload holds the file');
  });

  it('put --upload-id continues the upload named; two unfinished uploads need it', async () => {
    const ids: Record<string, string> = {};
    for (const tool of TOOLS) {
      await interruptedUpload(twins.bucket[tool], 'twice.bin');
      ids[tool] = await interruptedUpload(twins.bucket[tool], 'twice.bin');
    }
    const ambiguous = await twins.run('aitta', ['put', '--continue-put', '--multipart-chunk-size-mb=5', 'big.bin', `s3://${twins.bucket.aitta}/twice.bin`]);
    assert.equal(ambiguous.code, 64);
    assert.match(ambiguous.stderr, /More than one UploadId for URI s3:\/\/[^/]+\/twice\.bin/);
    const results = {} as Record<Tool, S3cmdResult>;
    for (const tool of TOOLS) {
      results[tool] = await twins.run(tool, ['put', `--upload-id=${ids[tool]}`, '--multipart-chunk-size-mb=5', 'big.bin', `s3://${twins.bucket[tool]}/twice.bin`]);
      assert.equal(results[tool].code, 0, results[tool].stderr);
    }
    for (const stream of ['stdout', 'stderr'] as const) {
      assert.deepEqual(normaliseClientOutput(results.aitta[stream], twins.bucket.aitta, twins.work.aitta), normaliseClientOutput(results.s3cmd[stream], twins.bucket.s3cmd, twins.work.s3cmd));
    }
    await same(['ls', '--list-md5', 's3://BUCKET/twice.bin']);
  });

  it('put --continue-put skips a file that is already there, sends a changed one again', async () => {
    await same(['put', 'small.txt', 's3://BUCKET/small.txt']);
    await same(['put', '--continue-put', 'small.txt', 's3://BUCKET/small.txt']);
    for (const tool of TOOLS) await writeFile(path.join(twins.work[tool], 'small.txt'), 'small file, changed\n');
    await same(['put', '--continue-put', 'small.txt', 's3://BUCKET/small.txt']);
    for (const tool of TOOLS) await writeFile(path.join(twins.work[tool], 'small.txt'), 'small file, CHANGED\n');
    await same(['put', '--continue-put', 'small.txt', 's3://BUCKET/small.txt']);
    await same(['ls', '--list-md5', 's3://BUCKET/small.txt']);
  });

  it('get --continue fetches the rest of a partial file; a corrupted one is caught', async () => {
    // Uploaded afresh, so that the multipart object carries the file's MD5 in s3cmd's attributes
    // (a continued upload keeps the metadata of the upload it continued, here none).
    await same(['put', '--multipart-chunk-size-mb=5', 'big.bin', 's3://BUCKET/whole.bin']);
    await same(['get', 's3://BUCKET/whole.bin', 'copy.bin']);
    // In parallel 5 MiB ranges (aitta): the same lines, the same bytes.
    await same(['get', '--multipart-chunk-size-mb=5', 's3://BUCKET/whole.bin', 'ranged.bin']);
    assert.equal(await md5OfFile(path.join(twins.work.aitta, 'ranged.bin')), await md5OfFile(path.join(twins.work.aitta, 'big.bin')));
    for (const tool of TOOLS) await truncate(path.join(twins.work[tool], 'copy.bin'), 3 * MIB + 7);
    await same(['get', '--continue', 's3://BUCKET/whole.bin', 'copy.bin']);
    assert.equal(await md5OfFile(path.join(twins.work.aitta, 'copy.bin')), await md5OfFile(path.join(twins.work.aitta, 'big.bin')));
    await same(['get', '--continue', 's3://BUCKET/whole.bin', 'copy.bin']);
    for (const tool of TOOLS) {
      const file = path.join(twins.work[tool], 'copy.bin');
      await truncate(file, 2 * MIB);
      const partial = await readFile(file);
      partial[100] = partial[100]! ^ 0xff;
      await writeFile(file, partial);
    }
    const results = { s3cmd: await twins.run('s3cmd', ['get', '--continue', `s3://${twins.bucket.s3cmd}/whole.bin`, 'copy.bin']), aitta: await twins.run('aitta', ['get', '--continue', `s3://${twins.bucket.aitta}/whole.bin`, 'copy.bin']) };
    assert.equal(results.s3cmd.code, 0);
    assert.equal(results.aitta.code, 65, 'a download that does not match its MD5 fails');
    for (const stream of ['stdout', 'stderr'] as const) {
      assert.deepEqual(
        normaliseClientOutput(results.aitta[stream], twins.bucket.aitta, twins.work.aitta).map((line) => line.replace(/computed=[0-9a-f]+/, 'computed=X')),
        normaliseClientOutput(results.s3cmd[stream], twins.bucket.s3cmd, twins.work.s3cmd).map((line) => line.replace(/computed=[0-9a-f]+/, 'computed=X')),
      );
    }
    assert.match(results.aitta.stderr, /^WARNING: MD5 signatures do not match: computed=[0-9a-f]{32}, received=[0-9a-f]{32}\n/);
  });
});
