// Request bodies of the identity API, parsed at the edge into typed values:
// the password login of POST /v3/auth/tokens and the project of an EC2
// credential. Everything lives in the one domain "Default"; naming another
// domain is refused as Keystone refuses an unknown one.

import { IdentityError } from './errors.js';
import type { PasswordLogin, ProjectRef, UserRef } from './service.js';

export const DEFAULT_DOMAIN = { id: 'default', name: 'Default' } as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(object: Json, name: string, path: string): Json {
  const value = object[name];
  if (!isObject(value)) throw IdentityError.badRequest(`Invalid input for field '${path}${name}': expected an object.`);
  return value;
}

function optionalString(object: Json, name: string, path: string): string | undefined {
  const value = object[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw IdentityError.badRequest(`Invalid input for field '${path}${name}': expected a non-empty string.`);
  }
  return value;
}

/** Accepts no domain, or the default one by id or name. */
function checkDomain(owner: Json, path: string): void {
  const domain = owner.domain;
  if (domain === undefined) return;
  if (!isObject(domain)) throw IdentityError.badRequest(`Invalid input for field '${path}domain': expected an object.`);
  const id = optionalString(domain, 'id', `${path}domain.`);
  const name = optionalString(domain, 'name', `${path}domain.`);
  if ((id !== undefined && id !== DEFAULT_DOMAIN.id) || (name !== undefined && name !== DEFAULT_DOMAIN.name)) {
    throw IdentityError.unauthorized(`Could not find domain: ${id ?? name}.`);
  }
}

function ref(object: Json, path: string): { id: string } | { name: string } {
  const id = optionalString(object, 'id', path);
  if (id !== undefined) return { id };
  const name = optionalString(object, 'name', path);
  if (name === undefined) throw IdentityError.badRequest(`Invalid input for field '${path}': an id or a name is required.`);
  checkDomain(object, path);
  return { name };
}

/** The body of POST /v3/auth/tokens: the password method, unscoped or scoped to a project. */
export function parseLogin(body: unknown): PasswordLogin {
  if (!isObject(body)) throw IdentityError.badRequest('The request body must be a JSON object.');
  const auth = field(body, 'auth', '');
  const identity = field(auth, 'identity', 'auth.');
  const methods = identity.methods;
  if (!Array.isArray(methods) || !methods.includes('password')) {
    throw IdentityError.unauthorized('Only the password authentication method is supported.');
  }
  const password = field(identity, 'password', 'auth.identity.');
  const user = field(password, 'user', 'auth.identity.password.');
  const secret = user.password;
  if (typeof secret !== 'string') {
    throw IdentityError.badRequest("Invalid input for field 'auth.identity.password.user.password': expected a string.");
  }
  const login: PasswordLogin = { user: ref(user, 'auth.identity.password.user.') as UserRef, password: secret };
  const scope = auth.scope;
  if (scope === undefined || scope === null || scope === 'unscoped') return login;
  if (!isObject(scope)) throw IdentityError.badRequest("Invalid input for field 'auth.scope': expected an object.");
  if (scope.project === undefined) throw IdentityError.badRequest('Only project scope is supported.');
  login.project = ref(field(scope, 'project', 'auth.scope.'), 'auth.scope.project.') as ProjectRef;
  return login;
}

/** The project of POST /v3/users/{user_id}/credentials/OS-EC2 ({"tenant_id": ...}), if given. */
export function parseEc2Create(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  if (!isObject(body)) throw IdentityError.badRequest('The request body must be a JSON object.');
  return optionalString(body, 'tenant_id', '') ?? optionalString(body, 'project_id', '');
}
