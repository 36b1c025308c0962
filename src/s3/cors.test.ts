import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { S3Error } from '../errors.js';
import { corsFromStored, corsFromXml, corsResponseHeaders, corsToStored, corsXml, matchCorsRule, requestedHeaders, type CorsRule } from './cors.js';

const xml = (rules: string) => Buffer.from(`<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules}</CORSConfiguration>`);
const rule = (inner: string) => `<CORSRule>${inner}</CORSRule>`;
const minimal = rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>');

function refusedWith(code: string, message?: string) {
  return (e: unknown) => e instanceof S3Error && e.code === code && e.status === 400 && (message === undefined || e.message === message);
}

describe('CORS configuration document', () => {
  it('reads every member of a rule, lists in document order, whitespace between elements ignored', () => {
    const body = xml(`
      <CORSRule>
        <ID>upload rule</ID>
        <AllowedOrigin>https://www.example.com</AllowedOrigin>
        <AllowedOrigin>http://*.example.org</AllowedOrigin>
        <AllowedMethod>PUT</AllowedMethod>
        <AllowedMethod>POST</AllowedMethod>
        <AllowedHeader>x-amz-*</AllowedHeader>
        <AllowedHeader>Content-Type</AllowedHeader>
        <ExposeHeader>ETag</ExposeHeader>
        <MaxAgeSeconds>3000</MaxAgeSeconds>
      </CORSRule>
      ${minimal}`);
    assert.deepEqual(corsFromXml(body), [
      {
        id: 'upload rule',
        allowedOrigins: ['https://www.example.com', 'http://*.example.org'],
        allowedMethods: ['PUT', 'POST'],
        allowedHeaders: ['x-amz-*', 'Content-Type'],
        exposeHeaders: ['ETag'],
        maxAgeSeconds: 3000,
      },
      { allowedOrigins: ['*'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: [] },
    ]);
  });

  it('writes the GetBucketCors document that reads back the same, and stores rules as JSON', () => {
    const rules = corsFromXml(xml(rule('<ID>a&amp;b</ID><AllowedOrigin>https://x.test</AllowedOrigin><AllowedOrigin></AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>0</MaxAgeSeconds>') + minimal));
    const written = corsXml(rules);
    assert.match(written, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<CORSConfiguration xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/"><CORSRule><ID>a&amp;b<\/ID><AllowedHeader>\*<\/AllowedHeader><AllowedMethod>GET<\/AllowedMethod>/);
    assert.deepEqual(corsFromXml(Buffer.from(written)), rules);
    assert.deepEqual(corsFromStored(corsToStored(rules)), rules);
  });

  it('refuses a document S3 does not accept as MalformedXML', () => {
    const malformed = refusedWith('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    assert.throws(() => corsFromXml(Buffer.from('<CORSConfiguration>')), malformed);
    assert.throws(() => corsFromXml(Buffer.from(`<CORSConfig>${minimal}</CORSConfig>`)), malformed);
    assert.throws(() => corsFromXml(xml('')), malformed, 'no rule');
    assert.throws(() => corsFromXml(xml('<CORSRule/>')), malformed, 'empty rule');
    assert.throws(() => corsFromXml(xml(rule('<AllowedMethod>GET</AllowedMethod>'))), malformed, 'no origin');
    assert.throws(() => corsFromXml(xml(rule('<AllowedOrigin>*</AllowedOrigin>'))), malformed, 'no method');
    assert.throws(() => corsFromXml(xml(rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><Color>red</Color>'))), malformed, 'unknown element');
    assert.throws(() => corsFromXml(xml(`${minimal}<Other/>`)), malformed, 'unknown element beside the rules');
    assert.throws(() => corsFromXml(xml(rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>soon</MaxAgeSeconds>'))), malformed);
    assert.throws(() => corsFromXml(xml(rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>-1</MaxAgeSeconds>'))), malformed);
    assert.throws(() => corsFromXml(xml(rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>1</MaxAgeSeconds><MaxAgeSeconds>2</MaxAgeSeconds>'))), malformed);
    assert.throws(() => corsFromXml(xml(rule(`<ID>${'i'.repeat(256)}</ID><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>`))), malformed);
    assert.doesNotThrow(() => corsFromXml(xml(rule(`<ID>${'i'.repeat(255)}</ID><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>`))));
    assert.throws(() => corsFromXml(xml(rule('<AllowedOrigin><Host>x</Host></AllowedOrigin><AllowedMethod>GET</AllowedMethod>'))), malformed);
  });

  it('takes 1 to 100 rules', () => {
    assert.equal(corsFromXml(xml(minimal.repeat(100))).length, 100);
    assert.throws(() => corsFromXml(xml(minimal.repeat(101))), refusedWith('MalformedXML'));
  });

  it("refuses values S3 refuses, with S3's InvalidRequest messages", () => {
    const withRule = (inner: string) => () => corsFromXml(xml(rule(inner)));
    assert.throws(
      withRule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>MYMETHOD</AllowedMethod>'),
      refusedWith('InvalidRequest', 'Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD'),
    );
    for (const method of ['OPTIONS', 'get', 'PATCH', '']) {
      assert.throws(withRule(`<AllowedOrigin>*</AllowedOrigin><AllowedMethod>${method}</AllowedMethod>`), refusedWith('InvalidRequest', `Found unsupported HTTP method in CORS config. Unsupported method is ${method}`));
    }
    assert.throws(
      withRule('<AllowedOrigin>*example*.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod>'),
      refusedWith('InvalidRequest', 'AllowedOrigin "*example*.com" can not have more than one wildcard.'),
    );
    assert.throws(
      withRule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>x-*-*</AllowedHeader>'),
      refusedWith('InvalidRequest', 'AllowedHeader "x-*-*" can not have more than one wildcard.'),
    );
    assert.throws(
      withRule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><ExposeHeader>x-amz-*</ExposeHeader>'),
      refusedWith('InvalidRequest', 'ExposeHeader "x-amz-*" contains wildcard. We currently do not support wildcard for ExposeHeader.'),
    );
    assert.doesNotThrow(withRule('<AllowedOrigin></AllowedOrigin><AllowedMethod>HEAD</AllowedMethod>'), 'an empty origin is accepted');
  });
});

describe('CORS rule matching', () => {
  const rules: CorsRule[] = [
    { allowedOrigins: ['https://app.example.com'], allowedMethods: ['GET', 'PUT'], allowedHeaders: ['x-amz-*', 'Content-TYPE'], exposeHeaders: ['ETag'], maxAgeSeconds: 600 },
    { allowedOrigins: ['http://*.example.org', 'start*end'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: [] },
    { allowedOrigins: ['*'], allowedMethods: ['HEAD'], allowedHeaders: ['*'], exposeHeaders: [] },
  ];

  it('uses the first rule that allows origin and method', () => {
    assert.equal(matchCorsRule(rules, 'https://app.example.com', 'PUT', undefined), rules[0]);
    assert.equal(matchCorsRule(rules, 'https://app.example.com', 'DELETE', undefined), undefined);
    assert.equal(matchCorsRule(rules, 'http://app.example.com', 'GET', undefined), undefined, 'scheme matters');
    assert.equal(matchCorsRule(rules, 'https://app.example.com:443', 'GET', undefined), undefined, 'port matters');
    assert.equal(matchCorsRule(rules, 'https://APP.example.com', 'GET', undefined), undefined, 'origins are case-sensitive');
    assert.equal(matchCorsRule(rules, 'https://anything', 'HEAD', undefined), rules[2]);
  });

  it('lets one * in an origin stand for any run of characters, the empty one too, anchored at both ends', () => {
    assert.equal(matchCorsRule(rules, 'http://test.example.org', 'GET', undefined), rules[1]);
    assert.equal(matchCorsRule(rules, 'http://.example.org', 'GET', undefined), rules[1]);
    assert.equal(matchCorsRule(rules, 'http://test.example.org/', 'GET', undefined), undefined);
    assert.equal(matchCorsRule(rules, 'startend', 'GET', undefined), rules[1]);
    assert.equal(matchCorsRule(rules, 'start12end', 'GET', undefined), rules[1]);
    assert.equal(matchCorsRule(rules, '0start12end', 'GET', undefined), undefined);
    assert.equal(matchCorsRule(rules, 'startenD', 'GET', undefined), undefined);
    assert.equal(matchCorsRule(rules, 'starend', 'GET', undefined), undefined, 'prefix and suffix may not overlap');
  });

  it('requires every requested header to be allowed, without regard to case', () => {
    assert.equal(matchCorsRule(rules, 'https://app.example.com', 'PUT', ['x-amz-meta-a', 'content-type']), rules[0]);
    assert.equal(matchCorsRule(rules, 'https://app.example.com', 'PUT', ['x-amz-meta-a', 'authorization']), undefined);
    assert.equal(matchCorsRule(rules, 'http://a.example.org', 'GET', ['x-amz-date']), undefined, 'a rule without AllowedHeader allows none');
    assert.equal(matchCorsRule(rules, 'https://x', 'HEAD', ['authorization', 'x-anything']), rules[2]);
  });

  it('reads Access-Control-Request-Headers as trimmed lowercase names', () => {
    assert.deepEqual(requestedHeaders('X-Amz-Date, content-type,Authorization'), ['x-amz-date', 'content-type', 'authorization']);
    assert.equal(requestedHeaders(' , '), undefined);
    assert.equal(requestedHeaders(undefined), undefined);
  });

  it('answers with the headers S3 sends', () => {
    assert.deepEqual(corsResponseHeaders(rules[0]!, 'https://app.example.com', ['x-amz-date', 'content-type']), {
      'Access-Control-Allow-Origin': 'https://app.example.com',
      'Access-Control-Allow-Methods': 'GET, PUT',
      'Access-Control-Allow-Headers': 'x-amz-date, content-type',
      'Access-Control-Expose-Headers': 'ETag',
      'Access-Control-Max-Age': 600,
      'Access-Control-Allow-Credentials': 'true',
      Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    });
    assert.deepEqual(corsResponseHeaders(rules[2]!, 'http://random:1234', undefined), {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'HEAD',
      Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    });
  });
});
