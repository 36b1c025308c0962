// s3cmd's fetch_local_list for uploads: the files named on the command line,
// or with --recursive every regular file below the directories named, each
// with the name it gets under the destination ("dir" keeps "dir/" in the
// names, "dir/" does not). Symbolic links are skipped unless followed.

import { lstat, readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { ParameterError } from './failures.js';
import type { Printer } from './output.js';

export interface LocalItem {
  /** Relative name, '/'-separated. */
  name: string;
  /** The path as s3cmd prints it (joined from what was given). */
  path: string;
  stat: Stats;
}

/** os.path.join of two parts: no normalising, so paths print as given. */
function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

async function statOrUndefined(file: string, follow: boolean): Promise<Stats | undefined> {
  try {
    return follow ? await stat(file) : await lstat(file);
  } catch {
    return undefined;
  }
}

async function walk(dir: string, base: string, items: LocalItem[], printer: Printer, follow: boolean): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const subdirs: string[] = [];
  for (const name of names.sort()) {
    const full = joinPath(dir, name);
    const target = await statOrUndefined(full, true);
    if (target?.isDirectory()) {
      subdirs.push(name);
      continue;
    }
    await addFile(full, base ? `${base}/${name}` : name, items, printer, follow);
  }
  for (const name of subdirs) {
    const full = joinPath(dir, name);
    if (!follow && (await lstat(full)).isSymbolicLink()) continue;
    await walk(full, base ? `${base}/${name}` : name, items, printer, follow);
  }
}

async function addFile(full: string, name: string, items: LocalItem[], printer: Printer, follow: boolean): Promise<void> {
  const target = await statOrUndefined(full, true);
  if (!target?.isFile()) {
    if (target) printer.warning(`Skipping over non regular file: ${full}`);
    return;
  }
  if (!follow && (await lstat(full)).isSymbolicLink()) {
    printer.warning(`Skipping over symbolic link: ${full}`);
    return;
  }
  items.push({ name: name.startsWith('./') ? name.slice(2) : name, path: full, stat: target });
}

/** The files to upload and whether the command named exactly one file. */
export async function fetchLocalList(
  args: string[],
  options: { recursive: boolean; followSymlinks: boolean },
  printer: Printer,
): Promise<{ items: LocalItem[]; singleFile: boolean }> {
  const items: LocalItem[] = [];
  let singleFile = false;
  for (const arg of args) {
    const isDir = (await statOrUndefined(arg, true))?.isDirectory() ?? false;
    if (isDir && !options.recursive) throw new ParameterError(`Use --recursive to upload a directory: ${arg}`);
    if (isDir) {
      await walk(arg, arg.slice(arg.lastIndexOf('/') + 1), items, printer, options.followSymlinks);
      singleFile = false;
    } else {
      await addFile(arg, arg.slice(arg.lastIndexOf('/') + 1), items, printer, options.followSymlinks);
      singleFile = true;
    }
  }
  if (items.length > 1) singleFile = false;
  const byName = new Map(items.map((item) => [item.name, item]));
  return { items: [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), singleFile };
}
