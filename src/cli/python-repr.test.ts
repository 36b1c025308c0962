import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pythonRepr } from './python-repr.js';

describe('pythonRepr', () => {
  it('quotes and escapes as Python 3 repr() does', () => {
    assert.equal(pythonRepr('plain key.txt'), "'plain key.txt'");
    assert.equal(pythonRepr("it's"), `"it's"`);
    assert.equal(pythonRepr(`it's "x"`), `'it\\'s "x"'`);
    assert.equal(pythonRepr('a\\b\tc\nd\re'), "'a\\\\b\\tc\\nd\\re'");
    assert.equal(pythonRepr('a\x01b\x1bc\x7f'), "'a\\x01b\\x1bc\\x7f'");
    assert.equal(pythonRepr('\u00a0\u200b\u2028'), "'\\xa0\\u200b\\u2028'");
    assert.equal(pythonRepr('\u{e0001}'), "'\\U000e0001'");
  });

  it('leaves printable non-ASCII text as it is', () => {
    assert.equal(pythonRepr('päivää/データ/😀'), "'päivää/データ/😀'");
  });
});
