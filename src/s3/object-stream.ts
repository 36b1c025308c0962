// Streams an object's bytes, or a range of them, from wherever they live:
// inline in the metadata store, or a sequence of blobs (one for a plain PUT,
// one per part for a multipart object), opened one after another: as a
// stream (to copy it) or written to a response.

import { Readable } from 'node:stream';
import type { BlobStore } from '../store/blob.js';
import type { ObjectInfo, ObjectRecord, StoredPart } from '../store/meta.js';
import type { BodyWriter } from './context.js';
import type { ByteRange } from './range.js';

/** The byte range of each blob that holds part of `range`, in order. */
function* blobRanges(parts: StoredPart[], range: ByteRange): Generator<{ blobId: string; start: number; end: number }> {
  let offset = 0;
  for (const part of parts) {
    const partStart = offset;
    const partEnd = offset + part.size - 1;
    offset += part.size;
    if (part.size === 0 || partEnd < range.start) continue;
    if (partStart > range.end) break;
    yield { blobId: part.blobId, start: Math.max(range.start, partStart) - partStart, end: Math.min(range.end, partEnd) - partStart };
  }
}

async function* partsInRange(blobs: BlobStore, parts: StoredPart[], range: ByteRange): AsyncGenerator<Buffer> {
  for (const { blobId, start, end } of blobRanges(parts, range)) yield* blobs.read(blobId, start, end) as AsyncIterable<Buffer>;
}

/** The object's bytes (or a range) for a response: a Buffer when they are inline, else its blobs written in turn. */
export function objectBody(blobs: BlobStore, object: ObjectRecord, range?: ByteRange): Buffer | BodyWriter {
  if (object.data.kind === 'inline') {
    return range ? object.data.bytes.subarray(range.start, range.end + 1) : object.data.bytes;
  }
  const { parts } = object.data;
  const whole = range ?? { start: 0, end: object.size - 1 };
  return {
    async writeTo(to) {
      for (const { blobId, start, end } of blobRanges(parts, whole)) await blobs.writeTo(blobId, start, end, to);
    },
  };
}

export function objectStream(blobs: BlobStore, object: ObjectRecord, range?: ByteRange): Readable {
  const whole = range ?? { start: 0, end: object.size - 1 };
  if (object.data.kind === 'inline') {
    return Readable.from([object.data.bytes.subarray(whole.start, whole.end + 1)], { objectMode: false });
  }
  const { parts } = object.data;
  if (object.size === 0) return Readable.from([], { objectMode: false });
  if (parts.length === 1) return blobs.read(parts[0]!.blobId, whole.start, whole.end) as Readable;
  return Readable.from(partsInRange(blobs, parts, whole), { objectMode: false });
}

/**
 * The byte range of the partNumber-th part (1-based, in completion order, as
 * S3 counts for x-amz-mp-parts-count) of an object; a non-multipart object
 * has one part.
 */
export function partRange(object: ObjectInfo, partNumber: number): ByteRange | undefined {
  if (object.data.kind === 'inline' || object.partsCount === undefined) {
    return partNumber === 1 && object.size > 0 ? { start: 0, end: object.size - 1 } : undefined;
  }
  const parts = object.data.parts;
  if (partNumber > parts.length) return undefined;
  let start = 0;
  for (let i = 0; i < partNumber - 1; i++) start += parts[i]!.size;
  return { start, end: start + parts[partNumber - 1]!.size - 1 };
}
