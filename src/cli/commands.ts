// The s3cmd commands the client implements: name, what `help` says, the
// parameters shown, how many are required, and the function that runs it.

import type { Context } from './context.js';

/** The parameters of sync, as its usage line and its "too few parameters" error name them. */
export const SYNC_PARAM = 'LOCAL_DIR s3://BUCKET[/PREFIX] or s3://BUCKET[/PREFIX] LOCAL_DIR or s3://BUCKET[/PREFIX] s3://BUCKET[/PREFIX]';

export interface CommandSpec {
  label: string;
  param: string;
  /** Parameters required (s3cmd's argc). */
  argc: number;
  run: (ctx: Context, args: string[]) => Promise<number>;
}

type Run = CommandSpec['run'];

/** A command's code, loaded when it runs: `aitta ls` does not compile sync, setacl and the rest. */
function lazy<M>(load: () => Promise<M>, pick: (module: M) => Run): Run {
  return async (ctx, args) => pick(await load())(ctx, args);
}

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  mb: { label: 'Make bucket', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/mb.js'), (m) => m.mb) },
  rb: { label: 'Remove bucket', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/rb.js'), (m) => m.rb) },
  ls: { label: 'List objects or buckets', param: '[s3://BUCKET[/PREFIX]]', argc: 0, run: lazy(() => import('./commands/ls.js'), (m) => m.ls) },
  la: { label: 'List all object in all buckets', param: '', argc: 0, run: lazy(() => import('./commands/la.js'), (m) => m.la) },
  put: { label: 'Put file into bucket', param: 'FILE [FILE...] s3://BUCKET[/PREFIX]', argc: 2, run: lazy(() => import('./commands/put.js'), (m) => m.put) },
  get: { label: 'Get file from bucket', param: 's3://BUCKET/OBJECT LOCAL_FILE', argc: 1, run: lazy(() => import('./commands/get.js'), (m) => m.get) },
  del: { label: 'Delete file from bucket', param: 's3://BUCKET/OBJECT', argc: 1, run: lazy(() => import('./commands/del.js'), (m) => m.del) },
  rm: { label: 'Delete file from bucket (alias for del)', param: 's3://BUCKET/OBJECT', argc: 1, run: lazy(() => import('./commands/del.js'), (m) => m.del) },
  restore: { label: 'Restore file from Glacier storage', param: 's3://BUCKET/OBJECT', argc: 1, run: lazy(() => import('./commands/restore.js'), (m) => m.restore) },
  sync: {
    label: 'Synchronize a directory tree to S3 (checks files freshness using size and md5 checksum, unless overridden by options, see below)',
    param: SYNC_PARAM,
    argc: 2,
    run: lazy(() => import('./commands/sync.js'), (m) => m.sync),
  },
  du: { label: 'Disk usage by buckets', param: '[s3://BUCKET[/PREFIX]]', argc: 0, run: lazy(() => import('./commands/du.js'), (m) => m.du) },
  info: { label: 'Get various information about Buckets or Files', param: 's3://BUCKET[/OBJECT]', argc: 1, run: lazy(() => import('./commands/info.js'), (m) => m.info) },
  cp: { label: 'Copy object', param: 's3://BUCKET1/OBJECT1 s3://BUCKET2[/OBJECT2]', argc: 2, run: lazy(() => import('./commands/copy.js'), (m) => (ctx, args) => m.copyCommand(ctx, args, 'copy')) },
  modify: { label: 'Modify object metadata', param: 's3://BUCKET1/OBJECT', argc: 1, run: lazy(() => import('./commands/copy.js'), (m) => (ctx, args) => m.copyCommand(ctx, args, 'modify')) },
  mv: { label: 'Move object', param: 's3://BUCKET1/OBJECT1 s3://BUCKET2[/OBJECT2]', argc: 2, run: lazy(() => import('./commands/copy.js'), (m) => (ctx, args) => m.copyCommand(ctx, args, 'move')) },
  setacl: { label: 'Modify Access control list for Bucket or Files', param: 's3://BUCKET[/OBJECT]', argc: 1, run: lazy(() => import('./commands/setacl.js'), (m) => m.setacl) },
  setpolicy: { label: 'Modify Bucket Policy', param: 'FILE s3://BUCKET', argc: 2, run: lazy(() => import('./commands/bucket-config.js'), (m) => m.setConfig('policy')) },
  getpolicy: { label: 'Get Bucket Policy', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/bucket-config.js'), (m) => m.getConfig('policy')) },
  delpolicy: { label: 'Delete Bucket Policy', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/bucket-config.js'), (m) => m.deleteConfig('policy')) },
  setcors: { label: 'Modify Bucket CORS', param: 'FILE s3://BUCKET', argc: 2, run: lazy(() => import('./commands/bucket-config.js'), (m) => m.setConfig('cors')) },
  getcors: { label: 'Get Bucket CORS', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/bucket-config.js'), (m) => m.getConfig('cors')) },
  delcors: { label: 'Delete Bucket CORS', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/bucket-config.js'), (m) => m.deleteConfig('cors')) },
  payer: { label: 'Modify Bucket Requester Pays policy', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/bucket-config.js'), (m) => m.payer) },
  multipart: { label: 'Show multipart uploads', param: 's3://BUCKET [Id]', argc: 1, run: lazy(() => import('./commands/multipart.js'), (m) => m.multipart) },
  abortmp: { label: 'Abort a multipart upload', param: 's3://BUCKET/OBJECT Id', argc: 2, run: lazy(() => import('./commands/abortmp.js'), (m) => m.abortmp) },
  listmp: { label: 'List parts of a multipart upload', param: 's3://BUCKET/OBJECT Id', argc: 2, run: lazy(() => import('./commands/listmp.js'), (m) => m.listmp) },
  accesslog: { label: 'Enable/disable bucket access logging', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/accesslog.js'), (m) => m.accesslog) },
  sign: { label: 'Sign arbitrary string using the secret key', param: 'STRING-TO-SIGN', argc: 1, run: lazy(() => import('./commands/sign.js'), (m) => m.sign) },
  signurl: { label: 'Sign an S3 URL to provide limited public access with expiry', param: 's3://BUCKET/OBJECT <expiry_epoch|+expiry_offset>', argc: 2, run: lazy(() => import('./commands/signurl.js'), (m) => m.signurl) },
  fixbucket: { label: 'Fix invalid file names in a bucket', param: 's3://BUCKET[/PREFIX]', argc: 1, run: lazy(() => import('./commands/fixbucket.js'), (m) => m.fixbucket) },
  'ws-create': { label: 'Create Website from bucket', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/website.js'), (m) => m.wsCreate) },
  'ws-delete': { label: 'Delete Website', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/website.js'), (m) => m.wsDelete) },
  'ws-info': { label: 'Info about Website', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/website.js'), (m) => m.wsInfo) },
  expire: { label: 'Set or delete expiration rule for the bucket', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/bucket-config.js'), (m) => m.expire) },
  setlifecycle: { label: 'Upload a lifecycle policy for the bucket', param: 'FILE s3://BUCKET', argc: 2, run: lazy(() => import('./commands/bucket-config.js'), (m) => m.setConfig('lifecycle')) },
  getlifecycle: { label: 'Get a lifecycle policy for the bucket', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/bucket-config.js'), (m) => m.getConfig('lifecycle')) },
  dellifecycle: { label: 'Remove a lifecycle policy for the bucket', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/bucket-config.js'), (m) => m.deleteConfig('lifecycle')) },
  setversioning: { label: 'Modify Bucket Versioning', param: 's3://BUCKET enable|disable', argc: 2, run: lazy(() => import('./commands/bucket-config.js'), (m) => m.setversioning) },
  settagging: { label: 'Modify tagging for Bucket or Files', param: 's3://BUCKET[/OBJECT] "KEY=VALUE[&KEY=VALUE ...]"', argc: 2, run: lazy(() => import('./commands/tagging.js'), (m) => m.settagging) },
  gettagging: { label: 'Get tagging for Bucket or Files', param: 's3://BUCKET[/OBJECT]', argc: 1, run: lazy(() => import('./commands/tagging.js'), (m) => m.gettagging) },
  deltagging: { label: 'Delete tagging for Bucket or Files', param: 's3://BUCKET[/OBJECT]', argc: 1, run: lazy(() => import('./commands/tagging.js'), (m) => m.deltagging) },
  setnotification: { label: 'Upload a notification policy for the bucket', param: 'FILE s3://BUCKET', argc: 2, run: lazy(() => import('./commands/notification.js'), (m) => m.setnotification) },
  getnotification: { label: 'Get a notification policy for the bucket', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/notification.js'), (m) => m.getnotification) },
  delnotification: { label: 'Remove a notification policy for the bucket', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/notification.js'), (m) => m.delnotification) },
  md5sum: { label: 'Print the MD5 of objects, as md5sum prints a file\'s', param: 's3://BUCKET/OBJECT [s3://BUCKET/OBJECT...]', argc: 1, run: lazy(() => import('./commands/md5sum.js'), (m) => m.md5sum) },
  bench: { label: 'Measure an S3 endpoint: small-object ops/s and latency, listing, large and multipart throughput', param: '[s3://BUCKET[/PREFIX]]', argc: 0, run: lazy(() => import('./commands/bench.js'), (m) => m.bench) },
  cflist: { label: 'List CloudFront distribution points', param: '', argc: 0, run: lazy(() => import('./commands/cloudfront.js'), (m) => m.cloudfrontUnsupported('cflist')) },
  cfinfo: { label: 'Display CloudFront distribution point parameters', param: '[cf://DIST_ID]', argc: 0, run: lazy(() => import('./commands/cloudfront.js'), (m) => m.cloudfrontUnsupported('cfinfo')) },
  cfcreate: { label: 'Create CloudFront distribution point', param: 's3://BUCKET', argc: 1, run: lazy(() => import('./commands/cloudfront.js'), (m) => m.cloudfrontUnsupported('cfcreate')) },
  cfdelete: { label: 'Delete CloudFront distribution point', param: 'cf://DIST_ID', argc: 1, run: lazy(() => import('./commands/cloudfront.js'), (m) => m.cloudfrontUnsupported('cfdelete')) },
  cfmodify: { label: 'Change CloudFront distribution point parameters', param: 'cf://DIST_ID', argc: 1, run: lazy(() => import('./commands/cloudfront.js'), (m) => m.cloudfrontUnsupported('cfmodify')) },
  cfinvalinfo: { label: 'Display CloudFront invalidation request(s) status', param: 'cf://DIST_ID[/INVAL_ID]', argc: 1, run: lazy(() => import('./commands/cloudfront.js'), (m) => m.cloudfrontUnsupported('cfinvalinfo')) },
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
