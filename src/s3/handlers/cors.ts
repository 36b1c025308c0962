// Bucket CORS: Put/Get/DeleteBucketCors, the preflight (OPTIONS) a browser
// sends before a cross-origin request, and the CORS headers of the actual
// request. Only requests with an Origin header ever look at the rules.

import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../../errors.js';
import { MAX_CORS_CONFIGURATION_BYTES } from '../../limits.js';
import { readVerifiedBody } from '../body-integrity.js';
import { emptyResponse, header, xmlResponse, type RequestContext, type ResponseHeaders, type S3Response, type Services } from '../context.js';
import {
  corsForbidden,
  corsFromStored,
  corsFromXml,
  corsResponseHeaders,
  corsToStored,
  corsXml,
  isCorsMethod,
  matchCorsRule,
  requestedHeaders,
} from '../cors.js';
import type { CorsPreflight, Operation } from '../operation.js';
import { deleteBucketConfig, storeBucketConfig, storedBucketConfig } from '../bucket-config.js';
import { requireBucket } from '../require-bucket.js';

type CorsOperation<T extends Operation['type']> = RequestContext<Extract<Operation, { type: T }>>;

export async function putBucketCors(ctx: CorsOperation<'PutBucketCors'>): Promise<S3Response> {
  const { bucket } = ctx.op;
  await requireBucket(ctx, bucket);
  const body = await readVerifiedBody(ctx, MAX_CORS_CONFIGURATION_BYTES);
  const rules = corsFromXml(body);
  await storeBucketConfig(ctx, bucket, 'cors', corsToStored(rules));
  return emptyResponse(200);
}

export async function getBucketCors(ctx: CorsOperation<'GetBucketCors'>): Promise<S3Response> {
  const { bucket } = ctx.op;
  const stored = await storedBucketConfig(ctx, bucket, 'cors', () => new S3Error('NoSuchCORSConfiguration', 404, 'The CORS configuration does not exist', { BucketName: bucket }));
  return xmlResponse(corsXml(corsFromStored(stored)));
}

export function deleteBucketCors(ctx: CorsOperation<'DeleteBucketCors'>): Promise<S3Response> {
  return deleteBucketConfig(ctx, ctx.op.bucket, 'cors');
}

/**
 * Answers a preflight as S3 does: the Origin is required; a missing bucket or
 * configuration is refused before the requested method is looked at; then the
 * first rule allowing origin, method and requested headers answers 200.
 */
export async function corsPreflight(services: Services, op: CorsPreflight, headers: IncomingHttpHeaders): Promise<S3Response> {
  const origin = header(headers, 'origin');
  if (!origin) throw new S3Error('BadRequest', 400, 'Insufficient information. Origin request header needed.');
  const method = header(headers, 'access-control-request-method');
  const bucket = await services.meta.getBucket(op.bucket);
  if (!bucket) throw corsForbidden('Bucket not found', method ?? 'OPTIONS', 'BUCKET');
  if (bucket.cors === undefined) throw corsForbidden('CORS is not enabled for this bucket.', method ?? 'OPTIONS', 'BUCKET');
  if (method === undefined || !isCorsMethod(method)) {
    throw new S3Error('BadRequest', 400, `Invalid Access-Control-Request-Method: ${method ?? 'null'}`);
  }
  const requested = requestedHeaders(header(headers, 'access-control-request-headers'));
  const rule = matchCorsRule(corsFromStored(bucket.cors), origin, method, requested);
  if (!rule) {
    throw corsForbidden(
      // S3's own spelling ("evalution").
      "This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
      method,
      op.key === undefined ? 'BUCKET' : 'OBJECT',
    );
  }
  return emptyResponse(200, corsResponseHeaders(rule, origin, requested));
}

/**
 * The CORS headers of an actual request (its response or its error) that
 * carries an Origin; none when the bucket has no rule for it. S3 evaluates
 * such a request like a preflight when it carries the preflight's headers.
 */
export async function actualRequestCorsHeaders(services: Services, bucketName: string, method: string, headers: IncomingHttpHeaders): Promise<ResponseHeaders> {
  const origin = header(headers, 'origin');
  if (!origin) return {};
  const bucket = await services.meta.getBucket(bucketName);
  if (bucket?.cors === undefined) return {};
  const requested = requestedHeaders(header(headers, 'access-control-request-headers'));
  const asked = header(headers, 'access-control-request-method') ?? method;
  const rule = matchCorsRule(corsFromStored(bucket.cors), origin, asked, requested);
  return rule ? corsResponseHeaders(rule, origin, requested) : {};
}
