// The identity service's logic, apart from HTTP: password logins that issue
// tokens (unscoped, or scoped to one project the user is a member of),
// token validation, "my projects", and EC2 credentials (S3 keys) minted for
// and removed from a user's project. Every check that a token still means
// something (user enabled, still a member) runs on every validation, so
// removing a member or a user takes effect at once.

import { TOKEN_LIFETIME_MS } from '../limits.js';
import type { Credential, MetaStore, Project, Role, TokenRecord, User } from '../store/meta.js';
import { IdentityError } from './errors.js';
import { hashToken, newAccessKeyId, newSecretAccessKey, newToken } from './ids.js';
import { verifyPassword } from './password.js';

/** A user named by id or by name (names are unique: there is one domain, "Default"). */
export type UserRef = { id: string } | { name: string };
export type ProjectRef = { id: string } | { name: string };

/** A password login, as parsed from POST /v3/auth/tokens. */
export interface PasswordLogin {
  user: UserRef;
  password: string;
  /** The project to scope the token to; undefined for an unscoped token. */
  project?: ProjectRef;
}

/** What a valid token stands for. */
export interface AuthContext {
  token: TokenRecord;
  user: User;
  /** Set for a project-scoped token, with the user's role there. */
  scope?: { project: Project; role: Role };
}

export class IdentityService {
  constructor(
    private readonly meta: MetaStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Checks the password and issues a token; returns the token value (shown once, stored only hashed). */
  async login(login: PasswordLogin): Promise<{ token: string; context: AuthContext }> {
    const user = await this.findUser(login.user);
    // Hash even for an unknown user, so the response time does not tell which names exist.
    const ok = await verifyPassword(login.password, user?.passwordHash ?? UNKNOWN_USER_HASH);
    if (user === undefined || !ok || !user.enabled) throw IdentityError.unauthorized();
    let scope: AuthContext['scope'];
    if (login.project !== undefined) {
      const project = await this.findProject(login.project);
      const membership = project && (await this.meta.getMembership(user.id, project.id));
      if (project === undefined || membership === undefined) {
        throw IdentityError.unauthorized(`User ${user.id} has no access to project ${describe(login.project)}.`);
      }
      scope = { project, role: membership.role };
    }
    const token = newToken();
    const issuedAt = this.now();
    const record: TokenRecord = {
      tokenHash: hashToken(token),
      userId: user.id,
      projectId: scope?.project.id ?? null,
      issuedAt,
      expiresAt: new Date(issuedAt.getTime() + TOKEN_LIFETIME_MS),
    };
    await this.meta.createToken(record);
    return { token, context: scope === undefined ? { token: record, user } : { token: record, user, scope } };
  }

  /** What the token stands for; throws 401 when it is missing, expired, revoked or no longer means anything. */
  async authenticate(token: string | undefined): Promise<AuthContext> {
    const context = token === undefined || token === '' ? undefined : await this.resolve(token);
    if (context === undefined) throw IdentityError.unauthorized();
    return context;
  }

  /** The subject token of GET /v3/auth/tokens; 404 when it is not valid. */
  async validate(subjectToken: string | undefined): Promise<AuthContext> {
    const context = subjectToken === undefined || subjectToken === '' ? undefined : await this.resolve(subjectToken);
    if (context === undefined) throw IdentityError.notFound(`Could not find token: ${subjectToken ?? ''}.`);
    return context;
  }

  async revoke(caller: AuthContext, subjectToken: string | undefined): Promise<void> {
    const subject = await this.validate(subjectToken);
    if (subject.user.id !== caller.user.id) throw IdentityError.forbidden('identity:revoke_token');
    await this.meta.deleteToken(subject.token.tokenHash);
  }

  async projectsOf(caller: AuthContext, userId: string): Promise<Project[]> {
    this.requireSelf(caller, userId, 'identity:list_user_projects');
    return (await this.meta.listUserProjects(userId)).map((entry) => entry.project);
  }

  /** A project the caller is a member of; 404 otherwise (its existence is not revealed). */
  async project(caller: AuthContext, projectId: string): Promise<Project> {
    const project = await this.meta.getProject(projectId);
    if (project === undefined || (await this.meta.getMembership(caller.user.id, project.id)) === undefined) {
      throw IdentityError.notFound(`Could not find project: ${projectId}.`);
    }
    return project;
  }

  user(caller: AuthContext, userId: string): User {
    this.requireSelf(caller, userId, 'identity:get_user');
    return caller.user;
  }

  /** Mints an S3 key for the user in the project (default: the token's), which the user must be a member of. */
  async createEc2Credential(caller: AuthContext, userId: string, projectId: string | undefined): Promise<Credential> {
    this.requireSelf(caller, userId, 'identity:ec2_create_credential');
    const target = projectId ?? caller.scope?.project.id;
    if (target === undefined) throw IdentityError.badRequest("Invalid input for field 'tenant_id': a project is required.");
    if ((await this.meta.getMembership(userId, target)) === undefined) {
      throw IdentityError.forbidden('identity:ec2_create_credential', `User ${userId} is not a member of project ${target}.`);
    }
    const credential: Credential = {
      accessKeyId: newAccessKeyId(),
      secretAccessKey: newSecretAccessKey(),
      projectId: target,
      userId,
      active: true,
      createdAt: this.now(),
    };
    await this.meta.createCredential(credential);
    return credential;
  }

  async listEc2Credentials(caller: AuthContext, userId: string): Promise<Credential[]> {
    this.requireSelf(caller, userId, 'identity:ec2_list_credentials');
    return this.meta.listCredentials(userId);
  }

  async getEc2Credential(caller: AuthContext, userId: string, accessKeyId: string): Promise<Credential> {
    this.requireSelf(caller, userId, 'identity:ec2_get_credential');
    const credential = await this.meta.getCredential(accessKeyId);
    if (credential === undefined || !credential.active || credential.userId !== userId) {
      throw IdentityError.notFound(`Could not find credential: ${accessKeyId}.`);
    }
    return credential;
  }

  /** Deactivates the key: S3 refuses it from the next request on. */
  async deleteEc2Credential(caller: AuthContext, userId: string, accessKeyId: string): Promise<void> {
    await this.getEc2Credential(caller, userId, accessKeyId);
    await this.meta.deactivateCredential(accessKeyId);
  }

  private async resolve(token: string): Promise<AuthContext | undefined> {
    const record = await this.meta.getToken(hashToken(token), this.now());
    if (record === undefined) return undefined;
    const user = await this.meta.getUser(record.userId);
    if (user === undefined || !user.enabled) return undefined;
    if (record.projectId === null) return { token: record, user };
    const project = await this.meta.getProject(record.projectId);
    const membership = await this.meta.getMembership(user.id, record.projectId);
    if (project === undefined || membership === undefined) return undefined;
    return { token: record, user, scope: { project, role: membership.role } };
  }

  private requireSelf(caller: AuthContext, userId: string, action: string): void {
    if (caller.user.id !== userId) throw IdentityError.forbidden(action);
  }

  private findUser(ref: UserRef): Promise<User | undefined> {
    return 'id' in ref ? this.meta.getUser(ref.id) : this.meta.getUserByName(ref.name);
  }

  private findProject(ref: ProjectRef): Promise<Project | undefined> {
    return 'id' in ref ? this.meta.getProject(ref.id) : this.meta.getProjectByName(ref.name);
  }
}

/** A well-formed hash no password matches in practice, checked when the user does not exist. */
const UNKNOWN_USER_HASH = `scrypt$32768$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;

function describe(ref: ProjectRef): string {
  return 'id' in ref ? ref.id : ref.name;
}
