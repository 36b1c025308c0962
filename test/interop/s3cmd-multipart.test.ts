// Multipart uploads through the real s3cmd 2.3.0 in every cell of
// SigV2/SigV4 × path/virtual-hosted addressing: a 40 MiB file goes up in
// s3cmd's default 15 MiB parts and comes back byte for byte; the listing
// shows S3's multipart ETag while `info` shows the file's real MD5 (from
// s3cmd's attributes); `multipart`, `listmp` and `abortmp` see and end an
// upload left unfinished.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateMultipartUploadCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import {
  S3CMD_MATRIX,
  assertS3cmdOk,
  createS3cmd,
  md5OfFile,
  normalisedLines,
  type S3cmd,
  type S3cmdCell,
} from '../helpers/s3cmd.js';
import { startServer, type TestServer } from '../helpers/server.js';

const MIB = 1024 * 1024;
/** s3cmd's default multipart_chunk_size_mb. */
const CHUNK = 15 * MIB;
const BIG_SIZE = 40 * MIB;

let server: TestServer;
let scratch: string;
let bigFile: string;
let bigMd5: string;
/** S3's multipart ETag for BIG_SIZE bytes in CHUNK parts: MD5 of the part MD5s, "-" part count. */
let bigEtag: string;

before(async () => {
  server = await startServer();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'aitta-s3cmd-mp-'));
  bigFile = path.join(scratch, 'big.bin');
  const body = randomBytes(BIG_SIZE);
  await writeFile(bigFile, body);
  bigMd5 = await md5OfFile(bigFile);
  const partMd5s: Buffer[] = [];
  for (let offset = 0; offset < BIG_SIZE; offset += CHUNK) {
    partMd5s.push(createHash('md5').update(body.subarray(offset, offset + CHUNK)).digest());
  }
  bigEtag = `${createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-${partMd5s.length}`;
});

