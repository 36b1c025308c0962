// When lifecycle rules fall due. S3: "calculates the time by adding the
// number of days specified in the rule to the object creation time and
// rounding up the resulting time to the next day at midnight UTC". The length
// of a day is a setting (tests run a day in seconds); a day boundary is then
// a multiple of that length since the epoch, which for 86,400 s is midnight
// UTC. Shared by the worker (what to do now) and the x-amz-expiration header
// (what will happen), so the two never disagree.

import type { LifecycleConfiguration, LifecycleRule } from './config.js';

/** The latest time a Date holds: "created by then" means every object. */
const END_OF_TIME = 8.64e15;

/** What a rule's filter reads of an object. */
export interface LifecycleSubject {
  key: string;
  size: number;
  tags?: Record<string, string>;
}

/** When an action falls due and the rule that sets it. */
interface Due {
  at: Date;
  ruleId: string;
}

/** The start of the day `time` falls in. */
export function dayStart(time: number, dayMs: number): number {
  return Math.floor(time / dayMs) * dayMs;
}

/** `days` after `from`, rounded up to a day boundary (a boundary is its own ceiling). */
export function dueAfter(from: number, days: number, dayMs: number): number {
  return Math.ceil((from + days * dayMs) / dayMs) * dayMs;
}

/**
 * The latest creation time from which `days` have fallen due by `now`: the
 * bound of the index walk that finds what is due.
 */
export function createdBy(now: number, days: number, dayMs: number): number {
  return dayStart(now, dayMs) - days * dayMs;
}

/** Whether the rule's prefix or filter selects the subject (its status aside). */
function selects(rule: LifecycleRule, subject: LifecycleSubject): boolean {
  if (rule.prefix !== undefined) return subject.key.startsWith(rule.prefix);
  const filter = rule.filter!;
  if (filter.prefix !== undefined && !subject.key.startsWith(filter.prefix)) return false;
  if (filter.objectSizeGreaterThan !== undefined && !(subject.size > filter.objectSizeGreaterThan)) return false;
  if (filter.objectSizeLessThan !== undefined && !(subject.size < filter.objectSizeLessThan)) return false;
  return filter.tags.every((tag) => subject.tags?.[tag.key] === tag.value);
}

/** The key prefix every subject of the rule has ('' for none). */
export function rulePrefix(rule: LifecycleRule): string {
  return rule.prefix ?? rule.filter?.prefix ?? '';
}

/** When an Expiration rule expires a current object created at `created`. */
function expirationDue(rule: LifecycleRule, created: number, dayMs: number): number | undefined {
  const expiration = rule.expiration;
  if (expiration?.days !== undefined) return dueAfter(created, expiration.days, dayMs);
  if (expiration?.date !== undefined) return Date.parse(expiration.date);
  return undefined;
}

/**
 * When the current object expires, by the enabled rule that expires it first
 * (the first given on a tie): "if two expiration policies overlap, the
 * shorter expiration policy is honored".
 */
export function objectExpiry(config: LifecycleConfiguration, subject: LifecycleSubject, created: Date, dayMs: number): Due | undefined {
  let best: { at: number; ruleId: string } | undefined;
  for (const rule of config.rules) {
    if (!rule.enabled || !selects(rule, subject)) continue;
    const at = expirationDue(rule, created.getTime(), dayMs);
    if (at !== undefined && (best === undefined || at < best.at)) best = { at, ruleId: rule.id };
  }
  return best && { at: new Date(best.at), ruleId: best.ruleId };
}

/**
 * When an incomplete upload of `key` initiated at `initiated` is aborted, by
 * the enabled AbortIncompleteMultipartUpload rule that aborts it first (such
 * rules filter by prefix only).
 */
