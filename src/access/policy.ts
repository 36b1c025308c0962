// Bucket policies as PutBucketPolicy accepts them: the JSON document is
// validated the way S3 validates it (same MalformedPolicy messages where S3's
// are known) and turned into a normalised, typed Policy with its matchers
// compiled, so that evaluating it (policy-eval.ts) does no parsing.
//
// Principals are Aitta projects: "*", a project id (32 hex characters),
// arn:aws:iam::<project id>:root, or arn:aws:iam::<project id>:user/<user name>
// for one member of a project; {"CanonicalUser": "<project id>"} is accepted
// too, since ACL grantee ids are project ids.

import { S3Error } from '../errors.js';
import { compileCondition, parseConditionOperator, type Condition } from './condition-operators.js';
import { Glob, Template } from './wildcard.js';
import { MAX_BUCKET_POLICY_BYTES } from '../limits.js';


export type PolicyVersion = '2012-10-17' | '2008-10-17';
export type Effect = 'Allow' | 'Deny';

export interface PrincipalSet {
  /** "*": everyone, signed in or anonymous. */
  readonly everyone: boolean;
  /** Project ids (lower case): every member of the project. */
  readonly projects: ReadonlySet<string>;
  /** `<project id>/<user name>`: one member of one project. */
  readonly users: ReadonlySet<string>;
}

export interface ResourcePattern {
  readonly template: Template;
  /** Precompiled when the pattern has no policy variables. */
  readonly glob: Glob | undefined;
}

export interface Statement {
  readonly sid: string | undefined;
  readonly effect: Effect;
  /** Principal, or NotPrincipal when negated. */
  readonly principal: { readonly negated: boolean; readonly set: PrincipalSet };
  /** Action, or NotAction when negated; patterns are lower case, matched case-insensitively. */
  readonly action: { readonly negated: boolean; readonly patterns: readonly Glob[] };
  /** Resource, or NotResource when negated. */
  readonly resource: { readonly negated: boolean; readonly patterns: readonly ResourcePattern[] };
  /** All must hold. */
  readonly conditions: readonly Condition[];
}

export interface Policy {
  readonly version: PolicyVersion;
  readonly id: string | undefined;
  readonly statements: readonly Statement[];
}

type ResourceKind = 'object' | 'bucket' | 'account';

// S3 actions and the resource each applies to (Service Authorization Reference, Amazon S3).
const ACTIONS_BY_KIND: Record<ResourceKind, readonly string[]> = {
  object: [
    'AbortMultipartUpload', 'BypassGovernanceRetention', 'DeleteObject', 'DeleteObjectTagging',
    'DeleteObjectVersion', 'DeleteObjectVersionTagging', 'GetObject', 'GetObjectAcl', 'GetObjectAttributes',
    'GetObjectLegalHold', 'GetObjectRetention', 'GetObjectTagging', 'GetObjectTorrent', 'GetObjectVersion',
    'GetObjectVersionAcl', 'GetObjectVersionAttributes', 'GetObjectVersionForReplication',
    'GetObjectVersionTagging', 'GetObjectVersionTorrent', 'InitiateReplication', 'ListMultipartUploadParts',
    'ObjectOwnerOverrideToBucketOwner', 'PutObject', 'PutObjectAcl', 'PutObjectLegalHold', 'PutObjectRetention',
    'PutObjectTagging', 'PutObjectVersionAcl', 'PutObjectVersionTagging', 'ReplicateDelete', 'ReplicateObject',
    'ReplicateTags', 'RestoreObject',
  ],
  bucket: [
    'DeleteBucket', 'DeleteBucketOwnershipControls', 'DeleteBucketPolicy', 'DeleteBucketWebsite',
    'GetAccelerateConfiguration', 'GetAnalyticsConfiguration', 'GetBucketAcl', 'GetBucketCORS',
    'GetBucketLocation', 'GetBucketLogging', 'GetBucketNotification', 'GetBucketObjectLockConfiguration',
    'GetBucketOwnershipControls', 'GetBucketPolicy', 'GetBucketPolicyStatus', 'GetBucketPublicAccessBlock',
    'GetBucketRequestPayment', 'GetBucketTagging', 'GetBucketVersioning', 'GetBucketWebsite',
    'GetEncryptionConfiguration', 'GetIntelligentTieringConfiguration', 'GetInventoryConfiguration',
    'GetLifecycleConfiguration', 'GetMetricsConfiguration', 'GetReplicationConfiguration', 'ListBucket',
    'ListBucketMultipartUploads', 'ListBucketVersions', 'PutAccelerateConfiguration', 'PutAnalyticsConfiguration',
    'PutBucketAcl', 'PutBucketCORS', 'PutBucketLogging', 'PutBucketNotification',
    'PutBucketObjectLockConfiguration', 'PutBucketOwnershipControls', 'PutBucketPolicy',
    'PutBucketPublicAccessBlock', 'PutBucketRequestPayment', 'PutBucketTagging', 'PutBucketVersioning',
    'PutBucketWebsite', 'PutEncryptionConfiguration', 'PutIntelligentTieringConfiguration',
    'PutInventoryConfiguration', 'PutLifecycleConfiguration', 'PutMetricsConfiguration',
    'PutReplicationConfiguration',
  ],
  // Known to S3 but never about an existing bucket or its objects, so never valid in a bucket policy.
  account: [
    'CreateBucket', 'CreateJob', 'GetAccountPublicAccessBlock', 'ListAccessPoints', 'ListAllMyBuckets',
    'ListJobs', 'PutAccountPublicAccessBlock',
  ],
};

