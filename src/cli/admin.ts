// `aitta admin`: projects, users, memberships, quotas, S3 keys and usage,
// worked directly on a data directory's metadata store (--data DIR, or
// AITTA_DATA, default ./aitta-data). A single-process `aitta serve` holds the
// store exclusively; then admin is refused with a clear message (stop the
// server, or use the identity API for what it offers).

import path from 'node:path';
import type { Command } from 'commander';
import { newAccessKeyId, newHexId, newPassword, newSecretAccessKey } from '../identity/ids.js';
import { hashPassword } from '../identity/password.js';
import { parseByteSize } from './size.js';
import { ROLES, type MetaStore, type Project, type Quota, type Role, type User } from '../store/meta.js';

/** A failure to report in one line and exit 1. */
class AdminError extends Error {}

/** "10TiB", "500G", "1.5T", "1048576" -> bytes. */
function parseSize(text: string): number {
  const bytes = parseByteSize(text);
  if (bytes === undefined) throw new AdminError(`not a size: ${text} (e.g. 10TiB, 500G, 1048576)`);
  return bytes;
}

function parseCount(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new AdminError(`not a count: ${text}`);
  return n;
}

function parseRole(text: string): Role {
  if (!(ROLES as readonly string[]).includes(text)) throw new AdminError(`role must be one of ${ROLES.join(', ')}: ${text}`);
  return text as Role;
}

async function openStore(data: string | undefined): Promise<MetaStore> {
  const dir = data ?? process.env.AITTA_DATA ?? './aitta-data';
  // Loaded here so that client commands never load the native SQLite module.
  const { SqliteMetaStore, StoreInUseError } = await import('../store/sqlite.js');
  try {
    return await SqliteMetaStore.open(path.join(dir, 'meta.sqlite'));
  } catch (error) {
    if (error instanceof StoreInUseError) {
      throw new AdminError(`the metadata store in ${dir} is held by a running aitta serve: stop aitta serve first or use the identity API`);
    }
    throw error;
  }
}

async function project(meta: MetaStore, ref: string): Promise<Project> {
  const found = (await meta.getProjectByName(ref)) ?? (await meta.getProject(ref));
  if (found === undefined) throw new AdminError(`no project ${ref}`);
  return found;
}

async function user(meta: MetaStore, ref: string): Promise<User> {
  const found = (await meta.getUserByName(ref)) ?? (await meta.getUser(ref));
  if (found === undefined) throw new AdminError(`no user ${ref}`);
  return found;
}

/** The password from stdin (first line) with --password-stdin, else a generated one that is printed. */
async function passwordFor(fromStdin: boolean | undefined): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: newPassword(), generated: true };
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  const password = text.split(/\r?\n/)[0]!;
  if (password === '') throw new AdminError('empty password on standard input');
  return { password, generated: false };
}

function print(lines: string[]): void {
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
}

type Action = (meta: MetaStore, ...args: any[]) => Promise<string[]>;

/** A subcommand of `aitta admin`: --data, the store opened and closed around `action`, failures in one line. */
function leaf(parent: Command, spec: string, description: string, action: Action): Command {
  return parent
    .command(spec)
    .description(description)
    .option('--data <dir>', 'data directory (AITTA_DATA, default ./aitta-data)')
    .action(async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const options = command.optsWithGlobals() as { data?: string };
      const positional = args.slice(0, -1);
      try {
        const meta = await openStore(options.data);
        try {
          print(await action(meta, ...positional));
        } finally {
          await meta.close();
        }
      } catch (error) {
        if (!(error instanceof AdminError)) throw error;
        process.stderr.write(`aitta admin: ${error.message}\n`);
        process.exitCode = 1;
      }
    });
}