export function uploadAbort(config: LifecycleConfiguration, key: string, initiated: Date, dayMs: number): Due | undefined {
  let best: { at: number; ruleId: string } | undefined;
  for (const rule of config.rules) {
    const abort = rule.abortIncompleteMultipartUpload;
    if (!rule.enabled || abort === undefined || !key.startsWith(rulePrefix(rule))) continue;
    const at = dueAfter(initiated.getTime(), abort.daysAfterInitiation, dayMs);
    if (best === undefined || at < best.at) best = { at, ruleId: rule.id };
  }
  return best && { at: new Date(best.at), ruleId: best.ruleId };
}

/**
 * The newest creation time of a current object some enabled Expiration rule
 * may have expired by `now`; undefined when no rule can expire anything yet.
 */
export function expirableCreatedBy(config: LifecycleConfiguration, now: number, dayMs: number): number | undefined {
  let bound: number | undefined;
  for (const rule of config.rules) {
    if (!rule.enabled || rule.expiration === undefined) continue;
    const { days, date } = rule.expiration;
    let ruleBound: number | undefined;
    if (days !== undefined) ruleBound = createdBy(now, days, dayMs);
    else if (date !== undefined && Date.parse(date) <= now) ruleBound = END_OF_TIME;
    if (ruleBound !== undefined && (bound === undefined || ruleBound > bound)) bound = ruleBound;
  }
  return bound;
}

/** What the rules read of a stored version (store/meta.ts NoncurrentVersion). */
interface VersionSubject extends LifecycleSubject {
  deleteMarker: boolean;
  noncurrentSince: Date;
  newerNoncurrent: number;
  latest: boolean;
  lone: boolean;
}

/**
 * The enabled rule that removes this stored version by `now`, if one does: a
 * NoncurrentVersionExpiration whose NoncurrentDays have passed since it became
 * noncurrent (keeping the NewerNoncurrentVersions newest), or, for a delete
 * marker that is all that is left of its key, Expiration's
 * ExpiredObjectDeleteMarker.
 */
export function versionRemoval(config: LifecycleConfiguration, version: VersionSubject, now: number, dayMs: number): string | undefined {
  for (const rule of config.rules) {
    if (!rule.enabled || !selects(rule, version)) continue;
    if (version.lone && rule.expiration?.expiredObjectDeleteMarker === true) return rule.id;
    const noncurrent = rule.noncurrentVersionExpiration;
    if (noncurrent === undefined || version.latest) continue;
    if (dueAfter(version.noncurrentSince.getTime(), noncurrent.noncurrentDays, dayMs) > now) continue;
    if (version.newerNoncurrent < (noncurrent.newerNoncurrentVersions ?? 0)) continue;
    return rule.id;
  }
  return undefined;
}

/** The latest noncurrent-since a stored version may have and still be removed by `now`; undefined when no rule removes any. */
export function removableNoncurrentBy(config: LifecycleConfiguration, now: number, dayMs: number): number | undefined {
  let bound: number | undefined;
  for (const rule of config.rules) {
    if (!rule.enabled) continue;
    let ruleBound: number | undefined;
    if (rule.expiration?.expiredObjectDeleteMarker === true) ruleBound = END_OF_TIME;
    else if (rule.noncurrentVersionExpiration !== undefined) ruleBound = createdBy(now, rule.noncurrentVersionExpiration.noncurrentDays, dayMs);
    if (ruleBound !== undefined && (bound === undefined || ruleBound > bound)) bound = ruleBound;
  }
  return bound;
}

/**
 * A rule ID as a response header carries it. S3 sends IDs as they are; one a
 * quoted header value cannot carry (a quote, backslash, control or non-ASCII
 * character) is URL-encoded, as S3 documents the field.
 */
export function headerRuleId(ruleId: string): string {
  return /^[ !#-[\]-~]*$/.test(ruleId) ? ruleId : encodeURIComponent(ruleId);
}

/** `x-amz-expiration`, as S3 sends it: `expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="…"`. */
export function expirationHeader(due: Due): string {
  return `expiry-date="${due.at.toUTCString()}", rule-id="${headerRuleId(due.ruleId)}"`;
}