const ACTION_KINDS: ReadonlyMap<string, ResourceKind> = new Map(
  (Object.entries(ACTIONS_BY_KIND) as [ResourceKind, readonly string[]][]).flatMap(([kind, names]) =>
    names.map((name): [string, ResourceKind] => [`s3:${name}`.toLowerCase(), kind]),
  ),
);

/** Every S3 action name Aitta recognises in a policy, e.g. `s3:GetObject`. */
export const S3_ACTIONS: readonly string[] = Object.values(ACTIONS_BY_KIND)
  .flat()
  .map((name) => `s3:${name}`)
  .sort();

/** Whether `name` is a known S3 action (case-insensitive, no wildcards). */
export function isS3Action(name: string): boolean {
  return ACTION_KINDS.has(name.toLowerCase());
}

// Condition keys a bucket policy may test (IAM User Guide, AWS global condition
// context keys; Service Authorization Reference, Amazon S3), in canonical form.
const CONDITION_KEYS: ReadonlySet<string> = new Set(
  [
    'aws:SourceIp', 'aws:SecureTransport', 'aws:CurrentTime', 'aws:EpochTime', 'aws:UserAgent', 'aws:Referer',
    'aws:username', 'aws:userid', 'aws:PrincipalAccount', 'aws:PrincipalArn', 'aws:PrincipalType',
    'aws:PrincipalOrgID', 'aws:TokenIssueTime', 'aws:MultiFactorAuthAge', 'aws:MultiFactorAuthPresent',
    'aws:RequestedRegion', 'aws:SourceVpc', 'aws:SourceVpce', 'aws:VpcSourceIp', 'aws:SourceAccount',
    'aws:SourceArn', 'aws:ViaAWSService', 'aws:CalledVia', 'aws:TagKeys', 'aws:PrincipalIsAWSService',
    's3:prefix', 's3:delimiter', 's3:max-keys', 's3:x-amz-acl', 's3:x-amz-grant-read', 's3:x-amz-grant-write',
    's3:x-amz-grant-read-acp', 's3:x-amz-grant-write-acp', 's3:x-amz-grant-full-control', 's3:x-amz-copy-source',
    's3:x-amz-metadata-directive', 's3:x-amz-server-side-encryption',
    's3:x-amz-server-side-encryption-aws-kms-key-id', 's3:x-amz-server-side-encryption-customer-algorithm',
    's3:x-amz-storage-class', 's3:x-amz-website-redirect-location', 's3:x-amz-content-sha256',
    's3:x-amz-object-ownership', 's3:VersionId', 's3:LocationConstraint', 's3:RequestObjectTagKeys',
    's3:authType', 's3:signatureversion', 's3:signatureAge', 's3:TlsVersion', 's3:ResourceAccount',
    's3:object-lock-mode', 's3:object-lock-retain-until-date', 's3:object-lock-remaining-retention-days',
    's3:object-lock-legal-hold',
  ].map((k) => k.toLowerCase()),
);

// Keys that name a tag after the slash: s3:ExistingObjectTag/<tag key>.
const TAG_KEY_PREFIXES: ReadonlySet<string> = new Set(
  ['aws:PrincipalTag', 'aws:RequestTag', 'aws:ResourceTag', 's3:ExistingObjectTag', 's3:RequestObjectTag'].map((k) =>
    k.toLowerCase(),
  ),
);

/**
 * Condition key names are case-insensitive (IAM User Guide, Condition
 * element); a tag key after the slash is not. Lower-cases the name only.
 */
