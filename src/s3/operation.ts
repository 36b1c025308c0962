// Every S3 operation Aitta serves, as one discriminated union. The router
// turns a request into one of these; handlers switch on `type` and never
// look at the URL again.

export interface CopySource {
  bucket: string;
  key: string;
  versionId?: string;
}

type BucketOp<T extends string> = { type: T; bucket: string };
type ObjectOp<T extends string> = { type: T; bucket: string; key: string };
type UploadOp<T extends string> = ObjectOp<T> & { uploadId: string };

export type Operation =
  | { type: 'ListBuckets' }
  | BucketOp<'CreateBucket'>
  | BucketOp<'HeadBucket'>
  | BucketOp<'DeleteBucket'>
  | BucketOp<'GetBucketLocation'>
  | BucketOp<'GetBucketAcl'>
  | BucketOp<'PutBucketAcl'>
  | BucketOp<'GetBucketPolicy'>
  | BucketOp<'PutBucketPolicy'>
  | BucketOp<'DeleteBucketPolicy'>
  | BucketOp<'GetBucketPolicyStatus'>
  | BucketOp<'GetBucketTagging'>
  | BucketOp<'PutBucketTagging'>
  | BucketOp<'DeleteBucketTagging'>
  | BucketOp<'GetBucketCors'>
  | BucketOp<'PutBucketCors'>
  | BucketOp<'DeleteBucketCors'>
  | BucketOp<'GetBucketLifecycle'>
  | BucketOp<'PutBucketLifecycle'>
  | BucketOp<'DeleteBucketLifecycle'>
  | BucketOp<'GetBucketLogging'>
  | BucketOp<'PutBucketLogging'>
  | BucketOp<'GetBucketRequestPayment'>
  | BucketOp<'GetBucketVersioning'>
  | BucketOp<'PutBucketVersioning'>
  | BucketOp<'ListObjectVersions'>
  | BucketOp<'ListObjects'>
  | BucketOp<'ListObjectsV2'>
  | BucketOp<'ListMultipartUploads'>
  | BucketOp<'DeleteObjects'>
  | (ObjectOp<'GetObject'> & { partNumber?: number })
  | (ObjectOp<'HeadObject'> & { partNumber?: number })
  | ObjectOp<'PutObject'>
  | (ObjectOp<'CopyObject'> & { source: CopySource })
  | ObjectOp<'DeleteObject'>
  | ObjectOp<'GetObjectAcl'>
  | ObjectOp<'PutObjectAcl'>
  | ObjectOp<'GetObjectTagging'>
  | ObjectOp<'PutObjectTagging'>
  | ObjectOp<'DeleteObjectTagging'>
  | ObjectOp<'CreateMultipartUpload'>
  | (UploadOp<'UploadPart'> & { partNumber: number })
  | (UploadOp<'UploadPartCopy'> & { partNumber: number; source: CopySource })
  | UploadOp<'CompleteMultipartUpload'>
  | UploadOp<'AbortMultipartUpload'>
  | UploadOp<'ListParts'>;

export type OperationType = Operation['type'];

/**
 * A CORS preflight (OPTIONS on a bucket or object). Not an operation anyone
 * is authorized for: a browser sends it without credentials, and it is
 * answered from the bucket's CORS rules before, and without, authentication.
 */
export interface CorsPreflight {
  type: 'CorsPreflight';
  bucket: string;
  key?: string;
}
