// A client of the identity API (ours, or any Keystone v3 with EC2
// credentials): password login, my projects, EC2 credentials. Used by
// `aitta conf`; nothing here imports server code.

export interface IdentityProject {
  id: string;
  name: string;
}

export interface Ec2Credential {
  access: string;
  secret: string;
  /** The project (Keystone calls it tenant_id here). */
  tenant_id: string;
  user_id: string;
  /** Aitta's addition; absent from other Keystones. */
  created_at?: string;
}

interface CatalogEntry {
  type: string;
  endpoints: Array<{ interface: string; url: string; region?: string }>;
}

export interface Session {
  token: string;
  userId: string;
  project?: IdentityProject;
  catalog: CatalogEntry[];
}

/** A failed identity request: the HTTP status and Keystone's message. */
export class IdentityClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'IdentityClientError';
  }
}

export class IdentityClient {
  /** `authUrl` is the versioned endpoint, e.g. http://127.0.0.1:7480/v3. */
  constructor(private readonly authUrl: string) {}

  async login(userName: string, password: string, projectName?: string): Promise<Session> {
    const auth: Record<string, unknown> = {
      identity: { methods: ['password'], password: { user: { name: userName, domain: { name: 'Default' }, password } } },
    };
    if (projectName !== undefined) auth.scope = { project: { name: projectName, domain: { name: 'Default' } } };
    const response = await this.request('POST', '/auth/tokens', undefined, { auth });
    const token = response.headers.get('x-subject-token');
    const body = (await response.json()) as {
      token: { user: { id: string }; project?: IdentityProject; catalog?: CatalogEntry[] };
    };
    if (token === null) throw new IdentityClientError(response.status, 'the identity service sent no X-Subject-Token');
    const session: Session = { token, userId: body.token.user.id, catalog: body.token.catalog ?? [] };
    if (body.token.project !== undefined) session.project = { id: body.token.project.id, name: body.token.project.name };
    return session;
  }

  async projects(session: Session): Promise<IdentityProject[]> {
    const body = (await (await this.request('GET', '/auth/projects', session)).json()) as { projects: IdentityProject[] };
    return body.projects.map((p) => ({ id: p.id, name: p.name }));
  }

  async listEc2(session: Session): Promise<Ec2Credential[]> {
    const response = await this.request('GET', `/users/${session.userId}/credentials/OS-EC2`, session);
    return ((await response.json()) as { credentials: Ec2Credential[] }).credentials;
  }

  async createEc2(session: Session, projectId: string): Promise<Ec2Credential> {
    const response = await this.request('POST', `/users/${session.userId}/credentials/OS-EC2`, session, { tenant_id: projectId });
    return ((await response.json()) as { credential: Ec2Credential }).credential;
  }

  async deleteEc2(session: Session, accessKey: string): Promise<void> {
    await this.request('DELETE', `/users/${session.userId}/credentials/OS-EC2/${encodeURIComponent(accessKey)}`, session);
  }

  private async request(method: string, path: string, session?: Session, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (session !== undefined) headers['X-Auth-Token'] = session.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const url = this.authUrl.replace(/\/+$/, '') + path;
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new IdentityClientError(0, `cannot reach the identity service at ${url}: ${(error as Error).cause ?? error}`);
    }
    if (!response.ok) {
      const text = await response.text();
      let message = text;
      try {
        message = (JSON.parse(text) as { error: { message: string } }).error.message;
      } catch {
        // Not Keystone's error shape: keep the text.
      }
      throw new IdentityClientError(response.status, `${response.status} ${response.statusText}: ${message}`);
    }
    return response;
  }
}

/** The public endpoint of the first catalog service of `type` (e.g. "s3"). */
export function catalogEndpoint(session: Session, type: string): { url: string; region?: string } | undefined {
  const service = session.catalog.find((entry) => entry.type === type);
  return service?.endpoints.find((e) => e.interface === 'public') ?? service?.endpoints[0];
}
