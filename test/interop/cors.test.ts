// Bucket CORS through real clients: rules set with `s3cmd setcors` (every
// signature version and addressing style) and `aws s3api put-bucket-cors`,
// read back and shown by `s3cmd info`, deleted; browser-style preflights and
// cross-origin requests with curl (anonymous, presigned, virtual-hosted); and
// the errors S3 sends for configurations it refuses, which change nothing.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  DeleteBucketPolicyCommand,
  GetBucketCorsCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type CORSRule,
} from '@aws-sdk/client-s3';
import type { FinalizeHandler, FinalizeHandlerArguments, MetadataBearer } from '@smithy/types';
import { awsCli, awsEnv, awsJson, type AwsEnv } from '../helpers/aws.js';
import { S3CMD_MATRIX, assertS3cmdOk, createS3cmd, type S3cmd } from '../helpers/s3cmd.js';
import { sdkClient } from '../helpers/sdk-client.js';
import { startServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);

const BUCKET = 'cors-site';
const APP = 'https://app.example.com';
const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';
const NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

/** The rules most tests run against: one for the app (with credentials), one open to every origin for reading. */
const RULES: CORSRule[] = [
  {
    ID: 'app',
    AllowedHeaders: ['Content-Type', 'x-amz-*'],
    AllowedMethods: ['GET', 'PUT', 'POST'],
    AllowedOrigins: [APP, 'http://*.example.org'],
    ExposeHeaders: ['ETag', 'x-amz-request-id'],
    MaxAgeSeconds: 600,
  },
  { AllowedMethods: ['GET', 'HEAD'], AllowedOrigins: ['*'] },
];

/** The CORS headers S3 answers a request the 'app' rule allows from APP with (a preflight adds the requested headers). */
const APP_CORS = {
  'access-control-allow-origin': APP,
  'access-control-allow-methods': 'GET, PUT, POST',
  'access-control-expose-headers': 'ETag, x-amz-request-id',
  'access-control-max-age': '600',
  'access-control-allow-credentials': 'true',
  vary: VARY,
};
/** ...and those of the rule open to every origin. */
const ANY_ORIGIN_CORS = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, HEAD', vary: VARY };

interface Answer {
  status: number;
  /** Lowercase names. */
  headers: Record<string, string>;
  body: string;
}

/** Runs curl and splits its answer (-i: the head, a blank line, the body). */
async function curl(args: string[]): Promise<Answer> {
  const { stdout } = await run('curl', ['-s', '-i', ...args]);
  const end = stdout.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = stdout.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: stdout.slice(end + 4) };
}

/** The CORS headers of an answer (and Vary, which S3 sends with them). */
function corsOf(answer: Answer): Record<string, string> {
  return Object.fromEntries(Object.entries(answer.headers).filter(([name]) => name.startsWith('access-control-') || name === 'vary'));
}

/** A browser's preflight: OPTIONS with Origin and the method (and headers) the actual request will use. */
function preflight(url: string, origin: string | undefined, method: string | undefined, requestHeaders?: string, extra: string[] = []): Promise<Answer> {
  const args = ['-X', 'OPTIONS', ...extra];
  if (origin !== undefined) args.push('-H', `Origin: ${origin}`);
  if (method !== undefined) args.push('-H', `Access-Control-Request-Method: ${method}`);
  if (requestHeaders !== undefined) args.push('-H', `Access-Control-Request-Headers: ${requestHeaders}`);
  return curl([...args, url]);
}

function errorElement(answer: Answer, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(answer.body)?.[1]?.replaceAll('&apos;', "'");
}

function assertS3Error(answer: Answer, status: number, code: string, message: string, details: Record<string, string> = {}): void {
  assert.equal(answer.status, status, answer.body);
  assert.equal(errorElement(answer, 'Code'), code);
  assert.equal(errorElement(answer, 'Message'), message);
  for (const [name, value] of Object.entries(details)) assert.equal(errorElement(answer, name), value, name);
}

