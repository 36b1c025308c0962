// Fixtures for the store's unit tests: a fresh store in a temporary
// directory (removed when the test file ends) and records to put in it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { ObjectRecord, StoredPart, UploadRecord } from './meta.js';
import { SqliteMetaStore } from './sqlite.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aitta-sqlite-'));
  dirs.push(dir);
  return dir;
}

export async function openStore(buckets: string[] = ['bkt']): Promise<SqliteMetaStore> {
  const store = await SqliteMetaStore.open(join(tempDir(), 'nested', 'meta.sqlite'));
  for (const name of buckets) await store.createBucket({ name, projectId: 'p1', region: '', createdAt: new Date(0) });
  return store;
}

export function part(partNumber: number, blobId: string): StoredPart {
  return { partNumber, blobId, size: 10, etag: 'e'.repeat(32) };
}

export function object(key: string, data: ObjectRecord['data'] = { kind: 'inline', bytes: Buffer.from(key) }, bucket = 'bkt'): ObjectRecord {
  return {
    bucket,
    key,
    size: data.kind === 'inline' ? data.bytes.length : data.parts.reduce((n, p) => n + p.size, 0),
    etag: 'd41d8cd98f00b204e9800998ecf8427e',
    lastModified: new Date(1_700_000_000_000),
    contentType: 'text/plain',
    contentHeaders: {},
    userMetadata: {},
    storageClass: 'STANDARD',
    ownerProjectId: 'p1',
    data,
  };
}

export function upload(key: string, uploadId: string, initiated: number, bucket = 'bkt'): UploadRecord {
  return {
    uploadId,
    bucket,
    key,
    initiated: new Date(initiated),
    contentType: 'application/octet-stream',
    contentHeaders: {},
    userMetadata: {},
    storageClass: 'STANDARD',
    ownerProjectId: 'p1',
  };
}

export async function garbage(store: SqliteMetaStore): Promise<string[]> {
  return (await store.garbageBefore(new Date(Date.now() + 60_000), 10_000)).sort();
}
