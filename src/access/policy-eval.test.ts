import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePolicy, type Policy } from './policy.js';
import { evaluatePolicy, type PolicyRequest, type RequestPrincipal } from './policy-eval.js';

const BUCKET = 'POLICY-EXAMPLE-BUCKET';
const ARN = `arn:aws:s3:::${BUCKET}`;
const P1 = '3d5b0ae8e724b439a4cd16d1290abcde';
const P2 = 'aaaabbbbccccddddeeeeffff00001111';
const alice: RequestPrincipal = { projectId: P1, userName: 'alice', userId: 'u-alice' };
const bob: RequestPrincipal = { projectId: P1, userName: 'bob', userId: 'u-bob' };
const carol: RequestPrincipal = { projectId: P2, userName: 'carol', userId: 'u-carol' };

function policy(...statements: Record<string, unknown>[]): Policy {
  return parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), BUCKET);
}

function request(overrides: Partial<PolicyRequest> = {}): PolicyRequest {
  return { principal: alice, action: 's3:GetObject', resource: `${ARN}/data/file.txt`, context: {}, ...overrides };
}

const allowAll = { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: [ARN, `${ARN}/*`] };

describe("the user guide's IP policy", () => {
  const guide = parsePolicy(
    '{"Version":"2012-10-17","Id":"S3PolicyExample","Statement":[{"Sid":"IPAllow","Effect":"Deny","Principal":"*",' +
      '"Action":"s3:*","Resource":["arn:aws:s3:::POLICY-EXAMPLE-BUCKET","arn:aws:s3:::POLICY-EXAMPLE-BUCKET/*"],' +
      '"Condition":{"NotIpAddress":{"aws:SourceIp":"127.0.0.1/32"}}}]}',
    BUCKET,
  );
  const from = (ip: string | undefined, overrides: Partial<PolicyRequest> = {}) =>
    evaluatePolicy(guide, request({ context: { 'aws:SourceIp': ip }, ...overrides }));

  it('denies 127.0.0.2', () => assert.equal(from('127.0.0.2'), 'Deny'));
  it('does not deny 127.0.0.1, also as an IPv4-mapped IPv6 address', () => {
    assert.equal(from('127.0.0.1'), 'NoMatch');
    assert.equal(from('::ffff:127.0.0.1'), 'NoMatch');
  });
  it('applies to the bucket itself, to anonymous callers and to every action', () => {
    assert.equal(from('10.0.0.1', { resource: ARN, action: 's3:ListBucket' }), 'Deny');
    assert.equal(from('10.0.0.1', { principal: undefined }), 'Deny');
    assert.equal(from('10.0.0.1', { action: 's3:DeleteBucketPolicy', resource: ARN }), 'Deny');
  });
  it('denies when the address is unknown (NotIpAddress on a missing key holds)', () => {
    assert.equal(from(undefined), 'Deny');
  });
});

describe('effects', () => {
  it('an explicit Deny beats any Allow, in any order', () => {
    const deny = { Effect: 'Deny', Principal: { AWS: P1 }, Action: 's3:DeleteObject', Resource: `${ARN}/*` };
    for (const p of [policy(allowAll, deny), policy(deny, allowAll)]) {
      assert.equal(evaluatePolicy(p, request({ action: 's3:DeleteObject' })), 'Deny');
      assert.equal(evaluatePolicy(p, request({ action: 's3:DeleteObject', principal: carol })), 'Allow');
      assert.equal(evaluatePolicy(p, request()), 'Allow');
    }
  });
  it('nothing applying is NoMatch, not Deny', () => {
    const p = policy({ Effect: 'Allow', Principal: { AWS: P2 }, Action: 's3:GetObject', Resource: `${ARN}/*` });
    assert.equal(evaluatePolicy(p, request()), 'NoMatch');
    assert.equal(evaluatePolicy(p, request({ principal: carol })), 'Allow');
  });
});

