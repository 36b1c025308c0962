// A bucket's lifecycle configuration: the LifecycleConfiguration document of
// Put/GetBucketLifecycle(Configuration), parsed and checked with the errors
// S3 sends, and the JSON form the store keeps. Both forms of a rule's scope
// are kept as given, so a configuration reads back as it was set: the
// original (V1) rule-level <Prefix>, and the <Filter> (V2) with one Prefix,
// Tag, ObjectSizeGreaterThan or ObjectSizeLessThan, or an <And> of several.

import { randomUUID } from 'node:crypto';
import { S3Error, errors } from '../errors.js';
import { MAX_LIFECYCLE_OBJECT_SIZE, MAX_LIFECYCLE_RULES, MAX_LIFECYCLE_RULE_ID_CHARS, MAX_OBJECT_TAGS } from '../limits.js';
import { ReadCache } from '../read-cache.js';
import { children, parseXml, text, type XmlNode } from '../s3/xml.js';

interface LifecycleTag {
  key: string;
  value: string;
}

/** A V2 <Filter>; `and` marks one given as <And> (which is how it is written back). */
export interface LifecycleFilter {
  and?: true;
  prefix?: string;
  tags: LifecycleTag[];
  objectSizeGreaterThan?: number;
  objectSizeLessThan?: number;
}

export interface LifecycleRule {
  id: string;
  enabled: boolean;
  /** Exactly one of the two: the V1 rule-level Prefix, or the V2 Filter. */
  prefix?: string;
  filter?: LifecycleFilter;
  expiration?: {
    days?: number;
    /** ISO 8601, midnight UTC. */
    date?: string;
    expiredObjectDeleteMarker?: boolean;
  };
  noncurrentVersionExpiration?: { noncurrentDays: number; newerNoncurrentVersions?: number };
  abortIncompleteMultipartUpload?: { daysAfterInitiation: number };
}

export interface LifecycleConfiguration {
  rules: LifecycleRule[];
}

/** The largest day count S3 takes (the schema's xsd:int). */
const MAX_DAYS = 2 ** 31 - 1;

function invalidRequest(message: string): S3Error {
  return errors.invalidRequest(message);
}

/** An integer element, or MalformedXML (the schema's type check). */
function integer(node: XmlNode, name: string): number | undefined {
  const value = text(node, name);
  if (value === undefined) return undefined;
  if (!/^\s*-?\d+\s*$/.test(value)) throw errors.malformedXml();
  return Number(value);
}

/** A day count: an xsd:int, and positive (InvalidArgument with `message` otherwise). */
function days(node: XmlNode, name: string, message: string): number | undefined {
  const n = integer(node, name);
  if (n === undefined) return undefined;
  if (n > MAX_DAYS) throw errors.malformedXml();
  if (n <= 0) throw errors.invalidArgument(message);
  return n;
}

/** An element that must occur at most once (the schema's maxOccurs=1). */
function single(node: XmlNode, name: string): XmlNode | undefined {
  const found = children(node, name);
  if (found.length > 1) throw errors.malformedXml();
  return found[0];
}

/** The schema's element names: any other child makes the document MalformedXML. */
function allowOnly(node: XmlNode, names: readonly string[]): void {
  if (typeof node === 'string') return;
  // '#text' is the whitespace between elements of a pretty-printed document.
  if (Object.keys(node).some((name) => name !== '#text' && !names.includes(name))) throw errors.malformedXml();
}

function parseTag(node: XmlNode): LifecycleTag {
  allowOnly(node, ['Key', 'Value']);
  const key = text(node, 'Key');
  const value = text(node, 'Value');
  if (key === undefined || key === '' || value === undefined) throw errors.malformedXml();
  return { key, value };
}

