// First start: an empty store gets one project, an admin user who is a
// member of it, and one S3 credential of that user, and the operator is told
// how to reach them. AITTA_ACCESS_KEY / AITTA_SECRET_KEY choose the
// credential and AITTA_ADMIN_PASSWORD the admin's password instead of
// generating them (for scripts and CI); a generated password is printed once.

import { randomInt } from 'node:crypto';
import type { ServerConfig } from './config.js';
import { newAccessKeyId, newHexId, newPassword, newSecretAccessKey } from './identity/ids.js';
import { hashPassword } from './identity/password.js';
import type { MetaStore, Project, User } from './store/meta.js';

export const ADMIN_USER_NAME = 'admin';

export interface FirstStart {
  project: Project;
  admin: User;
  /** The admin's password when it was generated (undefined when it came from AITTA_ADMIN_PASSWORD). */
  generatedPassword: string | undefined;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Creates the first project, admin user and credential if the store is empty. */
export async function bootstrap(
  meta: MetaStore,
  config: ServerConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<FirstStart | undefined> {
  if (!(await meta.isEmpty())) return undefined;
  const project: Project = { id: newHexId(), name: `project_${2000000 + randomInt(1000000)}` };
  const generatedPassword = env.AITTA_ADMIN_PASSWORD ? undefined : newPassword();
  const admin: User = {
    id: newHexId(),
    name: ADMIN_USER_NAME,
    passwordHash: await hashPassword(env.AITTA_ADMIN_PASSWORD || generatedPassword!),
    enabled: true,
    createdAt: new Date(),
  };
  const accessKeyId = config.accessKey ?? newAccessKeyId();
  const secretAccessKey = config.secretKey ?? newSecretAccessKey();
  await meta.createUser(admin);
  await meta.createProject(project);
  await meta.setMembership({ userId: admin.id, projectId: project.id, role: 'member' });
  await meta.createCredential({ accessKeyId, secretAccessKey, projectId: project.id, userId: admin.id, active: true, createdAt: new Date() });
  return { project, admin, generatedPassword, accessKeyId, secretAccessKey };
}

export function firstStartMessage(first: FirstStart, endpoint: string): string {
  const hostPort = endpoint.replace(/^https?:\/\//, '');
  const password =
    first.generatedPassword === undefined
      ? 'password from AITTA_ADMIN_PASSWORD'
      : `password ${first.generatedPassword} (shown only this once)`;
  return [
    `Created project ${first.project.name} (${first.project.id}) with an S3 credential:`,
    `  endpoint:   ${endpoint}`,
    `  access key: ${first.accessKeyId}`,
    `  secret key: ${first.secretAccessKey}`,
    `Created user ${first.admin.name}, member of ${first.project.name}, ${password}.`,
    `  identity API: ${endpoint}/v3 (aitta conf --auth-url ${endpoint}/v3, or OS_AUTH_URL for openstack)`,
    '',
    'For s3cmd, put this in ~/.s3cfg:',
    '[default]',
    `access_key = ${first.accessKeyId}`,
    `secret_key = ${first.secretAccessKey}`,
    `host_base = ${hostPort}`,
    `host_bucket = ${hostPort}`,
    'use_https = False',
    'signature_v2 = False',
    '',
  ].join('\n');
}
