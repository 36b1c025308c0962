// The lifecycle worker: executes the buckets' lifecycle rules. Like S3 it
// evaluates each bucket once a lifecycle day, and only buckets that have a
// configuration. Uploads are aborted first; then the bucket's objects are
// walked by age through the (bucket, last_modified) index, visiting only
// those old enough for some Expiration rule, in batches with a pause in
// between, so requests are never starved. The walk's position is saved after
// each batch, so a restarted worker resumes where it stopped; what was
// deleted before a crash is simply not found again, and an object replaced
// since the walk read it is left to the next day's pass (the store checks
// in the deleting transaction), so nothing is deleted twice. Expiring a
// current object is what DeleteObject without a version id does: under
// versioning it leaves a delete marker. Then the stored versions are walked
// by when they became noncurrent, and those a NoncurrentVersionExpiration or
// ExpiredObjectDeleteMarker rule names are removed for good.

import { createHash } from 'node:crypto';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { BackgroundJob } from '../background-job.js';
import type { AgeCursor, AgedObject, Bucket, MetaStore, VersionCursor } from '../store/meta.js';
import { parseStoredLifecycle, type LifecycleConfiguration } from './config.js';
import { createdBy, dayStart, expirableCreatedBy, objectExpiry, removableNoncurrentBy, rulePrefix, versionRemoval } from './expiry.js';

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
  /** Where the walk of stored versions stands (it follows the object walk). */
  versionsAfter?: VersionCursor;
  versionsDone?: boolean;
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
      if (!progress.done) {
        if (progress.after === undefined) counts.aborted += await this.abortUploads(bucket, config, day);
        counts.expired += await this.expireObjects(bucket, config, progress);
      }
      if (progress.done && progress.versionsDone !== true) counts.expired += await this.removeVersions(bucket, config, progress);
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
        // One group commit for the whole batch.
        await Promise.all(
          uploads.map(async (upload) => {
            if (!(await this.meta.abortUpload(bucket.name, upload.key, upload.uploadId))) return;
            aborted += 1;
            this.log(`aitta lifecycle: aborted upload ${upload.uploadId} of s3://${bucket.name}/${upload.key} (rule ${rule.id})`);
          }),
        );
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

  /** Expires the objects (those still as the walk read them) in one group commit. */
  private async expire(bucket: string, due: Array<{ object: AgedObject; ruleId: string }>): Promise<number> {
    const deleted = await Promise.all(
      due.map(async ({ object, ruleId }) => {
        if (!(await this.meta.expireObject(bucket, object.key, object.lastModified)).deleted) return 0;
        this.log(`aitta lifecycle: expired s3://${bucket}/${object.key} (rule ${ruleId})`);
        return 1;
      }),
    );
    return deleted.reduce<number>((sum, n) => sum + n, 0);
  }

  /** Removes for good the stored versions the rules have made due, walking them by when they became noncurrent. */
  private async removeVersions(bucket: Bucket, config: LifecycleConfiguration, progress: Progress): Promise<number> {
    const { dayMs } = this.options;
    const noncurrentBy = removableNoncurrentBy(config, progress.day, dayMs);
    let removed = 0;
    while (progress.versionsDone !== true) {
      const batch =
        noncurrentBy === undefined ? [] : await this.meta.listNoncurrentByAge(bucket.name, new Date(noncurrentBy), progress.versionsAfter, this.batchSize);
      const outcomes = await Promise.all(
        batch.map(async (version) => {
          const ruleId = versionRemoval(config, version, progress.day, dayMs);
          if (ruleId === undefined || !(await this.meta.expireVersion(bucket.name, version.key, version.versionId)).deleted) return 0;
          this.log(`aitta lifecycle: removed version ${version.versionId} of s3://${bucket.name}/${version.key} (rule ${ruleId})`);
          return 1;
        }),
      );
      removed += outcomes.reduce<number>((sum, n) => sum + n, 0);
      const last = batch[batch.length - 1];
      if (batch.length < this.batchSize) progress.versionsDone = true;
      else progress.versionsAfter = { noncurrentSince: last!.noncurrentSince.getTime(), key: last!.key, versionId: last!.versionId };
      await this.meta.setLifecycleProgress(bucket.name, JSON.stringify(progress));
      if (this.stopping) break;
      if (progress.versionsDone !== true) await this.pause();
    }
    return removed;
  }

  private pause(): Promise<unknown> {
    const ms = this.options.batchPauseMs ?? 0;
    return ms > 0 ? sleep(ms) : nextTurn();
  }
}
