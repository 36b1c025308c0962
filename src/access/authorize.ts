// Who may do what. A request on a bucket is decided in S3's order: an
// explicit Deny in the bucket policy refuses it; an Allow there grants it
// (to other projects and to anonymous callers too); otherwise members of the
// owning project may do anything and `reader` members only read; anyone else
// needs an ACL grant (on the bucket, or on the object for object reads and
// object ACLs); everyone else is refused. The owning project's members can always read and change
// the policy itself, so a policy can never lock its owners out.

import { errors } from '../errors.js';
import type { Bucket, Credential, Grant, MetaStore, Permission } from '../store/meta.js';
import { evaluatePolicy, type ContextValue, type RequestPrincipal } from './policy-eval.js';
import { ReadCache } from '../read-cache.js';
import { parsePolicy, type Policy } from './policy.js';

/** The caller must be signed in (ListBuckets). */
export function requireCredential(credential: Credential | undefined): Credential {
  if (!credential) throw errors.accessDenied();
  return credential;
}

/** The caller must be a member (not a reader) of its project (CreateBucket). */
export async function requireProjectWriter(meta: MetaStore, credential: Credential | undefined): Promise<Credential> {
  const signedIn = requireCredential(credential);
  if (!(await ownerMayAct(meta, signedIn, 's3:CreateBucket'))) throw errors.accessDenied();
  return signedIn;
}

export interface AccessRequest {
  credential: Credential | undefined;
  bucket: Bucket;
  /** IAM action, e.g. s3:GetObject. */
  action: string;
  /** The object key for object-level actions. */
  key?: string;
  /** The object version, when the request names one (its ACL decides, not the current version's). */
  versionId?: string;
  /** Condition keys of the request (aws:SourceIp, s3:prefix, ...); only read when the bucket has a policy. */
  context: Record<string, ContextValue>;
}

const POLICY_ACTIONS = new Set(['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:GetBucketPolicyStatus']);

function isReadAction(action: string): boolean {
  return action.startsWith('s3:Get') || action.startsWith('s3:List');
}

/** Policies parsed once per bucket and text, not per request. */
const policies = new ReadCache<Policy>();

/** The bucket's policy, parsed (undefined: it has none). */
export function bucketPolicy(bucket: Bucket): Readonly<Policy> | undefined {
  const text = bucket.policy;
  return text === undefined ? undefined : policies.get(`${bucket.name}\n${text}`, () => parsePolicy(text, bucket.name));
}

async function principalOf(meta: MetaStore, credential: Credential | undefined): Promise<RequestPrincipal | undefined> {
  if (!credential) return undefined;
  const user = credential.userId ? await meta.getUser(credential.userId) : undefined;
  return { projectId: credential.projectId, userId: credential.userId ?? '', userName: user?.name ?? '' };
}

/** May an owning-project caller do this? Readers only read; a removed member nothing. */
async function ownerMayAct(meta: MetaStore, credential: Credential, action: string): Promise<boolean> {
  if (isReadAction(action) || credential.userId === null) return true;
  const membership = await meta.getMembership(credential.userId, credential.projectId);
  return membership?.role === 'member';
}

/** What a caller outside the owning project needs granted, and on which ACL. */
const ACL_NEEDS: Record<string, { on: 'bucket' | 'object'; permission: Permission }> = {
  's3:GetObject': { on: 'object', permission: 'READ' },
  's3:GetObjectVersion': { on: 'object', permission: 'READ' },
  's3:GetObjectAcl': { on: 'object', permission: 'READ_ACP' },
  's3:GetObjectVersionAcl': { on: 'object', permission: 'READ_ACP' },
  's3:PutObjectAcl': { on: 'object', permission: 'WRITE_ACP' },
  's3:PutObjectVersionAcl': { on: 'object', permission: 'WRITE_ACP' },
  's3:ListBucket': { on: 'bucket', permission: 'READ' },
  's3:ListBucketVersions': { on: 'bucket', permission: 'READ' },
  's3:ListBucketMultipartUploads': { on: 'bucket', permission: 'READ' },
  's3:PutObject': { on: 'bucket', permission: 'WRITE' },
  's3:DeleteObject': { on: 'bucket', permission: 'WRITE' },
  's3:DeleteObjectVersion': { on: 'bucket', permission: 'WRITE' },
  's3:AbortMultipartUpload': { on: 'bucket', permission: 'WRITE' },
  's3:ListMultipartUploadParts': { on: 'bucket', permission: 'WRITE' },
  's3:GetBucketAcl': { on: 'bucket', permission: 'READ_ACP' },
  's3:PutBucketAcl': { on: 'bucket', permission: 'WRITE_ACP' },
};

function grants(acl: Grant[] | undefined, credential: Credential | undefined, permission: Permission): boolean {
  return (acl ?? []).some((grant) => {
    if (grant.permission !== permission && grant.permission !== 'FULL_CONTROL') return false;
    const { grantee } = grant;
    if ('project' in grantee) return credential?.projectId === grantee.project;
    return grantee.group === 'AllUsers' || credential !== undefined;
  });
}

async function aclAllows(meta: MetaStore, request: AccessRequest): Promise<boolean> {
  const need = ACL_NEEDS[request.action];
  if (!need) return false;
  if (need.on === 'bucket') return grants(request.bucket.acl, request.credential, need.permission);
  if (request.key === undefined) return false;
  const object =
    request.versionId === undefined
      ? await meta.getObject(request.bucket.name, request.key)
      : await meta.getObjectVersion(request.bucket.name, request.key, request.versionId);
  return object !== undefined && !('deleteMarker' in object) && grants(object.acl, request.credential, need.permission);
}

export async function authorize(meta: MetaStore, request: AccessRequest): Promise<void> {
  const { credential, bucket, action } = request;
  const owner = credential !== undefined && credential.projectId === bucket.projectId;
  const policy = bucketPolicy(bucket);
  if (policy && !(owner && POLICY_ACTIONS.has(action))) {
    const resource = `arn:aws:s3:::${bucket.name}${request.key === undefined ? '' : `/${request.key}`}`;
    const decision = evaluatePolicy(policy, {
      principal: await principalOf(meta, credential),
      action,
      resource,
      context: request.context,
    });
    if (decision === 'Deny') throw errors.accessDenied();
    if (decision === 'Allow' && !owner) return;
  }
  if (owner) {
    if (await ownerMayAct(meta, credential, action)) return;
  } else if (await aclAllows(meta, request)) {
    return;
  }
  throw errors.accessDenied();
}
