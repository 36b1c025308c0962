import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createChecksum } from '../checksums.js';
import { authenticate } from './authenticate.js';
import { EXAMPLE_ACCESS_KEY, authOptions, errorCode, fakeRequest, readAll, targetFor } from './testing.js';

// "Signature Calculations for the Authorization Header: Transferring Payload in
// Multiple Chunks" and "… Trailing Headers" (S3 API Reference): 65536 + 1024
// bytes of 'a', 64 KiB chunks, the example credential, 2013-05-24.
const EXAMPLE_TIME = new Date('2013-05-24T00:00:00Z');
const CHUNK1 = 'a'.repeat(65536);
const CHUNK2 = 'a'.repeat(1024);
const URL = '/examplebucket/chunkObject.txt';

interface Example {
  contentSha256: string;
  signedHeaders: string;
  seed: string;
  chunkSignatures: [string, string, string];
  trailer?: { line: string; signature: string };
}

const PAYLOAD: Example = {
  contentSha256: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  signedHeaders: 'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
  seed: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
  chunkSignatures: [
    'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
    '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
    'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
  ],
};

const PAYLOAD_TRAILER: Example = {
  contentSha256: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  signedHeaders: 'content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer',
  seed: '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e',
  chunkSignatures: [
    'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
    '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
    '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
  ],
  trailer: {
    line: 'x-amz-checksum-crc32c:sOO8/Q==',
    signature: 'd81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435',
  },
};

function exampleBody(e: Example): string {
  const [s1, s2, s3] = e.chunkSignatures;
  let body = `10000;chunk-signature=${s1}\r\n${CHUNK1}\r\n400;chunk-signature=${s2}\r\n${CHUNK2}\r\n0;chunk-signature=${s3}\r\n`;
  if (e.trailer) body += `${e.trailer.line}\r\nx-amz-trailer-signature:${e.trailer.signature}\r\n`;
  return body + '\r\n';
}

function slices(body: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < body.length; i += size) out.push(body.slice(i, i + size));
  return out;
}

function exampleRequest(e: Example, body: string[], disconnect = false) {
  const headers: [string, string][] = [
    ['Host', 's3.amazonaws.com'],
    ['x-amz-date', '20130524T000000Z'],
    ['x-amz-storage-class', 'REDUCED_REDUNDANCY'],
    [
      'Authorization',
      `AWS4-HMAC-SHA256 Credential=${EXAMPLE_ACCESS_KEY}/20130524/us-east-1/s3/aws4_request,SignedHeaders=${e.signedHeaders},Signature=${e.seed}`,
    ],
    ['x-amz-content-sha256', e.contentSha256],
    ['Content-Encoding', 'aws-chunked'],
    ['x-amz-decoded-content-length', '66560'],
    ['Content-Length', '66824'],
  ];
  if (e.trailer) headers.push(['x-amz-trailer', 'x-amz-checksum-crc32c']);
  return fakeRequest({ method: 'PUT', url: URL, headers, body, disconnect });
}

async function decode(e: Example, body: string[], disconnect = false) {
  const result = await authenticate(exampleRequest(e, body, disconnect), targetFor(URL), authOptions(EXAMPLE_TIME));
  return { data: await readAll(result.payload.stream), payload: result.payload };
}

describe('aws-chunked: AWS documentation vectors', () => {
  for (const e of [PAYLOAD, PAYLOAD_TRAILER]) {
    for (const size of [3, 100, 8191, 65536, 70000, 1 << 20]) {
      it(`${e.contentSha256}, read in pieces of ${size} bytes`, async () => {
        const { data, payload } = await decode(e, slices(exampleBody(e), size));
        assert.equal(data.length, 66560);
        assert.ok(data.every((b) => b === 0x61));
        assert.equal(payload.length, 66560);
        assert.deepEqual(payload.trailers(), e.trailer ? { 'x-amz-checksum-crc32c': 'sOO8/Q==' } : {});
      });
    }
  }

  it('the example trailer is the CRC32C of the data', () => {
    const crc = createChecksum('CRC32C');
    crc.update(Buffer.from(CHUNK1 + CHUNK2));
    assert.equal(crc.digest().toString('base64'), 'sOO8/Q==');
  });
});

