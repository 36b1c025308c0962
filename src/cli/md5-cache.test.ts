import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Md5Cache } from './md5-cache.js';
import { Printer } from './output.js';

let dir: string;
const stderr = new PassThrough();
const printer = new Printer({ stdout: new PassThrough(), stderr, json: false, quiet: false, verbose: false });

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aitta-md5-cache-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Md5Cache', () => {
  it('answers for a file with the mtime and size it was hashed with, across a save and a load', async () => {
    const file = path.join(dir, 'a.txt');
    const cacheFile = path.join(dir, 'cache');
    await writeFile(file, 'hello');
    const cache = (await Md5Cache.load(cacheFile, printer))!;
    const before = await stat(file);
    assert.equal(cache.md5(before), undefined);
    cache.add(before, 'md5-of-hello');
    await cache.save([before]);
    const loaded = (await Md5Cache.load(cacheFile, printer))!;
    assert.equal(loaded.md5(before), 'md5-of-hello');
    await writeFile(file, 'HELLO');
    await utimes(file, before.atime, new Date(before.mtimeMs + 5000));
    assert.equal(loaded.md5(await stat(file)), undefined, 'a new mtime misses');
    await utimes(file, before.atime, new Date(before.mtimeMs - (before.mtimeMs % 1000) + 999));
    assert.equal(loaded.md5(await stat(file)), 'md5-of-hello', 'as in s3cmd, the same second hits');
    await writeFile(file, 'hello');
    await utimes(file, before.atime, new Date(before.mtimeMs + 5000));
    assert.equal(loaded.md5(await stat(file)), undefined, 'a new mtime misses');
    await writeFile(file, 'hello!');
    await utimes(file, before.atime, before.mtime);
    assert.equal(loaded.md5(await stat(file)), undefined, 'a new size misses');
  });

  it('keeps only the files of the last run', async () => {
    const [one, two] = [path.join(dir, 'one'), path.join(dir, 'two')];
    const cacheFile = path.join(dir, 'purged');
    await writeFile(one, '1');
    await writeFile(two, '2');
    const cache = (await Md5Cache.load(cacheFile, printer))!;
    cache.add(await stat(one), 'md5-1');
    cache.add(await stat(two), 'md5-2');
    await cache.save([await stat(two)]);
    const loaded = (await Md5Cache.load(cacheFile, printer))!;
    assert.equal(loaded.md5(await stat(one)), undefined);
    assert.equal(loaded.md5(await stat(two)), 'md5-2');
  });

  it('neither uses nor overwrites a file that is not its own', async () => {
    const foreign = path.join(dir, 'pickle');
    await writeFile(foreign, Buffer.from([0x80, 0x04, 0x95, 0x10]));
    assert.equal(await Md5Cache.load(foreign, printer), undefined);
    assert.match(String(stderr.read()), /^WARNING: --cache-file .*pickle is not an MD5 cache/);
    assert.deepEqual(await readFile(foreign), Buffer.from([0x80, 0x04, 0x95, 0x10]));
  });
});
