// A lean S3 client: builds each request (addressing from the endpoint),
// signs it (SigV4, or SigV2 as s3cmd does with signature_v2), sends it over
// keep-alive connections, retries with backoff on network failures and on
// the answers S3 asks to retry, and turns error answers into S3ServiceError.

import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { uriEncode } from '../auth/uri-encode.js';
import { hostFor, pathFor, type Endpoint } from './addressing.js';
import { S3NetworkError, S3ServiceError } from './errors.js';
import * as parse from './results.js';
import { canonicalizedResource, presignV2Query, signV2 } from './sigv2.js';
import { sha256Hex, UNSIGNED_PAYLOAD } from '../auth/signing.js';
import { canonicalQuery, presignV4Query, signV4, type Credentials } from './sigv4.js';
import { RateLimit } from './rate-limit.js';
import { Transport, type ConnectionOptions } from './transport.js';
import { escapeXml } from './xml.js';

export interface S3ClientOptions {
  endpoint: Endpoint;
  credentials: Credentials;
  /** Signing region for SigV4; learnt per bucket from AuthorizationHeaderMalformed answers. */
  region: string;
  signatureV2?: boolean;
  /** Parallel connections to the service (default 16). */
  maxSockets?: number;
  /** Attempts after the first (default 5). */
  retries?: number;
  /** First backoff delay, doubled on each retry (default 500 ms). */
  retryDelayMs?: number;
  /** Idle socket timeout (default 300 s, as s3cmd). */
  timeoutMs?: number;
  /** Told about each retry, e.g. to print s3cmd's warnings. */
  onRetry?: (what: string, reason: string, delayMs: number) => void;
  /** Ask for listings in any order (`allow-unordered=true`, which Ceph RGW honours; not an AWS standard). */
  listUnordered?: boolean;
  /** How connections are made: TLS trust and identity, and whether they are kept for the next request. */
  connections?: ConnectionOptions;
  /** Bytes per second that request bodies, and the downloads piped through `throttle()`, keep to together. */
  limitRate?: number;
}

/** A body that can be sent again on retry: bytes in memory, or a stream opened afresh. */
export type Body = Buffer | { length: number; open: () => Readable };

export interface Call {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';
  bucket?: string;
  key?: string;
  query?: Record<string, string>;
  /** Lowercase names. */
  headers?: Record<string, string>;
  body?: Body;
}

export interface ListObjectsOptions {
  prefix?: string;
  delimiter?: string;
  maxKeys?: number;
  continuationToken?: string;
  marker?: string;
  v1?: boolean;
}

export interface GetObjectResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

export type ObjectHeaders = IncomingHttpHeaders;

const MAX_ERROR_BODY = 1024 * 1024;
const MAX_XML_RESPONSE = 64 * 1024 * 1024;
const RETRIABLE_NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const RETRIABLE_CODES = new Set(['BadDigest', 'OperationAborted', 'RequestTimeout', 'SlowDown', 'InternalError']);
const MAX_RETRY_DELAY_MS = 20_000;

