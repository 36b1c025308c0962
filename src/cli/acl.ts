// An object's or bucket's access control list as s3cmd edits it (S3/ACL.py):
// read from S3's XML, anonymous read granted or revoked for -P and
// --acl-private, grants added and revoked for --acl-grant/--acl-revoke, and
// written back in the form s3cmd sends.

import { InvalidArgumentError } from 'commander';
import { parseAcl } from '../sdk/results.js';
import { elements, escapeXml, parseXml, text } from '../sdk/xml.js';

export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
const PERMISSIONS = ['read', 'write', 'read_acp', 'write_acp', 'full_control', 'all'];
const XSI_TYPES = { ID: 'CanonicalUser', URI: 'Group', EmailAddress: 'AmazonCustomerByEmail' } as const;

export interface AclSpec {
  permission: string;
  name: string;
}

interface Grantee {
  kind: keyof typeof XSI_TYPES;
  name: string;
  displayName: string;
  permission: string;
}

/** One <Grant> as s3cmd writes it (Grantee.getElement). */
export function grantXml({ kind, name, permission }: Omit<Grantee, 'displayName'>): string {
  return (
    `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="${XSI_TYPES[kind]}"><${kind}>${escapeXml(name)}</${kind}></Grantee>` +
    `<Permission>${permission}</Permission></Grant>`
  );
}

/** OptionS3ACL: "permission:grantee" for --acl-grant/--acl-revoke, collected; optparse's words when invalid. */
export function parseAclSpec(option: string) {
  return (value: string, previous: AclSpec[] = []): AclSpec[] => {
    const match = /^(\w+):(.+)$/is.exec(value);
    if (!match) throw new InvalidArgumentError(`option ${option}: invalid S3 ACL format: '${value}'`);
    if (!PERMISSIONS.includes(match[1]!)) {
      throw new InvalidArgumentError(`option ${option}: invalid S3 ACL permission: ${match[1]} (valid values: ${PERMISSIONS.join(', ')})`);
    }
    return [...previous, { permission: match[1]!.toUpperCase(), name: match[2]! }];
  };
}

function isAllUsers(g: Grantee): boolean {
  return g.kind === 'URI' && g.name === ALL_USERS;
}

const anonRead = (g: Grantee) => isAllUsers(g) && (g.permission === 'READ' || g.permission === 'FULL_CONTROL');
const anonWrite = (g: Grantee) => isAllUsers(g) && (g.permission === 'WRITE' || g.permission === 'FULL_CONTROL');

export class Acl {
  private constructor(
    private readonly ownerId: string,
    private grantees: Grantee[],
  ) {}

  static parse(xml: string): Acl {
    const owner = elements(parseXml(xml).root, 'Owner')[0];
    const grantees = parseAcl(xml).map((g) => ({ kind: g.granteeKind, name: g.grantee, displayName: g.displayName ?? '', permission: g.permission }));
    return new Acl(owner ? (text(owner, 'ID') ?? '') : '', grantees);
  }

  isAnonRead(): boolean {
    return this.grantees.some(anonRead);
  }

  isAnonWrite(): boolean {
    return this.grantees.some(anonWrite);
  }

  grantAnonRead(): void {
    if (!this.isAnonRead()) this.grantees.push({ kind: 'URI', name: ALL_USERS, displayName: '', permission: 'READ' });
  }

  revokeAnonRead(): void {
    this.grantees = this.grantees.filter((g) => !anonRead(g));
  }

  revokeAnonWrite(): void {
    this.grantees = this.grantees.filter((g) => !anonWrite(g));
  }

  private hasGrant(name: string, permission: string): boolean {
    return this.grantees.some((g) => g.name.toLowerCase() === name.toLowerCase() && (g.permission === 'FULL_CONTROL' || g.permission.toUpperCase() === permission.toUpperCase()));
  }

  grant({ name, permission: asked }: AclSpec): void {
    if (this.hasGrant(name, asked)) return;
    const permission = asked.toUpperCase() === 'ALL' ? 'FULL_CONTROL' : asked.toUpperCase();
    if (permission === 'FULL_CONTROL') this.revoke({ name, permission: 'ALL' });
    if (name.includes('@')) this.grantees.push({ kind: 'EmailAddress', name: name.toLowerCase(), displayName: '', permission });
    else if (name.includes('http://acs.amazonaws.com/groups/')) this.grantees.push({ kind: 'URI', name, displayName: '', permission });
    else this.grantees.push({ kind: 'ID', name: name.toLowerCase(), displayName: '', permission });
  }

  revoke({ name, permission }: AclSpec): void {
    const who = name.toLowerCase();
    const named = (g: Grantee) => g.name.toLowerCase() === who || g.displayName.toLowerCase() === who;
    this.grantees =
      permission.toUpperCase() === 'ALL'
        ? this.grantees.filter((g) => !named(g))
        : this.grantees.filter((g) => !(named(g) && g.permission.toUpperCase() === permission.toUpperCase()));
  }

  /** get_printable_tree: the owner's ID and every grant, as s3cmd sends them. */
  toXml(): string {
    const grants = this.grantees.map(grantXml).join('');
    return `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>${escapeXml(this.ownerId)}</ID></Owner><AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`;
  }
}