after(async () => {
  await server?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

for (const cell of S3CMD_MATRIX) describeCell(cell);

function describeCell(cell: S3cmdCell): void {
  describe(`s3cmd multipart (${cell.label})`, () => {
    const bucket = `aitta-${cell.tag}-mp`;
    let s3cmd: S3cmd;

    before(async () => {
      s3cmd = await createS3cmd(server, cell);
      assertS3cmdOk(await s3cmd.run(['mb', `s3://${bucket}`]), 'mb');
    });

    after(async () => {
      if (!s3cmd) return;
      await s3cmd.run(['rb', '--recursive', '--force', `s3://${bucket}`]);
      await s3cmd.dispose();
    });

    it('put of a 40 MiB file uploads it in three 15 MiB-chunk parts', async () => {
      const result = await s3cmd.run(['put', '--progress', bigFile, `s3://${bucket}/big.bin`]);
      assertS3cmdOk(result, 'put');
      const labels = result.stdout.split('\n').filter((line) => line.startsWith('upload:'));
      assert.deepEqual(labels, [
        `upload: '${bigFile}' -> 's3://${bucket}/big.bin'  [part 1 of 3, 15MB] [1 of 1]`,
        `upload: '${bigFile}' -> 's3://${bucket}/big.bin'  [part 2 of 3, 15MB] [1 of 1]`,
        `upload: '${bigFile}' -> 's3://${bucket}/big.bin'  [part 3 of 3, 10MB] [1 of 1]`,
      ]);
      const done = result.stdout.split('\n').filter((line) => line.endsWith('  done')).map((line) => line.split('\r').at(-1));
      assert.equal(done.length, 3, result.stdout);
      for (const [i, line] of done.entries()) {
        const bytes = i < 2 ? CHUNK : BIG_SIZE - 2 * CHUNK;
        assert.match(line!, new RegExp(`^ ${bytes} of ${bytes}   100% in +\\d+s +\\d+\\.\\d{2} [KMG]?B/s  done$`));
      }
    });

    it("ls -l shows S3's multipart ETag (MD5 of part MD5s, -3)", async () => {
      const result = await s3cmd.run(['ls', '-l', `s3://${bucket}`]);
      assertS3cmdOk(result, 'ls -l');
      assert.deepEqual(normalisedLines(result.stdout), [
        `YYYY-MM-DD HH:MM     ${BIG_SIZE}  ${bigEtag.padEnd(35)}  ${'STANDARD'.padEnd(11)}  s3://${bucket}/big.bin`,
      ]);
    });

    it("info shows the file's real MD5, taken from s3cmd's attributes", async () => {
      const result = await s3cmd.run(['info', `s3://${bucket}/big.bin`]);
      assertS3cmdOk(result, 'info');
      const lines = result.stdout.split('\n');
      assert.equal(lines[0], `s3://${bucket}/big.bin (object):`);
      assert.equal(lines[1], `   File size: ${BIG_SIZE}`);
      assert.equal(lines[3], '   MIME type: application/octet-stream');
      assert.equal(lines[5], `   MD5 sum:   ${bigMd5}`);
      assert.ok(lines.some((line) => line.startsWith('   x-amz-meta-s3cmd-attrs: ') && line.includes(`md5:${bigMd5}`)), result.stdout);
    });

    it('get of the multipart object gives back the same bytes', async () => {
      const copy = path.join(s3cmd.home, 'big.copy');
      const result = await s3cmd.run(['get', `s3://${bucket}/big.bin`, copy]);
      assertS3cmdOk(result, 'get');
      assert.deepEqual(normalisedLines(result.stdout), [
        `download: 's3://${bucket}/big.bin' -> '${copy}' (${BIG_SIZE} bytes in S seconds, R B/s)`,
      ]);
      assert.equal(await md5OfFile(copy), bigMd5);
      await rm(copy);
    });

    it('multipart lists an unfinished upload, listmp its parts, and abortmp ends it', async () => {
      const key = 'pending/part.bin';
      const client = new S3Client({
        endpoint: server.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: server.accessKey, secretAccessKey: server.secretKey },
      });
      const part = randomBytes(1024);
      let uploadId: string;
      try {
        const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
        uploadId = created.UploadId!;
        await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: 1, Body: part }));
      } finally {
        client.destroy();
      }

      const listed = await s3cmd.run(['multipart', `s3://${bucket}`]);
      assertS3cmdOk(listed, 'multipart');
      const lines = listed.stdout.split('\n');
      assert.deepEqual(lines.slice(0, 2), [`s3://${bucket}/`, 'Initiated\tPath\tId']);
      assert.equal(lines.length, 4, listed.stdout);
      assert.match(lines[2]!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z\t/);
      assert.equal(lines[2]!.split('\t').slice(1).join('\t'), `s3://${bucket}/${key}\t${uploadId}`);

      const parts = await s3cmd.run(['listmp', `s3://${bucket}/${key}`, uploadId]);
      assertS3cmdOk(parts, 'listmp');
      const partLines = parts.stdout.split('\n');
      assert.equal(partLines[0], 'LastModified\t\t\tPartNumber\tETag\tSize');
      assert.equal(partLines.length, 3, parts.stdout);
      const partMd5 = createHash('md5').update(part).digest('hex');
      assert.match(partLines[1]!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z\t/);
      assert.equal(partLines[1]!.split('\t').slice(1).join('\t'), `1\t"${partMd5}"\t1024`);

      const aborted = await s3cmd.run(['abortmp', `s3://${bucket}/${key}`, uploadId]);
      assertS3cmdOk(aborted, 'abortmp');
      assert.equal(aborted.stdout, `s3://${bucket}/${key}\n`);

      const after = await s3cmd.run(['multipart', `s3://${bucket}`]);
      assertS3cmdOk(after, 'multipart');
      assert.equal(after.stdout, `s3://${bucket}/\nInitiated\tPath\tId\n`);
      const again = await s3cmd.run(['listmp', `s3://${bucket}/${key}`, uploadId]);
      assert.equal(again.code, 12, again.stderr);
      assert.match(again.stderr, /^ERROR: S3 error: 404 \(NoSuchUpload\)/m);
    });
  });
}
