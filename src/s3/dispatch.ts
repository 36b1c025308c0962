// One switch from Operation to handler. Adding an operation is a new variant
// in operation.ts, a case in router.ts and a case here; TypeScript checks
// that every variant is handled.

import type { RequestContext, S3Response } from './context.js';
import type { Operation } from './operation.js';
import * as acl from './handlers/acl.js';
import * as buckets from './handlers/buckets.js';
import { copyObject, uploadPartCopy } from './handlers/copy.js';
import * as cors from './handlers/cors.js';
import { deleteObjects } from './handlers/delete-objects.js';
import * as lifecycle from './handlers/lifecycle.js';
import { listObjects, listObjectsV2, listObjectVersions } from './handlers/listing.js';
import * as logging from './handlers/logging.js';
import * as multipart from './handlers/multipart.js';
import * as objects from './handlers/objects.js';
import * as policy from './handlers/policy.js';
import * as tagging from './handlers/tagging.js';
import * as versioning from './handlers/versioning.js';

type Ctx<T extends Operation['type']> = RequestContext<Extract<Operation, { type: T }>>;

export function dispatch(ctx: RequestContext): Promise<S3Response> {
  const op = ctx.op;
  switch (op.type) {
    case 'ListBuckets': return buckets.listBuckets(ctx);
    case 'CreateBucket': return buckets.createBucket(ctx as Ctx<'CreateBucket'>);
    case 'HeadBucket': return buckets.headBucket(ctx as Ctx<'HeadBucket'>);
    case 'DeleteBucket': return buckets.deleteBucket(ctx as Ctx<'DeleteBucket'>);
    case 'GetBucketLocation': return buckets.getBucketLocation(ctx as Ctx<'GetBucketLocation'>);
    case 'GetBucketAcl': return acl.getBucketAcl(ctx as Ctx<'GetBucketAcl'>);
    case 'PutBucketAcl': return acl.putBucketAcl(ctx as Ctx<'PutBucketAcl'>);
    case 'GetBucketPolicy': return policy.getBucketPolicy(ctx as Ctx<'GetBucketPolicy'>);
    case 'PutBucketPolicy': return policy.putBucketPolicy(ctx as Ctx<'PutBucketPolicy'>);
    case 'DeleteBucketPolicy': return policy.deleteBucketPolicy(ctx as Ctx<'DeleteBucketPolicy'>);
    case 'GetBucketPolicyStatus': return policy.getBucketPolicyStatus(ctx as Ctx<'GetBucketPolicyStatus'>);
    case 'GetBucketTagging': return tagging.getBucketTagging(ctx as Ctx<'GetBucketTagging'>);
    case 'PutBucketTagging': return tagging.putBucketTagging(ctx as Ctx<'PutBucketTagging'>);
    case 'DeleteBucketTagging': return tagging.deleteBucketTagging(ctx as Ctx<'DeleteBucketTagging'>);
    case 'GetBucketCors': return cors.getBucketCors(ctx as Ctx<'GetBucketCors'>);
    case 'PutBucketCors': return cors.putBucketCors(ctx as Ctx<'PutBucketCors'>);
    case 'DeleteBucketCors': return cors.deleteBucketCors(ctx as Ctx<'DeleteBucketCors'>);
    case 'GetBucketLifecycle': return lifecycle.getBucketLifecycle(ctx as Ctx<'GetBucketLifecycle'>);
    case 'PutBucketLifecycle': return lifecycle.putBucketLifecycle(ctx as Ctx<'PutBucketLifecycle'>);
    case 'DeleteBucketLifecycle': return lifecycle.deleteBucketLifecycle(ctx as Ctx<'DeleteBucketLifecycle'>);
    case 'GetBucketLogging': return logging.getBucketLogging(ctx as Ctx<'GetBucketLogging'>);
    case 'PutBucketLogging': return logging.putBucketLogging(ctx as Ctx<'PutBucketLogging'>);
    case 'GetBucketRequestPayment': return buckets.getBucketRequestPayment(ctx as Ctx<'GetBucketRequestPayment'>);
    case 'GetBucketVersioning': return versioning.getBucketVersioning(ctx as Ctx<'GetBucketVersioning'>);
    case 'PutBucketVersioning': return versioning.putBucketVersioning(ctx as Ctx<'PutBucketVersioning'>);
    case 'ListObjectVersions': return listObjectVersions(ctx as Ctx<'ListObjectVersions'>);
    case 'ListObjects': return listObjects(ctx as Ctx<'ListObjects'>);
    case 'ListObjectsV2': return listObjectsV2(ctx as Ctx<'ListObjectsV2'>);
    case 'ListMultipartUploads': return multipart.listMultipartUploads(ctx as Ctx<'ListMultipartUploads'>);
    case 'DeleteObjects': return deleteObjects(ctx as Ctx<'DeleteObjects'>);
    case 'GetObject': return objects.getObject(ctx as Ctx<'GetObject'>);
    case 'HeadObject': return objects.headObject(ctx as Ctx<'HeadObject'>);
    case 'PutObject': return objects.putObject(ctx as Ctx<'PutObject'>);
    case 'CopyObject': return copyObject(ctx as Ctx<'CopyObject'>);
    case 'DeleteObject': return objects.deleteObject(ctx as Ctx<'DeleteObject'>);
    case 'GetObjectAcl': return acl.getObjectAcl(ctx as Ctx<'GetObjectAcl'>);
    case 'PutObjectAcl': return acl.putObjectAcl(ctx as Ctx<'PutObjectAcl'>);
    case 'GetObjectTagging': return tagging.getObjectTagging(ctx as Ctx<'GetObjectTagging'>);
    case 'PutObjectTagging': return tagging.putObjectTagging(ctx as Ctx<'PutObjectTagging'>);
    case 'DeleteObjectTagging': return tagging.deleteObjectTagging(ctx as Ctx<'DeleteObjectTagging'>);
    case 'CreateMultipartUpload': return multipart.createMultipartUpload(ctx as Ctx<'CreateMultipartUpload'>);
    case 'UploadPart': return multipart.uploadPart(ctx as Ctx<'UploadPart'>);
    case 'UploadPartCopy': return uploadPartCopy(ctx as Ctx<'UploadPartCopy'>);
    case 'CompleteMultipartUpload': return multipart.completeMultipartUpload(ctx as Ctx<'CompleteMultipartUpload'>);
    case 'AbortMultipartUpload': return multipart.abortMultipartUpload(ctx as Ctx<'AbortMultipartUpload'>);
    case 'ListParts': return multipart.listParts(ctx as Ctx<'ListParts'>);
    default: {
      const unreachable: never = op;
      throw new Error(`unhandled operation ${JSON.stringify(unreachable)}`);
    }
  }
}
