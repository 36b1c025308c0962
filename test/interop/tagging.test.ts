// Object tags: set on upload the way the guide's lifecycle section does
// (`s3cmd --add-header=x-amz-tagging:days=1 put …`), read and changed with the
// aws CLI, carried or replaced by copies, and S3's limits enforced.

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { awsCli, awsEnv, awsJson, type AwsEnv } from '../helpers/aws.js';
import { createS3cmd, type S3cmd } from '../helpers/s3cmd.js';
import { sdkClient } from '../helpers/sdk-client.js';
import { startServer, type TestServer } from '../helpers/server.js';

type TagSet = { TagSet: Array<{ Key: string; Value: string }> };

describe('object tagging', () => {
  let server: TestServer;
  let s3cmd: S3cmd;
  let aws: AwsEnv;

  before(async () => {
    server = await startServer();
    s3cmd = await createS3cmd(server, { signatureV2: false, addressing: 'path', tag: 'v4-path', label: 'SigV4' });
    aws = await awsEnv(server, 'path');
    await sdkClient(server).send(new CreateBucketCommand({ Bucket: 'tagged' }));
  });

  after(async () => {
    await aws.cleanup();
    await s3cmd.dispose();
    await server.stop();
  });

  it("tags an upload with s3cmd --add-header=x-amz-tagging, as the guide's lifecycle section does", async () => {
    const file = path.join(s3cmd.home, 'MY_FILE_01.tar.gz');
    await writeFile(file, 'archive');
    const put = await s3cmd.run(['--add-header=x-amz-tagging:days=1', 'put', file, 's3://tagged/gone-in-one-day/']);
    assert.equal(put.code, 0, put.stderr);
    const tags = await awsJson<TagSet>(aws, ['s3api', 'get-object-tagging', '--bucket', 'tagged', '--key', 'gone-in-one-day/MY_FILE_01.tar.gz']);
    assert.deepEqual(tags.TagSet, [{ Key: 'days', Value: '1' }]);
    const head = await sdkClient(server).send(new HeadObjectCommand({ Bucket: 'tagged', Key: 'gone-in-one-day/MY_FILE_01.tar.gz' }));
    assert.equal(head.TagCount, 1);
  });

  it('replaces and deletes tags with the aws CLI, leaving the data and ETag alone', async () => {
    const s3 = sdkClient(server);
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket: 'tagged', Key: 'obj', Body: 'data', Tagging: 'a=1&b=two%20words' }));
    await awsCli(aws, ['s3api', 'put-object-tagging', '--bucket', 'tagged', '--key', 'obj', '--tagging', 'TagSet=[{Key=days,Value=30}]']);
    assert.deepEqual((await awsJson<TagSet>(aws, ['s3api', 'get-object-tagging', '--bucket', 'tagged', '--key', 'obj'])).TagSet, [{ Key: 'days', Value: '30' }]);
    await awsCli(aws, ['s3api', 'delete-object-tagging', '--bucket', 'tagged', '--key', 'obj']);
    assert.deepEqual((await awsJson<TagSet>(aws, ['s3api', 'get-object-tagging', '--bucket', 'tagged', '--key', 'obj'])).TagSet, []);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'tagged', Key: 'obj' }))).ETag, ETag);
  });

  it('copies tags by default and replaces them with x-amz-tagging-directive REPLACE', async () => {
    const s3 = sdkClient(server);
    await s3.send(new PutObjectCommand({ Bucket: 'tagged', Key: 'src', Body: 'x', Tagging: 'keep=me' }));
    await s3.send(new CopyObjectCommand({ Bucket: 'tagged', Key: 'copy', CopySource: 'tagged/src' }));
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: 'tagged', Key: 'copy' }))).TagSet, [{ Key: 'keep', Value: 'me' }]);
    await s3.send(new CopyObjectCommand({ Bucket: 'tagged', Key: 'copy2', CopySource: 'tagged/src', TaggingDirective: 'REPLACE', Tagging: 'new=tag' }));
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: 'tagged', Key: 'copy2' }))).TagSet, [{ Key: 'new', Value: 'tag' }]);
  });

  it("refuses tags beyond S3's limits with InvalidTag and stores nothing", async () => {
    const s3 = sdkClient(server);
    const invalid = (e: unknown) => e instanceof S3ServiceException && e.name === 'InvalidTag';
    const eleven = Array.from({ length: 11 }, (_, i) => `k${i}=v`).join('&');
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'tagged', Key: 'too-many', Body: 'x', Tagging: eleven })), invalid);
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'tagged', Key: 'long', Body: 'x', Tagging: `${'k'.repeat(129)}=v` })), invalid);
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'tagged', Key: 'aws', Body: 'x', Tagging: 'aws:reserved=v' })), invalid);
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: 'tagged', Key: 'too-many' })), (e: unknown) => e instanceof S3ServiceException && e.$metadata.httpStatusCode === 404);
  });

  it('lets a bucket policy decide by an object\'s tags (s3:ExistingObjectTag)', async () => {
    const s3 = sdkClient(server);
    await s3.send(new PutObjectCommand({ Bucket: 'tagged', Key: 'secret', Body: 's', Tagging: 'classification=secret' }));
    await s3.send(new PutObjectCommand({ Bucket: 'tagged', Key: 'open', Body: 'o', Tagging: 'classification=open' }));
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::tagged/*',
          Condition: { StringEquals: { 's3:ExistingObjectTag/classification': 'secret' } },
        },
      ],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'tagged', Policy: policy }));
    try {
      await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'tagged', Key: 'secret' })), (e: unknown) => e instanceof S3ServiceException && e.name === 'AccessDenied');
      assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'tagged', Key: 'open' }))).Body!.transformToString(), 'o');
    } finally {
      await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'tagged' }));
    }
  });

  it('sets, reads and deletes bucket tags with the aws CLI, with S3\'s 50-tag limit', async () => {
    const bucketTags = () => awsJson<TagSet>(aws, ['s3api', 'get-bucket-tagging', '--bucket', 'tagged']);
    const missing = await awsCli(aws, ['s3api', 'get-bucket-tagging', '--bucket', 'tagged']).catch((e: Error) => e);
    assert.match(String(missing), /NoSuchTagSet/);
    await awsCli(aws, ['s3api', 'put-bucket-tagging', '--bucket', 'tagged', '--tagging', 'TagSet=[{Key=project,Value=zebrafish},{Key=owner,Value=lab 4}]']);
    assert.deepEqual((await bucketTags()).TagSet, [{ Key: 'project', Value: 'zebrafish' }, { Key: 'owner', Value: 'lab 4' }]);

    const fiftyOne = Array.from({ length: 51 }, (_, i) => `{Key=k${i},Value=v}`).join(',');
    const tooMany = await awsCli(aws, ['s3api', 'put-bucket-tagging', '--bucket', 'tagged', '--tagging', `TagSet=[${fiftyOne}]`]).catch((e: Error) => e);
    assert.match(String(tooMany), /InvalidTag/);
    assert.equal((await bucketTags()).TagSet.length, 2, 'a refused tag set changes nothing');

    await awsCli(aws, ['s3api', 'delete-bucket-tagging', '--bucket', 'tagged']);
    assert.match(String(await awsCli(aws, ['s3api', 'get-bucket-tagging', '--bucket', 'tagged']).catch((e: Error) => e)), /NoSuchTagSet/);
  });
});
