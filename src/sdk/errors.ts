// Errors the SDK raises: an S3 service error (the XML <Error> body S3 sent,
// or what a bodiless HEAD answer implies) and a transport failure that
// outlived every retry. Callers switch on `code` and `status`, never on text.

export class S3ServiceError extends Error {
  constructor(
    /** S3's error code (NoSuchKey, AccessDenied, ...); '' when the answer had no body. */
    readonly code: string,
    readonly status: number,
    message: string,
    /** The HTTP reason phrase, which s3cmd shows when there is no code. */
    readonly reason: string,
    /** Other elements of the <Error> body (Resource, Region, BucketName, ...). */
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'S3ServiceError';
  }
}

/** A request that failed on the network (refused, reset, timed out) on every attempt. */
export class S3NetworkError extends Error {
  constructor(
    message: string,
    /** The errno code of the last failure (ECONNREFUSED, ECONNRESET, ...). */
    readonly errno: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'S3NetworkError';
  }
}