describe('aws-chunked: tampering and framing', () => {
  const good = exampleBody(PAYLOAD);
  const [s1, s2, s3] = PAYLOAD.chunkSignatures;
  const chunk = (data: string, sig: string) => `${data.length.toString(16)};chunk-signature=${sig}\r\n${data}\r\n`;
  const final = `0;chunk-signature=${s3}\r\n\r\n`;

  const cases: [string, string, string][] = [
    ['a data byte changed', good.replace('a\r\n400;', 'b\r\n400;'), 'SignatureDoesNotMatch'],
    ['a chunk signature changed', good.replace(s2, '0'.repeat(64)), 'SignatureDoesNotMatch'],
    ['a chunk signature missing', good.replace(`400;chunk-signature=${s2}`, '400'), 'SignatureDoesNotMatch'],
    ['the final signature changed', good.replace(s3, s2), 'SignatureDoesNotMatch'],
    ['chunks reordered', chunk(CHUNK2, s2) + chunk(CHUNK1, s1) + final, 'SignatureDoesNotMatch'],
    ['a chunk dropped', chunk(CHUNK1, s1) + final, 'SignatureDoesNotMatch'],
    ['cut short', good.slice(0, 66000), 'IncompleteBody'],
    ['ends before the final empty line', good.slice(0, -2), 'IncompleteBody'],
    ['a bad chunk size', good.replace('400;', 'zz;'), 'InvalidRequest'],
    ['chunk data not followed by CRLF', good.replace(`a\r\n400;`, `aX\n400;`), 'InvalidRequest'],
    ['a trailer where none was announced', good.slice(0, -2) + 'x-amz-checksum-crc32:AAAAAA==\r\n\r\n', 'MalformedTrailerError'],
    ['more data than x-amz-decoded-content-length', chunk(CHUNK1, s1) + chunk(CHUNK1, s2) + final, 'IncompleteBody'],
  ];
  for (const [name, body, code] of cases) {
    it(name, async () => {
      assert.equal(await errorCode(decode(PAYLOAD, slices(body, 4096))), code);
    });
  }

  it('client disconnect mid-body', async () => {
    assert.equal(await errorCode(decode(PAYLOAD, slices(good, 4096).slice(0, 5), true)), 'IncompleteBody');
  });

  const trailerGood = exampleBody(PAYLOAD_TRAILER);
  const trailerSignature = PAYLOAD_TRAILER.trailer!.signature;
  const trailerCases: [string, string, string][] = [
    ['the trailing checksum changed', trailerGood.replace('sOO8/Q==', 'AAAAAA=='), 'SignatureDoesNotMatch'],
    ['the trailer signature changed', trailerGood.replace(trailerSignature, PAYLOAD_TRAILER.seed), 'SignatureDoesNotMatch'],
    ['the trailer signature missing', trailerGood.replace(`x-amz-trailer-signature:${trailerSignature}\r\n`, ''), 'SignatureDoesNotMatch'],
    ['a trailer added', trailerGood.replace('sOO8/Q==\r\n', 'sOO8/Q==\r\nx-amz-meta-a:1\r\n'), 'SignatureDoesNotMatch'],
    ['the announced trailer missing', trailerGood.replace('x-amz-checksum-crc32c:sOO8/Q==\r\n', ''), 'MalformedTrailerError'],
  ];
  for (const [name, body, code] of trailerCases) {
    it(name, async () => {
      assert.equal(await errorCode(decode(PAYLOAD_TRAILER, slices(body, 4096))), code);
    });
  }
});

describe('aws-chunked: STREAMING-UNSIGNED-PAYLOAD-TRAILER', () => {
  // The framing the AWS SDK for JavaScript v3 sends (getAwsChunkedEncodingStream).
  function unsignedBody(parts: string[], trailer: string): string {
    return parts.map((p) => `${p.length.toString(16)}\r\n${p}\r\n`).join('') + `0\r\n${trailer}\r\n\r\n`;
  }

  function request(body: string, decodedLength: number, pieces = 7) {
    return fakeRequest({
      method: 'PUT',
      url: '/b/k',
      headers: [
        ['Host', 'localhost'],
        ['Content-Encoding', 'aws-chunked'],
        ['x-amz-content-sha256', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'],
        ['x-amz-decoded-content-length', String(decodedLength)],
        ['x-amz-trailer', 'x-amz-checksum-crc32'],
        ['Content-Length', String(body.length)],
      ],
      body: slices(body, pieces),
    });
  }

  it('decodes data and trailers (anonymous request)', async () => {
    const body = unsignedBody(['hello ', 'world'], 'x-amz-checksum-crc32:DUoRhQ==');
    const result = await authenticate(request(body, 11), targetFor('/b/k'), authOptions(EXAMPLE_TIME));
    assert.equal((await readAll(result.payload.stream)).toString(), 'hello world');
    assert.deepEqual(result.payload.trailers(), { 'x-amz-checksum-crc32': 'DUoRhQ==' });
  });

  it('refuses a decoded length that differs from x-amz-decoded-content-length', async () => {
    const body = unsignedBody(['hello ', 'world'], 'x-amz-checksum-crc32:DUoRhQ==');
    const result = await authenticate(request(body, 12), targetFor('/b/k'), authOptions(EXAMPLE_TIME));
    assert.equal(await errorCode(readAll(result.payload.stream)), 'IncompleteBody');
  });

  it('refuses a trailer signature in the unsigned form', async () => {
    const body = unsignedBody(['hello'], 'x-amz-checksum-crc32:NhCmhg==\r\nx-amz-trailer-signature:00');
    const result = await authenticate(request(body, 5), targetFor('/b/k'), authOptions(EXAMPLE_TIME));
    assert.equal(await errorCode(readAll(result.payload.stream)), 'MalformedTrailerError');
  });

  it('requires x-amz-decoded-content-length', async () => {
    const req = fakeRequest({
      method: 'PUT',
      url: '/b/k',
      headers: [['x-amz-content-sha256', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER']],
    });
    assert.equal(await errorCode(authenticate(req, targetFor('/b/k'), authOptions(EXAMPLE_TIME))), 'MissingContentLength');
  });
});