export function canonicalConditionKey(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key.toLowerCase() : key.slice(0, slash).toLowerCase() + key.slice(slash);
}

function isKnownConditionKey(key: string): boolean {
  const canonical = canonicalConditionKey(key);
  const slash = canonical.indexOf('/');
  if (slash < 0) return CONDITION_KEYS.has(canonical);
  return TAG_KEY_PREFIXES.has(canonical.slice(0, slash)) && slash < canonical.length - 1;
}

const RESOURCE_PREFIX = 'arn:aws:s3:::';
const PROJECT_ID = /^[0-9a-f]{32}$/i;
const PROJECT_ROOT_ARN = /^arn:aws:iam::([0-9a-f]{32}):root$/i;
const PROJECT_USER_ARN = /^arn:aws:iam::([0-9a-f]{32}):user\/(.+)$/i;

const POLICY_FIELDS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set([
  'Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition',
]);

function malformed(reason: string): S3Error {
  return new S3Error('MalformedPolicy', 400, reason);
}

/**
 * Validates a PutBucketPolicy document for `bucket` and compiles it. Throws
 * S3Error MalformedPolicy (400) with S3's reason. The caller reads the body
 * with its own byte limit; the 20 KB limit here is on the document without
 * insignificant whitespace, which is how S3 counts it.
 */
export function parsePolicy(json: string, bucket: string): Policy {
  if (!json.trimStart().startsWith('{')) throw malformed("Policies must be valid JSON and the first byte must be '{'");
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch {
    throw malformed('This policy contains invalid Json');
  }
  if (Buffer.byteLength(JSON.stringify(document)) > MAX_BUCKET_POLICY_BYTES) {
    throw malformed('Policy exceeds the maximum allowed document size.');
  }
  const root = asObject(document);
  for (const field of Object.keys(root)) if (!POLICY_FIELDS.has(field)) throw malformed(`Unknown field ${field}`);

  const version = root.Version ?? '2008-10-17';
  if (version !== '2012-10-17' && version !== '2008-10-17') {
    throw malformed('The policy must contain a valid version string');
  }
  if (root.Id !== undefined && typeof root.Id !== 'string') throw malformed('This policy contains invalid Json');
  if (root.Statement === undefined) throw malformed('Missing required field Statement');
  const rawStatements = Array.isArray(root.Statement) ? root.Statement : [root.Statement];
  if (rawStatements.length === 0) throw malformed('Could not parse the policy: Statement is empty!');

  const variables = version === '2012-10-17';
  return {
    version,
    id: root.Id,
    statements: rawStatements.map((raw) => parseStatement(asObject(raw), bucket, variables)),
  };
}

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed('This policy contains invalid Json');
  }
  return value as Record<string, unknown>;
}

/** One of a pair of mutually exclusive elements (Action / NotAction, ...). */
function either(raw: Record<string, unknown>, name: string): { negated: boolean; value: unknown } {
  const positive = raw[name];
  const negative = raw[`Not${name}`];
  if (positive !== undefined && negative !== undefined) {
    throw malformed(`Statement cannot contain both ${name} and Not${name}`);
  }
  if (positive === undefined && negative === undefined) throw malformed(`Missing required field ${name}`);
  return positive !== undefined ? { negated: false, value: positive } : { negated: true, value: negative };
}

function stringList(value: unknown, reason: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v): v is string => typeof v === 'string')) throw malformed(reason);
  return list;
}

function parseStatement(raw: Record<string, unknown>, bucket: string, variables: boolean): Statement {
  for (const field of Object.keys(raw)) if (!STATEMENT_FIELDS.has(field)) throw malformed(`Unknown field ${field}`);
  if (raw.Sid !== undefined && typeof raw.Sid !== 'string') throw malformed('This policy contains invalid Json');
  if (raw.Effect === undefined) throw malformed('Missing required field Effect');
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') throw malformed(`Invalid effect: ${String(raw.Effect)}`);
  const effect: Effect = raw.Effect;

  const principal = either(raw, 'Principal');
  // The IAM User Guide: "NotPrincipal must be used with "Effect":"Deny"."
  if (principal.negated && effect === 'Allow') throw malformed('NotPrincipal can only be used with Effect Deny');
  const action = either(raw, 'Action');
  const resource = either(raw, 'Resource');

  const actionNames = stringList(action.value, 'Policy has invalid action');
  const resourcePatterns = stringList(resource.value, 'Policy has invalid resource').map((r) =>
    parseResource(r, bucket, variables),
  );
  if (!action.negated && !resource.negated) checkActionsApply(actionNames, resourcePatterns, bucket);

  return {
    sid: raw.Sid,
    effect,
    principal: { negated: principal.negated, set: parsePrincipal(principal.value) },
    action: { negated: action.negated, patterns: actionNames.map(parseAction) },
    resource: { negated: resource.negated, patterns: resourcePatterns },
    conditions: raw.Condition === undefined ? [] : parseConditions(raw.Condition, variables),
  };
}