const FILTER_ELEMENTS = ['Prefix', 'Tag', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan', 'And'] as const;

function parseFilter(node: XmlNode): LifecycleFilter {
  if (typeof node === 'string') {
    if (node.trim() !== '') throw errors.malformedXml();
    return { tags: [] };
  }
  const given = FILTER_ELEMENTS.filter((name) => children(node, name).length > 0);
  // Several conditions must be combined in <And>.
  if (given.length > 1 || children(node, given[0] ?? 'And').length > 1) throw errors.malformedXml();
  allowOnly(node, FILTER_ELEMENTS);
  const and = single(node, 'And');
  const source = and ?? node;
  if (and !== undefined) allowOnly(and, ['Prefix', 'Tag', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan']);
  const tags = children(source, 'Tag').map(parseTag);
  const prefix = text(source, 'Prefix');
  const larger = integer(source, 'ObjectSizeGreaterThan');
  const smaller = integer(source, 'ObjectSizeLessThan');
  // Only what was given, so that the stored JSON reads back equal.
  const filter: LifecycleFilter = {
    ...(and === undefined ? {} : { and: true }),
    ...(prefix === undefined ? {} : { prefix }),
    tags,
    ...(larger === undefined ? {} : { objectSizeGreaterThan: larger }),
    ...(smaller === undefined ? {} : { objectSizeLessThan: smaller }),
  };
  if (tags.length > MAX_OBJECT_TAGS) throw errors.invalidArgument(`Object tags cannot be greater than ${MAX_OBJECT_TAGS}`);
  if (new Set(tags.map((tag) => tag.key)).size !== tags.length) throw invalidRequest('Duplicate Tag Keys are not allowed.');
  if (larger !== undefined && (larger < 0 || larger > MAX_LIFECYCLE_OBJECT_SIZE)) {
    throw invalidRequest(`'ObjectSizeGreaterThan' should be between 0 and ${MAX_LIFECYCLE_OBJECT_SIZE}.`);
  }
  if (smaller !== undefined && (smaller < 1 || smaller > MAX_LIFECYCLE_OBJECT_SIZE)) {
    throw invalidRequest(`'ObjectSizeLessThan' should be between 1 and ${MAX_LIFECYCLE_OBJECT_SIZE}.`);
  }
  if (larger !== undefined && smaller !== undefined && larger >= smaller) {
    throw invalidRequest("'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'.");
  }
  return filter;
}

/** An Expiration Date: ISO 8601 (a date, or a date and time), which must be midnight UTC. */
function parseDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value.trim())) throw errors.malformedXml();
  const time = Date.parse(value.trim());
  if (Number.isNaN(time)) throw errors.malformedXml();
  if (time % 86_400_000 !== 0) throw errors.invalidArgument("'Date' must be at midnight GMT");
  return new Date(time).toISOString();
}

function parseBoolean(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw errors.malformedXml();
  return value === 'true';
}

function parseExpiration(node: XmlNode): NonNullable<LifecycleRule['expiration']> {
  allowOnly(node, ['Days', 'Date', 'ExpiredObjectDeleteMarker']);
  const count = days(node, 'Days', "'Days' for Expiration action must be a positive integer");
  const dateText = text(node, 'Date');
  const marker = parseBoolean(text(node, 'ExpiredObjectDeleteMarker'));
  // Exactly one of Days, Date and ExpiredObjectDeleteMarker.
  if ([count, dateText, marker].filter((v) => v !== undefined).length !== 1) throw errors.malformedXml();
  if (count !== undefined) return { days: count };
  if (dateText !== undefined) return { date: parseDate(dateText) };
  return { expiredObjectDeleteMarker: marker };
}

const RULE_ELEMENTS = [
  'ID', 'Prefix', 'Filter', 'Status', 'Expiration', 'Transition', 'NoncurrentVersionTransition',
  'NoncurrentVersionExpiration', 'AbortIncompleteMultipartUpload',
];

function parseRule(node: XmlNode, v2: boolean): LifecycleRule {
  if (typeof node === 'string') throw errors.malformedXml();
  allowOnly(node, RULE_ELEMENTS);
  const status = text(node, 'Status');
  if (status !== 'Enabled' && status !== 'Disabled') throw errors.malformedXml();
  const rule: LifecycleRule = { id: text(node, 'ID') ?? '', enabled: status === 'Enabled' };
  const prefix = text(node, 'Prefix');
  const filter = single(node, 'Filter');
  if (prefix === undefined && filter === undefined) throw errors.malformedXml();
  if (prefix !== undefined && v2) {
    throw invalidRequest('Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the Filter.');
  }
  if (filter !== undefined && !v2) throw invalidRequest('Filter element can only be used in Lifecycle V2.');
  if (prefix !== undefined) rule.prefix = prefix;
  if (filter !== undefined) rule.filter = parseFilter(filter);

  if (children(node, 'Transition').length > 0 || children(node, 'NoncurrentVersionTransition').length > 0) {
    throw errors.notImplemented('Transition (Aitta has one storage class)');
  }
  const expiration = single(node, 'Expiration');
  const noncurrent = single(node, 'NoncurrentVersionExpiration');
  const abort = single(node, 'AbortIncompleteMultipartUpload');
  if (expiration === undefined && noncurrent === undefined && abort === undefined) {
    throw invalidRequest('At least one action needs to be specified in a rule');
  }
  if (expiration !== undefined) rule.expiration = parseExpiration(expiration);
  if (noncurrent !== undefined) {
    allowOnly(noncurrent, ['NoncurrentDays', 'NewerNoncurrentVersions']);
    const noncurrentDays = days(noncurrent, 'NoncurrentDays', "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer");
    if (noncurrentDays === undefined) throw errors.malformedXml();
    const newer = days(noncurrent, 'NewerNoncurrentVersions', "'NewerNoncurrentVersions' must be a positive integer");
    if (newer !== undefined && !v2) throw invalidRequest('NewerNoncurrentVersions element can only be used in Lifecycle V2.');
    rule.noncurrentVersionExpiration = { noncurrentDays, ...(newer === undefined ? {} : { newerNoncurrentVersions: newer }) };
  }
  if (abort !== undefined) {
    allowOnly(abort, ['DaysAfterInitiation']);
    const daysAfterInitiation = days(abort, 'DaysAfterInitiation', "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer");
    if (daysAfterInitiation === undefined) throw errors.malformedXml();
    rule.abortIncompleteMultipartUpload = { daysAfterInitiation };
  }
  // Tags and sizes describe objects; uploads and delete markers have neither.
  const tags = (rule.filter?.tags.length ?? 0) > 0;
  const sizes = rule.filter?.objectSizeGreaterThan !== undefined || rule.filter?.objectSizeLessThan !== undefined;
  if (rule.expiration?.expiredObjectDeleteMarker !== undefined) {
    if (tags) throw invalidRequest('ExpiredObjectDeleteMarker cannot be specified with Tags.');
    if (sizes) throw invalidRequest('ExpiredObjectDeleteMarker cannot be specified with Object Size.');
  }
  if (rule.abortIncompleteMultipartUpload !== undefined) {
    if (tags) throw invalidRequest('AbortIncompleteMultipartUpload cannot be specified with Tags.');
    if (sizes) throw invalidRequest('AbortIncompleteMultipartUpload cannot be specified with Object Size.');
  }
  return rule;
}

