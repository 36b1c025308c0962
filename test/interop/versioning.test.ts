// Versioning through the aws CLI and s3cmd: a versioned bucket keeps every
// overwrite, s3cmd's delete leaves a marker that hides the object, and
// removing the marker restores it; an old version is downloaded by id and
// compared byte for byte. curl checks the delete-marker headers on the wire.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { awsCli, awsEnv, awsJson, md5Hex, type AwsEnv } from '../helpers/aws.js';
import { assertS3cmdOk, createS3cmd, type S3cmd } from '../helpers/s3cmd.js';
import { startServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);

interface Versions {
  Versions?: Array<{ Key: string; VersionId: string; IsLatest: boolean; Size: number; ETag: string }>;
  DeleteMarkers?: Array<{ Key: string; VersionId: string; IsLatest: boolean }>;
}

describe('versioning with the aws CLI and s3cmd', () => {
  let server: TestServer;
  let s3cmd: S3cmd;
  let aws: AwsEnv;
  const bucket = 'versioned';
  const versions = () => awsJson<Versions>(aws, ['s3api', 'list-object-versions', '--bucket', bucket]);

  before(async () => {
    server = await startServer();
    s3cmd = await createS3cmd(server, { signatureV2: false, addressing: 'path', tag: 'v4-path', label: 'SigV4' });
    aws = await awsEnv(server, 'path');
    await awsCli(aws, ['s3api', 'create-bucket', '--bucket', bucket]);
  });

  after(async () => {
    await aws.cleanup();
    await s3cmd.dispose();
    await server.stop();
  });

  it('turns versioning on, and refuses a status S3 does not know', async () => {
    assert.equal(await awsJson(aws, ['s3api', 'get-bucket-versioning', '--bucket', bucket]), undefined);
    const bad = await awsCli(aws, ['s3api', 'put-bucket-versioning', '--bucket', bucket, '--versioning-configuration', 'Status=Off']).catch((e: Error) => e);
    assert.match(String(bad), /MalformedXML/);
    await awsCli(aws, ['s3api', 'put-bucket-versioning', '--bucket', bucket, '--versioning-configuration', 'Status=Enabled']);
    assert.deepEqual(await awsJson(aws, ['s3api', 'get-bucket-versioning', '--bucket', bucket]), { Status: 'Enabled' });
  });

  it('keeps every overwrite made with s3cmd put, and gives back an old version by id', async () => {
    const first = randomBytes(300_000);
    const second = randomBytes(200_000);
    const file = path.join(s3cmd.home, 'results.bin');
    await writeFile(file, first);
    assertS3cmdOk(await s3cmd.run(['put', file, `s3://${bucket}/results.bin`]), 'first put');
    await writeFile(file, second);
    assertS3cmdOk(await s3cmd.run(['put', file, `s3://${bucket}/results.bin`]), 'second put');

    const listed = await s3cmd.run(['ls', `s3://${bucket}/`]);
    assert.equal(listed.stdout.trim().split('\n').length, 1, `ls shows the current version only:\n${listed.stdout}`);
    const { Versions = [] } = await versions();
    assert.deepEqual(Versions.map((v) => [v.Size, v.IsLatest]), [[200_000, true], [300_000, false]]);
    assert.deepEqual(Versions.map((v) => v.ETag), [`"${md5Hex(second)}"`, `"${md5Hex(first)}"`]);

    const old = path.join(aws.dir, 'old.bin');
    const got = await awsJson<{ VersionId: string }>(aws, ['s3api', 'get-object', '--bucket', bucket, '--key', 'results.bin', '--version-id', Versions[1]!.VersionId, old]);
    assert.equal(got.VersionId, Versions[1]!.VersionId);
    assert.equal(md5Hex(await readFile(old)), md5Hex(first));
  });

  it('s3cmd del leaves a delete marker; removing the marker restores the object', async () => {
    assertS3cmdOk(await s3cmd.run(['del', `s3://${bucket}/results.bin`]), 'del');
    const missing = await s3cmd.run(['get', '--force', `s3://${bucket}/results.bin`, path.join(s3cmd.home, 'gone.bin')]);
    assert.notEqual(missing.code, 0, 'the deleted object is not downloadable');
    const { DeleteMarkers = [], Versions = [] } = await versions();
    assert.equal(DeleteMarkers.length, 1);
    assert.equal(DeleteMarkers[0]!.IsLatest, true);
    assert.equal(Versions.length, 2, 'both versions are still stored');

    // On the wire: the 404 names the marker.
    const url = (await awsCli(aws, ['s3', 'presign', `s3://${bucket}/results.bin`])).stdout.trim();
    const { stdout } = await run('curl', ['-s', '-D', '-', '-o', '/dev/null', url]);
    assert.match(stdout, /^HTTP\/1\.1 404/);
    assert.match(stdout, /x-amz-delete-marker: true/i);
    assert.match(stdout, new RegExp(`x-amz-version-id: ${DeleteMarkers[0]!.VersionId}`, 'i'));

    const rb = await s3cmd.run(['rb', `s3://${bucket}`]);
    assert.notEqual(rb.code, 0);
    assert.match(rb.stderr, /BucketNotEmpty/);

    await awsCli(aws, ['s3api', 'delete-object', '--bucket', bucket, '--key', 'results.bin', '--version-id', DeleteMarkers[0]!.VersionId]);
    const back = path.join(s3cmd.home, 'back.bin');
    assertS3cmdOk(await s3cmd.run(['get', '--force', `s3://${bucket}/results.bin`, back]), 'get after restore');
    assert.equal(md5Hex(await readFile(back)), Versions[0]!.ETag.replaceAll('"', ''));
  });

  it('an ACL belongs to a version: a public current version does not publish the private one before it', async () => {
    const file = path.join(aws.dir, 'note.txt');
    await writeFile(file, 'private draft');
    const draft = await awsJson<{ VersionId: string }>(aws, ['s3api', 'put-object', '--bucket', bucket, '--key', 'note.txt', '--body', file]);
    await writeFile(file, 'public text');
    const published = await awsJson<{ VersionId: string }>(aws, ['s3api', 'put-object', '--bucket', bucket, '--key', 'note.txt', '--body', file, '--acl', 'public-read']);
    const status = async (query: string) =>
      (await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${server.endpoint}/${bucket}/note.txt${query}`])).stdout;
    assert.equal(await status(''), '200');
    assert.equal(await status(`?versionId=${published.VersionId}`), '200');
    assert.equal(await status(`?versionId=${draft.VersionId}`), '403');
  });

  it('deletes every version for good, after which the bucket can go', async () => {
    const { Versions = [], DeleteMarkers = [] } = await versions();
    for (const { Key, VersionId } of [...Versions, ...DeleteMarkers]) {
      await awsCli(aws, ['s3api', 'delete-object', '--bucket', bucket, '--key', Key, '--version-id', VersionId]);
    }
    const left = await versions();
    assert.deepEqual([left.Versions, left.DeleteMarkers], [undefined, undefined], 'nothing is left');
    assertS3cmdOk(await s3cmd.run(['rb', `s3://${bucket}`]), 'rb');
  });
});
