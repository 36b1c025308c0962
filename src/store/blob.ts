// The blob store: the bytes of objects and parts, named by generated ids
// (never by object keys). The filesystem implementation is fs-blob.ts.

import type { Writable } from 'node:stream';

export interface BlobWriteResult {
  blobId: string;
  size: number;
}

export interface BlobStore {
  /**
   * Streams `source` to a new blob: a temporary file, fsynced, renamed into
   * place (and the directory fsynced). `onChunk` sees every chunk on the way
   * (for MD5 and checksums); when it returns a promise, reading waits for it. If `source` throws, or more than `maxBytes` come,
   * the temporary file is removed and the error rethrown; nothing is left.
   * `expectedBytes` (the body's declared length, when known) chooses how
   * the bytes are written, not how many are taken.
   */
  write(source: AsyncIterable<Buffer>, onChunk: (chunk: Buffer) => void | Promise<void>, maxBytes: number, expectedBytes?: number): Promise<BlobWriteResult>;
  /** Reads bytes start..end inclusive (the whole blob when omitted). */
  read(blobId: string, start?: number, end?: number): NodeJS.ReadableStream;
  /**
   * Writes bytes start..end inclusive to `to`, reading ahead of it into
   * buffers reused from one call to the next; resolves once `to` has taken
   * every byte. The way to send a blob: unlike piping read(), no fresh
   * memory (page faults, garbage to collect) per chunk.
   */
  writeTo(blobId: string, start: number, end: number, to: Writable): Promise<void>;
  /** Removes a blob; a missing blob is not an error. */
  remove(blobId: string): Promise<void>;
  /** Every blob id with its file's modification time (for the orphan sweep). */
  list(): AsyncIterable<{ blobId: string; mtime: Date }>;
  /** Removes temporary files older than `before` (left by crashes). */
  sweepTemp(before: Date): Promise<number>;
}
