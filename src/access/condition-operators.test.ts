import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileCondition,
  conditionHolds,
  CONDITION_OPERATORS,
  parseConditionOperator,
  parseDate,
} from './condition-operators.js';

type Context = Record<string, string | string[]>;

function holds(operatorName: string, key: string, values: string | string[], context: Context): boolean {
  const operator = parseConditionOperator(operatorName);
  assert.ok(operator, operatorName);
  const condition = compileCondition(operator, key, typeof values === 'string' ? [values] : values, true);
  assert.ok(!('error' in condition), 'error' in condition ? condition.error : '');
  const lower = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), typeof v === 'string' ? [v] : v]));
  return conditionHolds(condition, (k) => lower.get(k.toLowerCase()));
}

/** [operator, policy values, request value, expected] */
type Case = [string, string | string[], string, boolean];

function table(key: string, cases: Case[]): void {
  for (const [op, values, request, expected] of cases) {
    it(`${op} ${JSON.stringify(values)} on ${JSON.stringify(request)} is ${expected}`, () => {
      assert.equal(holds(op, key, values, { [key]: request }), expected);
    });
  }
}

describe('operator names', () => {
  it('knows every AWS operator, with IfExists and set qualifiers', () => {
    assert.equal(CONDITION_OPERATORS.length, 26);
    for (const name of CONDITION_OPERATORS) {
      assert.ok(parseConditionOperator(name), name);
      if (name !== 'Null') {
        assert.ok(parseConditionOperator(`${name}IfExists`)?.ifExists, `${name}IfExists`);
        assert.equal(parseConditionOperator(`ForAllValues:${name}`)?.qualifier, 'ForAllValues');
        assert.equal(parseConditionOperator(`ForAnyValue:${name}IfExists`)?.qualifier, 'ForAnyValue');
      }
    }
  });

  it('rejects unknown names, wrong case and Null variants', () => {
    for (const bad of ['StringEqual', 'stringequals', 'NullIfExists', 'ForAnyValue:Null', 'ForSomeValues:StringLike',
      'IfExists', 'StringEqualsIfExistsIfExists', 'Bool:IfExists']) {
      assert.equal(parseConditionOperator(bad), undefined, bad);
    }
  });
});

describe('string operators', () => {
  table('aws:UserAgent', [
    ['StringEquals', 'curl/8', 'curl/8', true],
    ['StringEquals', 'curl/8', 'Curl/8', false],
    ['StringEquals', ['wget', 'curl/8'], 'curl/8', true],
    ['StringNotEquals', 'curl/8', 'curl/8', false],
    ['StringNotEquals', ['wget', 'curl'], 'rclone', true],
    ['StringEqualsIgnoreCase', 'CURL/8', 'curl/8', true],
    ['StringEqualsIgnoreCase', 'CURL/8', 'curl/9', false],
    ['StringNotEqualsIgnoreCase', 'CURL/8', 'curl/8', false],
    ['StringNotEqualsIgnoreCase', 'CURL/8', 'wget', true],
    ['StringLike', 'aws-cli/*', 'aws-cli/2.15 Python', true],
    ['StringLike', 'aws-cli/?.*', 'aws-cli/2.15', true],
    ['StringLike', 'aws-cli/*', 'boto3/1.34', false],
    ['StringNotLike', 'aws-cli/*', 'boto3/1.34', true],
    ['StringNotLike', ['boto3/*', 'aws-cli/*'], 'boto3/1.34', false],
    ['StringEquals', 'a*', 'abc', false],
    ['StringEquals', 'a*', 'a*', true],
  ]);
});

