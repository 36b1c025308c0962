// Flexible checksums (x-amz-checksum-*): streaming digests for the five
// algorithms S3 supports, the request headers that name them, and the
// checksums of a completed multipart upload, COMPOSITE (checksum of the part
// checksums, "-N") or FULL_OBJECT (the part CRCs combined as if computed over
// the whole object, which lets completion move no data).

import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { crc32, crc32c } from '@node-rs/crc32';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from './checksum-types.js';
import { errors } from './errors.js';

export interface Checksum {
  update(data: Uint8Array): void;
  /** The raw digest (big-endian for the CRCs, as S3 encodes them). */
  digest(): Buffer;
}

/** Digest length in bytes, which also fixes the length of a valid base64 value. */
export const CHECKSUM_BYTES: Readonly<Record<ChecksumAlgorithm, number>> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
};

class Crc32Family implements Checksum {
  private state = 0;
  constructor(private readonly step: (data: Uint8Array, previous: number) => number) {}
  update(data: Uint8Array): void {
    this.state = this.step(data, this.state);
  }
  digest(): Buffer {
    const out = Buffer.allocUnsafe(4);
    out.writeUInt32BE(this.state >>> 0);
    return out;
  }
}

// CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5), slice-by-8 over two
// 32-bit halves: the SDK's implementation only offers an async digest, and
// BigInt arithmetic is far too slow for object bodies.
const POLY64_HI = 0x9a6c9329;
const POLY64_LO = 0xac4bc9b5;
const T64_HI = new Uint32Array(8 * 256);
const T64_LO = new Uint32Array(8 * 256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let bit = 0; bit < 8; bit++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | (hi << 31)) >>> 0;
    hi >>>= 1;
    if (carry) {
      lo = (lo ^ POLY64_LO) >>> 0;
      hi = (hi ^ POLY64_HI) >>> 0;
    }
  }
  T64_HI[i] = hi;
  T64_LO[i] = lo;
}
for (let t = 1; t < 8; t++) {
  for (let i = 0; i < 256; i++) {
    const hi = T64_HI[(t - 1) * 256 + i]!;
    const lo = T64_LO[(t - 1) * 256 + i]!;
    const idx = lo & 0xff;
    T64_LO[t * 256 + i] = (((lo >>> 8) | (hi << 24)) ^ T64_LO[idx]!) >>> 0;
    T64_HI[t * 256 + i] = ((hi >>> 8) ^ T64_HI[idx]!) >>> 0;
  }
}

