// Decoder for aws-chunked request bodies (Content-Encoding: aws-chunked), in
// the three forms S3 accepts: signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD),
// signed chunks plus a signed trailer (…-PAYLOAD-TRAILER) and unsigned chunks
// plus a trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER). Data is passed on as
// slices of the socket's buffers, so memory stays flat on any body size; only
// chunk header and trailer lines (a few dozen bytes) are ever accumulated,
// which also covers lines split across TCP reads.
//
// Framing: <hex-size>[;chunk-signature=<sig>]\r\n<data>\r\n … then a
// zero-size chunk, trailer lines name:value\r\n (the signed form ending with
// x-amz-trailer-signature:<sig>\r\n), and an empty line.

import { createHash, type Hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error, errors } from '../errors.js';
import type { Payload } from './authenticate.js';
import { pipeBody } from './payload.js';
import { signaturesEqual } from './checks.js';
import { SIGV4_ALGORITHM, hmacHex, sha256Hex } from './signing.js';
import { EMPTY_SHA256, type SigV4Context } from './sigv4.js';

export type ChunkedMode = 'signed' | 'signed-trailer' | 'unsigned-trailer';

export interface ChunkedOptions {
  mode: ChunkedMode;
  /** x-amz-decoded-content-length: the decoded byte count must equal it. */
  decodedLength: number;
  /** The verified request; its signature seeds the chunk signature chain. Required for the signed modes. */
  signing?: Pick<SigV4Context, 'signingKey' | 'amzDate' | 'scope' | 'signature'>;
  /** Lowercase trailer names the request announced in x-amz-trailer; each must arrive. */
  declaredTrailers: readonly string[];
}

// A chunk header is "<16 hex digits>;chunk-signature=<64 hex>" at most; a
// trailer line carries one checksum. Anything longer is not aws-chunked.
const MAX_LINE_BYTES = 4096;
const CHUNK_SIGNATURE = 'chunk-signature=';
const TRAILER_SIGNATURE = 'x-amz-trailer-signature';
const HEX_SIZE = /^[0-9a-fA-F]{1,16}$/;

const enum State {
  ChunkHeader,
  ChunkData,
  ChunkDataEnd,
  Trailer,
  Done,
}

function malformed(why: string): S3Error {
  return errors.invalidRequest(`The aws-chunked request body is malformed: ${why}.`);
}

function malformedTrailer(): S3Error {
  return new S3Error(
    'MalformedTrailerError',
    400,
    'The request contained trailing data that was not well-formed or did not conform to our published schema.',
  );
}

function decodedLengthMismatch(): S3Error {
  return new S3Error(
    'IncompleteBody',
    400,
    'You did not provide the number of bytes specified by the x-amz-decoded-content-length HTTP header.',
  );
}

export class AwsChunkedDecoder extends Transform {
  /** Trailing headers, lowercase names; complete once the stream has ended. */
  readonly trailers: Record<string, string> = {};

  private state = State.ChunkHeader;
  private line = '';
  private remaining = 0;
  private decoded = 0;
  private crlfSeen = 0;
  private chunkHash: Hash | undefined;
  private chunkSignature = '';
  private previousSignature: string;
  private trailerText = '';
  private trailerSignature: string | undefined;
  private readonly signed: boolean;
  private readonly chunkPrefix: string;

  constructor(private readonly options: ChunkedOptions) {
    super();
    this.signed = options.mode !== 'unsigned-trailer';
    if (this.signed && options.signing === undefined) throw new TypeError('signed aws-chunked needs the request signature');
    const s = options.signing;
    this.previousSignature = s?.signature ?? '';
    this.chunkPrefix = s === undefined ? '' : `${SIGV4_ALGORITHM}-PAYLOAD\n${s.amzDate}\n${s.scope}\n`;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    callback(this.state === State.Done ? null : errors.incompleteBody());
  }

