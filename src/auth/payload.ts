// The request body as handlers receive it when it is not aws-chunked: the
// bytes pass through untouched, but the stream errors instead of ending when
// the client sent fewer bytes than Content-Length (it disconnected) or when
// the body does not hash to the x-amz-content-sha256 the client signed. A
// consumer that commits only after 'end' therefore never stores a prefix.

import { createHash, type Hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error, errors } from '../errors.js';
import type { Payload } from './authenticate.js';
import { header } from './checks.js';
import { EMPTY_SHA256 } from './sigv4.js';

/**
 * Pipes req into `into`, turning a connection that closes before the body's
 * end into IncompleteBody on `into`.
 */
export function pipeBody(req: IncomingMessage, into: Transform): void {
  // Nobody may be reading yet (the handler can still be waiting on metadata);
  // an 'error' with no listener would take the process down. Consumers that
  // attach later still see the error through the stream's errored state.
  into.on('error', () => {});
  const onClose = (): void => {
    if (!req.readableEnded && !into.destroyed) into.destroy(errors.incompleteBody());
  };
  req.once('close', onClose);
  req.once('aborted', onClose);
  req.on('error', onClose);
  req.pipe(into);
}

/** Content-Length as a number; undefined when absent or not a plain decimal. */
export function contentLength(req: IncomingMessage): number | undefined {
  const value = header(req, 'content-length');
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

class PlainBody extends Transform {
  private received = 0;
  private readonly hash: Hash | undefined;

  constructor(
    private readonly expectedLength: number | undefined,
    private readonly expectedSha256: string | undefined,
  ) {
    super();
    this.hash = expectedSha256 === undefined ? undefined : createHash('sha256');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.expectedLength !== undefined && this.received > this.expectedLength) {
      callback(errors.incompleteBody());
      return;
    }
    this.hash?.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedLength !== undefined && this.received !== this.expectedLength) {
      callback(errors.incompleteBody());
      return;
    }
    if (this.hash !== undefined) {
      const computed = this.hash.digest('hex');
      if (computed !== this.expectedSha256!.toLowerCase()) {
        callback(contentSha256Mismatch(this.expectedSha256!, computed));
        return;
      }
    }
    callback();
  }
}

function contentSha256Mismatch(provided: string, computed: string): S3Error {
  return new S3Error('XAmzContentSHA256Mismatch', 400, "The provided 'x-amz-content-sha256' header does not match what was computed.", {
    ClientComputedContentSHA256: provided,
    S3ComputedContentSHA256: computed,
  });
}

/** A plain (not aws-chunked) body, optionally checked against a signed SHA-256 (hex). */
export function plainPayload(req: IncomingMessage, expectedSha256?: string): Payload {
  const length = contentLength(req);
  const bodiless = length === 0 || (length === undefined && header(req, 'transfer-encoding') === undefined);
  // Most requests (GET, HEAD, DELETE) have no body: hand back req itself and
  // spare the hot path a stream.
  if (bodiless && (expectedSha256 === undefined || expectedSha256.toLowerCase() === EMPTY_SHA256)) {
    return { stream: req, length: 0, trailers: () => ({}) };
  }
  const body = new PlainBody(length, expectedSha256);
  pipeBody(req, body);
  return { stream: body, length, trailers: () => ({}) };
}