class Crc64Nvme implements Checksum {
  private hi = 0xffffffff;
  private lo = 0xffffffff;
  update(d: Uint8Array): void {
    let hi = this.hi;
    let lo = this.lo;
    const n = d.length;
    let i = 0;
    for (; i + 8 <= n; i += 8) {
      const a = (lo ^ (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24))) >>> 0;
      const b = (hi ^ (d[i + 4]! | (d[i + 5]! << 8) | (d[i + 6]! << 16) | (d[i + 7]! << 24))) >>> 0;
      const i0 = 1792 + (a & 0xff);
      const i1 = 1536 + ((a >>> 8) & 0xff);
      const i2 = 1280 + ((a >>> 16) & 0xff);
      const i3 = 1024 + (a >>> 24);
      const i4 = 768 + (b & 0xff);
      const i5 = 512 + ((b >>> 8) & 0xff);
      const i6 = 256 + ((b >>> 16) & 0xff);
      const i7 = b >>> 24;
      lo = T64_LO[i0]! ^ T64_LO[i1]! ^ T64_LO[i2]! ^ T64_LO[i3]! ^ T64_LO[i4]! ^ T64_LO[i5]! ^ T64_LO[i6]! ^ T64_LO[i7]!;
      hi = T64_HI[i0]! ^ T64_HI[i1]! ^ T64_HI[i2]! ^ T64_HI[i3]! ^ T64_HI[i4]! ^ T64_HI[i5]! ^ T64_HI[i6]! ^ T64_HI[i7]!;
    }
    for (; i < n; i++) {
      const idx = (lo ^ d[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ T64_LO[idx]!;
      hi = (hi >>> 8) ^ T64_HI[idx]!;
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
  }
  digest(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32BE(~this.hi >>> 0, 0);
    out.writeUInt32BE(~this.lo >>> 0, 4);
    return out;
  }
}

class NodeHash implements Checksum {
  private readonly hash;
  constructor(name: 'sha1' | 'sha256') {
    this.hash = createHash(name);
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Buffer {
    return this.hash.digest();
  }
}

export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'CRC32':
      return new Crc32Family(crc32);
    case 'CRC32C':
      return new Crc32Family(crc32c);
    case 'CRC64NVME':
      return new Crc64Nvme();
    case 'SHA1':
      return new NodeHash('sha1');
    case 'SHA256':
      return new NodeHash('sha256');
  }
}

/** base64 of a raw digest, the form every x-amz-checksum-* value takes. */
export function checksumToBase64(raw: Uint8Array): string {
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
}

/** The raw digest of a base64 value, or undefined unless it is canonical base64 of the right length. */
export function checksumFromBase64(algorithm: ChecksumAlgorithm, value: string): Buffer | undefined {
  const raw = Buffer.from(value, 'base64');
  if (raw.length !== CHECKSUM_BYTES[algorithm] || raw.toString('base64') !== value) return undefined;
  return raw;
}

/** 'CRC64NVME' → 'x-amz-checksum-crc64nvme'. */
export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

/** Case-insensitive; undefined for anything S3 does not support. */
export function parseChecksumAlgorithm(value: string): ChecksumAlgorithm | undefined {
  const upper = value.trim().toUpperCase();
  return CHECKSUM_ALGORITHMS.find((a) => a === upper);
}

/** What a request says about its body's checksum. */
export interface RequestChecksum {
  algorithm: ChecksumAlgorithm;
  /** The base64 value from the x-amz-checksum-<alg> header, when it came as a header. */
  value: string | undefined;
  /** True when the value arrives in the aws-chunked trailer (x-amz-trailer). */
  trailer: boolean;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Reads x-amz-checksum-<alg>, x-amz-sdk-checksum-algorithm and x-amz-trailer;
 * undefined when the request names no checksum. Throws InvalidRequest as S3
 * does for conflicting or malformed values.
 */
export function requestChecksum(headers: IncomingHttpHeaders): RequestChecksum | undefined {
  let found: { algorithm: ChecksumAlgorithm; value: string } | undefined;
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = single(headers[checksumHeaderName(algorithm)]);
    if (value === undefined) continue;
    if (found) throw errors.invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
    found = { algorithm, value };
  }

  const sdkHeader = single(headers['x-amz-sdk-checksum-algorithm']);
  const sdkAlgorithm = sdkHeader === undefined ? undefined : parseChecksumAlgorithm(sdkHeader);
  if (sdkHeader !== undefined && sdkAlgorithm === undefined) {
    throw errors.invalidRequest('Value for x-amz-sdk-checksum-algorithm header is invalid.');
  }

  const trailerHeader = single(headers['x-amz-trailer']);
  let trailerAlgorithm: ChecksumAlgorithm | undefined;
  if (trailerHeader !== undefined) {
    const name = trailerHeader.trim().toLowerCase();
    trailerAlgorithm = CHECKSUM_ALGORITHMS.find((a) => checksumHeaderName(a) === name);
    if (trailerAlgorithm === undefined) {
      throw errors.invalidRequest('The value specified in the x-amz-trailer header is not supported');
    }
  }

