// A project's byte quota stops an upload before any of its data is stored:
// the PUT or UploadPart is refused with QuotaExceeded, and no blob or
// temporary file is left behind.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateBucketCommand, CreateMultipartUploadCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException, UploadPartCommand } from '@aws-sdk/client-s3';
import { sdkClient } from '../helpers/sdk-client.js';
import { startServer, type TestServer } from '../helpers/server.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const run = promisify(execFile);

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

async function refusedWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof S3ServiceException && error.name === code && error.$metadata.httpStatusCode === 403);
}

describe('byte quota', () => {
  let server: TestServer;
  let dataDir: string;
  let s3: S3Client;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'aitta-quota-'));
    server = await startServer({ dataDir });
    const credentials = { accessKey: server.accessKey, secretKey: server.secretKey };
    await server.stop();
    const admin = (...args: string[]) => run(process.execPath, [MAIN, 'admin', ...args, '--data', dataDir]);
    const projectName = /project_\d+/.exec((await admin('project', 'list')).stdout)![0];
    await admin('quota', 'set', projectName, '--bytes', '1MiB');
    server = await startServer({ dataDir, credentials });
    s3 = sdkClient(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'quota' }));
  });

  after(async () => {
    s3.destroy();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores what fits and refuses the PUT that would exceed it, storing nothing of it', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'quota', Key: 'first', Body: Buffer.alloc(600 * 1024, 1) }));
    assert.equal((await files(path.join(dataDir, 'blobs'))).length, 1);
    await refusedWith(s3.send(new PutObjectCommand({ Bucket: 'quota', Key: 'second', Body: Buffer.alloc(600 * 1024, 2) })), 'QuotaExceeded');
    assert.equal((await files(path.join(dataDir, 'blobs'))).length, 1);
    assert.deepEqual(await files(path.join(dataDir, 'tmp')), []);
    // Replacing an object counts only the difference.
    await s3.send(new PutObjectCommand({ Bucket: 'quota', Key: 'first', Body: Buffer.alloc(900 * 1024, 3) }));
    // A body small enough to be kept inline is refused at the commit instead: nothing of it is stored either.
    await refusedWith(s3.send(new PutObjectCommand({ Bucket: 'quota', Key: 'small', Body: Buffer.alloc(200 * 1024, 4) })), 'QuotaExceeded');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'quota' }));
    assert.deepEqual(listed.Contents?.map((o) => [o.Key, o.Size]), [['first', 900 * 1024]]);
  });

  it('refuses an upload part that would exceed it', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'quota', Key: 'parts' }));
    const before = await files(path.join(dataDir, 'blobs'));
    await refusedWith(
      s3.send(new UploadPartCommand({ Bucket: 'quota', Key: 'parts', UploadId, PartNumber: 1, Body: Buffer.alloc(300 * 1024, 4) })),
      'QuotaExceeded',
    );
    assert.deepEqual((await files(path.join(dataDir, 'blobs'))).sort(), before.sort());
  });
});
