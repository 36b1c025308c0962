// The guide's bucket and object commands through the real s3cmd 2.3.0, in
// every cell of SigV2/SigV4 × path/virtual-hosted addressing: mb, ls, la,
// put, info, get (one object and a whole bucket), cp, mv, modify, du, del,
// rb, signurl, and the errors s3cmd reports for the usual mistakes. Output
// is compared line by line with what s3cmd prints; only timestamps and
// transfer speeds are normalised.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  S3CMD_MATRIX,
  assertS3cmdOk,
  createS3cmd,
  md5OfFile,
  minutesFromNow,
  normalisedLines,
  type S3cmd,
  type S3cmdCell,
  type S3cmdResult,
} from '../helpers/s3cmd.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
/** The project the server's first start created, as `s3cmd info` names it. */
let projectName: string | undefined;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

function stderrLines(result: S3cmdResult): string[] {
  return result.stderr.split('\n').filter((line) => line !== '');
}

const LAST_MODIFIED = /^   Last mod:  (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** `curl URL` (through the server as a proxy for virtual-hosted names): status and body file. */
function curl(url: string, output: string, proxy?: string): Promise<number> {
  const args = ['-sS', '-o', output, '-w', '%{http_code}', ...(proxy ? ['-x', proxy] : []), url];
  return new Promise((resolve, reject) => {
    execFile('curl', args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`curl ${url}: ${error.message}\n${stderr}`));
      else resolve(Number(stdout));
    });
  });
}

describe('s3cmd on a new project', () => {
  let s3cmd: S3cmd;
  before(async () => {
    s3cmd = await createS3cmd(server, S3CMD_MATRIX[0]!);
  });
  after(async () => {
    await s3cmd?.dispose();
  });

  it('ls prints nothing while the project has no buckets', async () => {
    const result = await s3cmd.run(['ls']);
    assertS3cmdOk(result, 'ls');
    assert.equal(result.stdout, '');
  });

  it("info names the first start's project (project_NNNNNNN) as the FULL_CONTROL owner", async () => {
    assertS3cmdOk(await s3cmd.run(['mb', 's3://aitta-owner-probe']), 'mb');
    const result = await s3cmd.run(['info', 's3://aitta-owner-probe']);
    assertS3cmdOk(result, 'info');
    const acl = result.stdout.split('\n').filter((line) => line.startsWith('   ACL:'));
    assert.equal(acl.length, 1, result.stdout);
    const match = /^   ACL:       (project_\d{7}): FULL_CONTROL$/.exec(acl[0]!);
    assert.ok(match, `ACL line: ${acl[0]}`);
    projectName = match[1];
    assertS3cmdOk(await s3cmd.run(['rb', 's3://aitta-owner-probe']), 'rb');
  });
});

for (const cell of S3CMD_MATRIX) describeCell(cell);

