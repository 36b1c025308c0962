// HTTPS as s3cmd's options and s3cfg keys configure it: the service behind a
// TLS front whose certificate (for "aitta.test", from a test CA) is trusted
// only with --ca-certs, matches 127.0.0.1 only with --no-check-hostname, and
// is taken as it is with --no-check-certificate; --ssl-cert and --ssl-key
// present the client's own certificate. What works is run through s3cmd
// 2.3.0 too and must print the same; what is refused must change nothing.
// The certificates are in test/fixtures/tls (see its README).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { runAitta, startTwins, type TwinsFixture } from '../helpers/aitta-client.js';
import { S3CMD_MATRIX } from '../helpers/s3cmd.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/tls/', import.meta.url));
const fixture = (name: string) => path.join(FIXTURES, name);

let twins: TwinsFixture;
let front: tls.Server;
let tlsConfig: string;
/** The subject CN of the client certificate each TLS connection presented ('' for none). */
const clientNames: string[] = [];

before(async () => {
  twins = await startTwins('ctls', S3CMD_MATRIX.find((cell) => !cell.signatureV2 && cell.addressing === 'path')!);
  front = tls.createServer(
    { key: readFileSync(fixture('server-key.pem')), cert: readFileSync(fixture('server.pem')), ca: readFileSync(fixture('ca.pem')), requestCert: true, rejectUnauthorized: false },
    (socket) => {
      const peer = socket.getPeerCertificate();
      clientNames.push(socket.authorized && peer.subject ? String(peer.subject.CN) : '');
      const upstream = net.connect(twins.server.port, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    },
  );
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const { port } = front.address() as net.AddressInfo;
  tlsConfig = path.join(twins.s3cmd.home, 'tls.s3cfg');
  await writeFile(
    tlsConfig,
    [
      '[default]',
      `access_key = ${twins.server.accessKey}`,
      `secret_key = ${twins.server.secretKey}`,
      `host_base = 127.0.0.1:${port}`,
      `host_bucket = 127.0.0.1:${port}`,
      'use_https = True',
      'signature_v2 = False',
      'use_mime_magic = False',
      '',
    ].join('\n'),
  );
  await twins.twins.same(['mb', 's3://BUCKET']);
});

after(async () => {
  front?.close();
  await twins?.stop();
});

describe('HTTPS options vs s3cmd', () => {
  it('refuses a certificate from an unknown CA, and one for another host name, with s3cmd\'s exit code', async () => {
    for (const trust of [[], [`--ca-certs=${fixture('ca.pem')}`]]) {
      const args = ['-c', tlsConfig, ...trust, 'mb', 's3://BUCKET-x'];
      const s3cmd = await twins.twins.run('s3cmd', args.map((a) => a.replace('BUCKET', twins.twins.bucket.s3cmd)));
      const aitta = await twins.twins.run('aitta', args.map((a) => a.replace('BUCKET', twins.twins.bucket.aitta)));
      assert.equal(s3cmd.code, 77, s3cmd.stderr);
      assert.equal(aitta.code, 77, aitta.stderr);
      assert.match(aitta.stderr, trust.length === 0 ? /^ERROR: SSL certificate verification failure: self-signed certificate in certificate chain$/m : /^ERROR: SSL certificate verification failure: Hostname\/IP does not match certificate's altnames/);
    }
    const buckets = await runAitta(twins.s3cmd, ['ls']);
    assert.doesNotMatch(buckets.stdout, /-x$/m, 'a refused connection created nothing');
  });

  it('trusts the CA without the host name check, or any certificate, as s3cmd does', async () => {
    await writeFile(path.join(twins.twins.work.s3cmd, 'f.txt'), 'over TLS\n');
    await writeFile(path.join(twins.twins.work.aitta, 'f.txt'), 'over TLS\n');
    await twins.twins.same(['-c', tlsConfig, `--ca-certs=${fixture('ca.pem')}`, '--no-check-hostname', 'put', 'f.txt', 's3://BUCKET/f.txt']);
    await twins.twins.same(['-c', tlsConfig, '--no-check-certificate', 'ls', 's3://BUCKET']);
    await twins.twins.same(['-c', tlsConfig, '--no-check-certificate', '--no-connection-pooling', 'info', 's3://BUCKET/f.txt']);
  });

  it('presents the client certificate of --ssl-cert and --ssl-key', async () => {
    clientNames.length = 0;
    const args = ['-c', tlsConfig, '--no-check-certificate', `--ssl-cert=${fixture('client.pem')}`, `--ssl-key=${fixture('client-key.pem')}`, 'ls', `s3://${twins.twins.bucket.aitta}`];
    const listed = await runAitta(twins.s3cmd, args);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /f\.txt/);
    assert.ok(clientNames.length > 0 && clientNames.every((name) => name === 'aitta-client'), `client names: ${clientNames}`);
  });
});
