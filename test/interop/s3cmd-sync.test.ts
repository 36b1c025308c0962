// `s3cmd sync` through the real s3cmd 2.3.0 in every cell of SigV2/SigV4 ×
// path/virtual-hosted addressing: a first sync uploads a directory tree, a
// second one uploads nothing, a changed file (same size, new bytes) is
// uploaded again, and syncing the bucket back down gives identical files.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  S3CMD_MATRIX,
  assertS3cmdOk,
  createS3cmd,
  md5OfFile,
  normalisedLines,
  type S3cmd,
  type S3cmdCell,
} from '../helpers/s3cmd.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

/** Local tree to sync: distinct contents, so s3cmd never turns an upload into a remote copy. */
const TREE: Record<string, number> = { 'a.txt': 1000, 'b.txt': 2000, 'sub/c.txt': 3000 };

for (const cell of S3CMD_MATRIX) describeCell(cell);

function describeCell(cell: S3cmdCell): void {
  describe(`s3cmd sync (${cell.label})`, () => {
    const bucket = `aitta-${cell.tag}-sync`;
    let s3cmd: S3cmd;
    const md5: Record<string, string> = {};

    async function write(name: string): Promise<void> {
      const file = path.join(s3cmd.home, 'data', name);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, randomBytes(TREE[name]!));
      md5[name] = await md5OfFile(file);
    }

    before(async () => {
      s3cmd = await createS3cmd(server, cell);
      for (const name of Object.keys(TREE)) await write(name);
      assertS3cmdOk(await s3cmd.run(['mb', `s3://${bucket}`]), 'mb');
    });

    after(async () => {
      if (!s3cmd) return;
      await s3cmd.run(['rb', '--recursive', '--force', `s3://${bucket}`]);
      await s3cmd.dispose();
    });

    async function remoteMd5s(): Promise<string[]> {
      const result = await s3cmd.run(['ls', '--recursive', '--list-md5', `s3://${bucket}`]);
      assertS3cmdOk(result, 'ls --list-md5');
      return normalisedLines(result.stdout);
    }

    function listing(): string[] {
      return Object.keys(TREE).map(
        (name) => `YYYY-MM-DD HH:MM ${String(TREE[name]).padStart(12)}  ${md5[name]!.padEnd(35)}  s3://${bucket}/${name}`,
      );
    }

    it('a first sync uploads every file of the tree, in order, and reports the bytes', async () => {
      const result = await s3cmd.run(['sync', 'data/', `s3://${bucket}/`]);
      assertS3cmdOk(result, 'sync');
      const names = Object.keys(TREE);
      assert.deepEqual(normalisedLines(result.stdout), [
        ...names.map(
          (name, i) =>
            `upload: 'data/${name}' -> 's3://${bucket}/${name}' (${TREE[name]} bytes in S seconds, R B/s) [${i + 1} of ${names.length}]`,
        ),
        'Done. Uploaded 6000 bytes in S seconds, R B/s.',
      ]);
      assert.deepEqual(await remoteMd5s(), listing());
    });

    it('a second sync of an unchanged tree uploads nothing', async () => {
      const result = await s3cmd.run(['sync', 'data/', `s3://${bucket}/`]);
      assertS3cmdOk(result, 'sync');
      assert.equal(result.stdout, '');
    });

    it('a file changed in place (same size) is uploaded again, and only that file', async () => {
      await write('b.txt');
      const result = await s3cmd.run(['sync', 'data/', `s3://${bucket}/`]);
      assertS3cmdOk(result, 'sync');
      assert.deepEqual(normalisedLines(result.stdout), [
        `upload: 'data/b.txt' -> 's3://${bucket}/b.txt' (2000 bytes in S seconds, R B/s) [1 of 1]`,
        'Done. Uploaded 2000 bytes in S seconds, R B/s.',
      ]);
      assert.deepEqual(await remoteMd5s(), listing());
    });

    it('syncing the bucket back to an empty directory downloads identical files', async () => {
      const result = await s3cmd.run(['sync', `s3://${bucket}/`, 'restored/']);
      assertS3cmdOk(result, 'sync down');
      const names = Object.keys(TREE);
      assert.deepEqual(normalisedLines(result.stdout), [
        ...names.map(
          (name, i) =>
            `download: 's3://${bucket}/${name}' -> 'restored/${name}' (${TREE[name]} bytes in S seconds, R B/s) [${i + 1} of ${names.length}]`,
        ),
        'Done. Downloaded 6000 bytes in S seconds, R B/s.',
      ]);
      for (const name of names) assert.equal(await md5OfFile(path.join(s3cmd.home, 'restored', name)), md5[name], name);
    });
  });
}
