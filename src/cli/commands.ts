// The s3cmd commands the client implements: name, what `help` says, the
// parameters shown, how many are required, and the function that runs it.

import type { Context } from './context.js';
import { abortmp } from './commands/abortmp.js';
import { copyCommand } from './commands/copy.js';
import { del } from './commands/del.js';
import { du } from './commands/du.js';
import { get } from './commands/get.js';
import { info } from './commands/info.js';
import { la } from './commands/la.js';
import { listmp } from './commands/listmp.js';
import { ls } from './commands/ls.js';
import { mb } from './commands/mb.js';
import { multipart } from './commands/multipart.js';
import { put } from './commands/put.js';
import { rb } from './commands/rb.js';
import { deleteConfig, expire, getConfig, payer, setConfig, setversioning } from './commands/bucket-config.js';
import { cloudfrontUnsupported } from './commands/cloudfront.js';
import { delnotification, getnotification, setnotification } from './commands/notification.js';
import { restore } from './commands/restore.js';
import { setacl } from './commands/setacl.js';
import { sign } from './commands/sign.js';
import { signurl } from './commands/signurl.js';
import { deltagging, gettagging, settagging } from './commands/tagging.js';
import { wsCreate, wsDelete, wsInfo } from './commands/website.js';
import { sync, SYNC_PARAM } from './commands/sync.js';

