// The filesystem BlobStore: one file per blob under a data directory, at
// <root>/blobs/<id[0..2]>/<id[2..4]>/<id>, written to <root>/tmp/ first and
// renamed into place only once fsynced, so a blob file is always complete.

import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { lstat, mkdir, open, opendir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { errors } from '../errors.js';
import type { BlobStore, BlobWriteResult } from './blob.js';
import { createBlobFile } from './blob-file.js';

/** Read stream buffer size, and the size of writeTo's buffers. */
const READ_CHUNK_BYTES = 1024 * 1024;
/** Reads writeTo keeps ahead of the socket: its buffers per call. */
const READ_AHEAD_BUFFERS = 4;
/** writeTo's idle buffers kept for the next call; more are freed. */
const SPARE_READ_BUFFERS = 8;
const BLOB_ID = /^[0-9a-f]{32}$/;
const FAN_OUT_DIR = /^[0-9a-f]{2}$/;

/** writeTo's buffers between calls, shared by every store of the process. */
const spareReadBuffers: Buffer[] = [];

/** Resolves when `to` has taken `chunk` (its callback: the memory is no longer in use). */
function writeChunk(to: Writable, chunk: Buffer): Promise<void> {
  const written = new Promise<void>((resolve, reject) => to.write(chunk, (error) => (error ? reject(error) : resolve())));
  // Awaited later: a failure meanwhile is not an unhandled rejection.
  written.catch(() => {});
  return written;
}

export class FsBlobStore implements BlobStore {
  private readonly blobsDir: string;
  private readonly tmpDir: string;
  /** Fan-out directories known to exist (and to be durable). */
  private readonly madeDirs = new Set<string>();

  /** The store rooted at `root`; its directories are created if missing. */
  constructor(readonly root: string) {
    this.blobsDir = join(root, 'blobs');
    this.tmpDir = join(root, 'tmp');
    mkdirSync(this.blobsDir, { recursive: true });
    mkdirSync(this.tmpDir, { recursive: true });
  }

  async write(source: AsyncIterable<Buffer>, onChunk: (chunk: Buffer) => void | Promise<void>, maxBytes: number, expectedBytes = 0): Promise<BlobWriteResult> {
    const blobId = randomBytes(16).toString('hex');
    const tmpPath = join(this.tmpDir, blobId);
    const file = await createBlobFile(tmpPath, expectedBytes);
    let size = 0;
    try {
      for await (const chunk of source) {
        size += chunk.length;
        if (size > maxBytes) throw errors.entityTooLarge(maxBytes);
        const hashing = onChunk(chunk);
        if (hashing) await hashing;
        await file.append(chunk);
      }
      await file.finish();
    } catch (error) {
      await file.abandon();
      await unlink(tmpPath).catch(() => {});
      throw error;
    }
    try {
      const dir = await this.makeFanOutDir(blobId);
      await rename(tmpPath, join(dir, blobId));
      await syncDir(dir);
    } catch (error) {
      await unlink(tmpPath).catch(() => {});
      throw error;
    }
    return { blobId, size };
  }

  read(blobId: string, start?: number, end?: number): NodeJS.ReadableStream {
    return createReadStream(this.pathOf(blobId), { start, end, highWaterMark: READ_CHUNK_BYTES });
  }

  async writeTo(blobId: string, start: number, end: number, to: Writable): Promise<void> {
    const file = await open(this.pathOf(blobId), 'r');
    const buffers: Buffer[] = [];
    // writes[i] is the write of buffers[i] in flight: that buffer is reused only once it settled.
    const writes: Array<Promise<void>> = [];
    // A destination closed early (a client gone) may never call back for what it took: stop waiting then.
    let onClose!: () => void;
    const closed = new Promise<void>((_resolve, reject) => (onClose = () => reject(new Error('the destination closed'))));
    closed.catch(() => {});
    to.once('close', onClose);
    try {
      for (let position = start, i = 0; position <= end; i = (i + 1) % READ_AHEAD_BUFFERS) {
        if (buffers.length === i) buffers.push(spareReadBuffers.pop() ?? Buffer.allocUnsafeSlow(READ_CHUNK_BYTES));
        await Promise.race([writes[i], closed]);
        const buffer = buffers[i]!;
        const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, end - position + 1), position);
        if (bytesRead === 0) throw new Error(`blob ${blobId} ends before byte ${position}`);
        position += bytesRead;
        writes[i] = writeChunk(to, buffer.subarray(0, bytesRead));
      }
      await Promise.race([Promise.all(writes), closed]);
    } finally {
      to.off('close', onClose);
      // Buffers go back only once no write holds them: every write settled, or the destination closed.
      await Promise.race([Promise.allSettled(writes), closed.catch(() => {})]);
      await file.close();
      for (const buffer of buffers) if (spareReadBuffers.length < SPARE_READ_BUFFERS) spareReadBuffers.push(buffer);
    }
  }

  async remove(blobId: string): Promise<void> {
    await unlink(this.pathOf(blobId)).catch(ignoreMissing);
  }

  async *list(): AsyncIterable<{ blobId: string; mtime: Date }> {
    for (const first of await subdirs(this.blobsDir)) {
      for (const second of await subdirs(join(this.blobsDir, first))) {
        const dir = join(this.blobsDir, first, second);
        for await (const entry of await opendir(dir)) {
          if (!entry.isFile() || !BLOB_ID.test(entry.name)) continue;
          const stat = await lstat(join(dir, entry.name)).catch(ignoreMissing);
          if (stat !== undefined) yield { blobId: entry.name, mtime: stat.mtime };
        }
      }
    }
  }

  async sweepTemp(before: Date): Promise<number> {
    let removed = 0;
    for await (const entry of await opendir(this.tmpDir)) {
      const path = join(this.tmpDir, entry.name);
      const stat = await lstat(path).catch(ignoreMissing);
      if (stat === undefined || !stat.isFile() || stat.mtime >= before) continue;
      await unlink(path).catch(ignoreMissing);
      removed++;
    }
    return removed;
  }

  private pathOf(blobId: string): string {
    if (!BLOB_ID.test(blobId)) throw new Error(`not a blob id: ${JSON.stringify(blobId)}`);
    return join(this.blobsDir, blobId.slice(0, 2), blobId.slice(2, 4), blobId);
  }

  /** Creates the blob's fan-out directory if needed, making the new entries durable. */
  private async makeFanOutDir(blobId: string): Promise<string> {
    const first = join(this.blobsDir, blobId.slice(0, 2));
    const dir = join(first, blobId.slice(2, 4));
    if (this.madeDirs.has(dir)) return dir;
    const created = await mkdir(dir, { recursive: true });
    if (created !== undefined) {
      if (created === first) await syncDir(this.blobsDir);
      await syncDir(first);
    }
    this.madeDirs.add(dir);
    return dir;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function subdirs(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of await opendir(dir)) {
    if (entry.isDirectory() && FAN_OUT_DIR.test(entry.name)) names.push(entry.name);
  }
  return names.sort();
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}
