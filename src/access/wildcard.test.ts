import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { chunksText, Glob, Template } from './wildcard.js';

/** The obvious regex translation; fine for short inputs, exponential on adversarial ones. */
function reference(pattern: string, text: string): boolean {
  const source = [...pattern]
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}\-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'su').test(text);
}

describe('Glob', () => {
  const cases: [string, string, boolean][] = [
    ['', '', true],
    ['', 'a', false],
    ['*', '', true],
    ['*', 'anything/at/all', true],
    ['?', '', false],
    ['?', 'x', true],
    ['?', 'xy', false],
    ['a*b', 'ab', true],
    ['a*b', 'aXXb', true],
    ['a*b', 'aXXbc', false],
    ['a*b*c', 'abbbc', true],
    ['a*b?c', 'ab_c', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/dir/key', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket', false],
    ['arn:aws:s3:::bucket*', 'arn:aws:s3:::bucket-other/x', true],
    ['*.jpg', 'photos/cat.jpg', true],
    ['*.jpg', 'photos/cat.jpeg', false],
    ['a**b', 'ab', true],
    ['*aa', 'aaa', true],
    ['?', '😀', true],
    ['x?y', 'x😀y', true],
  ];
  for (const [pattern, text, expected] of cases) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(text)}`, () => {
      assert.equal(Glob.compile(pattern).matches(text), expected);
    });
  }

  it('is case-sensitive unless asked', () => {
    assert.equal(Glob.compile('s3:Get*').matches('s3:getobject'), false);
    assert.equal(Glob.compile('s3:Get*', true).matches('S3:GETOBJECT'), true);
  });

  it('matches segments longer than one 32-bit word', () => {
    const long = 'ab?'.repeat(40);
    const text = 'ab_'.repeat(40);
    assert.equal(Glob.compile(`x*${long}*y`).matches(`xzz${text}zzy`), true);
    const broken = `${text.slice(0, 61)}c${text.slice(62)}`;
    assert.equal(Glob.compile(`x*${long}*y`).matches(`xzz${broken}zzy`), false);
  });

  it('treats literal chunks literally', () => {
    const glob = Glob.fromChunks([
      { text: 'a', wild: true },
      { text: '*', wild: false },
      { text: '*', wild: true },
    ]);
    assert.equal(glob.matches('a*'), true);
    assert.equal(glob.matches('a*zzz'), true);
    assert.equal(glob.matches('az'), false);
  });

  it('tells whether some extension of a prefix matches', () => {
    assert.equal(Glob.compile('arn:aws:s3:::b/*').matchesSomeExtensionOf('arn:aws:s3:::b/'), true);
    assert.equal(Glob.compile('arn:aws:s3:::b').matchesSomeExtensionOf('arn:aws:s3:::b/'), false);
    assert.equal(Glob.compile('arn:aws:s3:::*').matchesSomeExtensionOf('arn:aws:s3:::b/'), true);
    assert.equal(Glob.compile('arn:aws:s3:::?/x').matchesSomeExtensionOf('arn:aws:s3:::b/'), true);
    assert.equal(Glob.compile('arn:aws:s3:::c*').matchesSomeExtensionOf('arn:aws:s3:::b/'), false);
  });

  it('agrees with a regex reference on random patterns and strings', () => {
    const alphabet = fc.constantFrom('a', 'b', '/', '😀');
    const text = fc.array(alphabet, { maxLength: 14 }).map((a) => a.join(''));
    const pattern = fc.array(fc.oneof(alphabet, fc.constantFrom('*', '?')), { maxLength: 10 }).map((a) => a.join(''));
    fc.assert(
      fc.property(pattern, text, (p, t) => Glob.compile(p).matches(t) === reference(p, t)),
      { numRuns: 5000 },
    );
  });

  it('agrees with the reference when the text is built to match', () => {
    // Random patterns rarely match random text; instantiate the pattern instead.
    const piece = fc.constantFrom('a', 'b', 'ab', '');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', '*', '?'), piece), { maxLength: 12 }),
        (parts) => {
          const p = parts.map(([c]) => c).join('');
          const t = parts.map(([c, fill]) => (c === '*' ? fill : c === '?' ? 'b' : c)).join('');
          return Glob.compile(p).matches(t) && reference(p, t);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('runs in linear time on adversarial patterns', () => {
    const text = 'a'.repeat(100_000);
    const patterns = [
      `${'a*'.repeat(2000)}b`,
      `*${'a'.repeat(5000)}b`,
      `${'*a'.repeat(3000)}*b*`,
      `*${'?'.repeat(40)}b`,
    ];
    for (const pattern of patterns) {
      const glob = Glob.compile(pattern);
      const started = performance.now();
      assert.equal(glob.matches(text), false);
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 500, `${pattern.slice(0, 20)}… took ${elapsed.toFixed(0)} ms`);
    }
  });
});

describe('Template (policy variables)', () => {
  const lookup = (key: string) =>
    ({ 'aws:username': ['alice'], 'aws:userid': ['u-1'], multi: ['x', 'y'] })[key.toLowerCase()];

  it('substitutes variables as literal text', () => {
    const chunks = Template.parse('home/${aws:username}/*', true).resolve(lookup);
    assert.equal(chunksText(chunks!), 'home/alice/*');
    assert.equal(Glob.fromChunks(chunks!).matches('home/alice/notes.txt'), true);
    assert.equal(Glob.fromChunks(chunks!).matches('home/bob/notes.txt'), false);
  });

  it('looks names up case-insensitively through the caller', () => {
    assert.equal(chunksText(Template.parse('${AWS:UserName}', true).resolve(lookup)!), 'alice');
  });

  it('escapes ${*}, ${?} and ${$} as literal characters', () => {
    const chunks = Template.parse('a${*}b${?}c${$}d*', true).resolve(lookup)!;
    assert.equal(chunksText(chunks), 'a*b?c$d*');
    const glob = Glob.fromChunks(chunks);
    assert.equal(glob.matches('a*b?c$d-anything'), true);
    assert.equal(glob.matches('aXb?c$d'), false);
  });

  it('fails to resolve a missing or multivalued key, unless a default is given', () => {
    assert.equal(Template.parse('${aws:SourceIp}', true).resolve(lookup), undefined);
    assert.equal(Template.parse('${multi}', true).resolve(lookup), undefined);
    assert.equal(chunksText(Template.parse("${aws:SourceIp, 'it''s none'}", true).resolve(lookup)!), "it's none");
  });

  it('keeps ${...} as text in 2008-10-17 policies and when malformed', () => {
    assert.equal(chunksText(Template.parse('${aws:username}', false).resolve(lookup)!), '${aws:username}');
    assert.equal(chunksText(Template.parse('${not a var}x', true).resolve(lookup)!), '${not a var}x');
    assert.equal(chunksText(Template.parse('tail ${aws:username', true).resolve(lookup)!), 'tail ${aws:username');
  });
});
