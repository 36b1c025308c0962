import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { S3Error } from '../errors.js';
import { children, document, el, isoDate, parseXml, readSmallBody, text, XmlChunks } from './xml.js';

const malformed = (e: unknown) => e instanceof S3Error && e.code === 'MalformedXML';

describe('XML', () => {
  it('escapes text and writes S3 documents', () => {
    assert.equal(el('Key', 'a<b>&"c\''), '<Key>a&lt;b&gt;&amp;&quot;c&apos;</Key>');
    assert.equal(el('Key', 'a\x01b\x1bc\rd\te\nf\x7f'), '<Key>a&#x1;b&#x1b;c&#xd;d\te\nf\x7f</Key>');
    assert.equal(el('Skipped', undefined), '');
    assert.match(document('R', el('A', 1)), /^<\?xml version="1.0" encoding="UTF-8"\?>\n<R xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><A>1<\/A><\/R>$/);
  });

  it('writes a large document in pieces that join to the whole, multi-byte characters intact', () => {
    const entries = Array.from({ length: 3000 }, (_, i) => el('Key', `kéy-${i}-€`));
    const xml = new XmlChunks('R');
    for (const entry of entries) xml.add(entry);
    const pieces = xml.end();
    assert.ok(pieces.length > 1);
    assert.equal(Buffer.concat(pieces).toString('utf8'), document('R', entries.join('')));
  });

  it('formats dates as toISOString does, whichever second it formatted before', () => {
    const times = [0, 5, 42, 999, 1000, 1_764_161_000_007, 1_764_161_000_070, 1_764_161_000_700, 1_764_160_999_999, -1, 253_402_300_800_001];
    for (const ms of [...times, ...times.reverse()]) assert.equal(isoDate(new Date(ms)), new Date(ms).toISOString());
  });

  it('parses request bodies into elements, repeated ones as arrays, decoding predefined entities and keeping spaces', () => {
    const root = parseXml(Buffer.from('<?xml version="1.0"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet><Object><Key>a</Key></Object><Object><Key> b &amp; c&#x41; </Key></Object>\n</Delete>'))['Delete'];
    assert.equal(text(root, 'Quiet'), 'true');
    assert.deepEqual(children(root, 'Object').map((o) => text(o, 'Key')), ['a', ' b & cA ']);
  });

  it('decodes character references to control characters (keys may hold them), and refuses entities XML does not define', () => {
    const root = parseXml(Buffer.from('<Delete><Object><Key>p&#x1f;z&#13;&amp;#65;</Key></Object></Delete>'))['Delete'];
    assert.deepEqual(children(root, 'Object').map((o) => text(o, 'Key')), ['p\x1fz\r&#65;']);
    const html = parseXml(Buffer.from('<Delete><Object><Key>a&nbsp;b</Key></Object></Delete>'))['Delete'];
    assert.throws(() => children(html, 'Object').map((o) => text(o, 'Key')), malformed);
  });

  it('never resolves entities: DOCTYPE and ENTITY declarations are refused', () => {
    const billionLaughs = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Delete><Object><Key>&b;</Key></Object></Delete>';
    assert.throws(() => parseXml(Buffer.from(billionLaughs)), malformed);
    const external = '<?xml version="1.0"?><!DOCTYPE d SYSTEM "file:///etc/passwd"><Delete/>';
    assert.throws(() => parseXml(Buffer.from(external)), malformed);
  });

  it('refuses malformed documents', () => {
    assert.throws(() => parseXml(Buffer.from('<Delete><Object></Delete>')), malformed);
    assert.throws(() => parseXml(Buffer.from('not xml at all')), malformed);
  });

  it('reads small bodies up to a limit and refuses more', async () => {
    assert.equal((await readSmallBody(Readable.from([Buffer.from('abc'), Buffer.from('def')]), 6)).toString(), 'abcdef');
    await assert.rejects(readSmallBody(Readable.from([Buffer.alloc(7)]), 6), (e: unknown) => e instanceof S3Error && e.code === 'MaxMessageLengthExceeded');
  });
});