function parsePrincipal(value: unknown): PrincipalSet {
  const projects = new Set<string>();
  const users = new Set<string>();
  let everyone = false;
  const invalid = () => malformed('Invalid principal in policy');
  if (value === '*') return { everyone: true, projects, users };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid();
  const entries = Object.entries(value);
  if (entries.length === 0) throw malformed('Missing required field Principal cannot be empty!');
  for (const [type, ids] of entries) {
    const list = Array.isArray(ids) ? ids : [ids];
    if (list.length === 0) throw malformed('Missing required field Principal cannot be empty!');
    for (const id of list) {
      if (typeof id !== 'string') throw invalid();
      let match: RegExpExecArray | null;
      if (type === 'AWS' && id === '*') everyone = true;
      else if ((type === 'AWS' || type === 'CanonicalUser') && PROJECT_ID.test(id)) projects.add(id.toLowerCase());
      else if (type === 'AWS' && (match = PROJECT_ROOT_ARN.exec(id))) projects.add(match[1]!.toLowerCase());
      else if (type === 'AWS' && (match = PROJECT_USER_ARN.exec(id))) users.add(`${match[1]!.toLowerCase()}/${match[2]}`);
      else throw invalid();
    }
  }
  return { everyone, projects, users };
}

function parseAction(name: string): Glob {
  if (name === '*') return Glob.compile('*');
  const glob = Glob.compile(name, true);
  if (!name.toLowerCase().startsWith('s3:') || !S3_ACTIONS.some((a) => glob.matches(a))) {
    throw malformed('Policy has invalid action');
  }
  return glob;
}

function parseResource(text: string, bucket: string, variables: boolean): ResourcePattern {
  if (!text.startsWith(RESOURCE_PREFIX)) throw malformed('Policy has invalid resource');
  const template = Template.parse(text, variables);
  const approximate = Glob.fromChunks(template.approximate());
  // The pattern must name this bucket or objects in it.
  if (!approximate.matches(RESOURCE_PREFIX + bucket) && !approximate.matchesSomeExtensionOf(`${RESOURCE_PREFIX}${bucket}/`)) {
    throw malformed('Policy has invalid resource');
  }
  return { template, glob: template.hasVariables ? undefined : approximate };
}

/** S3 refuses a statement naming an action that none of its resources can be the target of. */
function checkActionsApply(actions: readonly string[], resources: readonly ResourcePattern[], bucket: string): void {
  const approximations = resources.map((r) => Glob.fromChunks(r.template.approximate()));
  const bucketArn = RESOURCE_PREFIX + bucket;
  const coversBucket = approximations.some((g) => g.matches(bucketArn));
  const coversObjects = approximations.some((g) => g.matchesSomeExtensionOf(`${bucketArn}/`));
  for (const action of actions) {
    const kind = ACTION_KINDS.get(action.toLowerCase());
    if (kind === undefined) continue; // a wildcard: some of what it names may apply
    if (kind === 'account' || (kind === 'bucket' && !coversBucket) || (kind === 'object' && !coversObjects)) {
      throw malformed('Action does not apply to any resource(s) in statement');
    }
  }
}

function parseConditions(value: unknown, variables: boolean): Condition[] {
  const conditions: Condition[] = [];
  for (const [operatorName, block] of Object.entries(asObject(value))) {
    const operator = parseConditionOperator(operatorName);
    if (!operator) throw malformed(`Invalid Condition type : ${operatorName}`);
    for (const [key, rawValues] of Object.entries(asObject(block))) {
      if (!isKnownConditionKey(key)) throw malformed('Policy has an invalid condition key');
      const list = Array.isArray(rawValues) ? rawValues : [rawValues];
      if (list.length === 0) throw malformed(`Condition ${operatorName} on ${key} has no values`);
      const values = list.map((v) => {
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
          throw malformed('This policy contains invalid Json');
        }
        return String(v);
      });
      const condition = compileCondition(operator, canonicalConditionKey(key), values, variables);
      if ('error' in condition) throw malformed(condition.error);
      conditions.push(condition);
    }
  }
  return conditions;
}
