// `aitta sync` (all three directions) and the exclude/include filters of
// put/get/del against the real s3cmd 2.3.0: each command line runs through
// both, on their own bucket and their own copy of the same local files,
// and the exit codes and normalised output must agree line for line. After
// each step the trees themselves are checked: what is in aitta's bucket
// (keys and MD5s through the SDK) and on its disk must be what the step
// should have left, not merely what s3cmd's run left.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { S3Client } from '../../src/sdk/client.js';
import { ATTRS_HEADER, parseAttrs } from '../../src/cli/attrs.js';
import { ClientTwins, startTwins, runAitta, TOOLS, type TwinsFixture } from '../helpers/aitta-client.js';
import { S3CMD_MATRIX, md5OfFile, type S3cmd } from '../helpers/s3cmd.js';

let fixture: TwinsFixture;
let s3cmd: S3cmd;
let twins: ClientTwins;
let client: S3Client;

const MIB = 1024 * 1024;

before(async () => {
  fixture = await startTwins('csync', S3CMD_MATRIX.find((cell) => !cell.signatureV2 && cell.addressing === 'path')!);
  ({ s3cmd, twins, client } = fixture);
});

after(async () => {
  await fixture?.stop();
});

const same = (args: string[], expectedCode = 0) => twins.same(args, expectedCode);

/** Writes the same bytes (random unless given) to `name` in both working directories. */
async function localFile(name: string, content: number | string): Promise<void> {
  const body = typeof content === 'number' ? randomBytes(content) : Buffer.from(content);
  for (const tool of TOOLS) {
    const file = path.join(twins.work[tool], name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
  }
}

async function removeLocal(name: string): Promise<void> {
  for (const tool of TOOLS) await rm(path.join(twins.work[tool], name), { recursive: true, force: true });
}

/** name → MD5 of every file below `dir` of aitta's working directory. */
async function localTree(dir: string): Promise<Record<string, string>> {
  const root = path.join(twins.work.aitta, dir);
  const tree: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    tree[path.relative(root, file)] = await md5OfFile(file);
  }
  return tree;
}

/** key (below `prefix`) → MD5 of every object in aitta's bucket: the ETag, or s3cmd's md5 attribute for multipart ones. */
async function remoteTree(prefix: string): Promise<Record<string, string>> {
  const tree: Record<string, string> = {};
  for await (const page of client.listObjects(twins.bucket.aitta, { prefix })) {
    for (const object of page.objects) {
      let md5 = object.etag;
      if (md5.includes('-')) md5 = parseAttrs((await client.headObject(twins.bucket.aitta, object.key))[ATTRS_HEADER] as string)['md5']!;
      tree[object.key.slice(prefix.length)] = md5;
    }
  }
  return tree;
}