describe('numeric operators', () => {
  table('s3:max-keys', [
    ['NumericEquals', '10', '10', true],
    ['NumericEquals', '10', '10.0', true],
    ['NumericEquals', '10', '11', false],
    ['NumericNotEquals', '10', '11', true],
    ['NumericNotEquals', '10', '10', false],
    ['NumericLessThan', '10', '9', true],
    ['NumericLessThan', '10', '10', false],
    ['NumericLessThanEquals', '10', '10', true],
    ['NumericLessThanEquals', '10', '11', false],
    ['NumericGreaterThan', '10', '11', true],
    ['NumericGreaterThan', '10', '10', false],
    ['NumericGreaterThanEquals', '10', '10', true],
    ['NumericGreaterThanEquals', '10', '9', false],
    ['NumericLessThan', '10', 'ten', false],
    ['NumericEquals', ['1', '2', '3'], '2', true],
  ]);
});

describe('date operators', () => {
  table('aws:CurrentTime', [
    ['DateEquals', '2024-05-01T12:00:00Z', '2024-05-01T12:00:00Z', true],
    ['DateEquals', '2024-05-01T12:00:00Z', '2024-05-01T14:00:00+02:00', true],
    ['DateEquals', '1714564800', '2024-05-01T12:00:00Z', true],
    ['DateNotEquals', '2024-05-01T12:00:00Z', '2024-05-01T12:00:01Z', true],
    ['DateNotEquals', '2024-05-01T12:00:00Z', '2024-05-01T12:00:00Z', false],
    ['DateLessThan', '2024-06-01', '2024-05-31T23:59:59Z', true],
    ['DateLessThan', '2024-06-01', '2024-06-01T00:00:00Z', false],
    ['DateLessThanEquals', '2024-06-01', '2024-06-01T00:00:00Z', true],
    ['DateGreaterThan', '2024-06-01T00:00:00Z', '2024-06-01T00:00:01Z', true],
    ['DateGreaterThan', '2024-06-01T00:00:00Z', '2024-06-01T00:00:00Z', false],
    ['DateGreaterThanEquals', '2024-06-01T00:00:00Z', '2024-06-01T00:00:00Z', true],
    ['DateGreaterThanEquals', '2024-06-01T00:00:00Z', '2024-05-01T00:00:00Z', false],
    ['DateLessThan', '2024-06-01T00:00:00Z', 'yesterday', false],
  ]);

  it('compares epoch seconds with ISO dates', () => {
    assert.equal(holds('DateGreaterThan', 'aws:EpochTime', '2024-01-01T00:00:00Z', { 'aws:EpochTime': '1714564800' }), true);
    assert.equal(parseDate('1970-01-01T00:00:10'), 10_000, 'no zone means UTC');
  });
});

describe('Bool', () => {
  table('aws:SecureTransport', [
    ['Bool', 'true', 'true', true],
    ['Bool', 'true', 'false', false],
    ['Bool', 'false', 'false', true],
    ['Bool', 'TRUE', 'true', true],
  ]);
});

describe('IP address operators', () => {
  table('aws:SourceIp', [
    ['IpAddress', '192.0.2.0/24', '192.0.2.77', true],
    ['IpAddress', '192.0.2.0/24', '198.51.100.1', false],
    ['IpAddress', ['10.0.0.0/8', '192.0.2.0/24'], '10.1.1.1', true],
    ['IpAddress', '2001:db8::/32', '2001:db8::5', true],
    ['IpAddress', '127.0.0.1/32', '::ffff:127.0.0.1', true],
    ['IpAddress', '192.0.2.0/24', 'not-an-ip', false],
    ['NotIpAddress', '192.0.2.0/24', '198.51.100.1', true],
    ['NotIpAddress', '192.0.2.0/24', '192.0.2.1', false],
    ['NotIpAddress', ['10.0.0.0/8', '2001:db8::/32'], '2001:db8::1', false],
  ]);
});

