// Bucket lifecycle, executed: the guide's two policies ("Setting up an object
// lifecycle") set with s3cmd, read back, shown by `s3cmd info`, and then
// deleting exactly the objects they name on an accelerated clock (a
// lifecycle day of seconds); `s3cmd expire`; the aws CLI and boto3; and a
// server killed mid-pass that, restarted, finishes the job deleting nothing
// twice.

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { awsCli, awsEnv, awsJson, pythonJson, type AwsEnv } from '../helpers/aws.js';
import { assertS3cmdOk, createS3cmd, type S3cmd } from '../helpers/s3cmd.js';
import { sdkClient } from '../helpers/sdk-client.js';
import { startServer, type StartOptions, type TestServer } from '../helpers/server.js';

// Compiled to dist/test/interop/; the policies and scripts stay in the source tree.
const POLICIES = fileURLToPath(new URL('../../../test/interop/lifecycle-policies/', import.meta.url));
const PYTHON_DIR = fileURLToPath(new URL('../../../test/interop/python/', import.meta.url));
const CELL = { signatureV2: false, addressing: 'path', tag: 'v4-path', label: 'SigV4' } as const;

/** A server whose lifecycle day lasts `daySeconds`, and the worker's log lines it prints. */
async function lifecycleServer(daySeconds: number, extra: StartOptions = {}): Promise<{ server: TestServer; log: string[] }> {
  const server = await startServer({
    ...extra,
    env: { AITTA_LIFECYCLE_DAY_SECONDS: String(daySeconds), AITTA_LIFECYCLE_INTERVAL_SECONDS: '0.2', ...extra.env },
  });
  const log: string[] = [];
  let partial = '';
  server.process.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    log.push(...lines.filter((line) => line.startsWith('aitta lifecycle:')));
  });
  return { server, log };
}

