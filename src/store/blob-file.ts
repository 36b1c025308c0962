// A temporary blob file being written, in one of two ways. Large blobs are
// written with direct I/O from aligned memory: the bytes go to the device
// without passing through the page cache, whose fresh pages cost more to
// fill than the disk takes to write (on a VM that hands freed guest memory
// back to its host, a first touch of each page is a fault in the host).
// Smaller blobs, and any blob when direct I/O or its memory is not to be had,
// go through the page cache in gathered vectored writes.

import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { ALIGNED_SLICE_BYTES, returnAlignedSlices, takeAlignedSlices } from './aligned-buffers.js';

/** Blobs expected to be at least this large are written with direct I/O. */
const DIRECT_WRITE_MIN_BYTES = 8 * 1024 * 1024;
/** Aligned slices per direct file: one filling while the others are written. */
const DIRECT_SLICES = 4;
/** Direct I/O offsets and lengths are multiples of the device's logical block; no device has one larger. */
const DIRECT_ALIGN_BYTES = 4096;
/** Bytes gathered before one vectored write. */
const WRITE_BATCH_BYTES = 1024 * 1024;
/** Buffers per vectored write (IOV_MAX on Linux). */
const WRITE_BATCH_BUFFERS = 1024;
/** Bytes written between background fdatasyncs of a large buffered blob. */
const SYNC_EVERY_BYTES = 32 * 1024 * 1024;

export interface BlobFile {
  append(chunk: Buffer): Promise<void>;
  /** Writes what is left, fdatasyncs and closes the file. */
  finish(): Promise<void>;
  /** Waits for the I/O in flight and closes the file, ignoring errors (the caller is already failing). */
  abandon(): Promise<void>;
}

/** Creates the file at `path` (which must not exist) for a blob of about `expectedBytes`. */
export async function createBlobFile(path: string, expectedBytes: number): Promise<BlobFile> {
  const slices = expectedBytes >= DIRECT_WRITE_MIN_BYTES ? takeAlignedSlices(DIRECT_SLICES) : undefined;
  if (slices !== undefined) {
    try {
      return new DirectBlobFile(await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_DIRECT), slices);
    } catch (error) {
      returnAlignedSlices(slices);
      // A filesystem without direct I/O refuses the flag: write through the page cache instead.
      if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
    }
  }
  return new BufferedBlobFile(await open(path, 'wx'));
}

/**
 * Copies chunks into aligned slices and writes each full slice at its offset
 * while the next fills. The last slice is written padded to a whole block and
 * the file cut back to its size. The final fdatasync then has only the
 * device's cache and the file's metadata to flush.
 */
class DirectBlobFile implements BlobFile {
  /** writes[i] is the write of slices[i] in flight: that slice is refilled only once it settled. */
  private readonly writes: Array<Promise<void> | undefined> = [];
  private current = 0;
  private filled = 0;
  /** File offset of the current slice. */
  private position = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly slices: Buffer[],
  ) {}

  async append(chunk: Buffer): Promise<void> {
    for (let offset = 0; offset < chunk.length; ) {
      const n = chunk.copy(this.slices[this.current]!, this.filled, offset);
      offset += n;
      this.filled += n;
      if (this.filled === ALIGNED_SLICE_BYTES) await this.writeCurrent(ALIGNED_SLICE_BYTES);
    }
  }

  async finish(): Promise<void> {
    try {
      const size = this.position + this.filled;
      if (this.filled > 0) {
        const padded = Math.ceil(this.filled / DIRECT_ALIGN_BYTES) * DIRECT_ALIGN_BYTES;
        this.slices[this.current]!.fill(0, this.filled, padded);
        await this.writeCurrent(padded);
      }
      await Promise.all(this.writes);
      if (size % DIRECT_ALIGN_BYTES !== 0) await this.handle.truncate(size);
      await this.handle.datasync();
      await this.handle.close();
    } finally {
      await this.release();
    }
  }

  async abandon(): Promise<void> {
    await this.release();
    await this.handle.close().catch(() => {});
  }

  /** Starts the write of the current slice's first `length` bytes and moves to the next slice once it is free. */
  private async writeCurrent(length: number): Promise<void> {
    this.writes[this.current] = handled(writeAll(this.handle, [this.slices[this.current]!.subarray(0, length)], this.position));
    this.position += length;
    this.filled = 0;
    this.current = (this.current + 1) % this.slices.length;
    await this.writes[this.current];
  }

  /** Gives the slices back once no write uses them. */
  private async release(): Promise<void> {
    await Promise.allSettled(this.writes);
    this.writes.length = 0;
    returnAlignedSlices(this.slices.splice(0));
  }
}

/**
 * Gathers chunks into ~1 MiB vectored writes, with one write in flight while
 * the next batch gathers. A background fdatasync every SYNC_EVERY_BYTES
 * starts writeback while data still arrives, so the final fdatasync has
 * little left to do.
 */
class BufferedBlobFile implements BlobFile {
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private unsyncedBytes = 0;
  private writing: Promise<void> | undefined;
  private syncing: Promise<void> | undefined;
  private syncError: unknown;

  constructor(private readonly handle: FileHandle) {}

  async append(chunk: Buffer): Promise<void> {
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    if (this.batchBytes < WRITE_BATCH_BYTES && this.batch.length < WRITE_BATCH_BUFFERS) return;
    await this.writing;
    if (this.syncError !== undefined) throw this.syncError;
    this.writing = handled(writeAll(this.handle, this.batch));
    this.unsyncedBytes += this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    if (this.unsyncedBytes >= SYNC_EVERY_BYTES && this.syncing === undefined) {
      this.unsyncedBytes = 0;
      this.syncing = this.writing
        .then(() => this.handle.datasync())
        .then(
          () => {
            this.syncing = undefined;
          },
          (error: unknown) => {
            this.syncError = error;
            this.syncing = undefined;
          },
        );
    }
  }

  async finish(): Promise<void> {
    await this.writing;
    if (this.batchBytes > 0) await writeAll(this.handle, this.batch);
    await this.syncing;
    if (this.syncError !== undefined) throw this.syncError;
    await this.handle.datasync();
    await this.handle.close();
  }

  async abandon(): Promise<void> {
    await this.writing?.catch(() => {});
    await this.syncing;
    await this.handle.close().catch(() => {});
  }
}

/** Marks `promise` as handled now; its failure still reaches whoever awaits it later. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** Writes every byte of `buffers`, at `position` or else at the file's offset (a vectored write may be short). */
async function writeAll(file: FileHandle, buffers: Buffer[], position?: number): Promise<void> {
  let pending = buffers;
  while (pending.length > 0) {
    let { bytesWritten } = await file.writev(pending, position);
    if (bytesWritten === 0) throw new Error('blob write made no progress');
    if (position !== undefined) position += bytesWritten;
    const rest: Buffer[] = [];
    for (const buffer of pending) {
      if (bytesWritten >= buffer.length) bytesWritten -= buffer.length;
      else {
        rest.push(bytesWritten > 0 ? buffer.subarray(bytesWritten) : buffer);
        bytesWritten = 0;
      }
    }
    pending = rest;
  }
}
