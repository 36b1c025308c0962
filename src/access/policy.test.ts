import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { S3Error } from '../errors.js';
import { MAX_BUCKET_POLICY_BYTES } from '../limits.js';
import { isS3Action, parsePolicy, S3_ACTIONS } from './policy.js';

const BUCKET = 'POLICY-EXAMPLE-BUCKET';
const PROJECT = '3d5b0ae8e724b439a4cd16d1290abcde';

function statement(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::${BUCKET}/*`,
    ...overrides,
  };
}

function policyJson(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function rejects(json: string, reason: string | RegExp, bucket = BUCKET): void {
  assert.throws(
    () => parsePolicy(json, bucket),
    (e: unknown) => {
      assert.ok(e instanceof S3Error);
      assert.equal(e.code, 'MalformedPolicy');
      assert.equal(e.status, 400);
      if (typeof reason === 'string') assert.equal(e.message, reason);
      else assert.match(e.message, reason);
      return true;
    },
  );
}

describe('parsePolicy accepts', () => {
  it("the user guide's IP policy, normalised", () => {
    const policy = parsePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Id: 'S3PolicyExample',
        Statement: [
          {
            Sid: 'IPAllow',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
            Condition: { NotIpAddress: { 'aws:SourceIp': '127.0.0.1/32' } },
          },
        ],
      }),
      BUCKET,
    );
    assert.equal(policy.version, '2012-10-17');
    assert.equal(policy.id, 'S3PolicyExample');
    assert.equal(policy.statements.length, 1);
    const [s] = policy.statements;
    assert.equal(s!.sid, 'IPAllow');
    assert.equal(s!.effect, 'Deny');
    assert.equal(s!.principal.set.everyone, true);
    assert.equal(s!.action.patterns.length, 1);
    assert.equal(s!.resource.patterns.length, 2);
    assert.equal(s!.conditions[0]!.operator.name, 'NotIpAddress');
    assert.equal(s!.conditions[0]!.key, 'aws:sourceip');
  });

  it('a single statement object, no Version (2008-10-17), and whitespace before the brace', () => {
    const policy = parsePolicy(`\n  ${JSON.stringify({ Statement: statement() })}`, BUCKET);
    assert.equal(policy.version, '2008-10-17');
    assert.equal(policy.statements.length, 1);
  });

  it('project principals in every spelling', () => {
    const policy = parsePolicy(
      policyJson(
        statement({
          Principal: {
            AWS: [PROJECT, `arn:aws:iam::${PROJECT.toUpperCase()}:root`, `arn:aws:iam::${PROJECT}:user/alice`],
            CanonicalUser: 'ffffffffffffffffffffffffffffffff',
          },
        }),
      ),
      BUCKET,
    );
    const set = policy.statements[0]!.principal.set;
    assert.equal(set.everyone, false);
    assert.deepEqual([...set.projects].sort(), [PROJECT, 'ffffffffffffffffffffffffffffffff']);
    assert.deepEqual([...set.users], [`${PROJECT}/alice`]);
    assert.equal(parsePolicy(policyJson(statement({ Principal: { AWS: '*' } })), BUCKET).statements[0]!.principal.set.everyone, true);
  });

  it('wildcard actions, "*", NotAction, NotResource, NotPrincipal with Deny', () => {
    parsePolicy(policyJson(statement({ Action: ['s3:Get*', 'S3:LISTBUCKET', '*'], Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`] })), BUCKET);
    parsePolicy(policyJson(statement({ Action: undefined, NotAction: 's3:DeleteObject' })), BUCKET);
    parsePolicy(policyJson(statement({ Resource: undefined, NotResource: `arn:aws:s3:::${BUCKET}/private/*` })), BUCKET);
    parsePolicy(policyJson(statement({ Effect: 'Deny', Principal: undefined, NotPrincipal: { AWS: PROJECT } })), BUCKET);
  });

  it('resources with wildcards in the bucket name and with policy variables', () => {
    parsePolicy(policyJson(statement({ Resource: 'arn:aws:s3:::POLICY-*/*' })), BUCKET);
    parsePolicy(policyJson(statement({ Resource: 'arn:aws:s3:::*' })), BUCKET);
    parsePolicy(policyJson(statement({ Resource: `arn:aws:s3:::${BUCKET}/home/\${aws:username}/*` })), BUCKET);
  });

  it('condition values given as numbers and booleans, and any case of key names', () => {
    const policy = parsePolicy(
      policyJson(
        statement({
          Action: 's3:ListBucket',
          Resource: `arn:aws:s3:::${BUCKET}`,
          Condition: {
            NumericLessThanEquals: { 's3:max-keys': 100 },
            Bool: { 'AWS:SecureTransport': true },
            StringEquals: { 's3:ExistingObjectTag/Project': 'x' },
          },
        }),
      ),
      BUCKET,
    );
    assert.deepEqual(policy.statements[0]!.conditions.map((c) => c.key), [
      's3:max-keys',
      'aws:securetransport',
      's3:existingobjecttag/Project',
    ]);
  });
});