async function waitFor(what: string, timeoutMs: number, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function keysOf(client: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/** What `s3cmd getlifecycle` printed, without the pretty-printing between elements. */
function compact(xml: string): string {
  return xml.replace(/>\s+</g, '><').trim();
}

/** The keys the worker reported expiring in `bucket`. */
function expiredIn(log: string[], bucket: string): string[] {
  const prefix = `aitta lifecycle: expired s3://${bucket}/`;
  return log.filter((line) => line.startsWith(prefix)).map((line) => line.slice(prefix.length).replace(/ \(rule [^)]*\)$/, ''));
}

/** The parts of x-amz-expiration, as clients report it. */
function parseExpiration(value: string | undefined): { date: number; ruleId: string } {
  const match = /^expiry-date="([^"]+)", rule-id="([^"]*)"$/.exec(value ?? '');
  assert.ok(match, `x-amz-expiration ${value}`);
  return { date: Date.parse(match[1]!), ruleId: match[2]! };
}

/** Lifecycle day of the first server: long enough to read an object's x-amz-expiration before it expires. */
const DAY_SECONDS = 4;

describe(`the guide's lifecycle policies with s3cmd, the aws CLI and boto3 (a day of ${DAY_SECONDS} seconds)`, () => {
  let server: TestServer;
  let log: string[];
  let s3cmd: S3cmd;
  let aws: AwsEnv;
  let client: S3Client;

  before(async () => {
    ({ server, log } = await lifecycleServer(DAY_SECONDS));
    s3cmd = await createS3cmd(server, CELL);
    aws = await awsEnv(server, 'path');
    client = sdkClient(server);
  });

  after(async () => {
    await aws?.cleanup();
    await s3cmd?.dispose();
    await server?.stop();
  });

  it('policy 1 (tag rules): set, read back, shown by info, sent as x-amz-expiration, and executed', async () => {
    assertS3cmdOk(await s3cmd.run(['mb', 's3://my-bucket']), 'mb');
    const set = await s3cmd.run(['setlifecycle', path.join(POLICIES, 'guide-tags.xml'), 's3://my-bucket']);
    assertS3cmdOk(set, 'setlifecycle');
    assert.equal(set.stdout, 's3://my-bucket/: Lifecycle Policy updated\n');

    const get = await s3cmd.run(['getlifecycle', 's3://my-bucket']);
    assertS3cmdOk(get, 'getlifecycle');
    const rule = (id: string, days: number) =>
      `<Rule><ID>${id}</ID><Filter><Tag><Key>days</Key><Value>${days}</Value></Tag></Filter><Status>Enabled</Status><Expiration><Days>${days}</Days></Expiration></Rule>`;
    assert.equal(
      compact(get.stdout),
      `<?xml version="1.0" ?><LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rule('1-days-expiration', 1)}${rule('30-days-expiration', 30)}</LifecycleConfiguration>`,
    );

    // s3cmd's info reads a rule's Prefix only; tag rules have none, as on S3.
    const info = await s3cmd.run(['info', 's3://my-bucket']);
    assertS3cmdOk(info, 'info');
    assert.match(info.stdout, /^ {3}Expiration Rule: none$/m);

    // The guide's uploads (the one-day ones last, so that they are still there to be read), and two that no rule names.
    const put = async (file: string, target: string, tagging?: string) => {
      await writeFile(path.join(s3cmd.home, file), `${file}\n`);
      const args = [...(tagging ? [`--add-header=x-amz-tagging:${tagging}`] : []), 'put', file, target];
      assertS3cmdOk(await s3cmd.run(args, { cwd: s3cmd.home }), `put ${file}`);
    };
    await put('MY_FILE_03.tar.gz', 's3://my-bucket/', 'days=30');
    await put('untagged.tar.gz', 's3://my-bucket/');
    await put('days-7.tar.gz', 's3://my-bucket/', 'days=7');
    await put('MY_FILE_02.tar.gz', 's3://my-bucket/gone-in-one-day/', 'days=1');
    await put('MY_FILE_01.tar.gz', 's3://my-bucket/', 'days=1');

    const head = async (key: string) => awsJson<{ Expiration?: string; LastModified: string }>(aws, ['s3api', 'head-object', '--bucket', 'my-bucket', '--key', key]);
    const one = await head('MY_FILE_01.tar.gz');
    const thirty = await head('MY_FILE_03.tar.gz');
    const dayMs = DAY_SECONDS * 1000;
    for (const [object, days, ruleId] of [[one, 1, '1-days-expiration'], [thirty, 30, '30-days-expiration']] as const) {
      const expiration = parseExpiration(object.Expiration);
      assert.equal(expiration.ruleId, ruleId);
      // Creation + days, rounded up to the next day boundary (Last-Modified has whole seconds).
      assert.equal(expiration.date % dayMs, 0);
      const after = expiration.date - Date.parse(object.LastModified);
      assert.ok(after >= days * dayMs && after < (days + 1) * dayMs + 1000, `expires ${after} ms after Last-Modified`);
    }
    assert.equal((await head('untagged.tar.gz')).Expiration, undefined);
    assert.equal((await head('days-7.tar.gz')).Expiration, undefined);

    await waitFor('the one-day objects to expire', 30_000, async () => expiredIn(log, 'my-bucket').length === 2);
    assert.deepEqual(expiredIn(log, 'my-bucket').sort(), ['MY_FILE_01.tar.gz', 'gone-in-one-day/MY_FILE_02.tar.gz']);
    assert.deepEqual(await keysOf(client, 'my-bucket'), ['MY_FILE_03.tar.gz', 'days-7.tar.gz', 'untagged.tar.gz']);
    const ls = await s3cmd.run(['ls', '-r', 's3://my-bucket']);
    assertS3cmdOk(ls, 'ls');
    assert.doesNotMatch(ls.stdout, /MY_FILE_0[12]/);
  });

  it('expire sets a one-rule configuration that info prints, executes it, and removes it', async () => {
    assertS3cmdOk(await s3cmd.run(['mb', 's3://expire-bucket']), 'mb');
    const set = await s3cmd.run(['expire', 's3://expire-bucket', '--expiry-days=1', '--expiry-prefix=logs/']);
    assertS3cmdOk(set, 'expire');
    assert.equal(set.stdout, "Bucket 's3://expire-bucket/': expiration configuration is set.\n");
    const info = await s3cmd.run(['info', 's3://expire-bucket']);
    assert.match(info.stdout, /^ {3}Expiration Rule: objects with key prefix 'logs\/' will expire in '1' day\(s\) after creation$/m);

    for (const key of ['logs/a.log', 'logs/b.log', 'data/c.csv', 'logsbook.txt']) {
      await client.send(new PutObjectCommand({ Bucket: 'expire-bucket', Key: key, Body: key }));
    }
    await waitFor('logs/ to expire', 30_000, async () => expiredIn(log, 'expire-bucket').length === 2);
    assert.deepEqual(await keysOf(client, 'expire-bucket'), ['data/c.csv', 'logsbook.txt']);

    const dated = await s3cmd.run(['expire', 's3://expire-bucket', '--expiry-date=2030-01-01T00:00:00.000Z']);
    assertS3cmdOk(dated, 'expire --expiry-date');
    const datedInfo = await s3cmd.run(['info', 's3://expire-bucket']);
    assert.match(datedInfo.stdout, /^ {3}Expiration Rule: all objects in this bucket will expire in '2030-01-01T00:00:00.000Z' $/m);

    const notMidnight = await s3cmd.run(['expire', 's3://expire-bucket', '--expiry-date=2030-01-01T12:00:00.000Z']);
    assert.notEqual(notMidnight.code, 0);
    assert.match(notMidnight.stderr, /400 \(InvalidArgument\): 'Date' must be at midnight GMT/);
    const zero = await s3cmd.run(['expire', 's3://expire-bucket', '--expiry-days=0']);
    assert.match(zero.stderr, /400 \(InvalidArgument\): 'Days' for Expiration action must be a positive integer/);

    const removed = await s3cmd.run(['expire', 's3://expire-bucket']);
    assertS3cmdOk(removed, 'expire (delete)');
    assert.equal(removed.stdout, "Bucket 's3://expire-bucket/': expiration configuration is deleted.\n");
    assert.match((await s3cmd.run(['info', 's3://expire-bucket'])).stdout, /^ {3}Expiration Rule: none$/m);
    const missing = await s3cmd.run(['getlifecycle', 's3://expire-bucket']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /404 \(NoSuchLifecycleConfiguration\)/);
  });

  it('dellifecycle removes the configuration: nothing expires any more', async () => {
    assertS3cmdOk(await s3cmd.run(['mb', 's3://del-bucket']), 'mb');
    assertS3cmdOk(await s3cmd.run(['setlifecycle', path.join(POLICIES, 'guide-tags.xml'), 's3://del-bucket']), 'setlifecycle');
    const del = await s3cmd.run(['dellifecycle', 's3://del-bucket']);
    assertS3cmdOk(del, 'dellifecycle');
    assert.equal(del.stdout, 's3://del-bucket/: Lifecycle Policy deleted\n');
    await client.send(new PutObjectCommand({ Bucket: 'del-bucket', Key: 'MY_FILE_01.tar.gz', Body: 'x', Tagging: 'days=1' }));
    // Two lifecycle days and then some: the object would have expired under the policy.
    await new Promise((resolve) => setTimeout(resolve, (2 * DAY_SECONDS + 1) * 1000));
    assert.deepEqual(await keysOf(client, 'del-bucket'), ['MY_FILE_01.tar.gz']);
  });

  it('the aws CLI puts, gets and deletes a configuration, and gets S3 errors for bad ones', async () => {
    await awsCli(aws, ['s3api', 'create-bucket', '--bucket', 'aws-lifecycle']);
    const rules = [
      { ID: '1-days-expiration', Filter: { Tag: { Key: 'days', Value: '1' } }, Status: 'Enabled', Expiration: { Days: 1 } },
      {
        ID: 'and',
        Filter: { And: { Prefix: 'data/', Tags: [{ Key: 'a', Value: 'b' }], ObjectSizeGreaterThan: 10, ObjectSizeLessThan: 1000 } },
        Status: 'Disabled',
        Expiration: { Date: '2030-01-01T00:00:00.000Z' },
      },
      { ID: 'markers', Filter: { Prefix: 'logs/' }, Status: 'Enabled', Expiration: { ExpiredObjectDeleteMarker: true }, NoncurrentVersionExpiration: { NoncurrentDays: 7, NewerNoncurrentVersions: 3 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } },
    ];
    const file = path.join(aws.dir, 'lifecycle.json');
    await writeFile(file, JSON.stringify({ Rules: rules }));
    await awsCli(aws, ['s3api', 'put-bucket-lifecycle-configuration', '--bucket', 'aws-lifecycle', '--lifecycle-configuration', `file://${file}`]);
    const got = await awsJson<{ Rules: unknown[] }>(aws, ['s3api', 'get-bucket-lifecycle-configuration', '--bucket', 'aws-lifecycle']);
    assert.deepEqual(got.Rules, rules);

    // The guide's prefix policy through the original API (rule-level Prefix).
    await awsCli(aws, ['s3api', 'put-bucket-lifecycle', '--bucket', 'aws-lifecycle', '--lifecycle-configuration', JSON.stringify({
      Rules: [
        { ID: 'Weekly', Prefix: 'weekly/', Status: 'Enabled', Expiration: { Days: 365 } },
        { ID: 'Daily', Prefix: 'daily/', Status: 'Enabled', Expiration: { Days: 30 } },
      ],
    })]);
    const v1 = await awsJson<{ Rules: unknown[] }>(aws, ['s3api', 'get-bucket-lifecycle-configuration', '--bucket', 'aws-lifecycle']);
    assert.deepEqual(v1.Rules, [
      { ID: 'Weekly', Prefix: 'weekly/', Status: 'Enabled', Expiration: { Days: 365 } },
      { ID: 'Daily', Prefix: 'daily/', Status: 'Enabled', Expiration: { Days: 30 } },
    ]);
    const put = await awsJson<{ Expiration?: string }>(aws, ['s3api', 'put-object', '--bucket', 'aws-lifecycle', '--key', 'weekly/report.csv']);
    assert.equal(parseExpiration(put.Expiration).ruleId, 'Weekly');

    const refused = (body: object) =>
      awsCli(aws, ['s3api', 'put-bucket-lifecycle-configuration', '--bucket', 'aws-lifecycle', '--lifecycle-configuration', JSON.stringify(body)]).then(
        () => assert.fail('accepted'),
        (error: Error) => error.message,
      );
    assert.match(
      await refused({ Rules: [{ ID: 'a', Filter: { Prefix: '' }, Status: 'Enabled', Expiration: { Days: 0 } }] }),
      /\(InvalidArgument\).*'Days' for Expiration action must be a positive integer/,
    );
    assert.match(
      await refused({ Rules: [{ ID: 'a', Filter: { Prefix: 'x' }, Status: 'Enabled', Expiration: { Days: 1 } }, { ID: 'a', Filter: { Prefix: 'y' }, Status: 'Enabled', Expiration: { Days: 1 } }] }),
      /\(InvalidArgument\).*Rule ID must be unique/,
    );
    assert.match(
      await refused({ Rules: [{ ID: 'a', Filter: { Tag: { Key: 'k', Value: 'v' } }, Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }] }),
      /\(InvalidRequest\).*AbortIncompleteMultipartUpload cannot be specified with Tags/,
    );
    assert.match(await refused({ Rules: [{ ID: 'a', Filter: { Prefix: '' }, Status: 'Enabled' }] }), /\(InvalidRequest\).*At least one action/);
    // Refused configurations changed nothing.
    assert.deepEqual((await awsJson<{ Rules: unknown[] }>(aws, ['s3api', 'get-bucket-lifecycle-configuration', '--bucket', 'aws-lifecycle'])).Rules, v1.Rules);

    await awsCli(aws, ['s3api', 'delete-bucket-lifecycle', '--bucket', 'aws-lifecycle']);
    await assert.rejects(awsCli(aws, ['s3api', 'get-bucket-lifecycle-configuration', '--bucket', 'aws-lifecycle']), /NoSuchLifecycleConfiguration/);
  });

  it('boto3: configuration read back, Expiration on put and head, objects expired and uploads aborted', async () => {
    const r = await pythonJson<Record<string, any>>(aws, path.join(PYTHON_DIR, 'lifecycle.py'), ['boto-lifecycle', '30'], 60_000);
    assert.deepEqual(r.readBack, [
      { ID: 'tmp-1-day', Filter: { Prefix: 'tmp/' }, Status: 'Enabled', Expiration: { Days: 1 } },
      { ID: 'abort-mp', Filter: { Prefix: 'mp/' }, Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
      { ID: 'disabled', Filter: { Prefix: '' }, Status: 'Disabled', Expiration: { Days: 1 } },
    ]);
    assert.deepEqual(r.badDays, { code: 'InvalidArgument', status: 400 });
    assert.equal(r.putExpiration, r.headExpiration);
    const expiration = parseExpiration(r.headExpiration);
    assert.equal(expiration.ruleId, 'tmp-1-day');
    const after = expiration.date - r.headLastModified * 1000;
    assert.ok(after >= DAY_SECONDS * 1000 && after < (2 * DAY_SECONDS + 1) * 1000, `expires ${after} ms after Last-Modified`);
    assert.equal(r.keptExpiration, null);
    assert.equal(parseExpiration(r.copyExpiration).ruleId, 'tmp-1-day');
    assert.equal(parseExpiration(r.completeExpiration).ruleId, 'tmp-1-day');
    assert.equal(r.abortRuleId, 'abort-mp');
    assert.equal((r.abortDate * 1000) % (DAY_SECONDS * 1000), 0);
    assert.equal(r.otherAbortRuleId, null);
    assert.deepEqual(r.keys, ['keep/c']);
    assert.deepEqual(r.uploads, ['keep/big']);
    assert.deepEqual(r.abortedUploadGone, { code: 'NoSuchUpload', status: 404 });
    await waitFor('the log of the abort', 5000, async () => log.some((line) => line.includes('aborted upload')));
    assert.equal(log.filter((line) => line.includes('aborted upload') && line.includes('s3://boto-lifecycle/mp/big')).length, 1);
  });
});

describe("the guide's prefix policy (a day of 50 ms: Daily after 1.5 s, Weekly after 18.25 s)", () => {
  let server: TestServer;
  let log: string[];
  let s3cmd: S3cmd;
  let client: S3Client;

  before(async () => {
    ({ server, log } = await lifecycleServer(0.05));
    s3cmd = await createS3cmd(server, CELL);
    client = sdkClient(server);
  });

  after(async () => {
    await s3cmd?.dispose();
    await server?.stop();
  });

  it('is shown by info as in the guide and expires daily/, then weekly/, and nothing else', async () => {
    assertS3cmdOk(await s3cmd.run(['mb', 's3://my-bucket']), 'mb');
    assertS3cmdOk(await s3cmd.run(['setlifecycle', path.join(POLICIES, 'guide-prefixes.xml'), 's3://my-bucket']), 'setlifecycle');
    const info = await s3cmd.run(['info', 's3://my-bucket']);
    assertS3cmdOk(info, 'info');
    assert.match(info.stdout, /^ {3}Expiration Rule: objects with key prefix 'weekly\/' will expire in '365' day\(s\) after creation$/m);
    const get = await s3cmd.run(['getlifecycle', 's3://my-bucket']);
    assert.equal(
      compact(get.stdout),
      '<?xml version="1.0" ?><LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Rule><ID>Weekly</ID><Prefix>weekly/</Prefix><Status>Enabled</Status><Expiration><Days>365</Days></Expiration></Rule>' +
        '<Rule><ID>Daily</ID><Prefix>daily/</Prefix><Status>Enabled</Status><Expiration><Days>30</Days></Expiration></Rule>' +
        '</LifecycleConfiguration>',
    );

    await writeFile(path.join(s3cmd.home, 'MY_FILE_04.tar.gz'), 'daily');
    await writeFile(path.join(s3cmd.home, 'MY_FILE_05.tar.gz'), 'weekly');
    assertS3cmdOk(await s3cmd.run(['put', 'MY_FILE_04.tar.gz', 's3://my-bucket/daily/'], { cwd: s3cmd.home }), 'put daily');
    assertS3cmdOk(await s3cmd.run(['put', 'MY_FILE_05.tar.gz', 's3://my-bucket/weekly/'], { cwd: s3cmd.home }), 'put weekly');
    for (const key of ['daily-report.txt', 'monthly/MY_FILE_06.tar.gz', 'weekly']) {
      await client.send(new PutObjectCommand({ Bucket: 'my-bucket', Key: key, Body: key }));
    }
    const started = Date.now();
    await waitFor('daily/ to expire', 15_000, async () => expiredIn(log, 'my-bucket').length === 1);
    assert.ok(Date.now() - started < 18_000, 'daily/ expired before weekly/ could');
    assert.deepEqual(await keysOf(client, 'my-bucket'), ['daily-report.txt', 'monthly/MY_FILE_06.tar.gz', 'weekly', 'weekly/MY_FILE_05.tar.gz']);

    await waitFor('weekly/ to expire', 30_000, async () => expiredIn(log, 'my-bucket').length === 2);
    assert.ok(Date.now() - started >= 18_000 - 2000, 'weekly/ lasted its 365 days');
    assert.deepEqual(await keysOf(client, 'my-bucket'), ['daily-report.txt', 'monthly/MY_FILE_06.tar.gz', 'weekly']);
    assert.deepEqual(expiredIn(log, 'my-bucket'), ['daily/MY_FILE_04.tar.gz', 'weekly/MY_FILE_05.tar.gz']);
  });
});

describe('lifecycle in a versioned bucket with the aws CLI (a day of 50 ms)', () => {
  let server: TestServer;
  let log: string[];
  let aws: AwsEnv;

  before(async () => {
    ({ server, log } = await lifecycleServer(0.05));
    aws = await awsEnv(server, 'path');
  });

  after(async () => {
    await aws?.cleanup();
    await server?.stop();
  });

  it('expiry leaves a delete marker, noncurrent versions go after NoncurrentDays, then the lone marker goes', async () => {
    const bucket = 'versioned-lifecycle';
    await awsCli(aws, ['s3api', 'create-bucket', '--bucket', bucket]);
    await awsCli(aws, ['s3api', 'put-bucket-versioning', '--bucket', bucket, '--versioning-configuration', 'Status=Enabled']);
    const put = async (key: string, body: string) => {
      const file = path.join(aws.dir, 'body');
      await writeFile(file, body);
      return (await awsJson<{ VersionId: string }>(aws, ['s3api', 'put-object', '--bucket', bucket, '--key', key, '--body', file])).VersionId;
    };
    const tmp = await put('tmp/x', 'scratch');
    const oldKeep = await put('keep/y', 'first');
    const newKeep = await put('keep/y', 'second');
    const configuration = {
      Rules: [
        { ID: 'expire-tmp', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 2 } },
        { ID: 'tmp-markers', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { ExpiredObjectDeleteMarker: true } },
        { ID: 'old-versions', Status: 'Enabled', Filter: { Prefix: '' }, NoncurrentVersionExpiration: { NoncurrentDays: 4 } },
      ],
    };
    await awsCli(aws, ['s3api', 'put-bucket-lifecycle-configuration', '--bucket', bucket, '--lifecycle-configuration', JSON.stringify(configuration)]);

    type Listing = { Versions?: Array<{ Key: string; VersionId: string }>; DeleteMarkers?: Array<{ Key: string }> };
    const stored = async () => {
      const listing = await awsJson<Listing>(aws, ['s3api', 'list-object-versions', '--bucket', bucket]);
      return [...(listing.Versions ?? []).map((v) => `${v.Key} ${v.VersionId}`), ...(listing.DeleteMarkers ?? []).map((m) => `${m.Key} marker`)];
    };
    await waitFor('the rules to run their course', 30_000, async () => (await stored()).length === 1);
    assert.deepEqual(await stored(), [`keep/y ${newKeep}`]);
    // Each step once: the expiry (a marker), the two noncurrent versions, the lone marker.
    assert.deepEqual(expiredIn(log, bucket), ['tmp/x']);
    const removed = log.filter((line) => line.startsWith('aitta lifecycle: removed version')).map((line) => line.replace(/^aitta lifecycle: removed version (\S+) of s3:\/\/[^/]+\/(\S+) \(rule ([^)]*)\)$/, '$2 $1 $3'));
    assert.equal(removed.length, 3, removed.join('\n'));
    assert.ok(removed.includes(`keep/y ${oldKeep} old-versions`));
    assert.ok(removed.includes(`tmp/x ${tmp} old-versions`));
    assert.ok(removed.some((line) => line.startsWith('tmp/x ') && line.endsWith(' tmp-markers')));
  });
});

