// `aitta bench` against `aitta serve`: every workload runs and reports
// through the same configuration s3cmd uses (SigV4 and SigV2, both
// addressing styles), the counts it reports are the requests it made, and
// it leaves nothing behind: a bucket it created is gone, and in a bucket it
// was given, only its own prefix was touched (unless --keep).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { S3Client } from '../../src/sdk/client.js';
import { directClient, runAitta } from '../helpers/aitta-client.js';
import { S3CMD_MATRIX, createS3cmd, type S3cmd } from '../helpers/s3cmd.js';
import { startServer, type TestServer } from '../helpers/server.js';

interface Row {
  operation: string;
  requests: number;
  errors: number;
  rate: number;
  unit: string;
  p50Ms?: number;
  p99Ms?: number;
  failed?: string;
}

interface Report {
  type: string;
  bucket: string;
  prefix: string;
  concurrency: number;
  results: Row[];
}

const SMALL = ['--objects', '120', '--obj-size', '3KiB', '--concurrent', '6', '--duration', '20'];
const LARGE = ['--large-size', '12MiB', '--part-size', '5MiB', '--parallel', '2'];

let server: TestServer;
let client: S3Client;
const s3cmds: S3cmd[] = [];

before(async () => {
  server = await startServer();
  client = directClient(server);
});

after(async () => {
  client?.close();
  for (const s3cmd of s3cmds) await s3cmd.dispose();
  await server?.stop();
});

async function s3cmdFor(signatureV2: boolean, addressing: 'path' | 'virtual'): Promise<S3cmd> {
  const s3cmd = await createS3cmd(server, S3CMD_MATRIX.find((c) => c.signatureV2 === signatureV2 && c.addressing === addressing)!);
  s3cmds.push(s3cmd);
  return s3cmd;
}

async function bench(s3cmd: S3cmd, args: string[]): Promise<Report> {
  const result = await runAitta(s3cmd, ['bench', '--json', ...args]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(result.stderr, '');
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines.length, 1, result.stdout);
  const report = JSON.parse(lines[0]!) as Report;
  assert.equal(report.type, 'bench');
  return report;
}

async function keysUnder(bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of client.listObjects(bucket, { prefix })) keys.push(...page.objects.map((o) => o.key));
  return keys;
}

function row(report: Report, operation: string): Row {
  const found = report.results.find((r) => r.operation === operation);
  assert.ok(found, `no ${operation} in ${JSON.stringify(report.results.map((r) => r.operation))}`);
  assert.equal(found.failed, undefined, `${operation} failed: ${found.failed}`);
  assert.equal(found.errors, 0, `${operation} had errors`);
  assert.ok(found.rate > 0 && Number.isFinite(found.rate), `${operation} rate ${found.rate}`);
  return found;
}

