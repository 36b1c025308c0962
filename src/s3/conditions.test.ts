import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { S3Error } from '../errors.js';
import type { ObjectRecord } from '../store/meta.js';
import { checkCopySourceConditions, checkReadConditions } from './conditions.js';

const object = { etag: 'abc123', lastModified: new Date('2026-01-10T12:00:00.500Z') } as ObjectRecord;
const before = 'Fri, 09 Jan 2026 12:00:00 GMT';
const same = 'Sat, 10 Jan 2026 12:00:00 GMT';
const after = 'Sun, 11 Jan 2026 12:00:00 GMT';
const failed = (e: unknown) => e instanceof S3Error && e.code === 'PreconditionFailed' && e.status === 412;

describe('conditional GET/HEAD', () => {
  it('passes matching conditions', () => {
    assert.equal(checkReadConditions({ 'if-match': '"abc123"' }, object), 'ok');
    assert.equal(checkReadConditions({ 'if-match': '"x", "abc123"' }, object), 'ok');
    assert.equal(checkReadConditions({ 'if-none-match': '"other"' }, object), 'ok');
    assert.equal(checkReadConditions({ 'if-modified-since': before }, object), 'ok');
    assert.equal(checkReadConditions({ 'if-unmodified-since': same }, object), 'ok');
  });

  it('answers 412 for If-Match and If-Unmodified-Since failures', () => {
    assert.throws(() => checkReadConditions({ 'if-match': '"nope"' }, object), failed);
    assert.throws(() => checkReadConditions({ 'if-unmodified-since': before }, object), failed);
  });

  it('answers 304 for If-None-Match and If-Modified-Since, comparing whole seconds', () => {
    assert.equal(checkReadConditions({ 'if-none-match': '"abc123"' }, object), 'not-modified');
    assert.equal(checkReadConditions({ 'if-none-match': '*' }, object), 'not-modified');
    assert.equal(checkReadConditions({ 'if-modified-since': same }, object), 'not-modified');
    assert.equal(checkReadConditions({ 'if-modified-since': after }, object), 'not-modified');
  });

  it('applies RFC 7232 precedence: If-Match over If-Unmodified-Since, If-None-Match over If-Modified-Since', () => {
    assert.equal(checkReadConditions({ 'if-match': '"abc123"', 'if-unmodified-since': before }, object), 'ok');
    assert.equal(checkReadConditions({ 'if-none-match': '"other"', 'if-modified-since': after }, object), 'ok');
  });
});

describe('copy-source conditions', () => {
  it('fails every unmet condition with 412', () => {
    assert.throws(() => checkCopySourceConditions({ 'x-amz-copy-source-if-match': '"nope"' }, object), failed);
    assert.throws(() => checkCopySourceConditions({ 'x-amz-copy-source-if-none-match': '"abc123"' }, object), failed);
    assert.throws(() => checkCopySourceConditions({ 'x-amz-copy-source-if-modified-since': after }, object), failed);
    assert.throws(() => checkCopySourceConditions({ 'x-amz-copy-source-if-unmodified-since': before }, object), failed);
  });

  it('lets a copy through when its conditions hold', () => {
    checkCopySourceConditions({ 'x-amz-copy-source-if-match': 'abc123', 'x-amz-copy-source-if-unmodified-since': before }, object);
    checkCopySourceConditions({ 'x-amz-copy-source-if-modified-since': before }, object);
  });
});