function s3Refusal(status: number, code: string, message?: string) {
  return (e: unknown) =>
    e instanceof S3ServiceException && e.$metadata.httpStatusCode === status && e.name === code && (message === undefined || e.message === message);
}

/** The GetBucketCors document for RULES, as `s3cmd info` prints it. */
const RULES_XML =
  '<?xml version="1.0" encoding="UTF-8"?>\n<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
  '<CORSRule><ID>app</ID><AllowedHeader>Content-Type</AllowedHeader><AllowedHeader>x-amz-*</AllowedHeader>' +
  '<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod>' +
  '<AllowedOrigin>https://app.example.com</AllowedOrigin><AllowedOrigin>http://*.example.org</AllowedOrigin>' +
  '<ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-request-id</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule>' +
  '<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule>' +
  '</CORSConfiguration>';

/** RULES as a file for `s3cmd setcors`, written the way people write it: indented, no namespace. */
const RULES_FILE = `<CORSConfiguration>
  <CORSRule>
    <ID>app</ID>
    <AllowedOrigin>https://app.example.com</AllowedOrigin>
    <AllowedOrigin>http://*.example.org</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedHeader>Content-Type</AllowedHeader>
    <AllowedHeader>x-amz-*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <ExposeHeader>x-amz-request-id</ExposeHeader>
    <MaxAgeSeconds>600</MaxAgeSeconds>
  </CORSRule>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
  </CORSRule>
</CORSConfiguration>
`;

function corsLine(info: string): string {
  const start = info.indexOf('   CORS:      ');
  assert.notEqual(start, -1, info);
  return info.slice(start + '   CORS:      '.length, info.indexOf('\n   ACL:', start));
}