describe('aitta bench', () => {
  it('runs every workload on a bucket of its own (SigV4, virtual hosts) and removes it', async () => {
    const s3cmd = await s3cmdFor(false, 'virtual');
    const before = new Set((await client.listBuckets()).map((b) => b.name));
    const report = await bench(s3cmd, [...SMALL, ...LARGE, '--list-keys', '1500']);
    assert.match(report.bucket, /^aitta-bench-[0-9a-f]{8}$/);
    assert.equal(report.concurrency, 6);
    assert.deepEqual(
      report.results.map((r) => r.operation),
      ['PUT 3 KiB', 'GET 3 KiB', 'HEAD', 'DELETE', 'LIST 1500 keys x10', 'PUT 12 MiB', 'GET 12 MiB', 'MULTIPART 12 MiB (5 MiB x2)'],
    );
    for (const op of ['PUT 3 KiB', 'GET 3 KiB', 'HEAD', 'DELETE']) {
      const r = row(report, op);
      assert.equal(r.requests, 120, op);
      assert.equal(r.unit, 'ops/s');
      assert.ok(r.p50Ms! > 0 && r.p99Ms! >= r.p50Ms!, `${op} latencies ${r.p50Ms} ${r.p99Ms}`);
    }
    // Two pages of 1000 per listing, ten timed listings (the untimed first one is not counted).
    assert.equal(row(report, 'LIST 1500 keys x10').requests, 20);
    assert.equal(row(report, 'LIST 1500 keys x10').unit, 'keys/s');
    assert.equal(row(report, 'MULTIPART 12 MiB (5 MiB x2)').requests, 5);
    for (const op of ['PUT 12 MiB', 'GET 12 MiB']) assert.equal(row(report, op).unit, 'MB/s');
    assert.deepEqual(new Set((await client.listBuckets()).map((b) => b.name)), before);
  });

  it('signs SigV2 with path-style addressing as s3cmd does, and prints a table on a terminal-less stdout', async () => {
    const s3cmd = await s3cmdFor(true, 'path');
    await client.createBucket('bench-v2');
    const result = await runAitta(s3cmd, ['bench', 's3://bench-v2', '--only', 'small,multipart', ...SMALL, ...LARGE]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0]!, /^Benchmarking http:\/\/127\.0\.0\.1:\d+, s3:\/\/bench-v2\/aitta-bench-[0-9a-f]{8}\/ \(existing bucket\), 6 requests in flight$/);
    assert.match(lines[1]!, /^Operation +Requests +Errors +Rate +Unit +p50 ms +p99 ms$/);
    assert.deepEqual(
      lines.slice(2).map((l) => l.split(/ {2,}/)[0]),
      ['PUT 3 KiB', 'GET 3 KiB', 'HEAD', 'DELETE', 'MULTIPART 12 MiB (5 MiB x2)'],
    );
    assert.match(lines[2]!, /^PUT 3 KiB +120 +0 +\d+\.\d +ops\/s +\d+\.\d\d +\d+\.\d\d$/);
    assert.deepEqual(await keysUnder('bench-v2'), []);
    await client.deleteBucket('bench-v2');
  });

  it('in a bucket it is given, touches only its own prefix; --keep leaves its objects', async () => {
    const s3cmd = await s3cmdFor(false, 'path');
    await client.createBucket('bench-shared');
    await client.putObject('bench-shared', 'data/keep-me', Buffer.from('precious'));
    const report = await bench(s3cmd, ['s3://bench-shared/data', '--only', 'small,large', '--keep', ...SMALL, ...LARGE]);
    assert.match(report.prefix, /^data\/aitta-bench-[0-9a-f]{8}\/$/);
    const left = await keysUnder('bench-shared');
    // DELETE removed the small objects; the large one stays with --keep.
    assert.deepEqual(left, [`${report.prefix}large`, 'data/keep-me']);

    const again = await bench(s3cmd, ['s3://bench-shared/data', '--only', 'large', ...LARGE]);
    assert.notEqual(again.prefix, report.prefix);
    assert.deepEqual(await keysUnder('bench-shared'), left);
    assert.equal((await readObject('bench-shared', 'data/keep-me')).toString(), 'precious');
  });

  it('reports a workload that fails, and exits non-zero', async () => {
    const s3cmd = await s3cmdFor(false, 'path');
    const result = await runAitta(s3cmd, ['bench', 's3://no-such-bench-bucket', '--only', 'small', ...SMALL]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    for (const op of ['PUT 3 KiB', 'GET 3 KiB', 'HEAD', 'DELETE']) {
      assert.match(result.stdout, new RegExp(`^${op} +failed: 404 \\(NoSuchBucket\\): The specified bucket does not exist$`, 'm'));
    }
  });

  it('refuses bad options with s3cmd\'s parameter error', async () => {
    const s3cmd = await s3cmdFor(false, 'path');
    for (const [args, message] of [
      [['--obj-size', '4XB'], '--obj-size: not a size: 4XB'],
      [['--only', 'small,everything'], '--only: unknown workload everything'],
      [['--concurrent', '0'], '--concurrent: expected a positive whole number, got 0'],
    ] as const) {
      const result = await runAitta(s3cmd, ['bench', ...args]);
      assert.equal(result.code, 64, result.stderr);
      assert.match(result.stderr, new RegExp(`^ERROR: Parameter problem: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
  });
});

async function readObject(bucket: string, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await client.getObject(bucket, key)).body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