describe('ARN operators', () => {
  const user = 'arn:aws:iam::3d5b0ae8e724b439a4cd16d1290abcde:user/alice';
  table('aws:PrincipalArn', [
    ['ArnEquals', user, user, true],
    ['ArnLike', 'arn:aws:iam::*:user/alice', user, true],
    ['ArnLike', 'arn:aws:iam::3d5b0ae8e724b439a4cd16d1290abcde:user/*', user, true],
    ['ArnLike', 'arn:aws:iam::3d5b0ae8e724b439a4cd16d1290abcde:user/b*', user, false],
    ['ArnEquals', 'arn:aws:iam::*:user/alice', user, true],
    ['ArnNotEquals', user, user, false],
    ['ArnNotLike', 'arn:aws:iam::*:user/bob', user, true],
    // A wildcard never crosses a component boundary: "*" stands for one component.
    ['ArnLike', 'arn:aws:*:user/alice', user, false],
    ['ArnLike', 'arn:aws:iam::*:user/alice', 'alice', false],
  ]);
});

describe('Null', () => {
  it('tests only whether the key is present', () => {
    assert.equal(holds('Null', 's3:x-amz-acl', 'true', {}), true);
    assert.equal(holds('Null', 's3:x-amz-acl', 'true', { 's3:x-amz-acl': 'private' }), false);
    assert.equal(holds('Null', 's3:x-amz-acl', 'false', { 's3:x-amz-acl': 'private' }), true);
    assert.equal(holds('Null', 's3:x-amz-acl', 'false', {}), false);
    assert.equal(holds('Null', 's3:x-amz-acl', 'true', { 's3:x-amz-acl': [] }), true, 'an empty list is absent');
  });
});

describe('missing keys', () => {
  const positive = [
    ['StringEquals', 'x'], ['StringEqualsIgnoreCase', 'x'], ['StringLike', 'x*'], ['NumericEquals', '1'],
    ['NumericLessThan', '1'], ['DateEquals', '2024-01-01'], ['DateGreaterThan', '2024-01-01'], ['Bool', 'true'],
    ['IpAddress', '10.0.0.0/8'], ['ArnLike', 'arn:aws:iam::*:user/x'], ['ArnEquals', 'arn:aws:iam::*:user/x'],
  ];
  const negated = [
    ['StringNotEquals', 'x'], ['StringNotEqualsIgnoreCase', 'x'], ['StringNotLike', 'x*'], ['NumericNotEquals', '1'],
    ['DateNotEquals', '2024-01-01'], ['NotIpAddress', '10.0.0.0/8'], ['ArnNotLike', 'arn:aws:iam::*:user/x'],
    ['ArnNotEquals', 'arn:aws:iam::*:user/x'],
  ];
  for (const [op, value] of positive) {
    it(`${op} is false, ${op}IfExists true`, () => {
      assert.equal(holds(op!, 'aws:Referer', value!, {}), false);
      assert.equal(holds(`${op}IfExists`, 'aws:Referer', value!, {}), true);
    });
  }
  for (const [op, value] of negated) {
    it(`${op} is true`, () => {
      assert.equal(holds(op!, 'aws:Referer', value!, {}), true);
      assert.equal(holds(`${op}IfExists`, 'aws:Referer', value!, {}), true);
    });
  }
  it('ForAllValues is true and ForAnyValue false, whatever the operator', () => {
    for (const op of ['StringEquals', 'StringNotEquals', 'StringLike']) {
      assert.equal(holds(`ForAllValues:${op}`, 'aws:TagKeys', 'x', {}), true);
      assert.equal(holds(`ForAnyValue:${op}`, 'aws:TagKeys', 'x', {}), false);
      assert.equal(holds(`ForAnyValue:${op}IfExists`, 'aws:TagKeys', 'x', {}), true);
    }
  });
  it('IfExists still tests a present key', () => {
    assert.equal(holds('StringEqualsIfExists', 's3:x-amz-acl', 'private', { 's3:x-amz-acl': 'public-read' }), false);
    assert.equal(holds('StringEqualsIfExists', 's3:x-amz-acl', 'private', { 's3:x-amz-acl': 'private' }), true);
  });
});

