// prettyXml against Python's own xml.dom.minidom toprettyxml(), which s3cmd
// prints lifecycle configurations with.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { prettyXml } from './pretty-xml.js';

function minidom(xml: string): string {
  return execFileSync('python3', ['-c', 'import sys, xml.dom.minidom as m; sys.stdout.write(m.parseString(sys.stdin.read()).toprettyxml())'], { input: xml, encoding: 'utf8' });
}

const DOCUMENTS = [
  '<?xml version="1.0" encoding="UTF-8"?><LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ID>a&amp;b &lt;c&gt;</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Expiration><Days>7</Days></Expiration></Rule></LifecycleConfiguration>',
  '<A b="1" a="&quot;2&apos;"><!-- c --><B>x</B>tail<C/><D><![CDATA[<raw>]]></D></A>',
  '<Policy>\n  <Indented>text &#233; &#x41;</Indented>\n</Policy>',
];

describe('prettyXml', () => {
  for (const [i, xml] of DOCUMENTS.entries()) {
    it(`lays out document ${i + 1} as minidom does`, () => {
      assert.equal(prettyXml(xml), minidom(xml));
    });
  }

  it('refuses entity declarations and malformed documents', () => {
    assert.throws(() => prettyXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'));
    assert.throws(() => prettyXml('<a><b></a>'));
  });
});
