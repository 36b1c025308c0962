import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { S3Error } from '../errors.js';
import { tagsFromHeader, tagsFromXml, tagsXml } from './tagging.js';

const invalidTag = (e: unknown) => e instanceof S3Error && e.code === 'InvalidTag';

describe('object tags', () => {
  it('reads the URL-encoded header and the Tagging document', () => {
    assert.deepEqual(tagsFromHeader('days=1&project=fish%20data&empty='), { days: '1', project: 'fish data', empty: '' });
    const xml = '<Tagging><TagSet><Tag><Key>a&amp;b</Key><Value> v </Value></Tag><Tag><Key>x</Key><Value></Value></Tag></TagSet></Tagging>';
    assert.deepEqual(tagsFromXml(Buffer.from(xml)), { 'a&b': ' v ', x: '' });
  });

  it('writes a document that reads back the same', () => {
    const tags = { 'k<1>': 'v&"2"', days: '30' };
    assert.deepEqual(tagsFromXml(Buffer.from(tagsXml(tags))), tags);
    assert.match(tagsXml(undefined), /<Tagging xmlns="[^"]+"><TagSet><\/TagSet><\/Tagging>$/);
  });

  it("enforces S3's limits", () => {
    assert.throws(() => tagsFromHeader(Array.from({ length: 11 }, (_, i) => `k${i}=v`).join('&')), invalidTag);
    assert.throws(() => tagsFromHeader(`${'k'.repeat(129)}=v`), invalidTag);
    assert.doesNotThrow(() => tagsFromHeader(`${'k'.repeat(128)}=${'é'.repeat(256)}`));
    assert.throws(() => tagsFromHeader(`k=${'v'.repeat(257)}`), invalidTag);
    assert.throws(() => tagsFromHeader('a=1&a=2'), invalidTag);
    assert.throws(() => tagsFromHeader('AWS:x=1'), invalidTag);
    assert.throws(() => tagsFromXml(Buffer.from('<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>')), (e: unknown) => e instanceof S3Error && e.code === 'MalformedXML');
  });
});