export interface CommandSpec {
  label: string;
  param: string;
  /** Parameters required (s3cmd's argc). */
  argc: number;
  run: (ctx: Context, args: string[]) => Promise<number>;
}

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  mb: { label: 'Make bucket', param: 's3://BUCKET', argc: 1, run: mb },
  rb: { label: 'Remove bucket', param: 's3://BUCKET', argc: 1, run: rb },
  ls: { label: 'List objects or buckets', param: '[s3://BUCKET[/PREFIX]]', argc: 0, run: ls },
  la: { label: 'List all object in all buckets', param: '', argc: 0, run: la },
  put: { label: 'Put file into bucket', param: 'FILE [FILE...] s3://BUCKET[/PREFIX]', argc: 2, run: put },
  get: { label: 'Get file from bucket', param: 's3://BUCKET/OBJECT LOCAL_FILE', argc: 1, run: get },
  del: { label: 'Delete file from bucket', param: 's3://BUCKET/OBJECT', argc: 1, run: del },
  rm: { label: 'Delete file from bucket (alias for del)', param: 's3://BUCKET/OBJECT', argc: 1, run: del },
  restore: { label: 'Restore file from Glacier storage', param: 's3://BUCKET/OBJECT', argc: 1, run: restore },
  sync: {
    label: 'Synchronize a directory tree to S3 (checks files freshness using size and md5 checksum, unless overridden by options, see below)',
    param: SYNC_PARAM,
    argc: 2,
    run: sync,
  },
  du: { label: 'Disk usage by buckets', param: '[s3://BUCKET[/PREFIX]]', argc: 0, run: du },
  info: { label: 'Get various information about Buckets or Files', param: 's3://BUCKET[/OBJECT]', argc: 1, run: info },
  cp: { label: 'Copy object', param: 's3://BUCKET1/OBJECT1 s3://BUCKET2[/OBJECT2]', argc: 2, run: (ctx, args) => copyCommand(ctx, args, 'copy') },
  modify: { label: 'Modify object metadata', param: 's3://BUCKET1/OBJECT', argc: 1, run: (ctx, args) => copyCommand(ctx, args, 'modify') },
  mv: { label: 'Move object', param: 's3://BUCKET1/OBJECT1 s3://BUCKET2[/OBJECT2]', argc: 2, run: (ctx, args) => copyCommand(ctx, args, 'move') },
  setacl: { label: 'Modify Access control list for Bucket or Files', param: 's3://BUCKET[/OBJECT]', argc: 1, run: setacl },
  setpolicy: { label: 'Modify Bucket Policy', param: 'FILE s3://BUCKET', argc: 2, run: setConfig('policy') },
  getpolicy: { label: 'Get Bucket Policy', param: 's3://BUCKET', argc: 1, run: getConfig('policy') },
  delpolicy: { label: 'Delete Bucket Policy', param: 's3://BUCKET', argc: 1, run: deleteConfig('policy') },
  setcors: { label: 'Modify Bucket CORS', param: 'FILE s3://BUCKET', argc: 2, run: setConfig('cors') },
  getcors: { label: 'Get Bucket CORS', param: 's3://BUCKET', argc: 1, run: getConfig('cors') },
  delcors: { label: 'Delete Bucket CORS', param: 's3://BUCKET', argc: 1, run: deleteConfig('cors') },
  payer: { label: 'Modify Bucket Requester Pays policy', param: 's3://BUCKET', argc: 1, run: payer },
  multipart: { label: 'Show multipart uploads', param: 's3://BUCKET [Id]', argc: 1, run: multipart },
  abortmp: { label: 'Abort a multipart upload', param: 's3://BUCKET/OBJECT Id', argc: 2, run: abortmp },
  listmp: { label: 'List parts of a multipart upload', param: 's3://BUCKET/OBJECT Id', argc: 2, run: listmp },
  sign: { label: 'Sign arbitrary string using the secret key', param: 'STRING-TO-SIGN', argc: 1, run: sign },
  signurl: { label: 'Sign an S3 URL to provide limited public access with expiry', param: 's3://BUCKET/OBJECT <expiry_epoch|+expiry_offset>', argc: 2, run: signurl },
  'ws-create': { label: 'Create Website from bucket', param: 's3://BUCKET', argc: 1, run: wsCreate },
  'ws-delete': { label: 'Delete Website', param: 's3://BUCKET', argc: 1, run: wsDelete },
  'ws-info': { label: 'Info about Website', param: 's3://BUCKET', argc: 1, run: wsInfo },
  expire: { label: 'Set or delete expiration rule for the bucket', param: 's3://BUCKET', argc: 1, run: expire },
  setlifecycle: { label: 'Upload a lifecycle policy for the bucket', param: 'FILE s3://BUCKET', argc: 2, run: setConfig('lifecycle') },
  getlifecycle: { label: 'Get a lifecycle policy for the bucket', param: 's3://BUCKET', argc: 1, run: getConfig('lifecycle') },
  dellifecycle: { label: 'Remove a lifecycle policy for the bucket', param: 's3://BUCKET', argc: 1, run: deleteConfig('lifecycle') },
  setversioning: { label: 'Modify Bucket Versioning', param: 's3://BUCKET enable|disable', argc: 2, run: setversioning },
  settagging: { label: 'Modify tagging for Bucket or Files', param: 's3://BUCKET[/OBJECT] "KEY=VALUE[&KEY=VALUE ...]"', argc: 2, run: settagging },
  gettagging: { label: 'Get tagging for Bucket or Files', param: 's3://BUCKET[/OBJECT]', argc: 1, run: gettagging },
  deltagging: { label: 'Delete tagging for Bucket or Files', param: 's3://BUCKET[/OBJECT]', argc: 1, run: deltagging },
  setnotification: { label: 'Upload a notification policy for the bucket', param: 'FILE s3://BUCKET', argc: 2, run: setnotification },
  getnotification: { label: 'Get a notification policy for the bucket', param: 's3://BUCKET', argc: 1, run: getnotification },
  delnotification: { label: 'Remove a notification policy for the bucket', param: 's3://BUCKET', argc: 1, run: delnotification },
  cflist: { label: 'List CloudFront distribution points', param: '', argc: 0, run: cloudfrontUnsupported('cflist') },
  cfinfo: { label: 'Display CloudFront distribution point parameters', param: '[cf://DIST_ID]', argc: 0, run: cloudfrontUnsupported('cfinfo') },
  cfcreate: { label: 'Create CloudFront distribution point', param: 's3://BUCKET', argc: 1, run: cloudfrontUnsupported('cfcreate') },
  cfdelete: { label: 'Delete CloudFront distribution point', param: 'cf://DIST_ID', argc: 1, run: cloudfrontUnsupported('cfdelete') },
  cfmodify: { label: 'Change CloudFront distribution point parameters', param: 'cf://DIST_ID', argc: 1, run: cloudfrontUnsupported('cfmodify') },
  cfinvalinfo: { label: 'Display CloudFront invalidation request(s) status', param: 'cf://DIST_ID[/INVAL_ID]', argc: 1, run: cloudfrontUnsupported('cfinvalinfo') },
};

/** The "Commands:" part of the help, as s3cmd formats it. */
export function commandsHelp(program: string): string {
  return (
    'Commands:\n' +
    Object.entries(COMMANDS)
      .map(([name, spec]) => `  ${spec.label}\n      ${program} ${name} ${spec.param}\n`)
      .join('')
  );
}
