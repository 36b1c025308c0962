// Evaluating a compiled bucket policy against one request: a statement applies
// when its principal, action, resource and every condition match; any
// applying Deny wins, otherwise any applying Allow allows, otherwise the
// policy has nothing to say (NoMatch) and ACLs and ownership decide.

import { conditionHolds } from './condition-operators.js';
import { canonicalConditionKey, type Policy, type PrincipalSet, type Statement } from './policy.js';
import { Glob, type VariableLookup } from './wildcard.js';

/** The caller: a user acting with a credential of one project. */
export interface RequestPrincipal {
  readonly projectId: string;
  readonly userName: string;
  readonly userId: string;
}

export type ContextValue = string | readonly string[] | undefined;

export interface PolicyRequest {
  /** Undefined for an anonymous request. */
  readonly principal: RequestPrincipal | undefined;
  /** e.g. `s3:GetObject`; compared case-insensitively. */
  readonly action: string;
  /** `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key`. */
  readonly resource: string;
  /**
   * Condition keys (names case-insensitive): aws:SourceIp, aws:SecureTransport,
   * aws:CurrentTime, aws:EpochTime, aws:UserAgent, aws:Referer, s3:prefix,
   * s3:delimiter, s3:max-keys, s3:x-amz-acl, s3:ExistingObjectTag/<key>, ...
   * aws:username, aws:userid, aws:PrincipalAccount, aws:PrincipalArn and
   * aws:PrincipalType come from `principal` unless given here. Undefined or
   * an empty list means the key is not in the request.
   */
  readonly context: Readonly<Record<string, ContextValue>>;
}

export type PolicyDecision = 'Allow' | 'Deny' | 'NoMatch';

export function evaluatePolicy(policy: Policy, request: PolicyRequest): PolicyDecision {
  const action = request.action.toLowerCase();
  const lookup = contextLookup(request);
  let allowed = false;
  for (const statement of policy.statements) {
    if (statement.effect === 'Allow' && allowed) continue;
    if (applies(statement, request, action, lookup)) {
      if (statement.effect === 'Deny') return 'Deny';
      allowed = true;
    }
  }
  return allowed ? 'Allow' : 'NoMatch';
}

function applies(statement: Statement, request: PolicyRequest, action: string, lookup: VariableLookup): boolean {
  if (covers(statement.principal.set, request.principal) === statement.principal.negated) return false;
  if (statement.action.patterns.some((g) => g.matches(action)) === statement.action.negated) return false;
  const resource = resourceMatches(statement, request.resource, lookup);
  if (resource === undefined || resource === statement.resource.negated) return false;
  return statement.conditions.every((c) => conditionHolds(c, lookup));
}

// A project principal covers every member of the project, under NotPrincipal
// as under Principal. (AWS also checks the account and the user separately
// under NotPrincipal, so naming only an account there exempts none of its
// users; Aitta projects have no IAM of their own to fall back on, so a project
// stands for its members.)
function covers(set: PrincipalSet, principal: RequestPrincipal | undefined): boolean {
  if (set.everyone) return true;
  if (!principal) return false;
  const project = principal.projectId.toLowerCase();
  return set.projects.has(project) || set.users.has(`${project}/${principal.userName}`);
}

/**
 * Whether any Resource / NotResource pattern matches. A pattern whose policy
 * variable cannot be resolved matches nothing; under NotResource that makes
 * the whole statement void (undefined), since AWS treats a statement with an
 * unresolvable variable as invalid rather than widening it.
 */
function resourceMatches(statement: Statement, resource: string, lookup: VariableLookup): boolean | undefined {
  let matched = false;
  for (const pattern of statement.resource.patterns) {
    let glob = pattern.glob;
    if (!glob) {
      const chunks = pattern.template.resolve(lookup);
      if (!chunks) {
        if (statement.resource.negated) return undefined;
        continue;
      }
      glob = Glob.fromChunks(chunks);
    }
    if (glob.matches(resource)) matched = true;
  }
  return matched;
}

/** Request context by canonical key, with the principal's keys filled in; built on first use. */
function contextLookup(request: PolicyRequest): VariableLookup {
  let values: Map<string, readonly string[]> | undefined;
  return (key) => {
    values ??= contextValues(request);
    return values.get(canonicalConditionKey(key));
  };
}

function contextValues(request: PolicyRequest): Map<string, readonly string[]> {
  const values = new Map<string, readonly string[]>();
  const { principal } = request;
  if (principal) {
    values.set('aws:username', [principal.userName]);
    values.set('aws:userid', [principal.userId]);
    values.set('aws:principalaccount', [principal.projectId]);
    values.set('aws:principalarn', [`arn:aws:iam::${principal.projectId}:user/${principal.userName}`]);
    values.set('aws:principaltype', ['User']);
  } else {
    values.set('aws:principaltype', ['Anonymous']);
  }
  for (const [key, value] of Object.entries(request.context)) {
    const canonical = canonicalConditionKey(key);
    const list = typeof value === 'string' ? [value] : value;
    if (list === undefined || list.length === 0) values.delete(canonical);
    else values.set(canonical, list);
  }
  return values;
}
