// First start: an empty store gets one project and one S3 credential, and
// the operator is told how to reach it. AITTA_ACCESS_KEY / AITTA_SECRET_KEY
// choose the credential instead of generating one (for scripts and CI).

import { randomBytes, randomInt } from 'node:crypto';
import type { ServerConfig } from './config.js';
import type { MetaStore, Project } from './store/meta.js';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export function newAccessKeyId(): string {
  return randomString(KEY_ALPHABET, 20);
}

export function newSecretAccessKey(): string {
  return randomString(SECRET_ALPHABET, 40);
}

export function newProjectId(): string {
  return randomBytes(16).toString('hex');
}

export interface FirstStart {
  project: Project;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Creates the first project and credential if the store is empty. */
export async function bootstrap(meta: MetaStore, config: ServerConfig): Promise<FirstStart | undefined> {
  if (!(await meta.isEmpty())) return undefined;
  const project: Project = { id: newProjectId(), name: `project_${2000000 + randomInt(1000000)}` };
  const accessKeyId = config.accessKey ?? newAccessKeyId();
  const secretAccessKey = config.secretKey ?? newSecretAccessKey();
  await meta.createProject(project);
  await meta.createCredential({ accessKeyId, secretAccessKey, projectId: project.id, userId: null, active: true, createdAt: new Date() });
  return { project, accessKeyId, secretAccessKey };
}

export function firstStartMessage(first: FirstStart, endpoint: string): string {
  const hostPort = endpoint.replace(/^https?:\/\//, '');
  return [
    `Created project ${first.project.name} (${first.project.id}) with an S3 credential:`,
    `  endpoint:   ${endpoint}`,
    `  access key: ${first.accessKeyId}`,
    `  secret key: ${first.secretAccessKey}`,
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
