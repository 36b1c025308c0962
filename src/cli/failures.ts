// The errors a command raises on purpose, and how main reports any error in
// s3cmd's words with s3cmd's exit code.

import { S3NetworkError, S3ServiceError } from '../sdk/errors.js';
import { EX_ACCESSDENIED, EX_CONFIG, EX_CONNECTIONREFUSED, EX_GENERAL, EX_IOERR, EX_TEMPFAIL, EX_USAGE, exitCodeForStatus } from './exit-codes.js';

/** A mistake in how the command was used: "ERROR: Parameter problem: ...", exit 64. */
export class ParameterError extends Error {}

/** A configuration that cannot be used: the lines are printed as ERRORs, exit 78. */
export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/** Ends the command with this exit code after its messages were printed. */
export class ExitError extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** Python's errno and strerror for a Node error code, for the errors s3cmd words itself. */
const ERRNO: Record<string, [number, string]> = {
  ENOENT: [2, 'No such file or directory'],
  EACCES: [13, 'Permission denied'],
  EPERM: [1, 'Operation not permitted'],
  EEXIST: [17, 'File exists'],
  ENOTDIR: [20, 'Not a directory'],
  EISDIR: [21, 'Is a directory'],
  EFBIG: [27, 'File too large'],
  ENOSPC: [28, 'No space left on device'],
  EROFS: [30, 'Read-only file system'],
  ENAMETOOLONG: [36, 'File name too long'],
  EDQUOT: [122, 'Disk quota exceeded'],
};

export function strerror(code: string | undefined): [number, string] | undefined {
  return code === undefined ? undefined : ERRNO[code];
}

/** The code of an error about a local file (Node's fs errors carry its path), else undefined. */
export function localFileErrorCode(error: unknown): string | undefined {
  const { code, path } = error as NodeJS.ErrnoException;
  return typeof code === 'string' && typeof path === 'string' ? code : undefined;
}

/** "404 (NoSuchKey): The specified key does not exist." as s3cmd formats an S3Error. */
export function describeS3Error(error: S3ServiceError): string {
  return `${error.status} (${error.code || error.reason})${error.message ? `: ${error.message}` : ''}`;
}

/** The ERROR lines and exit code for an error that ends a command. */
export function report(error: unknown): { lines: string[]; exitCode: number } {
  if (error instanceof ExitError) return { lines: [], exitCode: error.exitCode };
  if (error instanceof ParameterError) return { lines: [`Parameter problem: ${error.message}`], exitCode: EX_USAGE };
  if (error instanceof ConfigError) return { lines: error.lines, exitCode: EX_CONFIG };
  if (error instanceof S3ServiceError) return { lines: [`S3 error: ${describeS3Error(error)}`], exitCode: exitCodeForStatus(error.status) };
  if (error instanceof S3NetworkError) {
    // OpenSSL's verification codes (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED...) and Node's host name mismatch.
    if (/^(UNABLE_TO_\w+|\w*CERT\w*)$/.test(error.errno ?? '')) {
      return { lines: [`SSL certificate verification failure: ${error.message}`], exitCode: EX_ACCESSDENIED };
    }
    if (error.errno === 'ECONNREFUSED') return { lines: [`[Errno 111] Connection refused`], exitCode: EX_CONNECTIONREFUSED };
    if (error.errno === 'ENOTFOUND' || error.errno === 'EAI_AGAIN') {
      return {
        lines: [
          `[Errno -2] Name or service not known`,
          "Connection Error: Error resolving a server hostname.\nPlease check the servers address specified in 'host_base', 'host_bucket', 'cloudfront_host', 'website_endpoint'",
        ],
        exitCode: EX_IOERR,
      };
    }
    return { lines: [`S3 Temporary Error: ${error.message}.  Please try again later.`], exitCode: EX_TEMPFAIL };
  }
  const errno = (error as NodeJS.ErrnoException).code;
  if (errno !== undefined && typeof errno === 'string' && errno.startsWith('E')) {
    return { lines: [`[Errno ${errno}] ${(error as Error).message}`], exitCode: EX_IOERR };
  }
  return { lines: [`${(error as Error).stack ?? String(error)}`], exitCode: EX_GENERAL };
}

// s3cmd's S3.codes: errors about a bucket that get a line of their own before the S3 error.
const BUCKET_MESSAGES: Record<string, string> = {
  NoSuchBucket: "Bucket '%s' does not exist",
  AccessDenied: "Access to bucket '%s' was denied",
  BucketAlreadyExists: "Bucket '%s' already exists",
};

/** The extra ERROR line s3cmd prints for a bucket-level error, if any. */
export function bucketMessage(error: unknown, bucket: string): string | undefined {
  if (!(error instanceof S3ServiceError)) return undefined;
  return BUCKET_MESSAGES[error.code]?.replace('%s', bucket);
}