  if (found) {
    if (trailerAlgorithm !== undefined) {
      throw errors.invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
    }
    if (checksumFromBase64(found.algorithm, found.value) === undefined) {
      throw errors.invalidRequest(`Value for ${checksumHeaderName(found.algorithm)} header is invalid.`);
    }
    if (sdkAlgorithm !== undefined && sdkAlgorithm !== found.algorithm) {
      throw errors.invalidRequest('Value for x-amz-sdk-checksum-algorithm header is invalid.');
    }
    return { algorithm: found.algorithm, value: found.value, trailer: false };
  }
  if (trailerAlgorithm !== undefined) return { algorithm: trailerAlgorithm, value: undefined, trailer: true };
  if (sdkAlgorithm !== undefined) {
    throw errors.invalidRequest(
      'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.',
    );
  }
  return undefined;
}

/** The raw digest of `data`, in one call. */
export function checksumOf(algorithm: ChecksumAlgorithm, data: Uint8Array): Buffer {
  const checksum = createChecksum(algorithm);
  checksum.update(data);
  return checksum.digest();
}

/** COMPOSITE multipart checksum: base64(hash(concat(raw part digests))) + "-N". */
export function compositeChecksum(algorithm: ChecksumAlgorithm, partDigests: readonly Uint8Array[]): string {
  const checksum = createChecksum(algorithm);
  for (const digest of partDigests) checksum.update(digest);
  return `${checksum.digest().toString('base64')}-${partDigests.length}`;
}

// CRC combination (zlib's crc32_combine generalised): for a reflected CRC with
// all-ones init and xorout, crc(A‖B) = crc(A)·x^(8·len(B)) mod P ⊕ crc(B).
// Polynomials are kept reflected, so x^0 is the top bit. BigInt is fine here:
// it runs once per part at completion, never per byte.
interface CrcField {
  top: bigint;
  poly: bigint;
  /** x^(2^k) mod P for k = 0..63. */
  powers: bigint[];
}

function multiplyModP(a: bigint, b: bigint, field: Pick<CrcField, 'top' | 'poly'>): bigint {
  let product = 0n;
  for (let m = field.top; m !== 0n; m >>= 1n) {
    if (a & m) product ^= b;
    b = b & 1n ? (b >> 1n) ^ field.poly : b >> 1n;
  }
  return product;
}

function crcField(width: bigint, poly: bigint): CrcField {
  const field = { top: 1n << (width - 1n), poly };
  const powers = [1n << (width - 2n)];
  for (let k = 1; k < 64; k++) powers.push(multiplyModP(powers[k - 1]!, powers[k - 1]!, field));
  return { ...field, powers };
}

const CRC_FIELDS: Partial<Record<ChecksumAlgorithm, CrcField>> = {
  CRC32: crcField(32n, 0xedb88320n),
  CRC32C: crcField(32n, 0x82f63b78n),
  CRC64NVME: crcField(64n, 0x9a6c9329ac4bc9b5n),
};

/** x^(8·bytes) mod P. */
function shiftFor(bytes: number, field: CrcField): bigint {
  let p = field.top;
  let k = 3;
  for (let n = bytes; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2 === 1) p = multiplyModP(field.powers[k]!, p, field);
  }
  return p;
}

export interface PartChecksum {
  /** The part's raw digest. */
  digest: Uint8Array;
  /** The part's length in bytes. */
  length: number;
}

export function isCrcAlgorithm(algorithm: ChecksumAlgorithm): boolean {
  return CRC_FIELDS[algorithm] !== undefined;
}

/**
 * FULL_OBJECT multipart checksum (CRC32, CRC32C, CRC64NVME only): the parts'
 * CRCs combined into the CRC of the whole object, as raw bytes.
 */
export function combineCrcs(algorithm: ChecksumAlgorithm, parts: readonly PartChecksum[]): Buffer {
  const field = CRC_FIELDS[algorithm];
  if (!field) throw new TypeError(`${algorithm} checksums cannot be combined`);
  const bytes = CHECKSUM_BYTES[algorithm];
  // Parts of a multipart upload share one size except the last, so this holds one or two entries.
  const shifts = new Map<number, bigint>();
  let crc = 0n;
  for (const part of parts) {
    let shift = shifts.get(part.length);
    if (shift === undefined) {
      shift = shiftFor(part.length, field);
      shifts.set(part.length, shift);
    }
    const partCrc = BigInt('0x' + Buffer.from(part.digest).toString('hex'));
    crc = multiplyModP(shift, crc, field) ^ partCrc;
  }
  return Buffer.from(crc.toString(16).padStart(bytes * 2, '0'), 'hex');
}

/** FULL_OBJECT multipart checksum as S3 reports it: base64, no part count. */
export function fullObjectChecksum(algorithm: ChecksumAlgorithm, parts: readonly PartChecksum[]): string {
  return combineCrcs(algorithm, parts).toString('base64');
}
