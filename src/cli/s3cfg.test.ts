// s3cfg reading with s3cmd's semantics: values keep ';' and '#', one pair of
// double quotes is removed, $NAME reads the environment, booleans and
// integers are checked as s3cmd checks them, and the AWS_* fallbacks.

import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, ParameterError } from './failures.js';
import { applyS3cfg, defaultConfig, loadConfig, parseS3cfg } from './s3cfg.js';

function configFrom(text: string, env: NodeJS.ProcessEnv = {}) {
  const config = defaultConfig(false);
  applyS3cfg(config, parseS3cfg(text, 'test.cfg').values, env);
  return config;
}

describe('s3cfg', () => {
  it("keeps ';' and '#' inside values and strips only surrounding blanks", () => {
    const config = configFrom('[default]\nsecret_key =  abc;def#ghi  \naccess_key=AK\n');
    assert.equal(config.secret_key, 'abc;def#ghi');
    assert.equal(config.access_key, 'AK');
  });

  it('removes one pair of double quotes, reads every section, later lines win', () => {
    const config = configFrom('[default]\nhost_base = "a.example"\n[other]\nhost_base = b.example:8080\nhost_bucket = "%(bucket)s.b.example"\n');
    assert.equal(config.host_base, 'b.example:8080');
    assert.equal(config.host_bucket, '%(bucket)s.b.example');
  });

  it('parses booleans and integers as s3cmd does, and strips a scheme from hosts', () => {
    const config = configFrom('use_https = no\nsignature_v2 = On\nmultipart_chunk_size_mb = 50\nhost_base = https://s3.example\n');
    assert.equal(config.use_https, false);
    assert.equal(config.signature_v2, true);
    assert.equal(config.multipart_chunk_size_mb, 50);
    assert.equal(config.host_base, 's3.example');
    assert.throws(() => configFrom('use_https = maybe\n'), (e: Error) => e instanceof ParameterError && e.message === "Config: value of option 'use_https' must be Yes or No, not 'maybe'");
    assert.throws(() => configFrom('proxy_port = x\n'), /must be an integer, not 'x'/);
  });

  it('takes $NAME from the environment, and keeps the default when it is unset', () => {
    const config = configFrom('access_key = $MY_KEY\nsecret_key = $UNSET_NAME\n', { MY_KEY: 'FROMENV' });
    assert.equal(config.access_key, 'FROMENV');
    assert.equal(config.secret_key, '');
  });

  it('reads add_headers and acl_public, warns about lines it cannot read', () => {
    const parsed = parseS3cfg('add_headers = Cache-Control: max-age=60, X-Amz-Meta-A:b\nacl_public = True\n; a comment?\n', 'f.cfg');
    assert.deepEqual(parsed.warnings, ["Ignoring invalid line in 'f.cfg': ; a comment?\n"]);
    const config = defaultConfig(false);
    applyS3cfg(config, parsed.values, {});
    assert.deepEqual(config.extra_headers, { 'cache-control': 'max-age=60', 'x-amz-meta-a': 'b' });
    assert.equal(config.acl_public, true);
  });

  it('falls back to AWS_* variables when no key is configured, and fails as s3cmd does without any', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aitta-s3cfg-'));
    const file = path.join(dir, 's3cfg');
    await writeFile(file, 'host_base = h\n');
    const { config } = loadConfig({ file, env: { AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'SK' }, stdoutIsTty: false });
    assert.equal(config.access_key, 'AK');
    assert.equal(config.secret_key, 'SK');
    assert.throws(
      () => loadConfig({ file: path.join(dir, 'missing'), env: {}, stdoutIsTty: false }),
      (e: Error) => e instanceof ConfigError && e.lines[0] === `${path.join(dir, 'missing')}: None`,
    );
  });
});
