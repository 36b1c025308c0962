// The garbage collector: deletes the blobs that writes left behind. Three
// sources: blobs listed as garbage by the metadata store (replaced or deleted
// objects, parts), orphan blob files no metadata knows (a crash between the
// rename and the commit), and stale temporary files (a crash mid-write). It
// touches nothing younger than the grace period, so GETs already streaming a
// replaced blob finish and a write between rename and commit is never raced.
// Work is done in small batches with a yield to the event loop in between.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { BackgroundJob } from '../background-job.js';
import type { BlobStore } from './blob.js';
import type { MetaStore } from './meta.js';

export interface GarbageCollectorOptions {
  /** Age a garbage entry, orphan or temporary file must reach before it is removed. */
  graceMs: number;
  /** Pause between the end of one pass and the start of the next. */
  intervalMs: number;
  /** Clock (tests). */
  now?: () => Date;
  /** Blobs handled per batch (default 256). */
  batchSize?: number;
  /** Where a failed background pass is reported (default: stderr). */
  onError?: (error: unknown) => void;
}

/** What one pass removed. */
export interface GarbageCollectorCounts {
  garbage: number;
  orphans: number;
  temp: number;
}

const DEFAULT_BATCH_SIZE = 256;

export class GarbageCollector extends BackgroundJob<GarbageCollectorCounts> {
  private readonly now: () => Date;
  private readonly batchSize: number;

  constructor(
    private readonly meta: MetaStore,
    private readonly blobs: BlobStore,
    private readonly options: GarbageCollectorOptions,
  ) {
    super(options.intervalMs, options.onError ?? ((error) => console.error('aitta gc: pass failed:', error)));
    this.now = options.now ?? (() => new Date());
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  }

  protected async pass(): Promise<GarbageCollectorCounts> {
    const before = new Date(this.now().getTime() - this.options.graceMs);
    const garbage = await this.removeGarbage(before);
    const orphans = await this.removeOrphans(before);
    const temp = this.stopping ? 0 : await this.blobs.sweepTemp(before);
    return { garbage, orphans, temp };
  }

  private async removeGarbage(before: Date): Promise<number> {
    let removed = 0;
    for (;;) {
      const blobIds = await this.meta.garbageBefore(before, this.batchSize);
      if (blobIds.length === 0) return removed;
      await this.removeAll(blobIds);
      await this.meta.forgetGarbage(blobIds);
      removed += blobIds.length;
      if (blobIds.length < this.batchSize || this.stopping) return removed;
      await nextTurn();
    }
  }

  /** Blob files older than `before` that no object, part or garbage entry knows. */
  private async removeOrphans(before: Date): Promise<number> {
    let removed = 0;
    let candidates: string[] = [];
    const sweep = async () => {
      const known = await this.meta.knownBlobs(candidates);
      const orphans = candidates.filter((blobId) => !known.has(blobId));
      await this.removeAll(orphans);
      removed += orphans.length;
      candidates = [];
      await nextTurn();
    };
    for await (const { blobId, mtime } of this.blobs.list()) {
      if (mtime >= before) continue;
      candidates.push(blobId);
      if (candidates.length >= this.batchSize) await sweep();
      if (this.stopping) return removed;
    }
    if (candidates.length > 0) await sweep();
    return removed;
  }

  /** One file at a time, so that the collector holds at most one libuv thread that requests also need. */
  private async removeAll(blobIds: string[]): Promise<void> {
    for (const blobId of blobIds) await this.blobs.remove(blobId);
  }
}
