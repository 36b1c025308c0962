// The last s3cmd commands and sync options of the client against the real
// s3cmd 2.3.0: accesslog (Aitta keeps logging disabled and refuses to
// enable it), fixbucket (keys XML cannot carry, listed as S3 lists them),
// and sync --stats, --cache-file and --add-destination. Each command line
// runs through both on their own bucket and working directory; exit codes
// and normalised output must agree line for line, and what each step left
// in aitta's bucket is checked through the SDK.

import assert from 'node:assert/strict';
import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { S3Client } from '../../src/sdk/client.js';
import { ClientTwins, runAitta, startTwins, TOOLS, type TwinsFixture } from '../helpers/aitta-client.js';
import { S3CMD_MATRIX, type S3cmd } from '../helpers/s3cmd.js';

let fixture: TwinsFixture;
let s3cmd: S3cmd;
let twins: ClientTwins;
let client: S3Client;

before(async () => {
  fixture = await startTwins('cpar', S3CMD_MATRIX.find((cell) => !cell.signatureV2 && cell.addressing === 'path')!);
  ({ s3cmd, twins, client } = fixture);
  await twins.same(['mb', 's3://BUCKET']);
});

after(async () => {
  await fixture?.stop();
});

const same = (args: string[], expectedCode = 0) => twins.same(args, expectedCode);

async function keys(prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for await (const page of client.listObjects(twins.bucket.aitta, { prefix })) found.push(...page.objects.map((object) => object.key));
  return found;
}

