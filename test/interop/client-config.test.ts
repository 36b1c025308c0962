// The aitta client's ACL and bucket-configuration commands against the
// real s3cmd 2.3.0 on the same server: setacl (-P, --acl-private,
// --acl-grant, --acl-revoke, --recursive, filters, dry run), setpolicy and
// delpolicy, mv and modify, CORS, lifecycle and expire; and the commands
// whose server side Aitta lacks (setting the payer, websites, notifications,
// restore): their requests must reach the server and its NotImplemented be
// reported exactly as s3cmd reports it.
// s3cmd 2.4's getpolicy, getcors, setversioning and the tagging commands,
// which 2.3 lacks, and the CloudFront refusal are checked on their own.

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ClientTwins, startTwins, runAitta, TOOLS, type TwinsFixture } from '../helpers/aitta-client.js';
import { S3CMD_MATRIX, type S3cmd } from '../helpers/s3cmd.js';

let fixture: TwinsFixture;
let s3cmd: S3cmd;
let twins: ClientTwins;

before(async () => {
  fixture = await startTwins('cconf', S3CMD_MATRIX.find((cell) => cell.signatureV2 && cell.addressing === 'virtual')!);
  ({ s3cmd, twins } = fixture);
  for (const tool of TOOLS) {
    const bucket = twins.bucket[tool];
    await writeFile(path.join(twins.work[tool], 'file.txt'), 'some text\n');
    await writeFile(
      path.join(twins.work[tool], 'policy.json'),
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] }),
    );
    await writeFile(path.join(twins.work[tool], 'cors.xml'), '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>');
    await writeFile(
      path.join(twins.work[tool], 'lifecycle.xml'),
      '<LifecycleConfiguration><Rule><ID>old</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration></Rule></LifecycleConfiguration>',
    );
  }
});

after(async () => {
  await fixture?.stop();
});

const same = (args: string[], expectedCode = 0) => twins.same(args, expectedCode);
const aitta = (args: string[]) => runAitta(s3cmd, args, { cwd: twins.work.aitta });

