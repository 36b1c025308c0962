import assert from 'node:assert/strict';
import { lstat, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { s3cfgText, withIniSection, writeConfigs } from './conf.js';

const key = { access: 'AKEXAMPLE', secret: 'SECRET', tenant_id: 'p1', user_id: 'u1' };

test('an INI section is replaced in place, appended, or removed; the rest is kept', () => {
  const text = '# mine\n[a]\nx = 1\n\n[b]\ny = 2\n';
  assert.equal(withIniSection(text, 'a', ['x = 9']), '# mine\n[a]\nx = 9\n[b]\ny = 2\n');
  assert.equal(withIniSection(text, 'c', ['z = 3']), '# mine\n[a]\nx = 1\n\n[b]\ny = 2\n\n[c]\nz = 3\n');
  assert.equal(withIniSection(text, 'b', undefined), '# mine\n[a]\nx = 1\n\n');
  assert.equal(withIniSection('', 'a', ['x = 1']), '[a]\nx = 1\n');
  assert.equal(withIniSection('[a]\nx = 1\n', 'a', undefined), '');
});

test('the s3cfg is path-style to the endpoint, in s3cmd\'s key order', () => {
  assert.equal(
    s3cfgText(key, 'https://s3.example.org', 'fi-1'),
    [
      '[default]',
      'access_key = AKEXAMPLE',
      'bucket_location = fi-1',
      'check_ssl_certificate = True',
      'host_base = s3.example.org',
      'host_bucket = s3.example.org',
      'secret_key = SECRET',
      'signature_v2 = False',
      'use_https = True',
      '',
    ].join('\n'),
  );
  assert.match(s3cfgText(key, 'http://127.0.0.1:7480', 'us-east-1'), /host_base = 127\.0\.0\.1:7480\n[^]*use_https = False/);
});

test('~/.s3cfg becomes a link to the project\'s file; a user\'s own ~/.s3cfg is kept aside; other profiles survive', async () => {
  const home = await mkdtemp(join(tmpdir(), 'aitta-conf-'));
  try {
    await writeFile(join(home, '.s3cfg'), '[default]\naccess_key = MINE\n');
    await writeConfigs(home, 'project_1', key, 'http://127.0.0.1:7480', 'us-east-1');
    assert.equal(await readlink(join(home, '.s3cfg')), '.s3cfg_project_1');
    assert.equal((await lstat(join(home, '.s3cfg_project_1'))).mode & 0o777, 0o600);
    const backups = (await import('node:fs')).readdirSync(home).filter((f) => f.startsWith('.s3cfg.bak-'));
    assert.equal(backups.length, 1);
    assert.equal(await readFile(join(home, backups[0]!), 'utf8'), '[default]\naccess_key = MINE\n');

    await writeConfigs(home, 'project_2', { ...key, access: 'AKTWO' }, 'http://127.0.0.1:7480', 'us-east-1');
    assert.equal(await readlink(join(home, '.s3cfg')), '.s3cfg_project_2');
    const credentials = await readFile(join(home, '.aws', 'credentials'), 'utf8');
    assert.match(credentials, /\[project_1\]\naws_access_key_id = AKEXAMPLE\n/);
    assert.match(credentials, /\[project_2\]\naws_access_key_id = AKTWO\n/);
    assert.match(await readFile(join(home, '.aws', 'config'), 'utf8'), /\[profile project_2\]\nregion = us-east-1\nendpoint_url = http:\/\/127\.0\.0\.1:7480\n/);
    assert.match(await readFile(join(home, '.config', 'rclone', 'rclone.conf'), 'utf8'), /\[project_2\]\ntype = s3\nprovider = Other\n/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
