import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { S3Error } from '../errors.js';
import { parseLifecycleXml, parseStoredLifecycle, storedLifecycle } from './config.js';

// Compiled to dist/src/lifecycle/; the guide's policies stay in the source tree.
const POLICIES = new URL('../../../test/interop/lifecycle-policies/', import.meta.url);

function parse(xml: string) {
  return parseLifecycleXml(Buffer.from(xml));
}

function lifecycle(rules: string): string {
  return `<LifecycleConfiguration>${rules}</LifecycleConfiguration>`;
}

const EXPIRE = '<Expiration><Days>1</Days></Expiration>';

function refused(xml: string, code: string, message?: string): void {
  assert.throws(
    () => parse(xml),
    (e: unknown) => e instanceof S3Error && e.code === code && e.status === (code === 'NotImplemented' ? 501 : 400) && (message === undefined || e.message === message),
    `expected ${code}${message ? `: ${message}` : ''}`,
  );
}

describe('lifecycle configuration', () => {
  it("reads the guide's tag policy (V2 Filter with one Tag each)", () => {
    const config = parseLifecycleXml(readFileSync(new URL('guide-tags.xml', POLICIES)));
    assert.deepEqual(config.rules, [
      { id: '1-days-expiration', enabled: true, filter: { tags: [{ key: 'days', value: '1' }]}, expiration: { days: 1 } },
      { id: '30-days-expiration', enabled: true, filter: { tags: [{ key: 'days', value: '30' }]}, expiration: { days: 30 } },
    ]);
  });

  it("reads the guide's prefix policy (V1 rule-level Prefix), keeping the rules' order", () => {
    const config = parseLifecycleXml(readFileSync(new URL('guide-prefixes.xml', POLICIES)));
    assert.deepEqual(config.rules, [
      { id: 'Weekly', enabled: true, prefix: 'weekly/', expiration: { days: 365 } },
      { id: 'Daily', enabled: true, prefix: 'daily/', expiration: { days: 30 } },
    ]);
  });

  it("reads what `s3cmd expire` sends, giving the rule an ID as S3 does", () => {
    const config = parse(
      '<LifecycleConfiguration>  <Rule>    <Filter>      <Prefix>logs/</Prefix>    </Filter>    <Status>Enabled</Status>    <Expiration>      <Date>2030-01-01T00:00:00.000Z</Date>    </Expiration>  </Rule></LifecycleConfiguration>',
    );
    const [rule] = config.rules;
    assert.equal(rule!.filter!.prefix, 'logs/');
    assert.equal(rule!.expiration!.date, '2030-01-01T00:00:00.000Z');
    assert.match(rule!.id, /^\S{10,255}$/);
  });

  it('reads And with prefix, tags and sizes, every action, and Disabled', () => {
    const config = parse(
      lifecycle(`<Rule><ID>r</ID><Status>Disabled</Status>
        <Filter><And><Prefix>p/</Prefix><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value></Value></Tag>
        <ObjectSizeGreaterThan>10</ObjectSizeGreaterThan><ObjectSizeLessThan>20</ObjectSizeLessThan></And></Filter>
        <Expiration><Days>3</Days></Expiration>
        <NoncurrentVersionExpiration><NoncurrentDays>5</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration>
      </Rule>
      <Rule><ID>m</ID><Status>Enabled</Status><Filter><Prefix>q/</Prefix></Filter>
        <Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>
        <AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload>
      </Rule>
      <Rule><ID>all</ID><Status>Enabled</Status><Filter></Filter>${EXPIRE}</Rule>`),
    );
    assert.deepEqual(config.rules[0], {
      id: 'r',
      enabled: false,
      filter: { and: true, prefix: 'p/', tags: [{ key: 'a', value: '1' }, { key: 'b', value: '' }], objectSizeGreaterThan: 10, objectSizeLessThan: 20 },
      expiration: { days: 3 },
      noncurrentVersionExpiration: { noncurrentDays: 5, newerNoncurrentVersions: 2 },
    });
    assert.deepEqual(config.rules[1]!.expiration, { expiredObjectDeleteMarker: true });
    assert.deepEqual(config.rules[1]!.abortIncompleteMultipartUpload, { daysAfterInitiation: 7 });
    assert.deepEqual(config.rules[2]!.filter, { tags: []});
    assert.deepEqual(parseStoredLifecycle(storedLifecycle(config)), config);
  });

  it('refuses what is not a lifecycle configuration with MalformedXML', () => {
    refused('<LifecycleConfiguration><Rule>', 'MalformedXML');
    refused('<CORSConfiguration/>', 'MalformedXML');
    refused(lifecycle(''), 'MalformedXML');
    refused(lifecycle(`<Rule><Status>On</Status><Prefix/>${EXPIRE}</Rule>`), 'MalformedXML');
    refused(lifecycle(`<Rule><Prefix>a</Prefix>${EXPIRE}</Rule>`), 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    // Neither Prefix nor Filter.
    refused(lifecycle(`<Rule><Status>Enabled</Status>${EXPIRE}</Rule>`), 'MalformedXML');
    // Two conditions in a Filter without And.
    refused(lifecycle(`<Rule><Status>Enabled</Status><Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>${EXPIRE}</Rule>`), 'MalformedXML');
    refused(lifecycle(`<Rule><Status>Enabled</Status><Filter><Tag><Key>k</Key><Value>v</Value></Tag><Tag><Key>l</Key><Value>v</Value></Tag></Filter>${EXPIRE}</Rule>`), 'MalformedXML');
    refused(lifecycle(`<Rule><Status>Enabled</Status><Filter><Tag><Key></Key><Value>v</Value></Tag></Filter>${EXPIRE}</Rule>`), 'MalformedXML');
    // Expiration must name exactly one of Days, Date, ExpiredObjectDeleteMarker.
    refused(lifecycle('<Rule><Status>Enabled</Status><Prefix/><Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z</Date></Expiration></Rule>'), 'MalformedXML');
    refused(lifecycle('<Rule><Status>Enabled</Status><Prefix/><Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>'), 'MalformedXML');
    refused(lifecycle('<Rule><Status>Enabled</Status><Prefix/><Expiration></Expiration></Rule>'), 'MalformedXML');
    refused(lifecycle('<Rule><Status>Enabled</Status><Prefix/><Expiration><Days>one</Days></Expiration></Rule>'), 'MalformedXML');
    refused(lifecycle('<Rule><Status>Enabled</Status><Prefix/><Expiration><Date>next year</Date></Expiration></Rule>'), 'MalformedXML');
    refused(lifecycle('<Rule><Status>Enabled</Status><Prefix/><Expiration><ExpiredObjectDeleteMarker>yes</ExpiredObjectDeleteMarker></Expiration></Rule>'), 'MalformedXML');
    refused(lifecycle('<Rule><Status>Enabled</Status><Prefix/><NoncurrentVersionExpiration></NoncurrentVersionExpiration></Rule>'), 'MalformedXML');
    refused(lifecycle('<Rule><Status>Enabled</Status><Prefix/><AbortIncompleteMultipartUpload></AbortIncompleteMultipartUpload></Rule>'), 'MalformedXML');
    // Elements the schema does not have.
    refused(lifecycle(`<Rule><Status>Enabled</Status><Prefix/>${EXPIRE}<Expire/></Rule>`), 'MalformedXML');
    refused(lifecycle(`<Rule><Status>Enabled</Status><Prefix/><Expiration><Days>1</Days><Weeks>1</Weeks></Expiration></Rule>`), 'MalformedXML');
    refused(lifecycle(`<Rule><Status>Enabled</Status><Filter><Suffix>.log</Suffix></Filter>${EXPIRE}</Rule>`), 'MalformedXML');
    refused(`<LifecycleConfiguration><Rule><Status>Enabled</Status><Prefix/>${EXPIRE}</Rule><Owner/></LifecycleConfiguration>`, 'MalformedXML');
  });

  it('refuses bad IDs, days and dates with InvalidArgument', () => {
    refused(lifecycle(`<Rule><ID>${'x'.repeat(256)}</ID><Status>Enabled</Status><Prefix/>${EXPIRE}</Rule>`), 'InvalidArgument', 'ID length should not exceed allowed limit of 255');
    refused(
      lifecycle(`<Rule><ID>a</ID><Status>Enabled</Status><Prefix>x/</Prefix>${EXPIRE}</Rule><Rule><ID>a</ID><Status>Enabled</Status><Prefix>y/</Prefix>${EXPIRE}</Rule>`),
      'InvalidArgument',
      'Rule ID must be unique. Found same ID for more than one rule',
    );
    refused(lifecycle('<Rule><Status>Enabled</Status><Prefix/><Expiration><Days>0</Days></Expiration></Rule>'), 'InvalidArgument', "'Days' for Expiration action must be a positive integer");
    refused(lifecycle('<Rule><Status>Enabled</Status><Prefix/><Expiration><Days>-3</Days></Expiration></Rule>'), 'InvalidArgument', "'Days' for Expiration action must be a positive integer");
    refused(lifecycle('<Rule><Status>Enabled</Status><Prefix/><Expiration><Date>2030-01-01T12:00:00Z</Date></Expiration></Rule>'), 'InvalidArgument', "'Date' must be at midnight GMT");
    refused(
      lifecycle('<Rule><Status>Enabled</Status><Prefix/><NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration></Rule>'),
      'InvalidArgument',
      "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
    );
    refused(
      lifecycle('<Rule><Status>Enabled</Status><Prefix/><AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>'),
      'InvalidArgument',
      "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer",
    );
    refused(
      lifecycle('<Rule><Status>Enabled</Status><Filter/><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>0</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>'),
      'InvalidArgument',
      "'NewerNoncurrentVersions' must be a positive integer",
    );
  });

  it('refuses rules S3 finds inconsistent with InvalidRequest', () => {
    refused(lifecycle('<Rule><Status>Enabled</Status><Prefix/></Rule>'), 'InvalidRequest', 'At least one action needs to be specified in a rule');
    refused(
      lifecycle(`<Rule><Status>Enabled</Status><Filter/>${EXPIRE}</Rule><Rule><Status>Enabled</Status><Prefix>a</Prefix>${EXPIRE}</Rule>`),
      'InvalidRequest',
      'Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the Filter.',
    );
    refused(
      lifecycle(`<Rule><Status>Enabled</Status><Prefix>a</Prefix>${EXPIRE}</Rule><Rule><Status>Enabled</Status><Filter/>${EXPIRE}</Rule>`),
      'InvalidRequest',
      'Filter element can only be used in Lifecycle V2.',
    );
    refused(
      lifecycle('<Rule><Status>Enabled</Status><Prefix/><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>'),
      'InvalidRequest',
      'NewerNoncurrentVersions element can only be used in Lifecycle V2.',
    );
    refused(
      lifecycle(`<Rule><Status>Enabled</Status><Prefix>logs/</Prefix>${EXPIRE}</Rule><Rule><Status>Enabled</Status><Prefix>logs/old/</Prefix>${EXPIRE}</Rule>`),
      'InvalidRequest',
      "Found overlapping prefixes 'logs/' and 'logs/old/' for same action type 'Expiration'",
    );
    refused(
      lifecycle(`<Rule><Status>Enabled</Status><Filter><And><Tag><Key>k</Key><Value>1</Value></Tag><Tag><Key>k</Key><Value>2</Value></Tag></And></Filter>${EXPIRE}</Rule>`),
      'InvalidRequest',
      'Duplicate Tag Keys are not allowed.',
    );
    refused(
      lifecycle(`<Rule><Status>Enabled</Status><Filter><And><ObjectSizeGreaterThan>20</ObjectSizeGreaterThan><ObjectSizeLessThan>20</ObjectSizeLessThan></And></Filter>${EXPIRE}</Rule>`),
      'InvalidRequest',
      "'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'.",
    );
    refused(
      lifecycle(`<Rule><Status>Enabled</Status><Filter><ObjectSizeLessThan>0</ObjectSizeLessThan></Filter>${EXPIRE}</Rule>`),
      'InvalidRequest',
      "'ObjectSizeLessThan' should be between 1 and 1099511627776000.",
    );
    refused(
      lifecycle('<Rule><Status>Enabled</Status><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>'),
      'InvalidRequest',
      'AbortIncompleteMultipartUpload cannot be specified with Tags.',
    );
    refused(
      lifecycle('<Rule><Status>Enabled</Status><Filter><ObjectSizeGreaterThan>1</ObjectSizeGreaterThan></Filter><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>'),
      'InvalidRequest',
      'ExpiredObjectDeleteMarker cannot be specified with Object Size.',
    );
    const many = Array.from({ length: 1001 }, (_, i) => `<Rule><Status>Enabled</Status><Filter><Prefix>${i}/</Prefix></Filter>${EXPIRE}</Rule>`).join('');
    refused(lifecycle(many), 'InvalidRequest', 'The number of lifecycle rules must not exceed the allowed limit of 1000 rules.');
  });

  it('refuses transitions: Aitta has one storage class', () => {
    refused(lifecycle('<Rule><Status>Enabled</Status><Filter/><Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>'), 'NotImplemented');
  });
});