describe('aitta sync and filters vs s3cmd', () => {
  before(async () => {
    await same(['mb', 's3://BUCKET']);
    await localFile('tree/a.txt', 1000);
    await localFile('tree/b.txt', 'hello\n');
    await localFile('tree/sub/c.bin', 5000);
    await localFile('tree/sub/d.log', 'log\n');
    await localFile('tree/skip/e.txt', 'e\n');
    await localFile('tree/empty.txt', '');
    await localFile('tree/big.bin', 6 * MIB + 3);
  });

  it('local → S3: uploads, a remote copy for duplicate content, then nothing to do', async () => {
    // Same content under another name: s3cmd copies the first upload instead of uploading again.
    for (const tool of TOOLS) await writeFile(path.join(twins.work[tool], 'tree/dup.txt'), await readFile(path.join(twins.work[tool], 'tree/a.txt')));
    await same(['sync', '--multipart-chunk-size-mb=5', 'tree', 's3://BUCKET/']);
    assert.deepEqual(await remoteTree('tree/'), await localTree('tree'));
    // The multipart object carries its MD5 in s3cmd's attributes: the second sync has nothing to do.
    const again = await same(['sync', '--multipart-chunk-size-mb=5', 'tree', 's3://BUCKET/']);
    assert.equal(again.aitta.stdout, '');
    await same(['ls', '-r', '--list-md5', 's3://BUCKET']);
  });

  it('local → S3: changed files (same size or not), --dry-run, --delete-removed, --delete-after, --max-delete', async () => {
    await localFile('tree/a.txt', 1000);
    await localFile('tree/b.txt', 'HELLO\n');
    await localFile('tree/new.txt', 'new\n');
    await removeLocal('tree/skip');
    await removeLocal('tree/dup.txt');
    await same(['sync', '--dry-run', '--delete-removed', 'tree', 's3://BUCKET/']);
    await same(['sync', '--delete-removed', '--max-delete=1', 'tree', 's3://BUCKET/']);
    // --max-delete refused both deletes, the uploads went through.
    const remote = await remoteTree('tree/');
    assert.ok('skip/e.txt' in remote && 'dup.txt' in remote);
    await same(['sync', '--delete-removed', '--delete-after', 'tree/', 's3://BUCKET/tree/']);
    assert.deepEqual(await remoteTree('tree/'), await localTree('tree'));
  });

  it('local → S3: --skip-existing and --no-check-md5 leave a same-size change alone; a plain sync does not', async () => {
    await localFile('tree/b.txt', 'HeLLo\n');
    await same(['sync', '--skip-existing', 'tree/', 's3://BUCKET/tree/']);
    await same(['sync', '--no-check-md5', 'tree/', 's3://BUCKET/tree/']);
    assert.notEqual((await remoteTree('tree/'))['b.txt'], (await localTree('tree'))['b.txt']);
    await same(['sync', 'tree/', 's3://BUCKET/tree/']);
    assert.deepEqual(await remoteTree('tree/'), await localTree('tree'));
  });

  it('local → S3 with --exclude/--include/--rexclude and their -from files, and --files-from', async () => {
    await localFile('patterns', '# logs stay home\n*.log\n\nsub/\n');
    await localFile('tree/keep.log', 'keep\n');
    await localFile('list', 'a.txt\nsub/c.bin\nmissing.txt\n');
    await same(['sync', '--dry-run', '--exclude-from=patterns', '--include=keep*', 'tree/', 's3://BUCKET/filtered/']);
    await same(['sync', '--exclude=*.log', '--rexclude=^sub/', '--rinclude=d\\.log$', '--include', 'keep.log', 'tree/', 's3://BUCKET/filtered/']);
    assert.deepEqual(Object.keys(await remoteTree('filtered/')).sort(), ['a.txt', 'b.txt', 'big.bin', 'empty.txt', 'keep.log', 'new.txt', 'sub/d.log']);
    await same(['sync', '--files-from=list', 'tree/', 's3://BUCKET/listed/']);
    await same(['put', '-r', '--files-from=list', 'tree', 's3://BUCKET/put-listed/']);
    await same(['ls', '-r', 's3://BUCKET/listed/']);
    await same(['sync', '--exclude-from=no-such-file', 'tree/', 's3://BUCKET/filtered/'], 74);
  });

  it('S3 → local: downloads, nothing the second time, --delete-removed, filters, a changed file', async () => {
    await same(['sync', 's3://BUCKET/tree/', 'down/']);
    assert.deepEqual(await localTree('down'), await remoteTree('tree/'));
    // --preserve (the default) restored the mode and mtime s3cmd stored.
    const [uploaded, downloaded] = [await stat(path.join(twins.work.aitta, 'tree/a.txt')), await stat(path.join(twins.work.aitta, 'down/a.txt'))];
    assert.equal(downloaded.mode, uploaded.mode);
    assert.equal(Math.trunc(downloaded.mtimeMs / 1000), Math.trunc(uploaded.mtimeMs / 1000));
    const again = await same(['sync', 's3://BUCKET/tree/', 'down/']);
    assert.equal(again.aitta.stdout, '');
    await localFile('down/extra.txt', 'extra\n');
    await localFile('down/sub/extra.log', 'extra\n');
    await localFile('down/b.txt', 'local!\n');
    await same(['sync', '--dry-run', '--delete-removed', 's3://BUCKET/tree/', 'down/']);
    await same(['sync', '--delete-removed', '--exclude=*.log', 's3://BUCKET/tree/', 'down/']);
    const tree = await localTree('down');
    assert.ok('sub/extra.log' in tree, 'an excluded local file is not deleted');
    delete tree['sub/extra.log'];
    const remote = await remoteTree('tree/');
    for (const name of Object.keys(remote)) if (name.endsWith('.log')) delete remote[name];
    for (const name of Object.keys(tree)) if (name.endsWith('.log')) delete tree[name];
    assert.deepEqual(tree, remote);
    await same(['sync', 's3://BUCKET/tree', 'named/']);
    assert.deepEqual(await localTree('named/tree'), await remoteTree('tree/'));
  });

  it('S3 → S3: copies, nothing the second time, --delete-removed, dry run with filters', async () => {
    await same(['sync', 's3://BUCKET/tree/', 's3://BUCKET/mirror/']);
    assert.deepEqual(await remoteTree('mirror/'), await remoteTree('tree/'));
    await same(['sync', 's3://BUCKET/tree/', 's3://BUCKET/mirror/']);
    await same(['del', 's3://BUCKET/tree/new.txt']);
    // --json: one object per line for scripts, the same decisions as the text.
    const json = await runAitta(s3cmd, ['--json', 'sync', '--delete-removed', '--dry-run', `s3://${twins.bucket.aitta}/tree/`, `s3://${twins.bucket.aitta}/mirror/`]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(
      json.stdout.trim().split('\n').map((line) => JSON.parse(line)),
      [{ type: 'delete', uri: `s3://${twins.bucket.aitta}/mirror/new.txt`, dryRun: true }],
    );
    await same(['sync', '--dry-run', '--delete-removed', '--exclude=sub/*', 's3://BUCKET/tree/', 's3://BUCKET/mirror/']);
    await same(['sync', '--delete-removed', 's3://BUCKET/tree/', 's3://BUCKET/mirror/']);
    assert.deepEqual(await remoteTree('mirror/'), await remoteTree('tree/'));
  });

  it('filters on put -r, get -r and del -r; usage errors of sync', async () => {
    await same(['put', '-r', '--dry-run', '--exclude=*.bin', 'tree', 's3://BUCKET/p/']);
    await same(['put', '-r', '--exclude=*.bin', '--exclude=sub/', 'tree', 's3://BUCKET/p/']);
    assert.deepEqual(Object.keys(await remoteTree('p/')).sort(), ['tree/a.txt', 'tree/b.txt', 'tree/empty.txt', 'tree/keep.log', 'tree/new.txt']);
    for (const tool of TOOLS) await mkdir(path.join(twins.work[tool], 'got'));
    await same(['get', '-r', '--dry-run', '--exclude=sub/*', '--rinclude=d\\.log$', 's3://BUCKET/tree/', 'got/']);
    await same(['get', '-r', '--exclude=sub/*', '--exclude=*.bin', 's3://BUCKET/tree/', 'got/']);
    assert.deepEqual(Object.keys(await localTree('got')).sort(), ['a.txt', 'b.txt', 'empty.txt']);
    await same(['del', '-r', '--dry-run', '--exclude=*.txt', 's3://BUCKET/p/']);
    await same(['del', '-r', '--max-delete=1', 's3://BUCKET/p/']);
    await same(['del', '-r', '--exclude=*.txt', 's3://BUCKET/p/']);
    assert.deepEqual(Object.keys(await remoteTree('p/')).sort(), ['tree/a.txt', 'tree/b.txt', 'tree/empty.txt', 'tree/new.txt']);
    await same(['sync', 's3://BUCKET/tree/'], 64);
    await same(['sync', 'tree', '-'], 64);
    await same(['sync', 'no-such-dir', 's3://BUCKET/'], 64);
    await same(['sync', 's3://BUCKET/tree/', 's3://BUCKET/x', 'down'], 64);
  });

  it('zero-byte "dir/" markers never break sync or get -r (s3cmd sync agrees; its get -r does not)', async () => {
    await client.putObject(twins.bucket.s3cmd, 'tree/emptydir/', Buffer.alloc(0));
    await client.putObject(twins.bucket.aitta, 'tree/emptydir/', Buffer.alloc(0));
    await same(['sync', 's3://BUCKET/tree/', 'marked/']);
    assert.ok((await stat(path.join(twins.work.aitta, 'marked/emptydir'))).isDirectory());
    await same(['sync', 's3://BUCKET/tree/', 'marked/']);
    await mkdir(path.join(twins.work.aitta, 'marked-get'));
    const got = await runAitta(s3cmd, ['get', '-r', `s3://${twins.bucket.aitta}/tree/`, 'marked-get/'], { cwd: twins.work.aitta });
    assert.equal(got.code, 0, got.stderr);
    assert.ok((await stat(path.join(twins.work.aitta, 'marked-get/emptydir'))).isDirectory());
    const tree = await localTree('marked-get');
    assert.deepEqual(tree, await remoteTree('tree/').then((remote) => Object.fromEntries(Object.entries(remote).filter(([name]) => name !== 'emptydir/'))));
  });
});