describe('a server killed mid-pass', () => {
  it('resumes after a restart, expires every object the rule names, and deletes nothing twice', async () => {
    const env = { AITTA_LIFECYCLE_BATCH_SIZE: '5', AITTA_LIFECYCLE_BATCH_PAUSE_MS: '100' };
    const first = await lifecycleServer(1, { env });
    const { server } = first;
    const restartOptions = { env, dataDir: server.dataDir, credentials: { accessKey: server.accessKey, secretKey: server.secretKey } };
    let second: { server: TestServer; log: string[] } | undefined;
    const s3cmd = await createS3cmd(server, CELL);
    try {
      const client = sdkClient(server);
      await client.send(new CreateBucketCommand({ Bucket: 'crash' }));
      const due = Array.from({ length: 200 }, (_, i) => `batch/${String(i).padStart(3, '0')}`);
      for (let i = 0; i < due.length; i += 20) {
        await Promise.all(due.slice(i, i + 20).map((key) => client.send(new PutObjectCommand({ Bucket: 'crash', Key: key, Body: key, Tagging: 'expire=yes' }))));
      }
      await client.send(new PutObjectCommand({ Bucket: 'crash', Key: 'batch/untagged', Body: 'stay' }));
      const policy = path.join(s3cmd.home, 'expire.xml');
      await writeFile(
        policy,
        '<LifecycleConfiguration><Rule><ID>tagged</ID><Status>Enabled</Status><Filter><Tag><Key>expire</Key><Value>yes</Value></Tag></Filter><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>',
      );
      assertS3cmdOk(await s3cmd.run(['setlifecycle', policy, 's3://crash']), 'setlifecycle');

      await waitFor('the pass to be under way', 20_000, async () => expiredIn(first.log, 'crash').length >= 20);
      const exited = new Promise((resolve) => server.process.once('close', resolve));
      server.process.kill('SIGKILL');
      await exited;
      const beforeKill = new Set(expiredIn(first.log, 'crash'));
      assert.ok(beforeKill.size < due.length, `the kill came mid-pass (${beforeKill.size} expired)`);

      second = await lifecycleServer(1, restartOptions);
      const client2 = sdkClient(second.server);
      // Keys expired before the kill are stored again without the tag: the rule no longer names them.
      const recreated = [...beforeKill].slice(0, 10);
      for (const key of recreated) await client2.send(new PutObjectCommand({ Bucket: 'crash', Key: key, Body: 'again' }));

      const expected = [...recreated, 'batch/untagged'].sort();
      await waitFor('the restarted worker to finish', 30_000, async () => (await keysOf(client2, 'crash')).length === expected.length);
      // Another pass or two, so that a worker that would delete again has had the chance.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.deepEqual(await keysOf(client2, 'crash'), expected);
      const afterRestart = expiredIn(second.log, 'crash');
      assert.equal(new Set(afterRestart).size, afterRestart.length, 'no key expired twice after the restart');
      assert.deepEqual(afterRestart.filter((key) => beforeKill.has(key)), [], 'nothing expired before the kill was expired again');
      assert.ok(afterRestart.length > 0, 'the restarted worker finished the pass');
      assert.ok([...beforeKill, ...afterRestart].every((key) => due.includes(key)));
    } finally {
      await s3cmd.dispose();
      await second?.server.stop();
      await server.stop();
    }
  });
});
