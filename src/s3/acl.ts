// Access control lists as S3 speaks them: canned ACLs (x-amz-acl), grant
// headers (x-amz-grant-*), AccessControlPolicy XML in and out. Grantees are
// projects (S3's canonical users, by project id) and the AllUsers and
// AuthenticatedUsers groups. The owner's FULL_CONTROL is implicit: stored
// grants are the ones besides it.

import type { IncomingHttpHeaders } from 'node:http';
import { S3Error, errors } from '../errors.js';
import type { Grant, Grantee, MetaStore, Permission } from '../store/meta.js';
import { header } from './context.js';
import { OwnerNames, ownerXml } from './owner.js';
import { children, document, el, parseXml, text, type XmlNode } from './xml.js';

const GROUP_URI = 'http://acs.amazonaws.com/groups/global/';
const PERMISSIONS: readonly Permission[] = ['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP', 'FULL_CONTROL'];

const ALL_USERS: Grantee = { group: 'AllUsers' };
const AUTHENTICATED_USERS: Grantee = { group: 'AuthenticatedUsers' };

/** Canned ACLs and the grants they add to the owner's FULL_CONTROL. */
const CANNED: Record<string, Grant[]> = {
  private: [],
  'public-read': [{ grantee: ALL_USERS, permission: 'READ' }],
  'public-read-write': [
    { grantee: ALL_USERS, permission: 'READ' },
    { grantee: ALL_USERS, permission: 'WRITE' },
  ],
  'authenticated-read': [{ grantee: AUTHENTICATED_USERS, permission: 'READ' }],
  // The bucket owner and the object owner are one project here.
  'bucket-owner-read': [],
  'bucket-owner-full-control': [],
};

const GRANT_HEADERS: Record<string, Permission> = {
  'x-amz-grant-read': 'READ',
  'x-amz-grant-write': 'WRITE',
  'x-amz-grant-read-acp': 'READ_ACP',
  'x-amz-grant-write-acp': 'WRITE_ACP',
  'x-amz-grant-full-control': 'FULL_CONTROL',
};

function granteeOfUri(uri: string): Grantee {
  if (uri === `${GROUP_URI}AllUsers`) return ALL_USERS;
  if (uri === `${GROUP_URI}AuthenticatedUsers`) return AUTHENTICATED_USERS;
  throw errors.invalidArgument(`Invalid group uri: ${uri}`);
}

/** `id="…", uri="…"` as in x-amz-grant-* headers. */
function parseGrantHeader(value: string, permission: Permission): Grant[] {
  return value.split(',').map((part) => {
    const match = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i.exec(part);
    if (!match) throw errors.invalidArgument(`Invalid grant: ${part.trim()}`);
    const [, kind, value] = match;
    if (kind!.toLowerCase() === 'emailaddress') {
      throw new S3Error('UnresolvableGrantByEmailAddress', 400, 'The email address you provided does not match any account on record.');
    }
    const grantee = kind!.toLowerCase() === 'id' ? { project: value!.toLowerCase() } : granteeOfUri(value!);
    return { grantee, permission };
  });
}

/**
 * The ACL a request asks for in its headers (x-amz-acl or x-amz-grant-*), or
 * undefined when it names none.
 */
export function aclFromHeaders(headers: IncomingHttpHeaders): Grant[] | undefined {
  const canned = header(headers, 'x-amz-acl');
  const grants = Object.entries(GRANT_HEADERS).flatMap(([name, permission]) => {
    const value = header(headers, name);
    return value === undefined ? [] : parseGrantHeader(value, permission);
  });
  if (canned !== undefined) {
    if (grants.length > 0) throw errors.invalidRequest('Specifying both Canned ACLs and Header Grants is not allowed');
    const cannedGrants = CANNED[canned];
    if (!cannedGrants) throw errors.invalidArgument(`Invalid canned ACL: ${canned}`);
    return cannedGrants;
  }
  return grants.length > 0 ? grants : undefined;
}

function grantFromXml(node: XmlNode): Grant {
  const granteeNode = children(node, 'Grantee')[0];
  const permission = text(node, 'Permission') as Permission | undefined;
  if (granteeNode === undefined || permission === undefined || !PERMISSIONS.includes(permission)) throw errors.malformedXml();
  const id = text(granteeNode, 'ID');
  const uri = text(granteeNode, 'URI');
  if (text(granteeNode, 'EmailAddress') !== undefined) {
    throw new S3Error('UnresolvableGrantByEmailAddress', 400, 'The email address you provided does not match any account on record.');
  }
  if (id !== undefined) return { grantee: { project: id.trim().toLowerCase() }, permission };
  if (uri !== undefined) return { grantee: granteeOfUri(uri.trim()), permission };
  throw errors.malformedXml();
}

/** The grants of an AccessControlPolicy document. */
export function aclFromXml(body: Buffer): Grant[] {
  const root = parseXml(body)['AccessControlPolicy'];
  if (root === undefined) throw errors.malformedXml();
  const list = children(root, 'AccessControlList')[0];
  return list === undefined ? [] : children(list, 'Grant').map(grantFromXml);
}

/**
 * Grants ready to store: the owner's own FULL_CONTROL dropped (it is
 * implicit), duplicates merged, and every grantee project known.
 */
export async function normaliseAcl(meta: MetaStore, grants: Grant[], ownerProjectId: string): Promise<Grant[]> {
  const seen = new Set<string>();
  const result: Grant[] = [];
  for (const grant of grants) {
    if ('project' in grant.grantee) {
      if (grant.grantee.project === ownerProjectId && grant.permission === 'FULL_CONTROL') continue;
      if (!(await meta.getProject(grant.grantee.project))) throw errors.invalidArgument('Invalid id');
    }
    const id = `${JSON.stringify(grant.grantee)} ${grant.permission}`;
    if (seen.has(id)) continue;
    seen.add(id);
    result.push(grant);
  }
  return result;
}

function granteeXml(grantee: Grantee, names: Map<string, string>): string {
  const xsi = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
  if ('group' in grantee) return `<Grantee ${xsi} xsi:type="Group">${el('URI', `${GROUP_URI}${grantee.group}`)}</Grantee>`;
  return `<Grantee ${xsi} xsi:type="CanonicalUser">${el('ID', grantee.project)}${el('DisplayName', names.get(grantee.project))}</Grantee>`;
}

/** The AccessControlPolicy document: the owner, its FULL_CONTROL, then the grants. */
export async function aclXml(meta: MetaStore, ownerProjectId: string, grants: Grant[] = []): Promise<string> {
  const owners = new OwnerNames(meta);
  const owner = await owners.get(ownerProjectId);
  const names = new Map<string, string>();
  for (const grant of grants) {
    if ('project' in grant.grantee) names.set(grant.grantee.project, (await owners.get(grant.grantee.project)).displayName);
  }
  names.set(owner.id, owner.displayName);
  const all: Grant[] = [{ grantee: { project: ownerProjectId }, permission: 'FULL_CONTROL' }, ...grants];
  const list = all.map((g) => `<Grant>${granteeXml(g.grantee, names)}${el('Permission', g.permission)}</Grant>`).join('');
  return document('AccessControlPolicy', `${ownerXml(owner)}<AccessControlList>${list}</AccessControlList>`);
}
