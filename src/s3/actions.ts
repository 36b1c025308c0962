// The IAM action each S3 operation is authorized as, and the condition keys
// a request carries into policy evaluation.

import type { ContextValue } from '../access/policy-eval.js';
import { header, type RequestContext } from './context.js';
import type { OperationType } from './operation.js';
import { tagsFromHeader } from './tagging.js';

const ACTIONS: Record<OperationType, string> = {
  ListBuckets: 's3:ListAllMyBuckets',
  CreateBucket: 's3:CreateBucket',
  HeadBucket: 's3:ListBucket',
  DeleteBucket: 's3:DeleteBucket',
  GetBucketLocation: 's3:GetBucketLocation',
  GetBucketAcl: 's3:GetBucketAcl',
  PutBucketAcl: 's3:PutBucketAcl',
  GetBucketPolicy: 's3:GetBucketPolicy',
  PutBucketPolicy: 's3:PutBucketPolicy',
  DeleteBucketPolicy: 's3:DeleteBucketPolicy',
  GetBucketPolicyStatus: 's3:GetBucketPolicyStatus',
  GetBucketTagging: 's3:GetBucketTagging',
  PutBucketTagging: 's3:PutBucketTagging',
  DeleteBucketTagging: 's3:PutBucketTagging',
  GetBucketCors: 's3:GetBucketCORS',
  PutBucketCors: 's3:PutBucketCORS',
  // IAM has no delete action for CORS: removing the rules is putting none.
  DeleteBucketCors: 's3:PutBucketCORS',
  GetBucketLifecycle: 's3:GetLifecycleConfiguration',
  PutBucketLifecycle: 's3:PutLifecycleConfiguration',
  // IAM has no action of its own for deleting a lifecycle configuration.
  DeleteBucketLifecycle: 's3:PutLifecycleConfiguration',
  GetBucketLogging: 's3:GetBucketLogging',
  PutBucketLogging: 's3:PutBucketLogging',
  GetBucketRequestPayment: 's3:GetBucketRequestPayment',
  GetBucketVersioning: 's3:GetBucketVersioning',
  PutBucketVersioning: 's3:PutBucketVersioning',
  ListObjectVersions: 's3:ListBucketVersions',
  ListObjects: 's3:ListBucket',
  ListObjectsV2: 's3:ListBucket',
  ListMultipartUploads: 's3:ListBucketMultipartUploads',
  DeleteObjects: 's3:DeleteObject',
  GetObject: 's3:GetObject',
  HeadObject: 's3:GetObject',
  PutObject: 's3:PutObject',
  CopyObject: 's3:PutObject',
  DeleteObject: 's3:DeleteObject',
  GetObjectAcl: 's3:GetObjectAcl',
  PutObjectAcl: 's3:PutObjectAcl',
  GetObjectTagging: 's3:GetObjectTagging',
  PutObjectTagging: 's3:PutObjectTagging',
  DeleteObjectTagging: 's3:DeleteObjectTagging',
  CreateMultipartUpload: 's3:PutObject',
  UploadPart: 's3:PutObject',
  UploadPartCopy: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  AbortMultipartUpload: 's3:AbortMultipartUpload',
  ListParts: 's3:ListMultipartUploadParts',
};

/** What an object operation is authorized as when it names a version (?versionId=). */
const VERSION_ACTIONS: Partial<Record<OperationType, string>> = {
  GetObject: 's3:GetObjectVersion',
  HeadObject: 's3:GetObjectVersion',
  DeleteObject: 's3:DeleteObjectVersion',
  GetObjectAcl: 's3:GetObjectVersionAcl',
  PutObjectAcl: 's3:PutObjectVersionAcl',
  GetObjectTagging: 's3:GetObjectVersionTagging',
  PutObjectTagging: 's3:PutObjectVersionTagging',
  DeleteObjectTagging: 's3:DeleteObjectVersionTagging',
};

export function actionOf(type: OperationType, versionId?: string): string {
  return (versionId === undefined ? undefined : VERSION_ACTIONS[type]) ?? ACTIONS[type];
}

/** Condition keys of this request, as bucket policies name them. */
export function conditionContext(ctx: RequestContext): Record<string, ContextValue> {
  const now = new Date();
  const context: Record<string, ContextValue> = {
    'aws:SourceIp': ctx.sourceIp,
    'aws:SecureTransport': String(ctx.secureTransport),
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:UserAgent': header(ctx.headers, 'user-agent'),
    'aws:Referer': header(ctx.headers, 'referer'),
    's3:x-amz-acl': header(ctx.headers, 'x-amz-acl'),
  };
  const tagging = header(ctx.headers, 'x-amz-tagging');
  if (tagging !== undefined) {
    const tags = tagsFromHeader(tagging);
    for (const [tag, value] of Object.entries(tags)) context[`s3:RequestObjectTag/${tag}`] = value;
    context['aws:TagKeys'] = Object.keys(tags);
  }
  if (ctx.op.type === 'ListObjects' || ctx.op.type === 'ListObjectsV2' || ctx.op.type === 'ListObjectVersions') {
    const { query } = ctx.target;
    context['s3:prefix'] = query.get('prefix') ?? '';
    context['s3:delimiter'] = query.get('delimiter') ?? undefined;
    context['s3:max-keys'] = query.get('max-keys') ?? undefined;
  }
  return context;
}
