// A lean S3 client for the benchmark: node:http with a keep-alive agent,
// path-style URLs and SigV4 header signing with UNSIGNED-PAYLOAD. The AWS SDK
// spends more CPU per request than a fast server does, so it would measure
// itself; this client signs with a cached signing key and streams bodies.
// It also presigns URLs (query-string SigV4) for curl, wrk and ab.

import { createHash, createHmac } from "node:crypto";
import http from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { uriEncode } from "../src/auth/uri-encode.js";

export interface S3ClientOptions {
  host: string;
  port: number;
  accessKey: string;
  secretKey: string;
  region: string;
  maxSockets: number;
}

export type Query = Record<string, string>;

export interface RequestOptions {
  query?: Query;
  headers?: Record<string, string>;
  /** A small body sent at once, or a stream of chunks with its length given. */
  body?: Buffer | { chunks: AsyncIterable<Buffer>; length: number };
  /** "text" keeps the body (XML answers, capped at 16 MiB); "drain" only counts bytes, except of errors. */
  read?: "text" | "drain";
  timeoutMs: number;
}

export interface S3Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  bytes: number;
}

const MAX_TEXT_BYTES = 16 * 1024 * 1024;
const UNSIGNED = "UNSIGNED-PAYLOAD";

function canonicalQuery(query: Query): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${uriEncode(k, false)}=${uriEncode(query[k] ?? "", false)}`)
    .join("&");
}

function sha256Hex(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

export class S3Client {
  readonly agent: http.Agent;
  /** http://host:port, what every presigned URL starts with. */
  readonly origin: string;
  private readonly hostHeader: string;
  private signingKeyDate = "";
  private signingKey: Buffer = Buffer.alloc(0);

  constructor(private readonly opts: S3ClientOptions) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets });
    this.hostHeader = `${opts.host}:${opts.port}`;
    this.origin = `http://${this.hostHeader}`;
  }

  private scope(date: string): string {
    return `${date}/${this.opts.region}/s3/aws4_request`;
  }

  private keyFor(date: string): Buffer {
    if (date !== this.signingKeyDate) {
      const kDate = hmac("AWS4" + this.opts.secretKey, date);
      this.signingKey = hmac(hmac(hmac(kDate, this.opts.region), "s3"), "aws4_request");
      this.signingKeyDate = date;
    }
    return this.signingKey;
  }

  private sign(amzDate: string, canonicalRequest: string): string {
    const date = amzDate.slice(0, 8);
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${this.scope(date)}\n${sha256Hex(canonicalRequest)}`;
    return createHmac("sha256", this.keyFor(date)).update(stringToSign).digest("hex");
  }

  /** Signed request headers for one request (host, x-amz-date, x-amz-content-sha256, authorization). */
  private authHeaders(method: string, path: string, query: Query): Record<string, string> {
    const amzDate = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    const signedHeaders = "host;x-amz-content-sha256;x-amz-date";
    const canonical = [
      method,
      uriEncode(path, true),
      canonicalQuery(query),
      `host:${this.hostHeader}\nx-amz-content-sha256:${UNSIGNED}\nx-amz-date:${amzDate}\n`,
      signedHeaders,
      UNSIGNED,
    ].join("\n");
    const credential = `${this.opts.accessKey}/${this.scope(amzDate.slice(0, 8))}`;
    return {
      host: this.hostHeader,
      "x-amz-date": amzDate,
      "x-amz-content-sha256": UNSIGNED,
      authorization: `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signedHeaders}, Signature=${this.sign(amzDate, canonical)}`,
    };
  }

  /** A presigned URL (query-string SigV4, only host signed, UNSIGNED-PAYLOAD) for any method. */
  presign(method: string, path: string, expiresSeconds: number): string {
    const amzDate = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    const query: Query = {
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": `${this.opts.accessKey}/${this.scope(amzDate.slice(0, 8))}`,
      "X-Amz-Date": amzDate,
      "X-Amz-Expires": String(expiresSeconds),
      "X-Amz-SignedHeaders": "host",
    };
    const canonical = [method, uriEncode(path, true), canonicalQuery(query), `host:${this.hostHeader}\n`, "host", UNSIGNED].join("\n");
    const signature = this.sign(amzDate, canonical);
    return `${this.origin}${uriEncode(path, true)}?${canonicalQuery(query)}&X-Amz-Signature=${signature}`;
  }

  request(method: string, path: string, o: RequestOptions): Promise<S3Response> {
    const query = o.query ?? {};
    const qs = canonicalQuery(query);
    const headers: Record<string, string | number> = { ...o.headers, ...this.authHeaders(method, path, query) };
    const body = o.body;
    if (body !== undefined) headers["content-length"] = body.length;
    else if (method === "PUT" || method === "POST") headers["content-length"] = 0;

    return new Promise<S3Response>((resolve, reject) => {
      const req = http.request(
        {
          agent: this.agent,
          host: this.opts.host,
          port: this.opts.port,
          method,
          path: uriEncode(path, true) + (qs ? "?" + qs : ""),
          headers,
          signal: AbortSignal.timeout(o.timeoutMs),
        },
        (res) => {
          const keep = o.read === "text" || (res.statusCode ?? 0) >= 300;
          const chunks: Buffer[] = [];
          let bytes = 0;
          res.on("data", (c: Buffer) => {
            bytes += c.length;
            if (keep && bytes <= MAX_TEXT_BYTES) chunks.push(c);
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8"), bytes }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else pipeline(Readable.from(body.chunks, { objectMode: false }), req).catch((err: unknown) => req.destroy(err as Error));
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Throws with the server's answer unless the status is 2xx; the error text names the operation. */
export function expectOk(what: string, res: S3Response): S3Response {
  if (res.status < 200 || res.status > 299) {
    const code = /<Code>([^<]*)<\/Code>/.exec(res.text)?.[1];
    throw new Error(`${what}: HTTP ${res.status}${code ? " " + code : ""}`);
  }
  return res;
}
