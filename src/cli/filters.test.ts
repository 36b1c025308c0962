// The exclude/include rules as s3cmd applies them (Python's re.search over
// fnmatch.translate'd globs and raw regular expressions).

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { ExitError } from './failures.js';
import { compileFilters, pythonRegExp } from './filters.js';
import { globToRegExp } from './glob.js';
import { Printer } from './output.js';

function printer(): { printer: Printer; stderr: () => string } {
  const err = new PassThrough();
  let text = '';
  err.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { printer: new Printer({ stdout: new PassThrough(), stderr: err, json: false, quiet: false, verbose: false }), stderr: () => text };
}

describe('filters', () => {
  it('a glob is searched for and anchored only at the end of the name', () => {
    const filters = compileFilters({ exclude: ['*.jpg', 'a.txt'] }, printer().printer);
    assert.equal(filters.excludes('photos/x.jpg'), true);
    assert.equal(filters.excludes('dir/a.txt'), true);
    assert.equal(filters.excludes('dir/a.txt.bak'), false);
    // "b*" finds "bc" inside "dir/abc": s3cmd's re.search, not fnmatch over the whole name.
    const prefix = compileFilters({ exclude: ['b*'] }, printer().printer);
    assert.equal(prefix.excludes('dir/abc'), true);
    assert.equal(prefix.excludes('dir/xyz'), false);
  });

  it('sets, negated sets, a leading ] and ? as fnmatch reads them', () => {
    assert.equal(globToRegExp('[]x]').test(']'), true);
    assert.equal(globToRegExp('[]x]').test('x'), true);
    assert.equal(globToRegExp('[!a]?.t[!q]').test('bc.tx'), true);
    assert.equal(globToRegExp('[!a]?.t[!q]').test('ac.tx'), false);
    assert.equal(globToRegExp('a.b').test('axb'), false);
    assert.equal(globToRegExp('x[').test('x['), true);
    assert.equal(globToRegExp('**.txt').source, '^.*\\.txt$');
  });

  it('an include rescues only what an exclude dropped', () => {
    const filters = compileFilters({ exclude: ['*.log'], include: ['keep*.log'], rinclude: ['^important/'] }, printer().printer);
    assert.equal(filters.excludes('a.log'), true);
    assert.equal(filters.excludes('dir/keep-1.log'), false);
    assert.equal(filters.excludes('important/x.log'), false);
    assert.equal(filters.excludes('a.txt'), false);
    const { kept, excluded } = filters.split([{ name: 'a.log' }, { name: 'b.txt' }, { name: 'keep.log' }]);
    assert.deepEqual(kept.map((i) => i.name), ['b.txt', 'keep.log']);
    assert.deepEqual(excluded.map((i) => i.name), ['a.log']);
  });

  it('regular expressions are unanchored searches in Python syntax', () => {
    const filters = compileFilters({ rexclude: ['\\.tmp\\Z', '(?i)^CACHE/', '(?P<d>\\d)(?P=d)'] }, printer().printer);
    assert.equal(filters.excludes('dir/x.tmp'), true);
    assert.equal(filters.excludes('dir/x.tmp.keep'), false);
    assert.equal(filters.excludes('cache/x'), true);
    assert.equal(filters.excludes('dir/cache/x'), false);
    assert.equal(filters.excludes('v11'), true);
    assert.equal(filters.excludes('v12'), false);
    assert.equal(pythonRegExp('a\\Z').test('a\n'), false);
  });

  it('directory patterns prune the walk; other patterns never do', () => {
    const filters = compileFilters({ exclude: ['sub/', '*.bin'], rexclude: ['tmp\\/$'], include: ['keep/'] }, printer().printer);
    assert.equal(filters.excludesDirectory('dir', 'sub'), true);
    assert.equal(filters.excludesDirectory('dir/', 'tmp'), true);
    assert.equal(filters.excludesDirectory('dir', 'other'), false);
    // "*.bin" is not a directory pattern, even for a directory named x.bin.
    assert.equal(filters.excludesDirectory('dir', 'x.bin'), false);
    // A file path never ends in '/': the directory pattern alone does not drop dir/sub/b.bin.
    assert.equal(filters.excludes('dir/sub/c.txt'), false);
    assert.equal(compileFilters({ exclude: ['keep/'], include: ['keep/'] }, printer().printer).excludesDirectory('d', 'keep'), false);
    assert.equal(compileFilters({}, printer().printer).active, false);
  });

  it('-from files: one pattern a line, comments and blank lines skipped; a missing file is fatal', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aitta-filters-'));
    try {
      const file = path.join(dir, 'patterns');
      await writeFile(file, '# comment\n\n  *.o  \n[#]hash\n');
      const filters = compileFilters({ excludeFrom: [file] }, printer().printer);
      assert.equal(filters.excludes('src/main.o'), true);
      assert.equal(filters.excludes('#hash'), true);
      assert.equal(filters.excludes('# comment'), false);
      const missing = printer();
      assert.throws(() => compileFilters({ includeFrom: [path.join(dir, 'nope')] }, missing.printer), (e: unknown) => e instanceof ExitError && e.exitCode === 74);
      assert.equal(missing.stderr(), `ERROR: [Errno 2] No such file or directory: b'${path.join(dir, 'nope')}'\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