function describeCell(cell: S3cmdCell): void {
  describe(`s3cmd data plane (${cell.label})`, () => {
    const src = `aitta-${cell.tag}-src`;
    const dst = `aitta-${cell.tag}-dst`;
    let s3cmd: S3cmd;
    let work: string;
    const md5: Record<string, string> = {};
    const size: Record<string, number> = {};

    async function local(name: string, bytes: number): Promise<void> {
      const file = path.join(work, name);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, randomBytes(bytes));
      md5[name] = await md5OfFile(file);
      size[name] = bytes;
    }

    before(async () => {
      s3cmd = await createS3cmd(server, cell);
      work = path.join(s3cmd.home, 'work');
      await local('my_file.txt', 100 * 1024);
      await local('fishes/salmon.jpg', 20_000);
      await local('fishes/deep/trout.txt', 3_333);
    });

    after(async () => {
      // Leave nothing behind for the next cell's bucket listings, even after a failure.
      if (!s3cmd) return;
      for (const bucket of [src, dst]) await s3cmd.run(['rb', '--recursive', '--force', `s3://${bucket}`]);
      await s3cmd.dispose();
    });

    const run = (args: string[], cwd = work) => s3cmd.run(args, { cwd });

    it("mb creates buckets and prints Bucket 's3://NAME/' created", async () => {
      for (const bucket of [src, dst]) {
        const result = await run(['mb', `s3://${bucket}`]);
        assertS3cmdOk(result, `mb ${bucket}`);
        assert.equal(result.stdout, `Bucket 's3://${bucket}/' created\n`);
      }
    });

    it('ls lists the buckets as "YYYY-MM-DD HH:MM  s3://NAME" with their creation time', async () => {
      const result = await run(['ls']);
      assertS3cmdOk(result, 'ls');
      const lines = result.stdout.split('\n').slice(0, -1);
      for (const line of lines) assert.match(line, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}  s3:\/\/[a-z0-9.-]+$/);
      for (const bucket of [src, dst]) {
        const line = lines.find((l) => l.endsWith(`  s3://${bucket}`));
        assert.ok(line, `${bucket} missing from ls:\n${result.stdout}`);
        assert.ok(minutesFromNow(line.slice(0, 16)) < 5, `creation time ${line.slice(0, 16)} is not now`);
      }
    });

    it("put uploads a file and prints the guide's upload line and progress", async () => {
      const result = await run(['put', '--progress', 'my_file.txt', `s3://${src}`]);
      assertS3cmdOk(result, 'put');
      const lines = result.stdout.split('\n');
      assert.equal(lines[0], `upload: 'my_file.txt' -> 's3://${src}/my_file.txt'  [1 of 1]`);
      const progress = lines[1]!.split('\r').at(-1);
      assert.match(progress!, /^ 102400 of 102400   100% in +\d+s +\d+\.\d{2} [KMG]?B\/s  done$/);
      assert.deepEqual(lines.slice(2), ['']);
    });

    it('put to a key with slashes uploads nested objects', async () => {
      for (const name of ['fishes/salmon.jpg', 'fishes/deep/trout.txt']) {
        const result = await run(['put', name, `s3://${src}/${name}`]);
        assertS3cmdOk(result, `put ${name}`);
        assert.deepEqual(normalisedLines(result.stdout), [
          `upload: '${name}' -> 's3://${src}/${name}' (${size[name]} bytes in S seconds, R B/s) [1 of 1]`,
        ]);
      }
    });

    it('ls of a bucket lists DIR lines for prefixes, then objects with their sizes', async () => {
      const result = await run(['ls', `s3://${src}`]);
      assertS3cmdOk(result, 'ls bucket');
      assert.deepEqual(normalisedLines(result.stdout), [
        `                          DIR  s3://${src}/fishes/`,
        `YYYY-MM-DD HH:MM       102400  s3://${src}/my_file.txt`,
      ]);
      const at = result.stdout.split('\n')[1]!.slice(0, 16);
      assert.ok(minutesFromNow(at) < 5, `LastModified ${at} is not now`);

      const nested = await run(['ls', `s3://${src}/fishes/`]);
      assertS3cmdOk(nested, 'ls prefix');
      assert.deepEqual(normalisedLines(nested.stdout), [
        `                          DIR  s3://${src}/fishes/deep/`,
        `YYYY-MM-DD HH:MM        20000  s3://${src}/fishes/salmon.jpg`,
      ]);

      const recursive = await run(['ls', '--recursive', `s3://${src}`]);
      assertS3cmdOk(recursive, 'ls --recursive');
      assert.deepEqual(normalisedLines(recursive.stdout), [
        `YYYY-MM-DD HH:MM         3333  s3://${src}/fishes/deep/trout.txt`,
        `YYYY-MM-DD HH:MM        20000  s3://${src}/fishes/salmon.jpg`,
        `YYYY-MM-DD HH:MM       102400  s3://${src}/my_file.txt`,
      ]);
    });

    it('ls --list-md5 shows each object\'s MD5', async () => {
      const result = await run(['ls', '--list-md5', `s3://${src}/my_file.txt`]);
      assertS3cmdOk(result, 'ls --list-md5');
      assert.deepEqual(normalisedLines(result.stdout), [
        `YYYY-MM-DD HH:MM       102400  ${md5['my_file.txt']!.padEnd(35)}  s3://${src}/my_file.txt`,
      ]);
    });

    it("la lists every bucket's objects, each bucket followed by a blank line", async () => {
      const result = await run(['la']);
      assertS3cmdOk(result, 'la');
      const lines = normalisedLines(result.stdout);
      const start = lines.indexOf(`                          DIR  s3://${src}/fishes/`);
      assert.ok(start !== -1, result.stdout);
      assert.deepEqual(lines.slice(start, start + 3), [
        `                          DIR  s3://${src}/fishes/`,
        `YYYY-MM-DD HH:MM       102400  s3://${src}/my_file.txt`,
        '',
      ]);
      assert.ok(start === 0 || lines[start - 1] === '', 'the bucket block starts after a blank line');
    });

    it('info on a bucket shows location, payer, no lifecycle/policy/CORS, and the project\'s FULL_CONTROL', async () => {
      const result = await run(['info', `s3://${src}`]);
      assertS3cmdOk(result, 'info bucket');
      assert.deepEqual(result.stdout.split('\n'), [
        `s3://${src}/ (bucket):`,
        '   Location:  us-east-1',
        '   Payer:     BucketOwner',
        '   Expiration Rule: none',
        '   Policy:    none',
        '   CORS:      none',
        `   ACL:       ${projectName}: FULL_CONTROL`,
        '',
      ]);
    });

    it('info on an object shows size, MIME type, MD5, no SSE, the ACL and s3cmd\'s attributes', async () => {
      const result = await run(['info', `s3://${src}/my_file.txt`]);
      assertS3cmdOk(result, 'info object');
      const lines = result.stdout.split('\n');
      assert.equal(lines[0], `s3://${src}/my_file.txt (object):`);
      assert.equal(lines[1], '   File size: 102400');
      assert.match(lines[2]!, LAST_MODIFIED);
      assert.deepEqual(lines.slice(3, 10), [
        '   MIME type: text/plain',
        '   Storage:   STANDARD',
        `   MD5 sum:   ${md5['my_file.txt']}`,
        '   SSE:       none',
        '   Policy:    none',
        '   CORS:      none',
        `   ACL:       ${projectName}: FULL_CONTROL`,
      ]);
      assert.match(lines[10]!, new RegExp(`^   x-amz-meta-s3cmd-attrs: (\\w+:[^/]*/)*md5:${md5['my_file.txt']}(/\\w+:[^/]*)*$`));
      assert.deepEqual(lines.slice(11), ['']);
    });

    it('get downloads an object under a new name with the same MD5', async () => {
      const result = await run(['get', `s3://${src}/my_file.txt`, 'new_file_name']);
      assertS3cmdOk(result, 'get');
      assert.deepEqual(normalisedLines(result.stdout), [
        `download: 's3://${src}/my_file.txt' -> 'new_file_name' (102400 bytes in S seconds, R B/s)`,
      ]);
      assert.equal(await md5OfFile(path.join(work, 'new_file_name')), md5['my_file.txt']);
    });

    it('get -r downloads a whole bucket, nested keys into directories, with the same MD5s', async () => {
      const into = await mkdtemp(path.join(s3cmd.home, 'whole-'));
      const result = await run(['get', '-r', `s3://${src}/`], into);
      assertS3cmdOk(result, 'get -r');
      const names = ['fishes/deep/trout.txt', 'fishes/salmon.jpg', 'my_file.txt'];
      assert.deepEqual(
        normalisedLines(result.stdout),
        names.map((name) => `download: 's3://${src}/${name}' -> './${name}' (${size[name]} bytes in S seconds, R B/s)`),
      );
      for (const name of names) assert.equal(await md5OfFile(path.join(into, name)), md5[name], name);
    });

    it('cp copies an object to another bucket under the same name, and under a new name', async () => {
      const same = await run(['cp', `s3://${src}/my_file.txt`, `s3://${dst}`]);
      assertS3cmdOk(same, 'cp');
      assert.equal(same.stdout, `remote copy: 's3://${src}/my_file.txt' -> 's3://${dst}/my_file.txt'  [1 of 1]\n`);
      const renamed = await run(['cp', `s3://${src}/my_file.txt`, `s3://${dst}/newname`]);
      assertS3cmdOk(renamed, 'cp rename');
      assert.equal(renamed.stdout, `remote copy: 's3://${src}/my_file.txt' -> 's3://${dst}/newname'  [1 of 1]\n`);

      const listing = await run(['ls', '--list-md5', `s3://${dst}`]);
      assertS3cmdOk(listing, 'ls --list-md5');
      const sum = md5['my_file.txt']!.padEnd(35);
      assert.deepEqual(normalisedLines(listing.stdout), [
        `YYYY-MM-DD HH:MM       102400  ${sum}  s3://${dst}/my_file.txt`,
        `YYYY-MM-DD HH:MM       102400  ${sum}  s3://${dst}/newname`,
      ]);
    });

    it('mv moves an object: the destination appears and the source is gone', async () => {
      const result = await run(['mv', `s3://${dst}/newname`, `s3://${dst}/moved`]);
      assertS3cmdOk(result, 'mv');
      assert.equal(result.stdout, `move: 's3://${dst}/newname' -> 's3://${dst}/moved'  [1 of 1]\n`);
      const listing = await run(['ls', `s3://${dst}`]);
      assertS3cmdOk(listing, 'ls');
      assert.deepEqual(normalisedLines(listing.stdout), [
        `YYYY-MM-DD HH:MM       102400  s3://${dst}/moved`,
        `YYYY-MM-DD HH:MM       102400  s3://${dst}/my_file.txt`,
      ]);
      const moved = path.join(work, 'moved-back');
      assertS3cmdOk(await run(['get', `s3://${dst}/moved`, moved]), 'get moved');
      assert.equal(await md5OfFile(moved), md5['my_file.txt']);
    });

    it('modify replaces Content-Type and adds x-amz-meta headers, keeping the body and s3cmd attributes', async () => {
      const result = await run([
        'modify',
        '--add-header=Content-Type:application/x-fish',
        '--add-header=x-amz-meta-species:salmon',
        `s3://${dst}/moved`,
      ]);
      assertS3cmdOk(result, 'modify');
      assert.equal(result.stdout, `modify: 's3://${dst}/moved'  [1 of 1]\n`);
      const info = await run(['info', `s3://${dst}/moved`]);
      assertS3cmdOk(info, 'info');
      const lines = info.stdout.split('\n');
      assert.equal(lines[1], '   File size: 102400');
      assert.equal(lines[3], '   MIME type: application/x-fish');
      assert.equal(lines[5], `   MD5 sum:   ${md5['my_file.txt']}`);
      const meta = lines.filter((line) => line.startsWith('   x-amz-meta-')).sort();
      assert.equal(meta.length, 2, info.stdout);
      assert.match(meta[0]!, new RegExp(`^   x-amz-meta-s3cmd-attrs: .*md5:${md5['my_file.txt']}`));
      assert.equal(meta[1], '   x-amz-meta-species: salmon');
    });

    it('du reports the bytes and number of objects of a bucket, and a total over all buckets', async () => {
      const total = size['my_file.txt']! + size['fishes/salmon.jpg']! + size['fishes/deep/trout.txt']!;
      const result = await run(['du', `s3://${src}`]);
      assertS3cmdOk(result, 'du bucket');
      assert.equal(result.stdout, `${String(total).padStart(12)}       3 objects s3://${src}/\n`);

      const all = await run(['du']);
      assertS3cmdOk(all, 'du');
      const lines = all.stdout.split('\n');
      assert.equal(lines.at(-3), '------------');
      const buckets = lines.slice(0, -3);
      for (const line of buckets) assert.match(line, /^ {0,11}\d+ {1,7}\d+ objects s3:\/\/[a-z0-9.-]+\/$/);
      assert.ok(buckets.includes(`${String(total).padStart(12)}       3 objects s3://${src}/`), all.stdout);
      assert.ok(buckets.includes(`${String(2 * 102400).padStart(12)}       2 objects s3://${dst}/`), all.stdout);
      const sum = buckets.reduce((acc, line) => acc + Number(line.trim().split(/\s+/)[0]), 0);
      assert.equal(lines.at(-2), `${String(sum).padEnd(12)} Total`);
    });

    it('signurl gives a URL that curl fetches with 200 and the object\'s exact bytes', async () => {
      const result = await run(['signurl', `s3://${src}/my_file.txt`, '+600']);
      assertS3cmdOk(result, 'signurl');
      const url = result.stdout.trim();
      const base = cell.addressing === 'path' ? `http://127.0.0.1:${server.port}/${src}` : `http://${src}.${server.domain}`;
      const shape = new RegExp(`^${base.replaceAll('.', '\\.')}/my_file\\.txt\\?AWSAccessKeyId=${server.accessKey}&Expires=\\d+&Signature=[A-Za-z0-9%._~-]+$`);
      assert.match(url, shape);
      const body = path.join(work, 'via-signurl');
      const status = await curl(url, body, cell.addressing === 'virtual' ? `http://127.0.0.1:${server.port}` : undefined);
      assert.equal(status, 200);
      assert.equal(await md5OfFile(body), md5['my_file.txt']);
    });

    it('an expired signurl is refused with 403 AccessDenied', async () => {
      const past = String(Math.floor(Date.now() / 1000) - 60);
      const result = await run(['signurl', `s3://${src}/my_file.txt`, past]);
      assertS3cmdOk(result, 'signurl');
      assert.match(result.stdout, new RegExp(`&Expires=${past}&`));
      const body = path.join(work, 'expired-signurl');
      const status = await curl(result.stdout.trim(), body, cell.addressing === 'virtual' ? `http://127.0.0.1:${server.port}` : undefined);
      assert.equal(status, 403);
      const xml = await readFile(body, 'utf8');
      assert.match(xml, /<Code>AccessDenied<\/Code>/);
      assert.match(xml, /<Message>Request has expired<\/Message>/);
    });

    it('get of a missing key fails with exit code 64, says the object does not exist, and writes no file', async () => {
      const result = await run(['get', `s3://${src}/no-such-key`, 'not-there']);
      assert.equal(result.code, 64, result.stderr);
      assert.equal(result.stdout, '');
      assert.deepEqual(stderrLines(result), [`ERROR: Parameter problem: Source object 's3://${src}/no-such-key' does not exist.`]);
      assert.equal(existsSync(path.join(work, 'not-there')), false);
    });

    it('mb of an existing bucket fails with 409 BucketAlreadyOwnedByYou and exit code 13', async () => {
      const result = await run(['mb', `s3://${src}`]);
      assert.equal(result.code, 13, result.stderr);
      assert.equal(result.stdout, '');
      assert.deepEqual(stderrLines(result), [
        'ERROR: S3 error: 409 (BucketAlreadyOwnedByYou): Your previous request to create the named bucket succeeded and you already own it.',
      ]);
    });

    it('ls of a missing bucket fails with NoSuchBucket and exit code 12', async () => {
      const missing = `aitta-${cell.tag}-missing`;
      const result = await run(['ls', `s3://${missing}`]);
      assert.equal(result.code, 12, result.stderr);
      assert.equal(result.stdout, '');
      assert.deepEqual(stderrLines(result), [
        `ERROR: Bucket '${missing}' does not exist`,
        'ERROR: S3 error: 404 (NoSuchBucket): The specified bucket does not exist',
      ]);
    });

    it('del removes an object and prints delete: \'s3://BUCKET/KEY\'', async () => {
      const result = await run(['del', `s3://${dst}/moved`]);
      assertS3cmdOk(result, 'del');
      assert.equal(result.stdout, `delete: 's3://${dst}/moved'\n`);
      const listing = await run(['ls', `s3://${dst}`]);
      assertS3cmdOk(listing, 'ls');
      assert.deepEqual(normalisedLines(listing.stdout), [`YYYY-MM-DD HH:MM       102400  s3://${dst}/my_file.txt`]);
    });

    it('rb refuses a non-empty bucket with 409 BucketNotEmpty and exit code 13, and keeps it', async () => {
      const result = await run(['rb', `s3://${dst}`]);
      assert.equal(result.code, 13, result.stderr);
      assert.equal(result.stdout, '');
      assert.deepEqual(stderrLines(result), ['ERROR: S3 error: 409 (BucketNotEmpty): The bucket you tried to delete is not empty']);
      const listing = await run(['ls', `s3://${dst}`]);
      assertS3cmdOk(listing, 'ls');
      assert.equal(normalisedLines(listing.stdout).length, 1);
    });

    it('rb removes empty buckets; del --recursive --force empties one first', async () => {
      assertS3cmdOk(await run(['del', `s3://${dst}/my_file.txt`]), 'del');
      const removed = await run(['rb', `s3://${dst}`]);
      assertS3cmdOk(removed, 'rb');
      assert.equal(removed.stdout, `Bucket 's3://${dst}/' removed\n`);

      const emptied = await run(['del', '--recursive', '--force', `s3://${src}`]);
      assertS3cmdOk(emptied, 'del --recursive');
      assert.deepEqual(emptied.stdout.split('\n'), [
        `delete: 's3://${src}/fishes/deep/trout.txt'`,
        `delete: 's3://${src}/fishes/salmon.jpg'`,
        `delete: 's3://${src}/my_file.txt'`,
        '',
      ]);
      const gone = await run(['rb', `s3://${src}`]);
      assertS3cmdOk(gone, 'rb');
      assert.equal(gone.stdout, `Bucket 's3://${src}/' removed\n`);

      const listing = await run(['ls']);
      assertS3cmdOk(listing, 'ls');
      assert.doesNotMatch(listing.stdout, new RegExp(`s3://(${src}|${dst})$`, 'm'));
    });
  });
}