describe('principals', () => {
  const allowTo = (Principal: unknown) =>
    policy({ Effect: 'Allow', Principal, Action: 's3:GetObject', Resource: `${ARN}/*` });
  it('"*" is everyone, including anonymous callers', () => {
    assert.equal(evaluatePolicy(allowTo('*'), request({ principal: undefined })), 'Allow');
    assert.equal(evaluatePolicy(allowTo({ AWS: '*' }), request({ principal: undefined })), 'Allow');
  });
  it('a project is every member of it, in any spelling', () => {
    for (const id of [P1, P1.toUpperCase(), `arn:aws:iam::${P1}:root`]) {
      const p = allowTo({ AWS: id });
      assert.equal(evaluatePolicy(p, request({ principal: alice })), 'Allow');
      assert.equal(evaluatePolicy(p, request({ principal: bob })), 'Allow');
      assert.equal(evaluatePolicy(p, request({ principal: carol })), 'NoMatch');
      assert.equal(evaluatePolicy(p, request({ principal: undefined })), 'NoMatch');
    }
  });
  it('a user ARN is one member of one project', () => {
    const p = allowTo({ AWS: `arn:aws:iam::${P1}:user/alice` });
    assert.equal(evaluatePolicy(p, request({ principal: alice })), 'Allow');
    assert.equal(evaluatePolicy(p, request({ principal: bob })), 'NoMatch');
    assert.equal(evaluatePolicy(p, request({ principal: { ...carol, userName: 'alice' } })), 'NoMatch');
  });
  it('NotPrincipal denies everyone else, anonymous callers included', () => {
    const p = policy(allowAll, {
      Effect: 'Deny',
      NotPrincipal: { AWS: [P2, `arn:aws:iam::${P1}:user/bob`] },
      Action: 's3:*',
      Resource: `${ARN}/*`,
    });
    assert.equal(evaluatePolicy(p, request({ principal: alice })), 'Deny');
    assert.equal(evaluatePolicy(p, request({ principal: bob })), 'Allow');
    assert.equal(evaluatePolicy(p, request({ principal: carol })), 'Allow');
    assert.equal(evaluatePolicy(p, request({ principal: undefined })), 'Deny');
  });
});

describe('actions', () => {
  it('match case-insensitively, with wildcards', () => {
    const p = policy({ Effect: 'Allow', Principal: '*', Action: ['s3:get*', 'S3:PutObject?agging'], Resource: `${ARN}/*` });
    assert.equal(evaluatePolicy(p, request({ action: 's3:GetObject' })), 'Allow');
    assert.equal(evaluatePolicy(p, request({ action: 'S3:GETOBJECTACL' })), 'Allow');
    assert.equal(evaluatePolicy(p, request({ action: 's3:PutObjectTagging' })), 'Allow');
    assert.equal(evaluatePolicy(p, request({ action: 's3:PutObject' })), 'NoMatch');
  });
  it('NotAction applies to every other action', () => {
    const p = policy(allowAll, { Effect: 'Deny', Principal: '*', NotAction: ['s3:GetObject', 's3:ListBucket'], Resource: [ARN, `${ARN}/*`] });
    assert.equal(evaluatePolicy(p, request({ action: 's3:GetObject' })), 'Allow');
    assert.equal(evaluatePolicy(p, request({ action: 's3:ListBucket', resource: ARN })), 'Allow');
    assert.equal(evaluatePolicy(p, request({ action: 's3:PutObject' })), 'Deny');
    assert.equal(evaluatePolicy(p, request({ action: 's3:DeleteBucket', resource: ARN })), 'Deny');
  });
});

describe('resources', () => {
  it('match with * and ?', () => {
    const p = policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: [`${ARN}/public/*`, `${ARN}/v?.txt`] });
    assert.equal(evaluatePolicy(p, request({ resource: `${ARN}/public/a/b.txt` })), 'Allow');
    assert.equal(evaluatePolicy(p, request({ resource: `${ARN}/v1.txt` })), 'Allow');
    assert.equal(evaluatePolicy(p, request({ resource: `${ARN}/v10.txt` })), 'NoMatch');
    assert.equal(evaluatePolicy(p, request({ resource: `${ARN}/private/x` })), 'NoMatch');
    assert.equal(evaluatePolicy(p, request({ resource: `${ARN}/Public/x` })), 'NoMatch', 'keys are case-sensitive');
  });
  it('NotResource applies to every other resource', () => {
    const p = policy(allowAll, { Effect: 'Deny', Principal: '*', Action: 's3:*', NotResource: [`${ARN}/public/*`] });
    assert.equal(evaluatePolicy(p, request({ resource: `${ARN}/public/x` })), 'Allow');
    assert.equal(evaluatePolicy(p, request({ resource: `${ARN}/private/x` })), 'Deny');
  });
});

