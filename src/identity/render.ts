// Keystone's JSON representations, as keystoneauth and python-openstackclient
// read them: the version document, tokens (with their service catalog),
// projects, users and EC2 credentials. `base` is the server's own URL as the
// client reached it (scheme://host[:port]), so links work behind any name.

import { createHash } from 'node:crypto';
import type { Credential, Project, User } from '../store/meta.js';
import { DEFAULT_DOMAIN } from './parse.js';
import type { AuthContext } from './service.js';

/** The Identity API version Aitta speaks a subset of. */
const API_VERSION = 'v3.14';
const API_UPDATED = '2020-04-07T00:00:00Z';

/** Keystone's timestamps: microseconds and Z. */
export function keystoneTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** A stable id for a catalog entry (Keystone's are hex too). */
function entryId(...parts: string[]): string {
  return createHash('md5').update(parts.join('\0')).digest('hex');
}

export function versionDocument(base: string): object {
  return {
    id: API_VERSION,
    status: 'stable',
    updated: API_UPDATED,
    links: [{ rel: 'self', href: `${base}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

/** The catalog of a scoped token: this identity API, and the S3 service at the server's root. */
export function catalog(base: string, region: string): object[] {
  const service = (type: string, name: string, url: string) => ({
    id: entryId(type, base),
    type,
    name,
    endpoints: ['public', 'internal', 'admin'].map((face) => ({
      id: entryId(type, base, face),
      interface: face,
      region,
      region_id: region,
      url,
    })),
  });
  return [service('identity', 'keystone', `${base}/v3`), service('s3', 'aitta', base)];
}

export function projectBody(base: string, project: Project): object {
  return {
    id: project.id,
    name: project.name,
    domain_id: DEFAULT_DOMAIN.id,
    description: '',
    enabled: true,
    parent_id: DEFAULT_DOMAIN.id,
    is_domain: false,
    tags: [],
    options: {},
    links: { self: `${base}/v3/projects/${project.id}` },
  };
}

export function projectList(base: string, self: string, projects: Project[]): object {
  return { projects: projects.map((p) => projectBody(base, p)), links: { self: `${base}${self}`, previous: null, next: null } };
}

export function userBody(base: string, user: User): object {
  return {
    user: {
      id: user.id,
      name: user.name,
      domain_id: DEFAULT_DOMAIN.id,
      enabled: user.enabled,
      password_expires_at: null,
      options: {},
      links: { self: `${base}/v3/users/${user.id}` },
    },
  };
}

export function tokenBody(base: string, region: string, context: AuthContext): object {
  const { token, user, scope } = context;
  const body: Record<string, unknown> = {
    methods: ['password'],
    user: { domain: DEFAULT_DOMAIN, id: user.id, name: user.name, password_expires_at: null },
    // The audit id identifies the token in logs without revealing it.
    audit_ids: [Buffer.from(token.tokenHash.slice(0, 32), 'hex').toString('base64url')],
    expires_at: keystoneTime(token.expiresAt),
    issued_at: keystoneTime(token.issuedAt),
  };
  if (scope !== undefined) {
    body.project = { domain: DEFAULT_DOMAIN, id: scope.project.id, name: scope.project.name };
    body.is_domain = false;
    body.roles = [{ id: scope.role, name: scope.role }];
    body.catalog = catalog(base, region);
  }
  return { token: body };
}

/** An EC2 credential as Keystone shows it; created_at is Aitta's addition (so clients can pick the newest). */
export function ec2Body(base: string, credential: Credential): object {
  return {
    user_id: credential.userId,
    tenant_id: credential.projectId,
    access: credential.accessKeyId,
    secret: credential.secretAccessKey,
    trust_id: null,
    created_at: keystoneTime(credential.createdAt),
    links: { self: `${base}/v3/users/${credential.userId}/credentials/OS-EC2/${credential.accessKeyId}` },
  };
}