describe('set qualifiers on multivalued keys', () => {
  const tags = { 'aws:TagKeys': ['project', 'owner'] };
  it('ForAllValues: every request value must be among the policy values', () => {
    assert.equal(holds('ForAllValues:StringEquals', 'aws:TagKeys', ['project', 'owner', 'cost'], tags), true);
    assert.equal(holds('ForAllValues:StringEquals', 'aws:TagKeys', ['project'], tags), false);
    assert.equal(holds('ForAllValues:StringLike', 'aws:TagKeys', ['*o*'], tags), true);
  });
  it('ForAnyValue: some request value must be among them', () => {
    assert.equal(holds('ForAnyValue:StringEquals', 'aws:TagKeys', ['owner'], tags), true);
    assert.equal(holds('ForAnyValue:StringEquals', 'aws:TagKeys', ['cost'], tags), false);
  });
  it('negated operators apply per request value', () => {
    assert.equal(holds('ForAnyValue:StringNotEquals', 'aws:TagKeys', ['owner'], tags), true, 'project is not owner');
    assert.equal(holds('ForAllValues:StringNotEquals', 'aws:TagKeys', ['owner'], tags), false);
    assert.equal(holds('ForAllValues:StringNotEquals', 'aws:TagKeys', ['cost'], tags), true);
  });
  it('without a qualifier a positive operator wants some value, a negated one none', () => {
    assert.equal(holds('StringEquals', 'aws:TagKeys', 'owner', tags), true);
    assert.equal(holds('StringNotEquals', 'aws:TagKeys', 'owner', tags), false);
    assert.equal(holds('StringNotEquals', 'aws:TagKeys', 'cost', tags), true);
  });
});

describe('policy variables in condition values', () => {
  it('substitutes in string and ARN operators', () => {
    const ctx = { 's3:prefix': 'home/alice/', 'aws:username': 'alice' };
    assert.equal(holds('StringLike', 's3:prefix', 'home/${aws:username}/*', ctx), true);
    assert.equal(holds('StringEquals', 's3:prefix', 'home/${aws:username}/', ctx), true);
    assert.equal(holds('StringLike', 's3:prefix', 'home/${aws:username}/*', { ...ctx, 'aws:username': 'bob' }), false);
    assert.equal(
      holds('ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*:user/${aws:username}', {
        'aws:PrincipalArn': 'arn:aws:iam::3d5b0ae8e724b439a4cd16d1290abcde:user/alice',
        'aws:username': 'alice',
      }),
      true,
    );
  });
  it('makes the condition false when the variable is missing, even for negated operators', () => {
    assert.equal(holds('StringLike', 's3:prefix', 'home/${aws:username}/*', { 's3:prefix': 'home/x/' }), false);
    assert.equal(holds('StringNotLike', 's3:prefix', 'home/${aws:username}/*', { 's3:prefix': 'home/x/' }), false);
  });
  it('uses a default value when given', () => {
    assert.equal(holds('StringEquals', 's3:prefix', "${aws:username, 'public'}/", { 's3:prefix': 'public/' }), true);
  });
});

describe('value validation', () => {
  const errorOf = (op: string, value: string) => {
    const result = compileCondition(parseConditionOperator(op)!, 'k', [value], true);
    return 'error' in result ? result.error : undefined;
  };
  it('names the problem', () => {
    assert.equal(errorOf('IpAddress', '300.1.1.1/8'), 'Invalid IP address in Conditions');
    assert.equal(errorOf('NotIpAddress', 'example.com'), 'Invalid IP address in Conditions');
    assert.match(errorOf('NumericLessThan', 'ten')!, /numeric/);
    assert.match(errorOf('DateLessThan', 'tomorrow')!, /date/);
    assert.match(errorOf('Bool', 'yes')!, /boolean/);
    assert.match(errorOf('Null', 'maybe')!, /Null/);
    assert.equal(errorOf('StringLike', 'anything ${goes}'), undefined);
  });
});