describe('policy variables', () => {
  const homes = policy({
    Effect: 'Allow',
    Principal: { AWS: P1 },
    Action: ['s3:GetObject', 's3:PutObject'],
    Resource: `${ARN}/home/\${aws:username}/*`,
  });
  it('give each user their own prefix', () => {
    assert.equal(evaluatePolicy(homes, request({ resource: `${ARN}/home/alice/x` })), 'Allow');
    assert.equal(evaluatePolicy(homes, request({ resource: `${ARN}/home/bob/x` })), 'NoMatch');
    assert.equal(evaluatePolicy(homes, request({ principal: bob, resource: `${ARN}/home/bob/x` })), 'Allow');
  });
  it('substitute literally: a user called "*" gets no wildcard', () => {
    const star = { ...alice, userName: '*' };
    assert.equal(evaluatePolicy(homes, request({ principal: star, resource: `${ARN}/home/alice/x` })), 'NoMatch');
    assert.equal(evaluatePolicy(homes, request({ principal: star, resource: `${ARN}/home/*/x` })), 'Allow');
  });
  it('resolve project and escapes in resources and conditions', () => {
    const p = policy({
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `${ARN}/\${aws:PrincipalAccount}/\${*}/*`,
      Condition: { StringLike: { 'aws:UserAgent': '${aws:userid}${?}*' } },
    });
    const ok = request({ resource: `${ARN}/${P1}/*/k`, context: { 'aws:UserAgent': 'u-alice?/1.0' } });
    assert.equal(evaluatePolicy(p, ok), 'Allow');
    assert.equal(evaluatePolicy(p, { ...ok, resource: `${ARN}/${P1}/x/k` }), 'NoMatch');
    assert.equal(evaluatePolicy(p, { ...ok, context: { 'aws:UserAgent': 'u-alice!/1.0' } }), 'NoMatch');
  });
  it('do not match when the key is missing (anonymous callers have no user name)', () => {
    const p = policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${ARN}/home/\${aws:username}/*` });
    assert.equal(evaluatePolicy(p, request({ principal: undefined, resource: `${ARN}/home//x` })), 'NoMatch');
    assert.equal(evaluatePolicy(p, request({ principal: undefined, resource: `${ARN}/home/\${aws:username}/x` })), 'NoMatch');
  });
  it('void a NotResource statement whose variable cannot be resolved', () => {
    const p = policy(allowAll, { Effect: 'Deny', Principal: '*', Action: 's3:*', NotResource: `${ARN}/home/\${aws:username}/*` });
    assert.equal(evaluatePolicy(p, request({ resource: `${ARN}/home/bob/x` })), 'Deny');
    assert.equal(evaluatePolicy(p, request({ resource: `${ARN}/home/alice/x` })), 'Allow');
    assert.equal(evaluatePolicy(p, request({ principal: undefined, resource: `${ARN}/home/bob/x` })), 'Allow');
  });
  it('are plain text in 2008-10-17 policies', () => {
    const old = parsePolicy(
      JSON.stringify({ Version: '2008-10-17', Statement: { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${ARN}/\${aws:username}` } }),
      BUCKET,
    );
    assert.equal(evaluatePolicy(old, request({ resource: `${ARN}/alice` })), 'NoMatch');
    assert.equal(evaluatePolicy(old, request({ resource: `${ARN}/\${aws:username}` })), 'Allow');
  });
});

describe('conditions in statements', () => {
  const p = policy({
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:ListBucket',
    Resource: ARN,
    Condition: {
      StringLike: { 's3:prefix': ['public/*', 'shared/*'] },
      Bool: { 'aws:SecureTransport': 'true' },
      NumericLessThanEquals: { 's3:max-keys': '100' },
    },
  });
  const list = (context: PolicyRequest['context']) => evaluatePolicy(p, request({ action: 's3:ListBucket', resource: ARN, context }));
  it('AND keys and operators, OR values', () => {
    assert.equal(list({ 's3:prefix': 'shared/x', 'aws:SecureTransport': 'true', 's3:max-keys': '50' }), 'Allow');
    assert.equal(list({ 's3:prefix': 'public/', 'aws:SecureTransport': 'true', 's3:max-keys': '100' }), 'Allow');
    assert.equal(list({ 's3:prefix': 'private/', 'aws:SecureTransport': 'true', 's3:max-keys': '50' }), 'NoMatch');
    assert.equal(list({ 's3:prefix': 'public/', 'aws:SecureTransport': 'false', 's3:max-keys': '50' }), 'NoMatch');
    assert.equal(list({ 's3:prefix': 'public/', 'aws:SecureTransport': 'true', 's3:max-keys': '1000' }), 'NoMatch');
    assert.equal(list({ 's3:prefix': 'public/', 'aws:SecureTransport': 'true' }), 'NoMatch');
  });
  it('read context keys case-insensitively and fill in the principal keys', () => {
    assert.equal(list({ 'S3:Prefix': 'public/', 'AWS:SECURETRANSPORT': 'true', 's3:MAX-KEYS': '1' }), 'Allow');
    const own = policy({ ...allowAll, Condition: { StringEquals: { 'aws:PrincipalAccount': P1, 'aws:userid': 'u-alice' } } });
    assert.equal(evaluatePolicy(own, request()), 'Allow');
    assert.equal(evaluatePolicy(own, request({ principal: bob })), 'NoMatch');
    assert.equal(evaluatePolicy(own, request({ principal: undefined })), 'NoMatch');
  });
  it('test object tags by tag key, case-sensitively', () => {
    const tagged = policy({ ...allowAll, Condition: { StringEquals: { 's3:ExistingObjectTag/Class': 'open' } } });
    assert.equal(evaluatePolicy(tagged, request({ context: { 's3:ExistingObjectTag/Class': 'open' } })), 'Allow');
    assert.equal(evaluatePolicy(tagged, request({ context: { 's3:existingobjecttag/Class': 'open' } })), 'Allow');
    assert.equal(evaluatePolicy(tagged, request({ context: { 's3:ExistingObjectTag/class': 'open' } })), 'NoMatch');
  });
  it('deny plain HTTP', () => {
    const tls = policy(allowAll, { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [ARN, `${ARN}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    assert.equal(evaluatePolicy(tls, request({ context: { 'aws:SecureTransport': 'false' } })), 'Deny');
    assert.equal(evaluatePolicy(tls, request({ context: { 'aws:SecureTransport': 'true' } })), 'Allow');
  });
  it('deny after a date', () => {
    const until = policy(allowAll, { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `${ARN}/*`, Condition: { DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } });
    assert.equal(evaluatePolicy(until, request({ context: { 'aws:CurrentTime': '2029-12-31T23:59:59Z' } })), 'Allow');
    assert.equal(evaluatePolicy(until, request({ context: { 'aws:CurrentTime': '2030-01-01T00:00:01Z' } })), 'Deny');
  });
});

describe('properties', () => {
  const principals = fc.constantFrom<unknown>('*', { AWS: P1 }, { AWS: P2 }, { AWS: `arn:aws:iam::${P1}:user/alice` }, { AWS: [P2, `arn:aws:iam::${P1}:root`] });
  const actions = fc.constantFrom<unknown>('s3:*', 's3:Get*', 's3:GetObject', ['s3:PutObject', 's3:DeleteObject'], 's3:List*', '*');
  const resources = fc.constantFrom<unknown>([ARN, `${ARN}/*`], `${ARN}/*`, `${ARN}/a/*`, `${ARN}/?`, `arn:aws:s3:::POLICY-*`, `${ARN}/\${aws:username}/*`);
  const conditions = fc.constantFrom<unknown>(
    undefined,
    { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } },
    { StringLike: { 's3:prefix': 'a/*' } },
    { 'ForAnyValue:StringEquals': { 'aws:username': ['alice', 'carol'] } },
    { Bool: { 'aws:SecureTransport': 'false' } },
  );
  const statementOf = (effect: 'Allow' | 'Deny' | undefined) =>
    fc
      .record({
        Effect: effect ? fc.constant(effect) : fc.constantFrom('Allow', 'Deny'),
        principal: principals,
        negatePrincipal: fc.boolean(),
        negateAction: fc.boolean(),
        negateResource: fc.boolean(),
        action: actions,
        resource: resources,
        condition: conditions,
      })
      .map((s) => ({
        Effect: s.Effect,
        [s.negatePrincipal && s.Effect === 'Deny' ? 'NotPrincipal' : 'Principal']: s.principal,
        [s.negateAction ? 'NotAction' : 'Action']: s.action,
        [s.negateResource ? 'NotResource' : 'Resource']: s.resource,
        ...(s.condition === undefined ? {} : { Condition: s.condition }),
      }));
  const requests = fc.record({
    principal: fc.constantFrom(alice, bob, carol, undefined),
    action: fc.constantFrom('s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:DeleteObject', 's3:getobjectacl'),
    resource: fc.constantFrom(ARN, `${ARN}/a/x`, `${ARN}/b`, `${ARN}/alice/x`),
    context: fc.record({
      'aws:SourceIp': fc.constantFrom('10.1.2.3', '192.0.2.1', '::ffff:10.0.0.9', '2001:db8::1', undefined),
      'aws:SecureTransport': fc.constantFrom('true', 'false', undefined),
      's3:prefix': fc.constantFrom('a/b', 'c', undefined),
    }),
  });
  /** Some random statements are invalid (an action that fits none of the resources); drop those. */
  const tryParse = (statements: Record<string, unknown>[]): Policy | undefined => {
    try {
      return policy(...statements);
    } catch {
      return undefined;
    }
  };

  it('adding a Deny statement never turns a decision into Allow, nor a Deny into anything else', () => {
    fc.assert(
      fc.property(fc.array(statementOf(undefined), { minLength: 1, maxLength: 5 }), statementOf('Deny'), requests, (statements, deny, req) => {
        const before = tryParse(statements);
        const after = tryParse([...statements, deny]);
        fc.pre(before !== undefined && after !== undefined);
        const was = evaluatePolicy(before!, req);
        const now = evaluatePolicy(after!, req);
        return now === was || now === 'Deny';
      }),
      { numRuns: 3000 },
    );
  });

  it('the decision does not depend on statement order', () => {
    fc.assert(
      fc.property(
        fc.array(statementOf(undefined), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat()),
        requests,
        (statements, seeds, req) => {
          const shuffled = [...statements];
          seeds.forEach((seed, i) => {
            const a = i % shuffled.length;
            const b = seed % shuffled.length;
            [shuffled[a], shuffled[b]] = [shuffled[b]!, shuffled[a]!];
          });
          const original = tryParse(statements);
          fc.pre(original !== undefined);
          return evaluatePolicy(original!, req) === evaluatePolicy(tryParse(shuffled)!, req);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a policy of Allow statements never denies, and a policy of Deny statements never allows', () => {
    fc.assert(
      fc.property(fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Deny'), fc.array(statementOf(undefined), { minLength: 1, maxLength: 4 }), requests, (effect, statements, req) => {
        const p = tryParse(statements.map((s) => ({ ...s, Effect: effect })).filter((s) => effect === 'Deny' || !('NotPrincipal' in s)));
        fc.pre(p !== undefined);
        return evaluatePolicy(p!, req) !== (effect === 'Allow' ? 'Deny' : 'Allow');
      }),
      { numRuns: 2000 },
    );
  });

  it('NotPrincipal applies exactly where Principal does not', () => {
    fc.assert(
      fc.property(statementOf('Deny'), requests, (statement, req) => {
        const { Principal, NotPrincipal, ...rest } = statement as Record<string, unknown>;
        const who = Principal ?? NotPrincipal;
        const positive = tryParse([{ ...rest, Principal: who }]);
        const negative = tryParse([{ ...rest, NotPrincipal: who }]);
        fc.pre(positive !== undefined && negative !== undefined);
        const a = evaluatePolicy(positive!, req);
        const b = evaluatePolicy(negative!, req);
        // Whenever the rest of the statement applies, exactly one of the two denies.
        const restApplies = evaluatePolicy(tryParse([{ ...rest, Principal: '*' }])!, req) === 'Deny';
        return restApplies ? (a === 'Deny') !== (b === 'Deny') : a === 'NoMatch' && b === 'NoMatch';
      }),
      { numRuns: 2000 },
    );
  });
});
