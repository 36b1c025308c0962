import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LifecycleConfiguration } from './config.js';
import { createdBy, dueAfter, expirableCreatedBy, expirationHeader, objectExpiry, uploadAbort } from './expiry.js';

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);

const config: LifecycleConfiguration = {
  rules: [
    { id: '1-days-expiration', enabled: true, filter: { tags: [{ key: 'days', value: '1' }] }, expiration: { days: 1 } },
    { id: 'Weekly', enabled: true, prefix: 'weekly/', expiration: { days: 365 } },
    { id: 'off', enabled: false, prefix: '', expiration: { days: 1 } },
    { id: 'big', enabled: true, filter: { and: true, prefix: 'data/', tags: [], objectSizeGreaterThan: 100 }, expiration: { days: 2 } },
    { id: 'dated', enabled: true, filter: { prefix: 'old/', tags: [] }, expiration: { date: '2030-01-01T00:00:00.000Z' } },
  ],
};

describe('lifecycle expiry', () => {
  it('adds the days to the creation time and rounds up to the next day boundary', () => {
    // S3 UG: an object created 1/15/2014 10:30 UTC with 3 days is due 1/19/2014 00:00 UTC.
    assert.equal(dueAfter(at('2014-01-15T10:30:00Z'), 3, DAY), at('2014-01-19T00:00:00Z'));
    assert.equal(dueAfter(at('2014-01-02T00:00:00Z'), 1, DAY), at('2014-01-03T00:00:00Z'));
    // A 2-second day: created at 3.5 s, one day → 5.5 s → the boundary at 6 s.
    assert.equal(dueAfter(3500, 1, 2000), 6000);
    // What is due by `now` was created by the start of today minus the days.
    const now = at('2014-01-19T08:00:00Z');
    assert.equal(createdBy(now, 3, DAY), at('2014-01-16T00:00:00Z'));
    assert.ok(dueAfter(createdBy(now, 3, DAY), 3, DAY) <= now);
    assert.ok(dueAfter(createdBy(now, 3, DAY) + 1, 3, DAY) > now);
  });

  it('takes the earliest enabled rule whose scope matches the object', () => {
    const created = new Date('2026-03-01T10:00:00Z');
    const expiry = (key: string, size: number, tags?: Record<string, string>) => objectExpiry(config, { key, size, tags }, created, DAY);
    assert.deepEqual(expiry('weekly/a', 1), { at: new Date('2027-03-02T00:00:00Z'), ruleId: 'Weekly' });
    assert.deepEqual(expiry('weekly/a', 1, { days: '1' }), { at: new Date('2026-03-03T00:00:00Z'), ruleId: '1-days-expiration' });
    assert.equal(expiry('a', 1, { days: '30' }), undefined);
    assert.equal(expiry('data/a', 100), undefined);
    assert.deepEqual(expiry('data/a', 101), { at: new Date('2026-03-04T00:00:00Z'), ruleId: 'big' });
    assert.deepEqual(expiry('old/x', 0), { at: new Date('2030-01-01T00:00:00Z'), ruleId: 'dated' });
  });

  it('aborts an upload by the first-due enabled abort rule whose prefix its key has', () => {
    const uploads: LifecycleConfiguration = {
      rules: [
        { id: 'week', enabled: true, filter: { prefix: 'mp/', tags: [] }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
        { id: 'day', enabled: true, prefix: 'mp/tmp/', abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
        { id: 'off', enabled: false, prefix: '', abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
      ],
    };
    const initiated = new Date('2026-03-01T10:00:00Z');
    assert.deepEqual(uploadAbort(uploads, 'mp/a', initiated, DAY), { at: new Date('2026-03-09T00:00:00Z'), ruleId: 'week' });
    assert.deepEqual(uploadAbort(uploads, 'mp/tmp/a', initiated, DAY), { at: new Date('2026-03-03T00:00:00Z'), ruleId: 'day' });
    assert.equal(uploadAbort(uploads, 'other', initiated, DAY), undefined);
  });

  it('bounds the index walk by the youngest object any rule may have expired', () => {
    const now = at('2026-03-10T05:00:00Z');
    assert.equal(expirableCreatedBy(config, now, DAY), at('2026-03-09T00:00:00Z'));
    assert.equal(expirableCreatedBy({ rules: [config.rules[4]!] }, now, DAY), undefined);
    assert.equal(expirableCreatedBy({ rules: [config.rules[4]!] }, at('2030-01-01T00:00:00Z'), DAY), 8.64e15);
  });

  it('writes x-amz-expiration as S3 does', () => {
    assert.equal(
      expirationHeader({ at: new Date('2012-12-23T00:00:00Z'), ruleId: 'picture-deletion-rule' }),
      'expiry-date="Sun, 23 Dec 2012 00:00:00 GMT", rule-id="picture-deletion-rule"',
    );
    assert.equal(expirationHeader({ at: new Date(0), ruleId: 'a "b"\n' }), 'expiry-date="Thu, 01 Jan 1970 00:00:00 GMT", rule-id="a%20%22b%22%0A"');
  });
});
