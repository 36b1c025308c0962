// A server killed with SIGKILL in the middle of many writes must come back
// with every acknowledged object whole, no object that is a mix or a prefix
// of what was sent, and — once garbage collection has run — no blob or
// temporary file that no object references.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { MAX_INLINE_OBJECT_BYTES } from '../../src/limits.js';
import { sdkClient } from '../helpers/sdk-client.js';
import { startServer, type TestServer } from '../helpers/server.js';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

describe('crash during writes', () => {
  let server: TestServer;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'aitta-crash-'));
    server = await startServer({ dataDir });
  });

  after(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged object whole and leaves nothing half-written', async () => {
    const s3 = sdkClient(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'crash' }));
    // Each key gets several versions of different sizes, inline and blob-backed.
    const sent = new Map<string, Set<string>>();
    const acknowledged = new Map<string, string>();
    let stop = false;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const key = `k${(w * 7 + i) % 20}`;
        const body = randomBytes(i % 3 === 0 ? 2_000 : 300_000 + ((i * 7919) % 500_000));
        const digest = md5(body);
        if (!sent.has(key)) sent.set(key, new Set());
        sent.get(key)!.add(digest);
        try {
          await s3.send(new PutObjectCommand({ Bucket: 'crash', Key: key, Body: body }));
          acknowledged.set(key, digest);
        } catch {
          return;
        }
      }
    });
    await sleep(1500);
    server.process.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    assert.ok(acknowledged.size > 0, 'some writes were acknowledged before the crash');

    await server.stop();
    const credentials = { accessKey: server.accessKey, secretKey: server.secretKey };
    server = await startServer({ dataDir, credentials, env: { AITTA_GC_GRACE_SECONDS: '0', AITTA_GC_INTERVAL_SECONDS: '0.2' } });
    const s3again = sdkClient(server);
    const listed = await s3again.send(new ListObjectsV2Command({ Bucket: 'crash' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    for (const key of acknowledged.keys()) assert.ok(keys.includes(key), `acknowledged ${key} survived`);
    let blobBacked = 0;
    for (const object of listed.Contents ?? []) {
      const got = await s3again.send(new GetObjectCommand({ Bucket: 'crash', Key: object.Key! }));
      const body = Buffer.from(await got.Body!.transformToByteArray());
      assert.equal(body.length, object.Size, `${object.Key} has its listed size`);
      assert.ok(sent.get(object.Key!)!.has(md5(body)), `${object.Key} is one of the bodies sent, whole`);
      if (body.length > MAX_INLINE_OBJECT_BYTES) blobBacked += 1;
    }

    // GC with no grace: orphans of the crash and temp files go; referenced blobs stay.
    let blobs: string[] = [];
    for (let i = 0; i < 50; i++) {
      await sleep(200);
      blobs = await filesUnder(path.join(dataDir, 'blobs'));
      if (blobs.length === blobBacked && (await filesUnder(path.join(dataDir, 'tmp'))).length === 0) break;
    }
    assert.equal(blobs.length, blobBacked, 'exactly the referenced blobs remain');
    assert.deepEqual(await filesUnder(path.join(dataDir, 'tmp')), []);
  });
});
