// The one error type of Aitta: every failure a client can see is an S3Error
// carrying the S3 code, HTTP status and message that S3 itself would send.
// Thrown anywhere below the HTTP edge, rendered once by http/respond.ts.

export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** Extra elements for the XML body (e.g. BucketName, Key, ArgumentName). */
    readonly details: Record<string, string> = {},
    /** Extra response headers (e.g. x-amz-delete-marker on a GET of a deleted key). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'S3Error';
  }
}

// Constructors for the errors raised in more than one place. Codes, statuses
// and messages follow the AWS S3 API reference "List of error codes".
export const errors = {
  accessDenied: () => new S3Error('AccessDenied', 403, 'Access Denied'),
  noSuchBucket: (bucket: string) =>
    new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket }),
  noSuchKey: (key: string) => new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key }),
  noSuchUpload: (uploadId: string) =>
    new S3Error(
      'NoSuchUpload',
      404,
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      { UploadId: uploadId },
    ),
  invalidArgument: (message: string, name?: string, value?: string) =>
    new S3Error(
      'InvalidArgument',
      400,
      message,
      name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? '' },
    ),
  invalidRequest: (message: string) => new S3Error('InvalidRequest', 400, message),
  malformedXml: () =>
    new S3Error(
      'MalformedXML',
      400,
      'The XML you provided was not well-formed or did not validate against our published schema',
    ),
  notImplemented: (what: string) =>
    new S3Error('NotImplemented', 501, `A header or query you provided implies functionality that is not implemented: ${what}`),
  internal: () => new S3Error('InternalError', 500, 'We encountered an internal error. Please try again.'),
  badDigest: () => new S3Error('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.'),
  invalidDigest: () => new S3Error('InvalidDigest', 400, 'The Content-MD5 you specified is not valid.'),
  incompleteBody: () =>
    new S3Error('IncompleteBody', 400, 'You did not provide the number of bytes specified by the Content-Length HTTP header.'),
  entityTooLarge: (max: number) =>
    new S3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size', {
      MaxSizeAllowed: String(max),
    }),
  keyTooLong: (max: number) =>
    new S3Error('KeyTooLongError', 400, 'Your key is too long', { MaxSizeAllowed: String(max) }),
  signatureDoesNotMatch: (details: Record<string, string> = {}) =>
    new S3Error(
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      details,
    ),
  invalidAccessKeyId: (accessKeyId: string) =>
    new S3Error('InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.', {
      AWSAccessKeyId: accessKeyId,
    }),
  quotaExceeded: (what: string) => new S3Error('QuotaExceeded', 403, `The project's quota is exceeded: ${what}.`),
  tooManyBuckets: () => new S3Error('TooManyBuckets', 400, 'You have attempted to create more buckets than allowed'),
  methodNotAllowed: (method: string, resourceType: string) =>
    new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', {
      Method: method,
      ResourceType: resourceType,
    }),
};