function table(rows: string[][]): string[] {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

function quotaLines(quota: Quota): string[] {
  return [
    `quota:   ${quota.maxBytes} bytes, ${quota.maxBuckets} buckets, ${quota.maxObjectsPerBucket} objects per bucket`,
  ];
}

export function registerAdminCommand(program: Command): void {
  const admin = program
    .command('admin')
    .description('manage projects, users, memberships, quotas and S3 keys in a data directory (with aitta serve stopped)')
    .option('--data <dir>', 'data directory (AITTA_DATA, default ./aitta-data)');

  const projects = admin.command('project').description('create, list and delete projects');
  leaf(projects, 'create <name>', 'create a project', async (meta, name: string) => {
    if (await meta.getProjectByName(name)) throw new AdminError(`project ${name} exists`);
    const created: Project = { id: newHexId(), name };
    await meta.createProject(created);
    return [`Created project ${name} (${created.id})`];
  });
  leaf(projects, 'list', 'list projects', async (meta) => table((await meta.listProjects()).map((p) => [p.id, p.name])));
  leaf(projects, 'delete <project>', 'delete a project that has no buckets (its S3 keys are deactivated)', async (meta, ref: string) => {
    const target = await project(meta, ref);
    const outcome = await meta.deleteProject(target.id);
    if (outcome === 'not-empty') throw new AdminError(`project ${target.name} still has buckets`);
    return [`Deleted project ${target.name}`];
  });

  const users = admin.command('user').description('create, list and delete users, set passwords');
  leaf(users, 'create <name>', 'create a user (password generated and printed, or --password-stdin)', async (meta, name: string, opts: { passwordStdin?: boolean }) => {
    if (await meta.getUserByName(name)) throw new AdminError(`user ${name} exists`);
    const { password, generated } = await passwordFor(opts.passwordStdin);
    const created: User = { id: newHexId(), name, passwordHash: await hashPassword(password), enabled: true, createdAt: new Date() };
    await meta.createUser(created);
    return [`Created user ${name} (${created.id})${generated ? ` with password ${password}` : ''}`];
  }).option('--password-stdin', 'read the password from the first line of standard input');
  leaf(users, 'password <user>', 'set a new password (generated and printed, or --password-stdin)', async (meta, ref: string, opts: { passwordStdin?: boolean }) => {
    const target = await user(meta, ref);
    const { password, generated } = await passwordFor(opts.passwordStdin);
    await meta.setPassword(target.id, await hashPassword(password));
    return [`Changed the password of ${target.name}${generated ? ` to ${password}` : ''}`];
  }).option('--password-stdin', 'read the password from the first line of standard input');
  leaf(users, 'list', 'list users', async (meta) => table((await meta.listUsers()).map((u) => [u.id, u.name])));
  leaf(users, 'delete <user>', 'delete a user (their S3 keys are deactivated)', async (meta, ref: string) => {
    const target = await user(meta, ref);
    await meta.deleteUser(target.id);
    return [`Deleted user ${target.name}`];
  });

  const members = admin.command('member').description('add and remove project members');
  leaf(members, 'add <user> <project>', 'make a user a member of a project, or change their role', async (meta, u: string, p: string, opts: { role: string }) => {
    const [who, where] = [await user(meta, u), await project(meta, p)];
    const role = parseRole(opts.role);
    await meta.setMembership({ userId: who.id, projectId: where.id, role });
    return [`${who.name} is a ${role} of ${where.name}`];
  }).option('--role <role>', `${ROLES.join(' or ')}`, 'member');
  leaf(members, 'remove <user> <project>', "remove a member (their S3 keys for the project are deactivated)", async (meta, u: string, p: string) => {
    const [who, where] = [await user(meta, u), await project(meta, p)];
    if (!(await meta.removeMembership(who.id, where.id))) throw new AdminError(`${who.name} is not a member of ${where.name}`);
    return [`Removed ${who.name} from ${where.name}`];
  });
  leaf(members, 'list <project>', 'list the members of a project', async (meta, p: string) => {
    const where = await project(meta, p);
    return table((await meta.listProjectMembers(where.id)).map((m) => [m.user.name, m.role]));
  });

  const keys = admin.command('key').description('S3 keys');
  leaf(keys, 'create <user> <project>', 'mint an S3 key for a member in a project', async (meta, u: string, p: string) => {
    const [who, where] = [await user(meta, u), await project(meta, p)];
    if ((await meta.getMembership(who.id, where.id)) === undefined) throw new AdminError(`${who.name} is not a member of ${where.name}`);
    const credential = { accessKeyId: newAccessKeyId(), secretAccessKey: newSecretAccessKey(), projectId: where.id, userId: who.id, active: true, createdAt: new Date() };
    await meta.createCredential(credential);
    return [`access key: ${credential.accessKeyId}`, `secret key: ${credential.secretAccessKey}`];
  });
  leaf(keys, 'list <user>', "list a user's active S3 keys", async (meta, u: string) => {
    const who = await user(meta, u);
    const names = new Map((await meta.listProjects()).map((p) => [p.id, p.name]));
    return table((await meta.listCredentials(who.id)).map((c) => [c.accessKeyId, names.get(c.projectId) ?? c.projectId, c.createdAt.toISOString()]));
  });
  leaf(keys, 'deactivate <access_key>', 'deactivate an S3 key', async (meta, accessKey: string) => {
    if (!(await meta.deactivateCredential(accessKey))) throw new AdminError(`no active S3 key ${accessKey}`);
    return [`Deactivated ${accessKey}`];
  });

  const quotas = admin.command('quota').description('project quotas');
  leaf(quotas, 'set <project>', 'change the limits of a project', async (meta, p: string, opts: { bytes?: string; buckets?: string; objectsPerBucket?: string }) => {
    const where = await project(meta, p);
    const change: Partial<Quota> = {};
    if (opts.bytes !== undefined) change.maxBytes = parseSize(opts.bytes);
    if (opts.buckets !== undefined) change.maxBuckets = parseCount(opts.buckets);
    if (opts.objectsPerBucket !== undefined) change.maxObjectsPerBucket = parseCount(opts.objectsPerBucket);
    if (Object.keys(change).length === 0) throw new AdminError('give --bytes, --buckets or --objects-per-bucket');
    await meta.setQuota(where.id, change);
    return [`${where.name}:`, ...quotaLines(await meta.getQuota(where.id))];
  })
    .option('--bytes <size>', 'storage, e.g. 10TiB')
    .option('--buckets <n>', 'number of buckets')
    .option('--objects-per-bucket <n>', 'objects in one bucket');

  leaf(admin, 'usage [project]', 'show the usage and quota of one project, or of every project', async (meta, p: string | undefined) => {
    const targets = p === undefined ? await meta.listProjects() : [await project(meta, p)];
    const lines: string[] = [];
    for (const where of targets) {
      const usage = await meta.getUsage(where.id);
      lines.push(
        `${where.name} (${where.id})`,
        `  usage:   ${usage.bytes} bytes, ${usage.objects} objects, ${usage.buckets.length} buckets`,
        ...quotaLines(usage.quota).map((line) => `  ${line}`),
        ...table(usage.buckets.map((b) => [`    ${b.name}`, `${b.bytes} bytes`, `${b.objects} objects`])),
      );
    }
    return lines;
  });
}
