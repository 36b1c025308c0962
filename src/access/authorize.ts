// Who may do what. For now a project owns its buckets and everything in
// them; the tenancy work adds ACL grants, bucket policies and public access
// here, behind the same two functions.

import { errors } from '../errors.js';
import type { Bucket, Credential } from '../store/meta.js';

/** The caller must be signed in (ListBuckets, CreateBucket). */
export function requireCredential(credential: Credential | undefined): Credential {
  if (!credential) throw errors.accessDenied();
  return credential;
}

/** The caller may act on this bucket and its objects. */
export function authorizeBucket(credential: Credential | undefined, bucket: Bucket): void {
  if (!credential || credential.projectId !== bucket.projectId) throw errors.accessDenied();
}