  private consume(buf: Buffer): void {
    const n = buf.length;
    let pos = 0;
    while (pos < n) {
      switch (this.state) {
        case State.ChunkHeader:
        case State.Trailer: {
          const newline = buf.indexOf(10, pos);
          const end = newline < 0 ? n : newline;
          if (this.line.length + (end - pos) > MAX_LINE_BYTES) throw malformed('line too long');
          this.line += buf.toString('latin1', pos, end);
          if (newline < 0) return;
          pos = newline + 1;
          const line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
          this.line = '';
          if (this.state === State.ChunkHeader) this.onChunkHeader(line);
          else this.onTrailerLine(line);
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, n - pos);
          const data = buf.subarray(pos, pos + take);
          this.chunkHash?.update(data);
          this.push(data);
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) {
            this.state = State.ChunkDataEnd;
            this.crlfSeen = 0;
          }
          break;
        }
        case State.ChunkDataEnd: {
          if (buf[pos] !== (this.crlfSeen === 0 ? 13 : 10)) throw malformed('chunk data is not followed by CRLF');
          pos++;
          if (++this.crlfSeen === 2) {
            if (this.signed) this.verifyChunk(this.chunkHash!.digest('hex'));
            this.state = State.ChunkHeader;
          }
          break;
        }
        case State.Done: {
          // Some clients end with one CRLF too many; anything else is not ours.
          if (buf[pos] !== 13 && buf[pos] !== 10) throw malformed('data after the final chunk');
          pos++;
          break;
        }
      }
    }
  }

  private onChunkHeader(line: string): void {
    const semicolon = line.indexOf(';');
    const sizeText = (semicolon < 0 ? line : line.slice(0, semicolon)).trim();
    if (!HEX_SIZE.test(sizeText)) throw malformed('invalid chunk size');
    const size = parseInt(sizeText, 16);
    if (this.signed) {
      const extension = semicolon < 0 ? '' : line.slice(semicolon + 1).trim();
      if (!extension.startsWith(CHUNK_SIGNATURE)) throw errors.signatureDoesNotMatch();
      this.chunkSignature = extension.slice(CHUNK_SIGNATURE.length).toLowerCase();
    }
    if (this.decoded + size > this.options.decodedLength) throw decodedLengthMismatch();
    this.decoded += size;
    if (size === 0) {
      // The final chunk is signed like any other, over empty data.
      if (this.signed) this.verifyChunk(EMPTY_SHA256);
      this.state = State.Trailer;
      return;
    }
    this.remaining = size;
    this.chunkHash = this.signed ? createHash('sha256') : undefined;
    this.state = State.ChunkData;
  }

  /** Chunk string to sign: prefix, previous signature, hash of "", hash of the chunk data. */
  private verifyChunk(dataSha256: string): void {
    const stringToSign = `${this.chunkPrefix}${this.previousSignature}\n${EMPTY_SHA256}\n${dataSha256}`;
    const expected = hmacHex(this.options.signing!.signingKey, stringToSign);
    if (!signaturesEqual(expected, this.chunkSignature)) throw errors.signatureDoesNotMatch();
    this.previousSignature = expected;
  }

  private onTrailerLine(line: string): void {
    if (line === '') {
      this.finish();
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || this.options.mode === 'signed') throw malformedTrailer();
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === TRAILER_SIGNATURE) {
      if (this.options.mode !== 'signed-trailer' || this.trailerSignature !== undefined) throw malformedTrailer();
      this.trailerSignature = value.toLowerCase();
      return;
    }
    // The trailer signature covers the lines before it, so nothing may follow it.
    if (this.trailerSignature !== undefined || name in this.trailers) throw malformedTrailer();
    this.trailers[name] = value;
    this.trailerText += `${name}:${value}\n`;
  }

  private finish(): void {
    if (this.decoded !== this.options.decodedLength) throw decodedLengthMismatch();
    for (const name of this.options.declaredTrailers) {
      if (!(name in this.trailers)) throw malformedTrailer();
    }
    if (this.options.mode === 'signed-trailer') {
      const s = this.options.signing!;
      const stringToSign = `${SIGV4_ALGORITHM}-TRAILER\n${s.amzDate}\n${s.scope}\n${this.previousSignature}\n${sha256Hex(this.trailerText)}`;
      if (this.trailerSignature === undefined || !signaturesEqual(hmacHex(s.signingKey, stringToSign), this.trailerSignature)) {
        throw errors.signatureDoesNotMatch();
      }
    }
    this.state = State.Done;
  }
}

/** Decodes an aws-chunked request body into the payload handlers see. */
export function chunkedPayload(req: IncomingMessage, options: ChunkedOptions): Payload {
  const decoder = new AwsChunkedDecoder(options);
  pipeBody(req, decoder);
  return { stream: decoder, length: options.decodedLength, trailers: () => ({ ...decoder.trailers }) };
}