describe('parsePolicy rejects, with S3 reasons', () => {
  it('what is not a JSON object', () => {
    rejects('', "Policies must be valid JSON and the first byte must be '{'");
    rejects('[1]', "Policies must be valid JSON and the first byte must be '{'");
    rejects('{"Statement": [', 'This policy contains invalid Json');
  });

  it('a policy over 20 KB (not counting whitespace)', () => {
    const many = Array.from({ length: 200 }, (_, i) => statement({ Sid: `s${i}` }));
    assert.ok(policyJson(...many).length > MAX_BUCKET_POLICY_BYTES);
    rejects(policyJson(...many), 'Policy exceeds the maximum allowed document size.');
    const padded = JSON.stringify({ Statement: statement() }, null, 40).replace(/\n/g, '\n' + ' '.repeat(3000));
    assert.ok(padded.length > MAX_BUCKET_POLICY_BYTES);
    parsePolicy(padded, BUCKET);
  });

  it('missing or empty Statement, bad Version, unknown fields', () => {
    rejects('{"Version":"2012-10-17"}', 'Missing required field Statement');
    rejects('{"Version":"2012-10-17","Statement":[]}', 'Could not parse the policy: Statement is empty!');
    rejects(JSON.stringify({ Version: '2012-10-18', Statement: [statement()] }), 'The policy must contain a valid version string');
    rejects(JSON.stringify({ Version: '2012-10-17', Statement: [statement()], Extra: 1 }), 'Unknown field Extra');
    rejects(policyJson(statement({ Actions: 's3:*' })), 'Unknown field Actions');
    rejects(JSON.stringify({ Statement: ['x'] }), 'This policy contains invalid Json');
  });

  it('bad Effect', () => {
    rejects(policyJson(statement({ Effect: undefined })), 'Missing required field Effect');
    rejects(policyJson(statement({ Effect: 'hello' })), 'Invalid effect: hello');
    rejects(policyJson(statement({ Effect: 'allow' })), 'Invalid effect: allow');
  });

  it('bad principals', () => {
    rejects(policyJson(statement({ Principal: undefined })), 'Missing required field Principal');
    rejects(policyJson(statement({ Principal: {} })), 'Missing required field Principal cannot be empty!');
    rejects(policyJson(statement({ Principal: { AWS: 'user' } })), 'Invalid principal in policy');
    rejects(policyJson(statement({ Principal: { AWS: `arn:aws:iam::${PROJECT}:role/x` } })), 'Invalid principal in policy');
    rejects(policyJson(statement({ Principal: { Service: 's3.amazonaws.com' } })), 'Invalid principal in policy');
    rejects(policyJson(statement({ Principal: 'everyone' })), 'Invalid principal in policy');
    rejects(policyJson(statement({ NotPrincipal: { AWS: PROJECT } })), 'Statement cannot contain both Principal and NotPrincipal');
    rejects(policyJson(statement({ Principal: undefined, NotPrincipal: { AWS: PROJECT } })), 'NotPrincipal can only be used with Effect Deny');
  });

  it('bad actions', () => {
    rejects(policyJson(statement({ Action: 'invalid_action' })), 'Policy has invalid action');
    rejects(policyJson(statement({ Action: 'ec2:RunInstances' })), 'Policy has invalid action');
    rejects(policyJson(statement({ Action: 's3:GetObjekt' })), 'Policy has invalid action');
    rejects(policyJson(statement({ Action: 's3:Nothing*' })), 'Policy has invalid action');
    rejects(policyJson(statement({ Action: [] })), 'Policy has invalid action');
    rejects(policyJson(statement({ Action: undefined })), 'Missing required field Action');
    rejects(policyJson(statement({ NotAction: 's3:GetObject' })), 'Statement cannot contain both Action and NotAction');
  });

  it('resources outside this bucket', () => {
    rejects(policyJson(statement({ Resource: 'arn:aws:s3:::other-bucket/*' })), 'Policy has invalid resource');
    rejects(policyJson(statement({ Resource: '*' })), 'Policy has invalid resource');
    rejects(policyJson(statement({ Resource: 'arn:aws:s3:::POLICY-EXAMPLE-BUCKET-2/*' })), 'Policy has invalid resource');
    rejects(policyJson(statement({ Resource: 'arn:aws:iam::123:user/x' })), 'Policy has invalid resource');
    rejects(policyJson(statement({ Resource: undefined })), 'Missing required field Resource');
    rejects(policyJson(statement({ NotResource: 'arn:aws:s3:::x' })), 'Statement cannot contain both Resource and NotResource');
  });

  it('actions that apply to none of the resources', () => {
    const reason = 'Action does not apply to any resource(s) in statement';
    rejects(policyJson(statement({ Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}` })), reason);
    rejects(policyJson(statement({ Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}/*` })), reason);
    rejects(policyJson(statement({ Action: 's3:ListAllMyBuckets', Resource: 'arn:aws:s3:::*' })), reason);
    parsePolicy(policyJson(statement({ Action: ['s3:ListBucket', 's3:GetObject'], Resource: 'arn:aws:s3:::*' })), BUCKET);
  });

  it('bad conditions', () => {
    const withCondition = (Condition: unknown) => policyJson(statement({ Condition }));
    rejects(withCondition({ StringEqual: { 'aws:UserAgent': 'x' } }), 'Invalid Condition type : StringEqual');
    rejects(withCondition({ NullIfExists: { 'aws:UserAgent': 'true' } }), 'Invalid Condition type : NullIfExists');
    rejects(withCondition({ StringEquals: { 'aws:NoSuchKey': 'x' } }), 'Policy has an invalid condition key');
    rejects(withCondition({ StringEquals: { 's3:ExistingObjectTag/': 'x' } }), 'Policy has an invalid condition key');
    rejects(withCondition({ IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } }), 'Invalid IP address in Conditions');
    rejects(withCondition({ NumericLessThan: { 's3:max-keys': 'ten' } }), /numeric/);
    rejects(withCondition({ StringEquals: { 'aws:UserAgent': [] } }), /no values/);
    rejects(withCondition({ StringEquals: { 'aws:UserAgent': { x: 1 } } }), 'This policy contains invalid Json');
    rejects(withCondition('x'), 'This policy contains invalid Json');
  });
});

describe('S3 actions', () => {
  it('lists the actions, recognised in any case', () => {
    assert.ok(S3_ACTIONS.includes('s3:GetObject'));
    assert.ok(S3_ACTIONS.includes('s3:ListBucket'));
    assert.equal(new Set(S3_ACTIONS).size, S3_ACTIONS.length);
    assert.equal(isS3Action('S3:getobject'), true);
    assert.equal(isS3Action('s3:Get*'), false);
  });
});
