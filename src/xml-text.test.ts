import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeXmlText } from './xml-text.js';

describe('decodeXmlText', () => {
  it('decodes the predefined entities and numeric references, control characters too', () => {
    assert.equal(decodeXmlText('a&amp;b&lt;c&gt;d&quot;e&apos;f'), 'a&b<c>d"e\'f');
    assert.equal(decodeXmlText('p&#x1f;z&#65;&#x42;&#13;&#x1F600;'), 'p\x1fzAB\r\u{1f600}');
  });

  it('decodes once: an escaped reference stays a reference', () => {
    assert.equal(decodeXmlText('&amp;#65;&amp;amp;&amp;nbsp;'), '&#65;&amp;&nbsp;');
  });

  it('leaves what XML does not define as written, or hands it to the caller', () => {
    assert.equal(decodeXmlText('a&nbsp;b&#x110000;c&d'), 'a&nbsp;b&#x110000;c&d');
    assert.throws(() => decodeXmlText('a&nbsp;b', (ref) => {
      throw new Error(`undefined ${ref}`);
    }), /undefined &nbsp;/);
  });
});
