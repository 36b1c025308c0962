// Object tags: the x-amz-tagging header (URL-encoded key=value pairs) and
// the Tagging XML document, validated with S3's limits and errors.

import { S3Error, errors } from '../errors.js';
import { MAX_BUCKET_TAGS, MAX_OBJECT_TAGS, MAX_TAG_KEY_CHARS, MAX_TAG_VALUE_CHARS } from '../limits.js';
import { children, document, el, parseXml, text } from './xml.js';

export type Tags = Record<string, string>;

function invalidTag(message: string): S3Error {
  return new S3Error('InvalidTag', 400, message);
}

/** What is tagged: objects and buckets have different limits on the number of tags. */
export type TagTarget = 'object' | 'bucket';

const TAG_COUNT_LIMITS: Record<TagTarget, { max: number; message: string }> = {
  object: { max: MAX_OBJECT_TAGS, message: `Object tags cannot be greater than ${MAX_OBJECT_TAGS}` },
  bucket: { max: MAX_BUCKET_TAGS, message: `Bucket tag count cannot be greater than ${MAX_BUCKET_TAGS}` },
};

/** Checks S3's rules and builds the tag map. */
function validTags(pairs: Array<[string, string]>, target: TagTarget = 'object'): Tags {
  const limit = TAG_COUNT_LIMITS[target];
  if (pairs.length > limit.max) throw invalidTag(limit.message);
  const tags: Tags = {};
  for (const [key, value] of pairs) {
    if (key.length === 0 || [...key].length > MAX_TAG_KEY_CHARS) throw invalidTag(`The TagKey you have provided is invalid`);
    if ([...value].length > MAX_TAG_VALUE_CHARS) throw invalidTag('The TagValue you have provided is invalid');
    if (key.toLowerCase().startsWith('aws:')) throw invalidTag('Your TagKey cannot be prefixed with aws:');
    if (Object.hasOwn(tags, key)) throw invalidTag('Cannot provide multiple Tags with the same key');
    tags[key] = value;
  }
  return tags;
}

/** The tags of an x-amz-tagging header ("k1=v1&k2=v2", URL-encoded). */
export function tagsFromHeader(value: string): Tags {
  const params = new URLSearchParams(value);
  return validTags([...params.entries()]);
}

export function tagsFromXml(body: Buffer, target: TagTarget = 'object'): Tags {
  const root = parseXml(body)['Tagging'];
  if (root === undefined) throw errors.malformedXml();
  const set = children(root, 'TagSet')[0];
  if (set === undefined) throw errors.malformedXml();
  return validTags(
    children(set, 'Tag').map((tag) => {
      const key = text(tag, 'Key');
      const value = text(tag, 'Value');
      if (key === undefined || value === undefined) throw errors.malformedXml();
      return [key, value];
    }),
    target,
  );
}

export function tagsXml(tags: Tags | undefined): string {
  const items = Object.entries(tags ?? {}).map(([key, value]) => `<Tag>${el('Key', key)}${el('Value', value)}</Tag>`);
  return document('Tagging', `<TagSet>${items.join('')}</TagSet>`);
}
