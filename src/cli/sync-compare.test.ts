// compare_filelists as s3cmd decides it: what a sync transfers, copies from
// an identical file already at the destination, and leaves for deletion.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareFilelists, type SyncEntry } from './sync-compare.js';

const options = { skipExisting: false, checkMd5: true };
const names = (entries: readonly SyncEntry[]) => entries.map((entry) => entry.name);

describe('compareFilelists', () => {
  it('new, unchanged, changed (by size or by MD5 alone) and orphaned files', () => {
    const src = [
      { name: 'new', size: 1, md5: 'n' },
      { name: 'same', size: 2, md5: 's' },
      { name: 'resized', size: 3, md5: 'r' },
      { name: 'rewritten', size: 4, md5: 'w2' },
    ];
    const dst = [
      { name: 'same', size: 2, md5: 's' },
      { name: 'resized', size: 30, md5: 'rold' },
      { name: 'rewritten', size: 4, md5: 'w1' },
      { name: 'orphan', size: 5, md5: 'o' },
    ];
    const plan = compareFilelists({ entries: src, remote: false }, { entries: dst, remote: true }, options);
    assert.deepEqual(names(plan.transfer), ['new']);
    assert.deepEqual(names(plan.update), ['resized', 'rewritten']);
    assert.deepEqual(plan.copies, []);
    assert.deepEqual(names(plan.orphans), ['orphan']);
  });

  it('--no-check-md5 compares sizes only; --skip-existing never updates', () => {
    const src = [{ name: 'f', size: 4, md5: 'new' }];
    const dst = [{ name: 'f', size: 4, md5: 'old' }];
    assert.deepEqual(compareFilelists({ entries: src, remote: false }, { entries: dst, remote: true }, { ...options, checkMd5: false }).update, []);
    const resized = [{ name: 'f', size: 5, md5: 'new' }];
    assert.deepEqual(compareFilelists({ entries: resized, remote: false }, { entries: dst, remote: true }, { ...options, skipExisting: true }).update, []);
  });

  it('a remote multipart ETag cannot be compared: the size decides', () => {
    const plan = compareFilelists({ entries: [{ name: 'big', size: 9, md5: 'abc-2' }], remote: true }, { entries: [{ name: 'big', size: 9, md5: 'local' }], remote: false }, options);
    assert.deepEqual([plan.transfer, plan.update], [[], []]);
    // The same MD5 with a dash on the local side is just a different MD5.
    const local = compareFilelists({ entries: [{ name: 'big', size: 9, md5: 'abc-2' }], remote: false }, { entries: [{ name: 'big', size: 9, md5: 'x' }], remote: true }, options);
    assert.deepEqual(names(local.update), ['big']);
  });

  it('content already at the destination is copied from there, the first name recorded winning', () => {
    const src = [
      { name: 'a', size: 3, md5: 'm1' },
      { name: 'b', size: 3, md5: 'm1' },
      { name: 'c', size: 3, md5: 'm2' },
      { name: 'changed', size: 3, md5: 'm2' },
    ];
    const dst = [
      { name: 'changed', size: 3, md5: 'old' },
      { name: 'elsewhere', size: 3, md5: 'm2' },
    ];
    const plan = compareFilelists({ entries: src, remote: false }, { entries: dst, remote: true }, options);
    // "a" goes up, and "b" is then a copy of it; "c" and "changed" copy "elsewhere".
    assert.deepEqual(names(plan.transfer), ['a']);
    assert.deepEqual(plan.copies.map((pair) => [pair.from, pair.to]), [['elsewhere', 'c'], ['elsewhere', 'changed'], ['a', 'b']].sort((x, y) => (x[1]! < y[1]! ? -1 : 1)));
    assert.deepEqual(names(plan.orphans), ['elsewhere']);
  });

  it('empty files are never copy sources; excluded remote objects are', () => {
    const empty = 'd41d8cd98f00b204e9800998ecf8427e';
    const src = [
      { name: 'e1', size: 0, md5: empty },
      { name: 'e2', size: 0, md5: empty },
      { name: 'x', size: 1, md5: 'hidden' },
    ];
    const plan = compareFilelists(
      { entries: src, remote: false },
      { entries: [], remote: true, excluded: [{ name: 'skipped.log', size: 1, md5: 'hidden' }] },
      options,
    );
    assert.deepEqual(names(plan.transfer), ['e1', 'e2']);
    assert.deepEqual(plan.copies.map((pair) => [pair.from, pair.to]), [['skipped.log', 'x']]);
    const local = compareFilelists({ entries: src, remote: true }, { entries: [], remote: false, excluded: [{ name: 'skipped.log', size: 1, md5: 'hidden' }] }, options);
    assert.deepEqual(names(local.transfer), ['e1', 'e2', 'x']);
  });
});