/** The actions a V1 rule takes, by the names S3's overlap error uses. */
const ACTION_TYPES: Array<[string, (rule: LifecycleRule) => boolean]> = [
  ['Expiration', (rule) => rule.expiration !== undefined],
  ['NoncurrentVersionExpiration', (rule) => rule.noncurrentVersionExpiration !== undefined],
  ['AbortIncompleteMultipartUpload', (rule) => rule.abortIncompleteMultipartUpload !== undefined],
];

/** V1 forbids two rules whose prefixes overlap (one begins the other) from taking the same action. */
function checkOverlaps(rules: LifecycleRule[]): void {
  for (const [type, takes] of ACTION_TYPES) {
    const prefixes = rules.filter(takes).map((rule) => rule.prefix!).sort();
    for (let i = 1; i < prefixes.length; i++) {
      if (prefixes[i]!.startsWith(prefixes[i - 1]!)) {
        throw invalidRequest(`Found overlapping prefixes '${prefixes[i - 1]}' and '${prefixes[i]}' for same action type '${type}'`);
      }
    }
  }
}

/** A rule without an ID gets a generated one, as S3 gives it. */
function generatedId(): string {
  return Buffer.from(randomUUID()).toString('base64');
}

/** Parses and checks a LifecycleConfiguration document; the first fault found is the answer. */
export function parseLifecycleXml(body: Buffer): LifecycleConfiguration {
  const root = parseXml(body)['LifecycleConfiguration'];
  if (root === undefined || typeof root === 'string') throw errors.malformedXml();
  allowOnly(root, ['Rule']);
  const nodes = children(root, 'Rule');
  if (nodes.length === 0) throw errors.malformedXml();
  if (nodes.length > MAX_LIFECYCLE_RULES) {
    throw invalidRequest(`The number of lifecycle rules must not exceed the allowed limit of ${MAX_LIFECYCLE_RULES} rules.`);
  }
  const ids = new Set<string>();
  for (const node of nodes) {
    const id = text(node, 'ID');
    if (id === undefined || id === '') continue;
    if ([...id].length > MAX_LIFECYCLE_RULE_ID_CHARS) {
      throw errors.invalidArgument(`ID length should not exceed allowed limit of ${MAX_LIFECYCLE_RULE_ID_CHARS}`);
    }
    if (ids.has(id)) throw errors.invalidArgument('Rule ID must be unique. Found same ID for more than one rule');
    ids.add(id);
  }
  // The first rule decides the document's version: a Filter makes it V2.
  const v2 = children(nodes[0], 'Filter').length > 0;
  const rules = nodes.map((node) => parseRule(node, v2));
  if (!v2) checkOverlaps(rules);
  for (const rule of rules) if (rule.id === '') rule.id = generatedId();
  return { rules };
}

/** The configuration the store keeps (JSON of a parsed configuration). */
export function storedLifecycle(config: LifecycleConfiguration): string {
  return JSON.stringify(config);
}

const storedConfigurations = new ReadCache<LifecycleConfiguration>();

/** A bucket's stored configuration, parsed once per text (it is read on every PUT, GET and HEAD in the bucket). */
export function parseStoredLifecycle(stored: string): Readonly<LifecycleConfiguration> {
  return storedConfigurations.get(stored, () => JSON.parse(stored) as LifecycleConfiguration)!;
}