describe('aitta ACL and bucket configuration commands vs s3cmd', () => {
  it('setacl: public and private objects and buckets, grants and revokes, recursive, filtered, dry run', async () => {
    await same(['mb', 's3://BUCKET']);
    for (const key of ['a.txt', 'dir/b.txt', 'dir/c.log']) await same(['put', 'file.txt', `s3://BUCKET/${key}`]);
    await same(['setacl', '-P', 's3://BUCKET/a.txt']);
    await same(['info', 's3://BUCKET/a.txt']);
    await same(['setacl', '-P', 's3://BUCKET/a.txt']);
    await same(['setacl', '--acl-private', 's3://BUCKET/a.txt']);
    await same(['setacl', '-P', 's3://BUCKET']);
    await same(['info', 's3://BUCKET']);
    await same(['setacl', '--acl-private', 's3://BUCKET']);
    await same(['setacl', '--acl-grant=read:http://acs.amazonaws.com/groups/global/AuthenticatedUsers', '--acl-grant=read_acp:http://acs.amazonaws.com/groups/global/AllUsers', 's3://BUCKET/a.txt']);
    await same(['info', 's3://BUCKET/a.txt']);
    await same(['setacl', '--acl-revoke=all:http://acs.amazonaws.com/groups/global/AuthenticatedUsers', 's3://BUCKET/a.txt']);
    await same(['info', 's3://BUCKET/a.txt']);
    await same(['setacl', '-P', '-r', '--exclude=*.log', 's3://BUCKET/dir/']);
    await same(['setacl', '--acl-private', '-r', '--dry-run', 's3://BUCKET/']);
    await same(['info', 's3://BUCKET/dir/b.txt']);
    await same(['info', 's3://BUCKET/dir/c.log']);
    await same(['setacl', '-P', 's3://BUCKET/missing'], 12);
    for (const tool of TOOLS) {
      const refused = await twins.run(tool, ['setacl', '--acl-grant=bogus:someone', `s3://${twins.bucket[tool]}`]);
      assert.equal(refused.code, 2, `${tool}: an unknown ACL permission is a usage error`);
    }
  });

  it('setpolicy, delpolicy, and dry runs that send nothing', async () => {
    await same(['setpolicy', 'policy.json', 's3://BUCKET']);
    await same(['info', 's3://BUCKET']);
    const got = await aitta(['getpolicy', `s3://${twins.bucket.aitta}`]);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(JSON.parse(got.stdout).Statement[0].Action, 's3:GetObject');
    await same(['delpolicy', 's3://BUCKET']);
    await same(['delpolicy', '--dry-run', 's3://BUCKET']);
    await same(['setpolicy', '--dry-run', 'policy.json', 's3://BUCKET']);
    await same(['info', 's3://BUCKET']);
    const none = await aitta(['getpolicy', `s3://${twins.bucket.aitta}`]);
    assert.equal(none.code, 12);
    assert.match(none.stderr, /^ERROR: S3 error: 404 \(NoSuchBucketPolicy\)/);
    await same(['setpolicy', 'policy.json', 's3://cconf-no-such-bucket'], 12);
  });

  it('mv and modify keep s3cmd metadata order and ACLs', async () => {
    await same(['mv', 's3://BUCKET/a.txt', 's3://BUCKET/moved/']);
    await same(['modify', '--add-header=x-amz-meta-zz:1', '--add-header=x-amz-meta-aa:2', 's3://BUCKET/moved/a.txt']);
    await same(['info', 's3://BUCKET/moved/a.txt']);
    await same(['mv', 's3://BUCKET/nope', 's3://BUCKET/moved/'], 12);
    await same(['ls', '-r', 's3://BUCKET']);
  });

  it('CORS, lifecycle, expire, payer, website, notification, restore and sign as s3cmd does them, and what the server lacks reported as s3cmd reports it', async () => {
    await same(['setcors', 'cors.xml', 's3://BUCKET']);
    await same(['info', 's3://BUCKET']);
    await same(['delcors', 's3://BUCKET']);
    await same(['info', 's3://BUCKET']);
    await same(['setlifecycle', 'lifecycle.xml', 's3://BUCKET']);
    await same(['getlifecycle', 's3://BUCKET']);
    await same(['info', 's3://BUCKET']);
    await same(['dellifecycle', 's3://BUCKET']);
    await same(['getlifecycle', 's3://BUCKET'], 12);
    await same(['expire', '--expiry-days=30', '--expiry-prefix=logs/', 's3://BUCKET']);
    // expire names its rule with a random id, as s3cmd does.
    const expired = {} as Record<string, string>;
    for (const tool of TOOLS) {
      const got = await twins.run(tool, ['getlifecycle', `s3://${twins.bucket[tool]}`]);
      assert.equal(got.code, 0, got.stderr);
      assert.match(got.stdout, /<ID>[A-Za-z0-9+/=]{16,}<\/ID>/);
      expired[tool] = got.stdout.replace(/<ID>[^<]*<\/ID>/, '<ID/>');
    }
    assert.equal(expired.aitta, expired.s3cmd);
    await same(['info', 's3://BUCKET']);
    await same(['expire', 's3://BUCKET']);
    await same(['getlifecycle', 's3://BUCKET'], 12);
    await same(['expire', '--expiry-prefix=logs/', 's3://BUCKET'], 64);
    await same(['expire', 's3://BUCKET/key'], 64);
    await same(['payer', 's3://BUCKET'], 11);
    await same(['payer', '--requester-pays', 's3://BUCKET'], 11);
    await same(['ws-create', '--ws-index=index.html', 's3://BUCKET'], 11);
    await same(['ws-info', 's3://BUCKET'], 11);
    await same(['ws-delete', 's3://BUCKET'], 11);
    await same(['setcors', '--dry-run', 'cors.xml', 's3://BUCKET']);
    await same(['setnotification', 'cors.xml', 's3://BUCKET'], 11);
    await same(['getnotification', 's3://BUCKET'], 11);
    await same(['delnotification', 's3://BUCKET'], 11);
    await same(['restore', 's3://BUCKET/dir/b.txt'], 11);
    await same(['restore', '--restore-days=3', '--restore-priority=bulk', '--dry-run', '-r', '--exclude=*.log', 's3://BUCKET/dir/']);
    // An unknown priority is refused by the option parser of each (exit 2), in its own words.
    for (const tool of TOOLS) assert.equal((await twins.run(tool, ['restore', '--restore-priority=slow', `s3://${twins.bucket[tool]}/dir/b.txt`])).code, 2, tool);
    await same(['restore', '-D', '0', 's3://BUCKET/dir/b.txt'], 64);
    await same(['sign', 'GET\n\n\n1700000000\n/bucket/key']);
    await same(['setlifecycle'], 64);
    // A missing file: s3cmd's crash report differs in every line, its exit code (EX_IOERR) does not.
    for (const tool of TOOLS) assert.equal((await twins.run(tool, ['setlifecycle', 'no-such-file.xml', `s3://${twins.bucket[tool]}`])).code, 74, tool);
  });

  it('s3cmd 2.4 commands: tagging of objects and buckets, getcors, setversioning', async () => {
    const object = `s3://${twins.bucket.aitta}/dir/b.txt`;
    const set = await aitta(['settagging', object, 'project=aitta&note=a=b&empty']);
    assert.deepEqual([set.code, set.stdout], [0, `${object}: Tagging updated\n`]);
    const got = await aitta(['gettagging', object]);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(got.stdout.split('\n').slice(1, -1).sort(), ['\tempty:\t', '\tnote:\ta=b', '\tproject:\taitta']);
    assert.equal(got.stdout.split('\n')[0], `${object} (object):`);
    const json = await aitta(['--json', 'gettagging', object]);
    assert.deepEqual(JSON.parse(json.stdout).tags, { project: 'aitta', note: 'a=b', empty: '' });
    assert.deepEqual((await aitta(['settagging', object, '=v'])).code, 64);
    const deleted = await aitta(['deltagging', object]);
    assert.deepEqual([deleted.code, deleted.stdout], [0, `${object}: Tagging deleted\n`]);
    assert.equal((await aitta(['gettagging', object])).stdout, `${object} (object):\n`);
    const bucket = `s3://${twins.bucket.aitta}`;
    const bucketTags = await aitta(['settagging', bucket, 'a=1']);
    assert.deepEqual([bucketTags.code, bucketTags.stdout], [0, `${bucket}/: Tagging updated\n`], bucketTags.stderr);
    assert.equal((await aitta(['gettagging', bucket])).stdout, `${bucket}/ (bucket):\n\ta:\t1\n`);
    assert.equal((await aitta(['deltagging', bucket])).code, 0);
    const cors = await aitta(['getcors', `s3://${twins.bucket.aitta}`]);
    assert.equal(cors.code, 12);
    assert.match(cors.stderr, /^ERROR: S3 error: 404 \(NoSuchCORSConfiguration\)/);
    const versioning = await aitta(['setversioning', bucket, 'enable']);
    assert.deepEqual([versioning.code, versioning.stdout], [0, `${bucket}/: Versioning Enabled\n`], versioning.stderr);
    const suspended = await aitta(['setversioning', bucket, 'disable']);
    assert.deepEqual([suspended.code, suspended.stdout], [0, `${bucket}/: Versioning Suspended\n`], suspended.stderr);
    assert.equal((await aitta(['setversioning', `s3://${twins.bucket.aitta}`, 'maybe'])).code, 64);
    assert.equal((await aitta(['setversioning', `s3://${twins.bucket.aitta}/key`, 'enable'])).code, 64);
  });

  it('CloudFront commands say they are not supported', async () => {
    for (const args of [['cflist'], ['cfinfo'], ['cfcreate', `s3://${twins.bucket.aitta}`], ['cfinvalinfo', 'cf://E123']]) {
      const result = await aitta(args);
      assert.equal(result.code, 11, args.join(' '));
      assert.equal(result.stdout, '');
      assert.match(result.stderr, new RegExp(`^ERROR: '${args[0]}' is not supported: CloudFront`));
    }
  });
});
