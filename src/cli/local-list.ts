// s3cmd's fetch_local_list: the files named on the command line, or with
// --recursive every regular file below the directories named (or, for a
// source directory with --files-from, the files those lists name), each
// with the name it gets under the destination ("dir" keeps "dir/" in the
// names, "dir/" does not), then split by --exclude/--include. Symbolic
// links are skipped unless followed; directories matched by a directory
// pattern ("tmp/") are not entered.

import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { ParameterError } from './failures.js';
import type { Filters } from './filters.js';
import type { Printer } from './output.js';

export interface LocalItem {
  /** Relative name, '/'-separated. */
  name: string;
  /** The path as s3cmd prints it (joined from what was given). */
  path: string;
  stat: Stats;
}

export interface LocalListOptions {
  recursive: boolean;
  followSymlinks: boolean;
  filters: Filters;
  /** --files-from lists, read for a source directory (put, sync up). */
  filesFrom?: readonly string[];
  /** --cache-file (sync's MD5 cache), for s3cmd's -v line when there is none yet. */
  cacheFile?: string;
}

export interface LocalList {
  items: LocalItem[];
  /** Dropped by --exclude/--include. */
  excluded: LocalItem[];
  /** Whether the command named exactly one file. */
  singleFile: boolean;
}

/** os.path.join of two parts: no normalising, so paths print as given. */
export function joinPath(dir: string, name: string): string {
  if (dir === '') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** os.path.dirname: '' for a bare name, and no trailing slash unless all slashes. */
function dirname(file: string): string {
  const head = file.slice(0, file.lastIndexOf('/') + 1);
  return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
}

function basename(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

async function statOrUndefined(file: string, follow: boolean): Promise<Stats | undefined> {
  try {
    return follow ? await stat(file) : await lstat(file);
  } catch {
    return undefined;
  }
}

type Walked = [root: string, files: string[]];

/** _os_walk_unicode: each directory's files, then its subdirectories (not symlinked ones, unless followed). */
async function walk(dir: string, out: Walked[], options: LocalListOptions): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const files: string[] = [];
  const subdirs: string[] = [];
  for (const name of names.sort()) {
    if ((await statOrUndefined(joinPath(dir, name), true))?.isDirectory()) {
      if (!options.filters.excludesDirectory(dir, name)) subdirs.push(name);
    } else files.push(name);
  }
  out.push([dir, files]);
  for (const name of subdirs) {
    const full = joinPath(dir, name);
    if (!options.followSymlinks && (await lstat(full)).isSymbolicLink()) continue;
    await walk(full, out, options);
  }
}

/** _get_filelist_from_file: the named files, grouped by directory as a walk would give them. */
async function filesFromLists(lists: readonly string[], localPath: string, printer: Printer): Promise<Walked[]> {
  const byDir = new Map<string, string[]>();
  for (const list of lists) {
    let text: string;
    try {
      text = await readFile(list === '-' ? '/dev/stdin' : list, 'utf8');
    } catch (error) {
      printer.warning(`--files-from input file ${list} could not be opened for reading (${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (error as Error).message}), skipping.`);
      continue;
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    for (const raw of lines) {
      const line = raw.trim();
      const normalised = path.posix.normalize(joinPath(localPath, line)).replace(/(.)\/+$/, '$1');
      const dir = dirname(normalised);
      byDir.set(dir, [...(byDir.get(dir) ?? []), basename(normalised)]);
    }
  }
  return [...byDir.keys()].sort().map((dir) => [dir, byDir.get(dir)!.sort()]);
}

async function addFile(full: string, name: string, items: Map<string, LocalItem>, printer: Printer, follow: boolean): Promise<void> {
  const target = await statOrUndefined(full, true);
  if (!target?.isFile()) {
    if (target) printer.warning(`Skipping over non regular file: ${full}`);
    return;
  }
  if ((await lstat(full)).isSymbolicLink() && !follow) {
    printer.warning(`Skipping over symbolic link: ${full}`);
    return;
  }
  const relative = name.startsWith('./') ? name.slice(2) : name;
  items.set(relative, { name: relative, path: full, stat: target });
}

export async function fetchLocalList(args: readonly string[], options: LocalListOptions, printer: Printer): Promise<LocalList> {
  const items = new Map<string, LocalItem>();
  let singleFile = false;
  const cache = options.cacheFile ? await statOrUndefined(options.cacheFile, true) : undefined;
  if (!cache?.isFile() || cache.size === 0) printer.info('Cache file not found or empty, creating/populating it.');
  for (const arg of args) {
    const isDir = (await statOrUndefined(arg, true))?.isDirectory() ?? false;
    if (isDir && !options.recursive) throw new ParameterError(`Use --recursive to upload a directory: ${arg}`);
  }
  for (const arg of args) {
    let walked: Walked[];
    let localBase: string;
    let localPath: string;
    printer.info('Compiling list of local files...');
    if ((await statOrUndefined(arg, true))?.isDirectory()) {
      localBase = basename(arg);
      localPath = arg;
      walked = options.filesFrom?.length ? await filesFromLists(options.filesFrom, localPath, printer) : [];
      if (!options.filesFrom?.length) await walk(localPath, walked, options);
      singleFile = false;
    } else {
      localBase = '';
      localPath = dirname(arg);
      walked = [[localPath, [basename(arg)]]];
      singleFile = true;
    }
    for (const [root, files] of walked) {
      // rel_root = root.replace(local_path, local_base, 1), as s3cmd names things.
      const relRoot = root.replace(localPath, () => localBase);
      for (const file of files) await addFile(joinPath(root, file), joinPath(relRoot, file), items, printer, options.followSymlinks);
    }
  }
  if (items.size > 1) singleFile = false;
  const sorted = [...items.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const { kept, excluded } = options.filters.split(sorted);
  printer.info(`Running stat() and reading/calculating MD5 values on ${kept.length} files, this may take some time...`);
  return { items: kept, excluded, singleFile };
}