export async function readBody(res: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      res.destroy();
      throw new Error(`response body larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function contentMd5(body: Buffer | string): string {
  return createHash('md5').update(body).digest('base64');
}

export class S3Client {
  private readonly transport: Transport;
  private readonly limit: RateLimit | undefined;
  private readonly regions = new Map<string, string>();
  readonly endpoint: Endpoint;

  constructor(private readonly options: S3ClientOptions) {
    this.endpoint = options.endpoint;
    this.limit = options.limitRate ? new RateLimit(options.limitRate) : undefined;
    this.transport = new Transport(options.endpoint, options.maxSockets ?? 16, options.timeoutMs ?? 300_000, options.connections, this.limit);
  }

  /** The streams a download's body goes through to keep to `limitRate`: none without one. */
  throttle(): Transform[] {
    return this.limit ? [this.limit.throttle()] : [];
  }

  close(): void {
    this.transport.close();
  }

  private regionFor(bucket: string | undefined): string {
    return (bucket !== undefined && this.regions.get(bucket)) || this.options.region;
  }

  /** Sends one call, retrying as S3 clients should; resolves only with a 2xx answer. */
  async send(call: Call): Promise<IncomingMessage> {
    const retries = this.options.retries ?? 5;
    let delay = this.options.retryDelayMs ?? 500;
    let regionRetried = false;
    for (let attempt = 0; ; attempt++) {
      let failure: string;
      try {
        const res = await this.transport.send(this.signed(call));
        if (res.statusCode! < 300) return res;
        const error = await this.errorOf(res, call);
        if (error.code === 'AuthorizationHeaderMalformed' && error.details['Region'] && call.bucket && !regionRetried) {
          this.regions.set(call.bucket, error.details['Region']);
          regionRetried = true;
          attempt--;
          continue;
        }
        const retriable = (error.status >= 500 && error.status !== 501) || error.status === 429 || RETRIABLE_CODES.has(error.code);
        if (!retriable || attempt >= retries) throw error;
        failure = `${error.status} (${error.code || error.reason})`;
      } catch (error) {
        if (error instanceof S3ServiceError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        if (code === undefined || !RETRIABLE_NETWORK.has(code)) {
          throw new S3NetworkError((error as Error).message, code, { cause: error });
        }
        if (attempt >= retries) throw new S3NetworkError(`Request failed for: ${this.describe(call)}`, code, { cause: error });
        failure = (error as Error).message;
      }
      this.options.onRetry?.(this.describe(call), failure, delay);
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
    }
  }

  private describe(call: Call): string {
    return '/' + (call.key ?? '');
  }

  private signed(call: Call) {
    const { endpoint, options } = this;
    const host = hostFor(endpoint, call.bucket);
    const path = pathFor(endpoint, call.bucket, call.key);
    const query = call.query ?? {};
    // Sorted as s3cmd sends them: servers keep metadata in the order it arrived.
    const headers: Record<string, string> = Object.fromEntries(Object.entries(call.headers ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const body = call.body;
    if (body !== undefined) headers['content-length'] = String(Buffer.isBuffer(body) ? body.length : body.length);
    else if (call.method === 'PUT' || call.method === 'POST') headers['content-length'] = '0';
    if (options.signatureV2) {
      signV2(call.method, canonicalizedResource(call.bucket, call.key, query), headers, options.credentials);
      headers['host'] = host;
    } else {
      const payloadHash = body === undefined ? sha256Hex('') : Buffer.isBuffer(body) ? sha256Hex(body) : UNSIGNED_PAYLOAD;
      signV4({ method: call.method, host, path, query, headers }, options.credentials, this.regionFor(call.bucket), payloadHash);
    }
    const queryString = canonicalQuery(query);
    return {
      method: call.method,
      host,
      target: queryString ? `${path}?${queryString}` : path,
      headers,
      body: body === undefined || Buffer.isBuffer(body) ? body : body.open,
    };
  }

  private async errorOf(res: IncomingMessage, call: Call): Promise<S3ServiceError> {
    const status = res.statusCode!;
    const reason = res.statusMessage ?? '';
    const text = (await readBody(res, MAX_ERROR_BODY).catch(() => Buffer.alloc(0))).toString('utf8');
    const fields = text ? parse.parseErrorBody(text) : undefined;
    if (fields) {
      const { Code = '', Message = '', ...details } = fields;
      return new S3ServiceError(Code, status, Message, reason, details);
    }
    // A HEAD answer has no body: name the error as S3 would have.
    if (status === 404 && call.method === 'HEAD') {
      return call.key !== undefined
        ? new S3ServiceError('NoSuchKey', 404, 'The specified key does not exist.', reason, { Resource: call.key })
        : new S3ServiceError('NoSuchBucket', 404, 'The specified bucket does not exist', reason, { BucketName: call.bucket ?? '' });
    }
    return new S3ServiceError('', status, '', reason);
  }

  private async xml(call: Call): Promise<string> {
    const res = await this.send(call);
    return (await readBody(res, MAX_XML_RESPONSE)).toString('utf8');
  }

  private async drain(call: Call): Promise<IncomingHttpHeaders> {
    const res = await this.send(call);
    res.resume();
    await new Promise((resolve, reject) => res.once('end', resolve).once('error', reject));
    return res.headers;
  }

  // ---------------------------------------------------------------- buckets

  async listBuckets(): Promise<parse.Bucket[]> {
    return parse.parseListBuckets(await this.xml({ method: 'GET' }));
  }

  /** Creates a bucket; a location other than us-east-1 goes into a CreateBucketConfiguration. */
  async createBucket(bucket: string, options: { location?: string; headers?: Record<string, string> } = {}): Promise<void> {
    const location = options.location;
    const body = location
      ? Buffer.from(`<CreateBucketConfiguration><LocationConstraint>${escapeXml(location)}</LocationConstraint></CreateBucketConfiguration>`)
      : undefined;
    await this.drain({ method: 'PUT', bucket, headers: options.headers ?? {}, ...(body ? { body } : {}) });
  }

  async deleteBucket(bucket: string): Promise<void> {
    await this.drain({ method: 'DELETE', bucket });
  }

  async headBucket(bucket: string): Promise<void> {
    await this.drain({ method: 'HEAD', bucket });
  }

  async getBucketLocation(bucket: string): Promise<string> {
    return parse.parseLocation(await this.xml({ method: 'GET', bucket, query: { location: '' } }));
  }

  async getBucketRequestPayment(bucket: string): Promise<string | undefined> {
    return parse.parseRequestPayment(await this.xml({ method: 'GET', bucket, query: { requestPayment: '' } }));
  }

  async getBucketPolicy(bucket: string): Promise<string> {
    return this.xml({ method: 'GET', bucket, query: { policy: '' } });
  }

  async getBucketCors(bucket: string): Promise<string> {
    return this.xml({ method: 'GET', bucket, query: { cors: '' } });
  }

  async getBucketLifecycle(bucket: string): Promise<ReturnType<typeof parse.parseLifecycle>> {
    return parse.parseLifecycle(await this.xml({ method: 'GET', bucket, query: { lifecycle: '' } }));
  }

  /** The ACL of a bucket (key undefined) or object, parsed, and the XML as sent (to put it elsewhere). */
  async getAcl(bucket: string, key?: string): Promise<{ grants: parse.Grant[]; xml: string }> {
    const xml = await this.xml({ method: 'GET', bucket, ...(key !== undefined ? { key } : {}), query: { acl: '' } });
    return { grants: parse.parseAcl(xml), xml };
  }

  async putAcl(bucket: string, key: string | undefined, xml: string): Promise<void> {
    const body = Buffer.from(xml);
    await this.drain({ method: 'PUT', bucket, ...(key !== undefined ? { key } : {}), query: { acl: '' }, headers: { 'content-type': 'application/xml' }, body });
  }

  // ------------------------------------------------- configuration subresources

  /** GET of a bucket's or object's subresource (?policy, ?cors, ?tagging, ...): the body as text. */
  async getSubresource(bucket: string, key: string | undefined, name: string): Promise<string> {
    return this.xml({ method: 'GET', bucket, ...(key !== undefined ? { key } : {}), query: { [name]: '' } });
  }

  /** PUT (or POST) of a subresource, with the Content-MD5 S3 wants for some; the status S3 answered. */
  async sendSubresource(
    method: 'PUT' | 'POST',
    bucket: string,
    key: string | undefined,
    name: string,
    body: string,
    headers: Record<string, string> = {},
  ): Promise<number> {
    const bytes = Buffer.from(body);
    const res = await this.send({
      method,
      bucket,
      ...(key !== undefined ? { key } : {}),
      query: { [name]: '' },
      headers: { 'content-md5': contentMd5(bytes), ...headers },
      body: bytes,
    });
    res.resume();
    return res.statusCode!;
  }

  /** DELETE of a subresource; the status S3 answered. */
  async deleteSubresource(bucket: string, key: string | undefined, name: string): Promise<number> {
    const res = await this.send({ method: 'DELETE', bucket, ...(key !== undefined ? { key } : {}), query: { [name]: '' } });
    res.resume();
    return res.statusCode!;
  }

  // ---------------------------------------------------------------- listing

  /** One page of ListObjectsV2 (or V1 with `v1`, which pages by marker). */
  async listObjectsPage(bucket: string, options: ListObjectsOptions): Promise<parse.ListObjectsPage> {
    return parse.parseListObjects(await this.listObjectsXml(bucket, options));
  }

  /** One page of a listing as the XML the service sent: for callers that read what parsing loses (keys XML cannot carry). */
  async listObjectsXml(bucket: string, options: ListObjectsOptions): Promise<string> {
    const query: Record<string, string> = options.v1 ? {} : { 'list-type': '2' };
    if (options.prefix) query['prefix'] = options.prefix;
    if (options.delimiter) query['delimiter'] = options.delimiter;
    if (options.maxKeys !== undefined) query['max-keys'] = String(options.maxKeys);
    if (options.continuationToken) query['continuation-token'] = options.continuationToken;
    if (options.marker) query[options.v1 ? 'marker' : 'start-after'] = options.marker;
    if (this.options.listUnordered) query['allow-unordered'] = 'true';
    return this.xml({ method: 'GET', bucket, query });
  }

  /** Every page of a listing, in order. */
  async *listObjects(bucket: string, options: { prefix?: string; delimiter?: string; v1?: boolean } = {}): AsyncGenerator<parse.ListObjectsPage> {
    let continuationToken: string | undefined;
    let marker: string | undefined;
    for (;;) {
      const page = await this.listObjectsPage(bucket, {
        ...options,
        ...(continuationToken ? { continuationToken } : {}),
        ...(marker ? { marker } : {}),
      });
      yield page;
      if (!page.isTruncated) return;
      if (options.v1) {
        marker = page.nextMarker ?? page.objects.at(-1)?.key ?? page.commonPrefixes.at(-1);
        if (marker === undefined) return;
      } else {
        if (!page.nextContinuationToken) return;
        continuationToken = page.nextContinuationToken;
      }
    }
  }

  // ---------------------------------------------------------------- objects

  async putObject(bucket: string, key: string, body: Body, headers: Record<string, string> = {}): Promise<{ etag: string; headers: IncomingHttpHeaders }> {
    const res = await this.drain({ method: 'PUT', bucket, key, headers, body });
    return { etag: parse.stripQuotes(String(res['etag'] ?? '')), headers: res };
  }

  /**
   * GET of the object, or of bytes rangeStart to rangeEnd (inclusive; to the
   * end when not given); `ifMatch` an ETag the object must still have;
   * `checksumMode` asks for its flexible checksum. The body is the caller's to consume.
   */
  async getObject(bucket: string, key: string, options: { rangeStart?: number; rangeEnd?: number; ifMatch?: string; checksumMode?: boolean } = {}): Promise<GetObjectResult> {
    const headers: Record<string, string> = {};
    if (options.rangeStart || options.rangeEnd !== undefined) headers['range'] = `bytes=${options.rangeStart ?? 0}-${options.rangeEnd ?? ''}`;
    if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
    if (options.checksumMode) headers['x-amz-checksum-mode'] = 'ENABLED';
    const body = await this.send({ method: 'GET', bucket, key, headers });
    return { status: body.statusCode!, headers: body.headers, body };
  }

  async headObject(bucket: string, key: string, options: { checksumMode?: boolean } = {}): Promise<ObjectHeaders> {
    return this.drain({ method: 'HEAD', bucket, key, ...(options.checksumMode ? { headers: { 'x-amz-checksum-mode': 'ENABLED' } } : {}) });
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    await this.drain({ method: 'DELETE', bucket, key });
  }

  /** Server-side copy; `headers` carry x-amz-metadata-directive and the like. */
  async copyObject(source: { bucket: string; key: string }, bucket: string, key: string, headers: Record<string, string> = {}) {
    const copySource = uriEncode(`/${source.bucket}/${source.key}`, true);
    const result = parse.parseCopyResult(await this.xml({ method: 'PUT', bucket, key, headers: { ...headers, 'x-amz-copy-source': copySource } }));
    if ('code' in result) throw new S3ServiceError(result.code, 500, result.message, 'Internal Server Error');
    return result;
  }

  /** Multi-object delete of up to 1000 keys. */
  async deleteObjects(bucket: string, keys: readonly string[], quiet = false): Promise<parse.DeleteObjectsResult> {
    const objects = keys.map((key) => `<Object><Key>${escapeXml(key)}</Key></Object>`).join('');
    const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><Delete>${quiet ? '<Quiet>true</Quiet>' : ''}${objects}</Delete>`);
    const headers = { 'content-md5': contentMd5(body), 'content-type': 'application/xml' };
    return parse.parseDeleteResult(await this.xml({ method: 'POST', bucket, query: { delete: '' }, headers, body }));
  }

  // ---------------------------------------------------------------- multipart

  async createMultipartUpload(bucket: string, key: string, headers: Record<string, string> = {}): Promise<string> {
    return parse.parseUploadId(await this.xml({ method: 'POST', bucket, key, query: { uploads: '' }, headers }));
  }

  async uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: Body, headers: Record<string, string> = {}): Promise<string> {
    const res = await this.drain({ method: 'PUT', bucket, key, query: { partNumber: String(partNumber), uploadId }, body, headers });
    return parse.stripQuotes(String(res['etag'] ?? ''));
  }

  async completeMultipartUpload(bucket: string, key: string, uploadId: string, parts: readonly { partNumber: number; etag: string }[]) {
    const inner = parts.map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>"${p.etag}"</ETag></Part>`).join('');
    const body = Buffer.from(`<CompleteMultipartUpload>${inner}</CompleteMultipartUpload>`);
    const result = parse.parseComplete(await this.xml({ method: 'POST', bucket, key, query: { uploadId }, body }));
    if ('code' in result) throw new S3ServiceError(result.code, 500, result.message, 'Internal Server Error');
    return result;
  }

  async abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    await this.drain({ method: 'DELETE', bucket, key, query: { uploadId } });
  }

  async listParts(bucket: string, key: string, uploadId: string): Promise<parse.Part[]> {
    const parts: parse.Part[] = [];
    let marker: string | undefined;
    for (;;) {
      const query: Record<string, string> = { uploadId, ...(marker ? { 'part-number-marker': marker } : {}) };
      const page = parse.parseListParts(await this.xml({ method: 'GET', bucket, key, query }));
      parts.push(...page.parts);
      marker = page.nextPartNumberMarker ?? String(page.parts.at(-1)?.partNumber ?? '');
      if (!page.isTruncated || !marker) return parts;
    }
  }

  async listMultipartUploads(bucket: string, prefix?: string): Promise<parse.MultipartUpload[]> {
    const uploads: parse.MultipartUpload[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const query: Record<string, string> = { uploads: '' };
      if (prefix) query['prefix'] = prefix;
      if (keyMarker) query['key-marker'] = keyMarker;
      if (uploadIdMarker) query['upload-id-marker'] = uploadIdMarker;
      const page = parse.parseListMultipartUploads(await this.xml({ method: 'GET', bucket, query }));
      uploads.push(...page.uploads);
      keyMarker = page.nextKeyMarker ?? page.uploads.at(-1)?.key;
      uploadIdMarker = page.nextUploadIdMarker;
      if (!page.isTruncated || !keyMarker) return uploads;
    }
  }

  // ---------------------------------------------------------------- presigning

  /** The query string of a V2 presigned GET valid until `expires` (epoch seconds). */
  presignV2Query(bucket: string, key: string, expires: number): string {
    return presignV2Query(canonicalizedResource(bucket, key, {}), this.options.credentials, expires);
  }

  /** A V4 presigned URL (GET unless told) valid for `expiresSeconds`. */
  presignV4(bucket: string, key: string, expiresSeconds: number, options: { useHttps?: boolean; now?: Date; method?: Call['method'] } = {}): string {
    const { useHttps = this.endpoint.useHttps, now = new Date(), method = 'GET' } = options;
    const host = hostFor({ ...this.endpoint, useHttps }, bucket);
    const path = pathFor(this.endpoint, bucket, key);
    const query = presignV4Query({ method, host, path, query: {} }, this.options.credentials, this.regionFor(bucket), expiresSeconds, now);
    return `${useHttps ? 'https' : 'http'}://${host}${path}?${query}`;
  }
}