describe('bucket CORS', () => {
  let server: TestServer;
  let s3: S3Client;
  let s3cmd: S3cmd;
  let aws: AwsEnv;
  let objectUrl: string;

  before(async () => {
    server = await startServer();
    s3 = sdkClient(server);
    s3cmd = await createS3cmd(server, S3CMD_MATRIX.find((cell) => cell.tag === 'v4-path')!);
    aws = await awsEnv(server, 'path');
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'pub/page.json', Body: '{"hello":1}', ACL: 'public-read' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'private.txt', Body: 'secret' }));
    objectUrl = `${server.endpoint}/${BUCKET}/pub/page.json`;
  });

  after(async () => {
    s3.destroy();
    await aws.cleanup();
    await s3cmd.dispose();
    await server.stop();
  });

  it('without a configuration: GetBucketCors is 404, s3cmd info says none, preflights are refused and GETs get no CORS headers', async () => {
    await assert.rejects(
      awsCli(aws, ['s3api', 'get-bucket-cors', '--bucket', BUCKET]),
      /\(NoSuchCORSConfiguration\) when calling the GetBucketCors operation: The CORS configuration does not exist/,
    );
    const info = await s3cmd.run(['info', `s3://${BUCKET}`]);
    assertS3cmdOk(info, 's3cmd info');
    assert.equal(corsLine(info.stdout), 'none');

    assertS3Error(await preflight(objectUrl, APP, 'PUT'), 403, 'AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.', { Method: 'PUT', ResourceType: 'BUCKET' });
    assertS3Error(await preflight(objectUrl, APP, undefined), 403, 'AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.', { Method: 'OPTIONS' });
    assertS3Error(await preflight(objectUrl, undefined, 'PUT'), 400, 'BadRequest', 'Insufficient information. Origin request header needed.');
    assertS3Error(await preflight(`${server.endpoint}/no-such-bucket/k`, APP, undefined), 403, 'AccessForbidden', 'CORSResponse: Bucket not found', {
      Method: 'OPTIONS',
      ResourceType: 'BUCKET',
    });

    const get = await curl(['-H', `Origin: ${APP}`, objectUrl]);
    assert.equal(get.status, 200);
    assert.equal(get.body, '{"hello":1}');
    assert.deepEqual(corsOf(get), {});
  });

  for (const cell of S3CMD_MATRIX) {
    it(`s3cmd setcors, info and delcors (${cell.label})`, async () => {
      const client = await createS3cmd(server, cell);
      const bucket = `cors-s3cmd-${cell.tag}`;
      try {
        assertS3cmdOk(await client.run(['mb', `s3://${bucket}`]), 's3cmd mb');
        const file = path.join(client.home, 'cors.xml');
        await writeFile(file, RULES_FILE);
        const set = await client.run(['setcors', file, `s3://${bucket}`]);
        assertS3cmdOk(set, 's3cmd setcors');
        // S3 answers PutBucketCors 200, and s3cmd prints "CORS updated" only for a 204: silence, as against S3.
        assert.equal(set.stdout, '');

        const info = await client.run(['info', `s3://${bucket}`]);
        assertS3cmdOk(info, 's3cmd info');
        assert.equal(corsLine(info.stdout), RULES_XML);
        const read = await awsJson<{ CORSRules: CORSRule[] }>(aws, ['s3api', 'get-bucket-cors', '--bucket', bucket]);
        assert.deepEqual(read.CORSRules, RULES);

        const deleted = await client.run(['delcors', `s3://${bucket}`]);
        assertS3cmdOk(deleted, 's3cmd delcors');
        assert.equal(deleted.stdout, `s3://${bucket}/: CORS deleted\n`);
        assert.equal(corsLine((await client.run(['info', `s3://${bucket}`])).stdout), 'none');
        await assert.rejects(awsCli(aws, ['s3api', 'get-bucket-cors', '--bucket', bucket]), /NoSuchCORSConfiguration/);
      } finally {
        await client.run(['rb', `s3://${bucket}`]);
        await client.dispose();
      }
    });
  }

  for (const style of ['path', 'virtual'] as const) {
    it(`aws s3api put-bucket-cors, get-bucket-cors and delete-bucket-cors (${style}-style)`, async () => {
      const env = style === 'path' ? aws : await awsEnv(server, style);
      const bucket = `cors-aws-${style}`;
      try {
        await awsCli(env, ['s3api', 'create-bucket', '--bucket', bucket]);
        await awsCli(env, ['s3api', 'put-bucket-cors', '--bucket', bucket, '--cors-configuration', JSON.stringify({ CORSRules: RULES })]);
        const read = await awsJson<{ CORSRules: CORSRule[] }>(env, ['s3api', 'get-bucket-cors', '--bucket', bucket]);
        assert.deepEqual(read.CORSRules, RULES);
        assert.equal(corsLine((await s3cmd.run(['info', `s3://${bucket}`])).stdout), RULES_XML);

        // A new configuration replaces the old one whole.
        const replacement = [{ AllowedMethods: ['DELETE'], AllowedOrigins: [''] }];
        await awsCli(env, ['s3api', 'put-bucket-cors', '--bucket', bucket, '--cors-configuration', JSON.stringify({ CORSRules: replacement })]);
        assert.deepEqual((await awsJson<{ CORSRules: CORSRule[] }>(env, ['s3api', 'get-bucket-cors', '--bucket', bucket])).CORSRules, replacement);

        await awsCli(env, ['s3api', 'delete-bucket-cors', '--bucket', bucket]);
        await assert.rejects(awsCli(env, ['s3api', 'get-bucket-cors', '--bucket', bucket]), /NoSuchCORSConfiguration/);
        // Deleting what is not there succeeds, as in S3.
        await awsCli(env, ['s3api', 'delete-bucket-cors', '--bucket', bucket]);
      } finally {
        await awsCli(env, ['s3api', 'delete-bucket', '--bucket', bucket]);
        if (env !== aws) await env.cleanup();
      }
    });
  }

  describe('with rules', () => {
    before(async () => {
      await s3.send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: { CORSRules: RULES } }));
    });

    it('answers an allowed preflight without authentication, with the headers S3 sends', async () => {
      const answer = await preflight(objectUrl, APP, 'PUT', 'Content-Type,X-Amz-Date');
      assert.equal(answer.status, 200);
      assert.equal(answer.body, '');
      assert.deepEqual(corsOf(answer), { ...APP_CORS, 'access-control-allow-headers': 'content-type, x-amz-date' });
      // A private object's preflight is answered the same: no credentials are asked for.
      assert.equal((await preflight(`${server.endpoint}/${BUCKET}/private.txt`, APP, 'PUT')).status, 200);
      // One * in an origin stands for any run of characters.
      const wildcard = await preflight(objectUrl, 'http://assets.example.org', 'POST');
      assert.equal(wildcard.status, 200);
      assert.equal(wildcard.headers['access-control-allow-origin'], 'http://assets.example.org');
    });

    it('answers a rule open to every origin with *, and without credentials', async () => {
      const answer = await preflight(objectUrl, 'https://elsewhere.test', 'GET');
      assert.equal(answer.status, 200);
      assert.deepEqual(corsOf(answer), ANY_ORIGIN_CORS);
    });

    it('answers preflights virtual-hosted style too', async () => {
      const answer = await preflight(`http://${BUCKET}.${server.domain}/pub/page.json`, APP, 'GET', undefined, ['--proxy', server.endpoint]);
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['access-control-allow-origin'], APP);
    });

    it("refuses a preflight no rule allows with S3's 403, and one without a usable method with 400", async () => {
      assertS3Error(await preflight(objectUrl, 'https://elsewhere.test', 'PUT'), 403, 'AccessForbidden', NOT_ALLOWED, { Method: 'PUT', ResourceType: 'OBJECT' });
      assertS3Error(await preflight(objectUrl, 'http://app.example.com', 'GET', 'x-amz-date'), 403, 'AccessForbidden', NOT_ALLOWED, { Method: 'GET' });
      assertS3Error(await preflight(objectUrl, APP, 'PUT', 'Authorization'), 403, 'AccessForbidden', NOT_ALLOWED);
      assertS3Error(await preflight(`${server.endpoint}/${BUCKET}`, APP, 'DELETE'), 403, 'AccessForbidden', NOT_ALLOWED, { Method: 'DELETE', ResourceType: 'BUCKET' });
      assertS3Error(await preflight(objectUrl, APP, undefined), 400, 'BadRequest', 'Invalid Access-Control-Request-Method: null');
      assertS3Error(await preflight(objectUrl, APP, 'PATCH'), 400, 'BadRequest', 'Invalid Access-Control-Request-Method: PATCH');
      assertS3Error(await preflight(objectUrl, undefined, 'GET'), 400, 'BadRequest', 'Insufficient information. Origin request header needed.');
      for (const refused of [await preflight(objectUrl, 'https://elsewhere.test', 'PUT'), await preflight(objectUrl, APP, undefined)]) {
        assert.deepEqual(corsOf(refused), {});
      }
    });

    it('adds the CORS headers to actual requests from an allowed origin, and nothing without an Origin', async () => {
      const get = await curl(['-H', `Origin: ${APP}`, objectUrl]);
      assert.equal(get.status, 200);
      assert.equal(get.body, '{"hello":1}');
      assert.deepEqual(corsOf(get), APP_CORS);
      assert.deepEqual(corsOf(await curl(['--proxy', server.endpoint, '-H', `Origin: ${APP}`, `http://${BUCKET}.${server.domain}/pub/page.json`])), APP_CORS, 'virtual-hosted');
      const plain = await curl([objectUrl]);
      assert.equal(plain.status, 200);
      assert.deepEqual(corsOf(plain), {});

      const head = await curl(['-I', '-H', 'Origin: https://elsewhere.test', objectUrl]);
      assert.equal(head.status, 200);
      assert.deepEqual(corsOf(head), ANY_ORIGIN_CORS);

      // No rule allows DELETE from anywhere: the request is served as usual, without CORS headers.
      const deleteFromElsewhere = await curl(['-X', 'DELETE', '-H', 'Origin: https://elsewhere.test', objectUrl]);
      assert.equal(deleteFromElsewhere.status, 403);
      assert.deepEqual(corsOf(deleteFromElsewhere), {});
      // S3 decides an actual request that carries preflight headers like a preflight.
      assert.deepEqual(corsOf(await curl(['-H', `Origin: ${APP}`, '-H', 'Access-Control-Request-Method: DELETE', objectUrl])), {});
      assert.deepEqual(corsOf(await curl(['-H', 'Origin: https://elsewhere.test', '-H', 'Access-Control-Request-Headers: x-amz-date', objectUrl])), {});
    });

    it('adds them to errors too, so that the page can read them', async () => {
      const anonymousPut = await curl(['-X', 'PUT', '-H', `Origin: ${APP}`, '--data-binary', 'x', objectUrl]);
      assert.equal(anonymousPut.status, 403);
      assert.equal(errorElement(anonymousPut, 'Code'), 'AccessDenied');
      assert.deepEqual(corsOf(anonymousPut), APP_CORS);
    });

    it('adds them to presigned GETs, and to their errors', async () => {
      const presign = async (key: string) => (await awsCli(aws, ['s3', 'presign', `s3://${BUCKET}/${key}`, '--expires-in', '300'])).stdout.trim();
      const get = await curl(['-H', `Origin: ${APP}`, await presign('private.txt')]);
      assert.equal(get.status, 200);
      assert.equal(get.body, 'secret');
      assert.deepEqual(corsOf(get), APP_CORS);
      const otherPort = await curl(['-H', 'Origin: https://app.example.com:8443', await presign('private.txt')]);
      assert.equal(otherPort.status, 200);
      assert.deepEqual(corsOf(otherPort), ANY_ORIGIN_CORS, 'another port is another origin: only the rule for every origin applies');

      const missing = await curl(['-H', `Origin: ${APP}`, await presign('no/such/key')]);
      assert.equal(missing.status, 404);
      assert.equal(errorElement(missing, 'Code'), 'NoSuchKey');
      assert.deepEqual(corsOf(missing), APP_CORS);
    });
  });

  describe('configurations S3 refuses', () => {
    const bucket = 'cors-refusals';
    const KEPT: CORSRule[] = [{ AllowedMethods: ['GET'], AllowedOrigins: [APP] }];

    before(async () => {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: KEPT } }));
    });

    after(async () => {
      assert.deepEqual((await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules, KEPT, 'no refused configuration changed the stored one');
    });

    it('refuses methods S3 does not support, and no rules at all, through the aws CLI', async () => {
      const put = (rules: unknown) => awsCli(aws, ['s3api', 'put-bucket-cors', '--bucket', bucket, '--cors-configuration', JSON.stringify({ CORSRules: rules })]);
      await assert.rejects(
        put([{ AllowedMethods: ['GET', 'PATCH'], AllowedOrigins: ['*'] }]),
        /\(InvalidRequest\) when calling the PutBucketCors operation: Found unsupported HTTP method in CORS config\. Unsupported method is PATCH/,
      );
      await assert.rejects(put([]), /\(MalformedXML\) when calling the PutBucketCors operation: The XML you provided was not well-formed or did not validate against our published schema/);
    });

    it('refuses wildcards and malformed documents sent with s3cmd setcors', async () => {
      const setcors = async (document: string) => {
        const file = path.join(s3cmd.home, 'refused.xml');
        await writeFile(file, document);
        const result = await s3cmd.run(['setcors', file, `s3://${bucket}`]);
        assert.notEqual(result.code, 0);
        return result.stderr.trim();
      };
      const rule = (inner: string) => `<CORSConfiguration><CORSRule>${inner}</CORSRule></CORSConfiguration>`;
      assert.equal(
        await setcors(rule('<AllowedOrigin>http://*.*.example.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod>')),
        'ERROR: S3 error: 400 (InvalidRequest): AllowedOrigin "http://*.*.example.com" can not have more than one wildcard.',
      );
      assert.equal(
        await setcors(rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>x-*-*</AllowedHeader>')),
        'ERROR: S3 error: 400 (InvalidRequest): AllowedHeader "x-*-*" can not have more than one wildcard.',
      );
      assert.equal(
        await setcors(rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><ExposeHeader>x-amz-*</ExposeHeader>')),
        'ERROR: S3 error: 400 (InvalidRequest): ExposeHeader "x-amz-*" contains wildcard. We currently do not support wildcard for ExposeHeader.',
      );
      assert.equal(
        await setcors(rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>get</AllowedMethod>')),
        'ERROR: S3 error: 400 (InvalidRequest): Found unsupported HTTP method in CORS config. Unsupported method is get',
      );
      const malformed = 'ERROR: S3 error: 400 (MalformedXML): The XML you provided was not well-formed or did not validate against our published schema';
      assert.equal(await setcors(rule('<AllowedMethod>GET</AllowedMethod>')), malformed, 'a rule needs an origin');
      assert.equal(await setcors('<CORSConfiguration><CORSRule>'), malformed);
      assert.equal(await setcors(rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>a day</MaxAgeSeconds>')), malformed);
    });

    it('takes at most 100 rules and 64 KB, and requires Content-MD5 or a checksum', async () => {
      const put = (rules: CORSRule[], client = s3) => client.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
      const rules = (n: number) => Array.from({ length: n }, (_, i) => ({ ID: `r${i}`, AllowedMethods: ['GET'], AllowedOrigins: [`https://site${i}.example.com`] }));
      await assert.rejects(put(rules(101)), s3Refusal(400, 'MalformedXML'));
      const headers = Array.from({ length: 2000 }, (_, i) => `x-amz-meta-header-number-${i}`);
      await assert.rejects(put([{ AllowedMethods: ['GET'], AllowedOrigins: [APP], AllowedHeaders: headers }]), s3Refusal(400, 'MaxMessageLengthExceeded'));

      const withoutIntegrity = sdkClient(server);
      withoutIntegrity.middlewareStack.addRelativeTo(
        (next: FinalizeHandler<object, MetadataBearer>) => async (args: FinalizeHandlerArguments<object>) => {
          const request = args.request as { headers: Record<string, string> };
          for (const name of Object.keys(request.headers)) {
            if (/^(content-md5|x-amz-checksum-|x-amz-sdk-checksum-)/i.test(name)) delete request.headers[name];
          }
          return next(args);
        },
        { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'dropIntegrityHeaders' },
      );
      try {
        await assert.rejects(put(rules(1), withoutIntegrity), s3Refusal(400, 'InvalidRequest', 'Missing required header for this request: Content-MD5'));
      } finally {
        withoutIntegrity.destroy();
      }
      // The largest accepted: 100 rules.
      await put(rules(100));
      assert.equal((await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules?.length, 100);
      await put(KEPT);
    });

    it('authorizes Get as s3:GetBucketCORS and Put and Delete as s3:PutBucketCORS', async () => {
      const deny = (action: string) =>
        s3.send(
          new PutBucketPolicyCommand({
            Bucket: bucket,
            Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: action, Resource: `arn:aws:s3:::${bucket}` }] }),
          }),
        );
      const denied = s3Refusal(403, 'AccessDenied');
      try {
        await deny('s3:PutBucketCORS');
        await assert.rejects(s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: RULES } })), denied);
        await assert.rejects(s3.send(new DeleteBucketCorsCommand({ Bucket: bucket })), denied);
        assert.deepEqual((await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules, KEPT);
        await deny('s3:GetBucketCORS');
        await assert.rejects(s3.send(new GetBucketCorsCommand({ Bucket: bucket })), denied);
      } finally {
        await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
      }
    });
  });
});
