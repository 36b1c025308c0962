import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCharacterReference, listedKeys, replaceNonprintables, unescapeReferences } from './fixbucket-keys.js';

describe('fixbucket keys', () => {
  it('takes the keys from the raw XML, escaped as listed', () => {
    const xml = '<ListBucketResult><Contents><Key>ok.txt</Key></Contents><Contents><Key>a&#x1b;b&amp;c</Key></Contents><Contents><Key>x\ny</Key></Contents></ListBucketResult>';
    assert.deepEqual(listedKeys(xml), ['ok.txt', 'a&#x1b;b&amp;c']);
  });

  it('flags keys with hexadecimal references only', () => {
    assert.equal(hasCharacterReference('a&#x1b;b'), true);
    assert.equal(hasCharacterReference('a&#27;b&amp;'), false);
  });

  it('decodes references and entities in one pass, leaving what it cannot decode', () => {
    assert.equal(unescapeReferences('a&#x1b;b&#1;c&amp;d&lt;&gt;&quot;&apos;'), 'a\x1bb\x01c&d<>"\'');
    assert.equal(unescapeReferences('&amp;#x41;'), '&#x41;');
    assert.equal(unescapeReferences('&#X41;&#xZZ;&#x110000;&nbsp;'), '&#X41;&#xZZ;&#x110000;&nbsp;');
  });

  it('spells control characters out as s3cmd does', () => {
    assert.equal(replaceNonprintables('a\x00b\x01c\x1bd\x1fe\x7ff g'), 'a^@b^Ac^[d^_e^?f g');
  });
});