async function localFile(name: string, content: string): Promise<void> {
  for (const tool of TOOLS) {
    const file = path.join(twins.work[tool], name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

describe('accesslog vs s3cmd', () => {
  it('shows logging disabled, disables it again, and reports the refusal to enable it', async () => {
    const shown = await same(['accesslog', 's3://BUCKET']);
    assert.deepEqual(shown.aitta.stdout.split('\n'), [`Access logging for: s3://${twins.bucket.aitta}/`, '   Logging Enabled: False', '']);
    await same(['accesslog', '--no-access-logging', 's3://BUCKET']);
    const enabled = await same(['accesslog', '--access-logging-target-prefix=s3://BUCKET/logs/', 's3://BUCKET'], 11);
    assert.match(enabled.aitta.stderr, /^ERROR: S3 error: 501 \(NotImplemented\): /);
    await same(['accesslog', 's3://BUCKET']);
  });

  it('refuses what s3cmd refuses', async () => {
    await same(['accesslog', 's3://BUCKET/object'], 64);
    await same(['accesslog', '--access-logging-target-prefix=logs/', 's3://BUCKET'], 64);
    await same(['accesslog', 's3://no-such-bucket-cpar'], 12);
  });
});

describe('fixbucket vs s3cmd', () => {
  /** As twins.same, but aitta names itself where s3cmd tells the user what to run next. */
  async function sameButProgram(args: string[]): Promise<Record<(typeof TOOLS)[number], { stdout: string; stderr: string; code: number }>> {
    const results = { s3cmd: await twins.run('s3cmd', args.map((a) => a.replaceAll('BUCKET', twins.bucket.s3cmd))), aitta: await twins.run('aitta', args.map((a) => a.replaceAll('BUCKET', twins.bucket.aitta))) };
    assert.equal(results.aitta.code, results.s3cmd.code);
    assert.equal(results.aitta.stdout, results.s3cmd.stdout);
    assert.equal(results.aitta.stderr.replace("'aitta setacl", "'s3cmd setacl"), results.s3cmd.stderr);
    assert.match(results.aitta.stderr, /'aitta setacl --acl-public/);
    return results;
  }

  const broken = ['fix/a\x01b.txt', "fix/q'x\x1b\r.txt", 'fix/amp&\x7f\x02.bin', 'other/p\x1fz'];

  before(async () => {
    for (const tool of TOOLS) for (const key of ['fix/ok.txt', ...broken]) await client.putObject(twins.bucket[tool], key, Buffer.from(`content of ${key}`));
  });

  it('lists what it would rename with --dry-run, renames under a prefix, then the rest', async () => {
    await same(['fixbucket', '--dry-run', 's3://BUCKET']);
    assert.equal((await keys()).length, 5);
    const fixed = await sameButProgram(['fixbucket', 's3://BUCKET/fix/']);
    assert.deepEqual(fixed.aitta.stdout.split('\n'), [
      "File ''fix/a\\x01b.txt'' renamed to 'fix/a^Ab.txt'",
      "File ''fix/amp&\\x7f\\x02.bin'' renamed to 'fix/amp&^?^B.bin'",
      `File '"fix/q'x\\x1b\\r.txt"' renamed to 'fix/q'x^[^M.txt'`,
      '',
    ]);
    assert.deepEqual(await keys('fix/'), ['fix/a^Ab.txt', 'fix/amp&^?^B.bin', 'fix/ok.txt', "fix/q'x^[^M.txt"]);
    // Outside the prefix, untouched: the listing's &#x1f; is the key's own character.
    assert.deepEqual(await keys('other/'), ['other/p\x1fz']);
    const body = await client.getObject(twins.bucket.aitta, 'fix/a^Ab.txt');
    let text = '';
    for await (const chunk of body.body) text += String(chunk);
    assert.equal(text, 'content of fix/a\x01b.txt');
    await sameButProgram(['fixbucket', 's3://BUCKET']);
    assert.deepEqual(await keys('other/'), ['other/p^_z']);
    const again = await same(['fixbucket', 's3://BUCKET']);
    assert.equal(again.aitta.stdout + again.aitta.stderr, '');
  });
});

describe('sync --stats, --cache-file and --add-destination vs s3cmd', () => {
  before(async () => {
    await localFile('tree/a.txt', 'a\n');
    await localFile('tree/dup.txt', 'a\n');
    await localFile('tree/sub/b.txt', 'bee\n');
  });

  it('--stats closes every direction with s3cmd\'s lines, even when nothing was done', async () => {
    const up = await same(['sync', '--stats', 'tree', 's3://BUCKET/s/']);
    assert.deepEqual(up.aitta.stdout.split('\n').filter((line) => line.startsWith('Stats:')), [
      'Stats: Number of files: 3 (8 bytes) ',
      'Stats: Number of files transferred: 2 (6 bytes) ',
      'Stats: Number of files copied: 1 (2 bytes) ',
    ]);
    await same(['sync', '--stats', 'tree', 's3://BUCKET/s/']);
    await same(['sync', '--stats', 's3://BUCKET/s/tree/', 'down/']);
    await same(['sync', '--stats', 's3://BUCKET/s/tree/', 's3://BUCKET/mirror/']);
    await same(['del', 's3://BUCKET/s/tree/sub/b.txt']);
    await same(['sync', '--stats', '--delete-removed', 's3://BUCKET/s/tree/', 'down/']);
    await same(['sync', '--stats', '--delete-removed', 's3://BUCKET/s/tree/', 's3://BUCKET/mirror/']);
    await same(['sync', '--stats', '--delete-removed', 'down/', 's3://BUCKET/s/tree/sub/']);
  });

  it('--cache-file: a file rewritten with its size and mtime kept is taken from the cache, not read again', async () => {
    await same(['sync', '--cache-file=md5.cache', 'tree/', 's3://BUCKET/c/']);
    const cache = JSON.parse(await readFile(path.join(twins.work.aitta, 'md5.cache'), 'utf8'));
    assert.equal(Object.keys(cache.files).length, 3);
    for (const tool of TOOLS) {
      const file = path.join(twins.work[tool], 'tree/a.txt');
      const before = await stat(file);
      await writeFile(file, 'A\n');
      await utimes(file, before.atime, before.mtime);
    }
    const cached = await same(['sync', '--cache-file=md5.cache', 'tree/', 's3://BUCKET/c/']);
    assert.equal(cached.aitta.stdout, '', 'the cached MD5 says nothing changed');
    const read = await same(['sync', 'tree/', 's3://BUCKET/c/']);
    assert.match(read.aitta.stdout, /upload: 'tree\/a.txt'/, 'without the cache the file is read and uploaded');
  });

  it('--add-destination uploads to every destination', async () => {
    const both = await Promise.all(
      TOOLS.map((tool) =>
        twins.run(tool, ['sync', 'tree/', `s3://${twins.bucket[tool]}/one/`, `--add-destination=s3://${twins.bucket[tool]}/two/`, '--add-destination', `s3://${twins.bucket[tool]}/three/`]),
      ),
    );
    // Each destination is synced on its own and at once, so lines interleave: compared sorted.
    const lines = (i: number) =>
      both[i]!.stdout.replaceAll(twins.bucket[TOOLS[i]!], 'BUCKET').replace(/ in \d+\.\d seconds, \d+\.\d{2} [KMGT]?B\/s/g, ' in S seconds, R B/s').split('\n').sort();
    assert.equal(both[1]!.code, both[0]!.code);
    assert.deepEqual(lines(1), lines(0));
    for (const destination of ['one', 'two', 'three']) assert.deepEqual(await keys(`${destination}/`), [`${destination}/a.txt`, `${destination}/dup.txt`, `${destination}/sub/b.txt`]);
    await same(['sync', 'tree/', 's3://BUCKET/one/', '--add-destination=elsewhere/'], 64);
    const json = await runAitta(s3cmd, ['--json', 'sync', '--stats', 'tree/', `s3://${twins.bucket.aitta}/one/`], { cwd: twins.work.aitta });
    assert.deepEqual(JSON.parse(json.stdout.trim()).stats, { files: 3, size: 8, filesTransferred: 0, sizeTransferred: 0, filesCopied: 0, sizeCopied: 0, filesDeleted: 0 });
  });
});

describe('options as optparse takes them, and local files that cannot be written, vs s3cmd', () => {
  before(async () => {
    for (const name of ['opt/a.txt', 'opt/b.log']) await localFile(name, `${name}\n`);
    await same(['put', '-r', 'opt/', 's3://BUCKET/two/']);
  });

  it('--rr and --bucket-location (--region) take effect', async () => {
    await same(['put', '--rr', 'opt/a.txt', 's3://BUCKET/rr.txt']);
    const listed = await same(['ls', '-l', 's3://BUCKET/rr.txt']);
    assert.match(listed.aitta.stdout, /REDUCED_REDUNDANCY/);
    await same(['mb', '--bucket-location=EU', 's3://BUCKET-eu']);
    await same(['mb', '--region=eu-north-1', 's3://BUCKET-no']);
    const eu = await same(['info', 's3://BUCKET-eu']);
    assert.match(eu.aitta.stdout, /Location: +eu-west-1/);
    const north = await same(['info', 's3://BUCKET-no']);
    assert.match(north.aitta.stdout, /Location: +eu-north-1/);
    await same(['rb', 's3://BUCKET-eu', 's3://BUCKET-no']);
  });

  it('takes a long option by any prefix that names only it, and words parse errors as optparse does', async () => {
    await same(['ls', '--recurs', 's3://BUCKET/two/']);
    await same(['--human', 'ls', '-l', 's3://BUCKET/two/']);
    await same(['put', '--mult=5', '--dry', 'opt/a.txt', 's3://BUCKET/x']);
    for (const args of [['--foo', 'ls'], ['ls', '--limit']]) {
      const s3cmdRun = await twins.run('s3cmd', args);
      const aittaRun = await twins.run('aitta', args);
      assert.equal(aittaRun.code, 2);
      assert.equal(aittaRun.code, s3cmdRun.code);
      assert.equal(aittaRun.stderr, s3cmdRun.stderr.replaceAll('s3cmd', 'aitta'));
    }
    const ambiguous = await twins.run('aitta', ['--d', 'ls']);
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /^aitta: error: ambiguous option: --d \(--debug, .*--dry-run, --dump-config.*\?\)$/m);
  });

  it('keys given as options replace the file\'s, and --dump-config shows what the options set', async () => {
    await same(['--access_key=NOSUCHKEY', 'ls'], 77);
    await same(['-P', '--upload-id=U1', '--secret_key=other', '--dump-config']);
    await same(['--acl-private', '-v', '--dump-config']);
  });

  it('accepts the connection and sync options it has no use for as s3cmd does', async () => {
    await same(['sync', '--delay-updates', '--no-encrypt', 'opt/', 's3://BUCKET/two/']);
    await same(['ls', '--list-allow-unordered', '--no-connection-pooling', 's3://BUCKET/two/']);
  });

  it('--limit-rate holds transfers to the rate (1m: a MiB a second)', async () => {
    await localFile('rated.bin', 'x'.repeat(1_500_000));
    const seconds = (line: string) => Number(/ in (\d+\.\d) seconds/.exec(line)?.[1]);
    const up = await same(['--limit-rate=1m', 'put', 'rated.bin', 's3://BUCKET/rated.bin']);
    assert.ok(seconds(up.aitta.stdout) >= 1.3, up.aitta.stdout);
    const down = await same(['--limit-rate=1m', 'get', 's3://BUCKET/rated.bin', 'rated.copy']);
    assert.ok(seconds(down.aitta.stdout) >= 1.3, down.aitta.stdout);
    assert.equal(await readFile(path.join(twins.work.aitta, 'rated.copy'), 'utf8'), 'x'.repeat(1_500_000));
  });

  it("-v prints s3cmd's INFO lines, in s3cmd's order", async () => {
    for (const tool of TOOLS) await mkdir(path.join(twins.work[tool], 'verbose'));
    const synced = await same(['-v', 'sync', 'opt/', 's3://BUCKET/v/']);
    assert.match(synced.aitta.stderr, /^INFO: Verifying attributes\.\.\.$/m);
    await same(['-v', 'put', 'opt/a.txt', 's3://BUCKET/v1']);
    await same(['-v', 'get', 's3://BUCKET/v1', 'verbose/v1.txt']);
    const fetched = await same(['-v', 'get', '-r', 's3://BUCKET/v/', 'verbose/']);
    assert.match(fetched.aitta.stderr, /^INFO: Retrieving list of remote files for s3:\/\/\S+\/v\/ \.\.\.$/m);
    // verbosity in the s3cfg does what -v does.
    const verboseConfig = path.join(s3cmd.home, 'verbose.s3cfg');
    await writeFile(verboseConfig, (await readFile(s3cmd.configFile, 'utf8')).replace('[default]', '[default]\nverbosity = INFO'));
    const configured = await same(['-c', verboseConfig, 'get', '--force', 's3://BUCKET/v1', 'verbose/v1.txt']);
    assert.match(configured.aitta.stderr, /^INFO: Receiving file 'verbose\/v1\.txt', please wait\.\.\.$/m);
  });

  it('get and sync report a file that cannot be written, fetch the others, and exit 2', async () => {
    for (const tool of TOOLS) {
      for (const dir of ['in-the-way/a.txt', 'sync-way/b.log']) await mkdir(path.join(twins.work[tool], dir), { recursive: true });
    }
    await same(['get', '-r', 's3://BUCKET/two/', 'in-the-way/'], 2);
    await same(['get', 's3://BUCKET/two/a.txt', 'no-such-dir/'], 2);
    await same(['sync', 's3://BUCKET/two/', 'sync-way/'], 2);
    for (const file of ['in-the-way/b.log', 'sync-way/a.txt']) {
      assert.equal(await readFile(path.join(twins.work.aitta, file), 'utf8'), `opt/${path.basename(file)}\n`, file);
    }
    await assert.rejects(stat(path.join(twins.work.aitta, 'no-such-dir')), { code: 'ENOENT' });
  });
});
