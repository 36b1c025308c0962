// Every S3 limit Aitta enforces, in one place. Values are those of Amazon S3
// (source in each comment) unless marked as Aitta's own.

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

/** PutObject single-request maximum: "Upload an object in a single operation ... up to 5 GB" (S3 UG, Uploading objects). */
export const MAX_PUT_OBJECT_BYTES = 5 * GiB;
/** Largest object: 5 TiB (S3 UG, Uploading objects). */
export const MAX_OBJECT_BYTES = 5 * TiB;
/** Multipart: part numbers 1..10,000 (S3 UG, Multipart upload limits). */
export const MAX_PART_NUMBER = 10_000;
/** Multipart: minimum part size except the last, 5 MiB (S3 UG, Multipart upload limits). */
export const MIN_PART_BYTES = 5 * MiB;
/** Multipart: maximum part size, 5 GiB (S3 UG, Multipart upload limits). */
export const MAX_PART_BYTES = 5 * GiB;
/** Object key length in UTF-8 bytes (S3 UG, Naming objects). */
export const MAX_KEY_BYTES = 1024;
/** User-defined metadata in a PUT request header, 2 KB (S3 UG, Working with object metadata). */
export const MAX_USER_METADATA_BYTES = 2 * KiB;
/** Keys per ListObjects page and per ListParts/ListMultipartUploads page (S3 API Reference). */
export const MAX_KEYS_PER_PAGE = 1000;
/** Keys per DeleteObjects request (S3 API Reference, DeleteObjects). */
export const MAX_DELETE_OBJECTS = 1000;
/** Longest lifetime of a SigV4 presigned URL, 7 days (S3 API Reference, Authenticating Requests: Query Parameters). */
export const MAX_PRESIGN_V4_SECONDS = 7 * 24 * 3600;
/** Allowed difference between the request time and the server's clock, 15 minutes (RequestTimeTooSkewed). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** Tags per object (S3 UG, Categorizing your storage using tags). */
export const MAX_OBJECT_TAGS = 10;
/** Tags per bucket. */
export const MAX_BUCKET_TAGS = 50;
/** Tag key and value lengths in Unicode characters (S3 UG, Categorizing your storage using tags). */
export const MAX_TAG_KEY_CHARS = 128;
export const MAX_TAG_VALUE_CHARS = 256;
/** "Bucket policies are limited to 20 KB in size" (S3 UG, Adding a bucket policy); counted without whitespace. */
export const MAX_BUCKET_POLICY_BYTES = 20 * 1024;
/** "The document is limited to 64 KB in size" (S3 API Reference, PutBucketCors). */
export const MAX_CORS_CONFIGURATION_BYTES = 64 * KiB;
/** "You can add up to 100 rules to the configuration" (S3 API Reference, CORSConfiguration). */
export const MAX_CORS_RULES = 100;
/** A CORSRule's ID: "The value cannot be longer than 255 characters" (S3 API Reference, CORSRule). */
export const MAX_CORS_RULE_ID_CHARS = 255;
/** Lifecycle: rules per configuration (S3 UG, Setting lifecycle configuration on a bucket). */
export const MAX_LIFECYCLE_RULES = 1000;
/** Lifecycle: rule ID length (S3 API Reference, LifecycleRule: "up to 255 characters"). */
export const MAX_LIFECYCLE_RULE_ID_CHARS = 255;
/** Lifecycle: largest ObjectSizeGreaterThan/LessThan in a filter, 1000 TiB (S3's error text names it). */
export const MAX_LIFECYCLE_OBJECT_SIZE = 1000 * TiB;
/** Bucket names: 3..63 characters (S3 UG, Bucket naming rules). */
export const MIN_BUCKET_NAME = 3;
export const MAX_BUCKET_NAME = 63;

/** Aitta's own: largest XML request body read into memory (S3 caps DeleteObjects bodies near 2 MB too). */
export const MAX_XML_BODY_BYTES = 2 * MiB;
/** Aitta's own: objects up to this size are kept inline in the metadata store. */
export const MAX_INLINE_OBJECT_BYTES = 256 * KiB;
/** Aitta's own: how long an unreferenced blob is kept so that GETs in flight on it still complete. */
export const BLOB_GRACE_MS = 15 * 60 * 1000;

/** Aitta's own, as Allas: default storage quota of a project, 10 TiB. */
export const DEFAULT_PROJECT_MAX_BYTES = 10 * 1024 * GiB;
/** Aitta's own, as Allas: default number of buckets a project may have. */
export const DEFAULT_PROJECT_MAX_BUCKETS = 1000;
/** Aitta's own, as Allas: default number of objects in one bucket. */
export const DEFAULT_BUCKET_MAX_OBJECTS = 500_000;
/** Aitta's own, as Keystone's default: an identity API token is valid for 8 hours. */
export const TOKEN_LIFETIME_MS = 8 * 3600 * 1000;
/** Aitta's own: largest JSON request body the identity API reads into memory. */
export const MAX_IDENTITY_BODY_BYTES = 64 * KiB;
