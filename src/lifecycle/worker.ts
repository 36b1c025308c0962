// The lifecycle worker: executes the buckets' lifecycle rules. Like S3 it
// evaluates each bucket once a lifecycle day, and only buckets that have a
// configuration. Uploads are aborted first; then the bucket's objects are
// walked by age through the (bucket, last_modified) index, visiting only
// those old enough for some Expiration rule, in batches with a pause in
// between, so requests are never starved. The walk's position is saved after
// each batch, so a restarted worker resumes where it stopped; what was
// deleted before a crash is simply not found again, and an object replaced
// since the walk read it is left to the next day's pass, so nothing is
// deleted twice. Deletion goes through the store's deleteObject, as a
// DeleteObject request without a version ID would delete.

import { createHash } from 'node:crypto';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { BackgroundJob } from '../background-job.js';
import type { AgeCursor, AgedObject, Bucket, MetaStore } from '../store/meta.js';
import { parseStoredLifecycle, type LifecycleConfiguration } from './config.js';
import { createdBy, dayStart, expirableCreatedBy, objectExpiry, rulePrefix } from './expiry.js';

export interface LifecycleWorkerOptions {
  /** The length of a lifecycle day. */
  dayMs: number;
  /** Pause between the end of one pass and the start of the next. */
  intervalMs: number;
  /** Objects or uploads handled per batch (default 256). */
  batchSize?: number;
  /** Pause between batches (default 0: only a turn of the event loop). */
  batchPauseMs?: number;
  /** Clock (tests). */
  now?: () => Date;
  /** Where a failed pass is reported (default: stderr). */
  onError?: (error: unknown) => void;
  /** Where each expired object and aborted upload is reported (default: stdout), as S3's access log records it. */
  log?: (line: string) => void;
}

/** What one pass did. */
export interface LifecycleCounts {
  expired: number;
  aborted: number;
}

/** The worker's progress in one bucket, saved after every batch. */
interface Progress {
  /** The start of the lifecycle day the pass is for. */
  day: number;
  /** Digest of the configuration (and the bucket's creation) the pass is for: a change starts over. */
  config: string;
  /** Where the object walk stands; absent before its first batch. */
  after?: AgeCursor;
  done: boolean;
}

const DEFAULT_BATCH_SIZE = 256;

export class LifecycleWorker extends BackgroundJob<LifecycleCounts> {
  private readonly now: () => Date;
  private readonly batchSize: number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly meta: MetaStore,
    private readonly options: LifecycleWorkerOptions,
  ) {
    super(options.intervalMs, options.onError ?? ((error) => console.error('aitta lifecycle: pass failed:', error)));
    this.now = options.now ?? (() => new Date());
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  }

  protected async pass(): Promise<LifecycleCounts> {
    const counts: LifecycleCounts = { expired: 0, aborted: 0 };
    // Everything due by the start of today is done today: dues fall on day boundaries.
    const day = dayStart(this.now().getTime(), this.options.dayMs);
    for (const bucket of await this.meta.listLifecycleBuckets()) {
      if (this.stopping) break;
      const config = parseStoredLifecycle(bucket.lifecycle!);
      const digest = createHash('sha256').update(`${bucket.createdAt.getTime()}\n${bucket.lifecycle}`).digest('hex');
      const saved = await this.meta.getLifecycleProgress(bucket.name);
      let progress = saved === undefined ? undefined : (JSON.parse(saved) as Progress);
      if (progress?.day !== day || progress.config !== digest) progress = { day, config: digest, done: false };
      if (progress.done) continue;
      if (progress.after === undefined) counts.aborted += await this.abortUploads(bucket, config, day);
      counts.expired += await this.expireObjects(bucket, config, progress);
      // Noncurrent versions (NoncurrentVersionExpiration) and lone delete
      // markers (ExpiredObjectDeleteMarker) are not executed yet: they need
      // the store's versions.
    }
    return counts;
  }

  /** Aborts the uploads an AbortIncompleteMultipartUpload rule has made due by `day`. */
  private async abortUploads(bucket: Bucket, config: LifecycleConfiguration, day: number): Promise<number> {
    let aborted = 0;
    for (const rule of config.rules) {
      const abort = rule.abortIncompleteMultipartUpload;
      if (!rule.enabled || abort === undefined) continue;
      const initiatedBy = new Date(createdBy(day, abort.daysAfterInitiation, this.options.dayMs));
      let after;
      for (;;) {
        const uploads = await this.meta.listUploadsByAge(bucket.name, rulePrefix(rule), initiatedBy, after, this.batchSize);
        for (const upload of uploads) {
          if (await this.meta.abortUpload(bucket.name, upload.key, upload.uploadId)) {
            aborted += 1;
            this.log(`aitta lifecycle: aborted upload ${upload.uploadId} of s3://${bucket.name}/${upload.key} (rule ${rule.id})`);
          }
        }
        if (uploads.length < this.batchSize || this.stopping) break;
        const last = uploads[uploads.length - 1]!;
        after = { key: last.key, initiated: last.initiated.getTime(), uploadId: last.uploadId };
        await this.pause();
      }
    }
    return aborted;
  }

  /** Walks the objects old enough for an Expiration rule from where the saved progress stands. */
  private async expireObjects(bucket: Bucket, config: LifecycleConfiguration, progress: Progress): Promise<number> {
    const { dayMs } = this.options;
    const modifiedBy = expirableCreatedBy(config, progress.day, dayMs);
    let expired = 0;
    while (!progress.done) {
      const batch = modifiedBy === undefined ? [] : await this.meta.listObjectsByAge(bucket.name, new Date(modifiedBy), progress.after, this.batchSize);
      const due = batch.flatMap((object) => {
        const expiry = objectExpiry(config, object, object.lastModified, dayMs);
        return expiry !== undefined && expiry.at.getTime() <= progress.day ? [{ object, ruleId: expiry.ruleId }] : [];
      });
      expired += await this.expire(bucket.name, due);
      const last = batch[batch.length - 1];
      if (batch.length < this.batchSize) progress.done = true;
      else progress.after = { lastModified: last!.lastModified.getTime(), key: last!.key };
      await this.meta.setLifecycleProgress(bucket.name, JSON.stringify(progress));
      if (this.stopping) break;
      if (!progress.done) await this.pause();
    }
    return expired;
  }

  /** Deletes the objects (those still as the walk read them) in one group commit. */
  private async expire(bucket: string, due: Array<{ object: AgedObject; ruleId: string }>): Promise<number> {
    const unchanged = [];
    for (const entry of due) {
      const current = await this.meta.getObject(bucket, entry.object.key);
      if (current?.lastModified.getTime() === entry.object.lastModified.getTime()) unchanged.push(entry);
    }
    const deleted = await Promise.all(
      unchanged.map(async ({ object, ruleId }) => {
        if (!(await this.meta.deleteObject(bucket, object.key))) return 0;
        this.log(`aitta lifecycle: expired s3://${bucket}/${object.key} (rule ${ruleId})`);
        return 1;
      }),
    );
    return deleted.reduce<number>((sum, n) => sum + n, 0);
  }

  private pause(): Promise<unknown> {
    const ms = this.options.batchPauseMs ?? 0;
    return ms > 0 ? sleep(ms) : nextTurn();
  }
}
