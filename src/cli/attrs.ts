// s3cmd's x-amz-meta-s3cmd-attrs: "atime:..../ctime:.../md5:.../uname:..."
// (sorted names, '/'-separated), which carries the file's MD5 for objects
// whose ETag is not one (multipart) and the file's stat for `sync -p`.

import type { Stats } from 'node:fs';
import { readFileSync } from 'node:fs';
import { uriEncode } from '../auth/uri-encode.js';

export const ATTRS_HEADER = 'x-amz-meta-s3cmd-attrs';

/** Names already looked up, by file and id: a sync asks for the same few for every file. */
const names = new Map<string, string | undefined>();

function nameById(file: string, id: number): string | undefined {
  const key = `${file}:${id}`;
  if (!names.has(key)) names.set(key, readNameById(file, id));
  return names.get(key);
}

function readNameById(file: string, id: number): string | undefined {
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const fields = line.split(':');
      if (fields.length > 2 && Number(fields[2]) === id) return fields[0];
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** The attribute string s3cmd writes: when `preserve`, a file's stat fields (of standard input, which has no stat, only its owner's names); the MD5 when known. */
export function buildAttrs(source: Stats | Pick<Stats, 'uid' | 'gid'> | undefined, md5: string | undefined, preserve: boolean): string | undefined {
  const attrs: Record<string, string | number> = {};
  if (preserve && source) {
    if ('mtimeMs' in source) {
      const seconds = (ms: number) => Math.trunc(ms / 1000);
      Object.assign(attrs, {
        atime: seconds(source.atimeMs),
        ctime: seconds(source.ctimeMs),
        gid: source.gid,
        mode: source.mode,
        mtime: seconds(source.mtimeMs),
        uid: source.uid,
      });
    }
    const uname = nameById('/etc/passwd', source.uid);
    if (uname !== undefined) attrs['uname'] = uriEncode(uname, true);
    const gname = nameById('/etc/group', source.gid);
    if (gname !== undefined) attrs['gname'] = uriEncode(gname, true);
  }
  if (md5) attrs['md5'] = md5;
  const names = Object.keys(attrs).sort();
  return names.length > 0 ? names.map((name) => `${name}:${attrs[name]}`).join('/') : undefined;
}

/** parse_attrs_header: the name:value pairs of the attribute string. */
export function parseAttrs(value: string | undefined): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (!value) return attrs;
  for (const pair of value.split('/')) {
    const colon = pair.indexOf(':');
    if (colon > 0) attrs[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  return attrs;
}
