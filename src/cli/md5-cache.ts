// sync's --cache-file (s3cmd's HashCache): the MD5s of local files by
// device, inode, modification time (in whole seconds) and size, kept between runs so that a
// file unchanged since the last sync is not read again. s3cmd keeps its
// cache as a Python pickle, which is not practical to read from here, so
// this one is JSON of its own; a file that is not such a cache (s3cmd's,
// say) is neither used nor overwritten.

import { randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Printer } from './output.js';

const FORMAT = 'aitta-md5-cache/1';

/** What a file's MD5 was computed for: [mtime, size, md5]. */
type Entry = [mtime: number, size: number, md5: string];

interface CacheFile {
  format: typeof FORMAT;
  /** By "dev:ino". */
  files: Record<string, Entry>;
}

/** The modification time in whole seconds, as s3cmd's cache keeps it. */
function mtimeOf(stat: Stats): number {
  return Math.trunc(stat.mtimeMs / 1000);
}

/** HashCache ignores files without a device and inode (Windows). */
function identity(stat: Stats): string | undefined {
  return stat.dev === 0 || stat.ino === 0 ? undefined : `${stat.dev}:${stat.ino}`;
}

function isCacheFile(value: unknown): value is CacheFile {
  return typeof value === 'object' && value !== null && (value as CacheFile).format === FORMAT && typeof (value as CacheFile).files === 'object';
}

export class Md5Cache {
  private constructor(
    private readonly file: string,
    private files: Record<string, Entry>,
  ) {}

  /** The cache in `file` (empty when there is none yet); undefined, with a warning, when the file is something else. */
  static async load(file: string, printer: Printer): Promise<Md5Cache | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      text = '';
    }
    // An empty or missing cache: fetchLocalList has said so (s3cmd's -v line).
    if (text === '') return new Md5Cache(file, {});
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!isCacheFile(parsed)) {
      printer.warning(`--cache-file ${file} is not an MD5 cache this client wrote (s3cmd's pickled caches cannot be read): not using it.`);
      return undefined;
    }
    return new Md5Cache(file, parsed.files);
  }

  /** The cached MD5 of a file that still has the modification time and size it was hashed with. */
  md5(stat: Stats): string | undefined {
    const id = identity(stat);
    const entry = id === undefined ? undefined : this.files[id];
    return entry && entry[0] === mtimeOf(stat) && entry[1] === stat.size ? entry[2] : undefined;
  }

  add(stat: Stats, md5: string): void {
    const id = identity(stat);
    if (id !== undefined) this.files[id] = [mtimeOf(stat), stat.size, md5];
  }

  /** Writes the cache, keeping only the files of this run (HashCache.purge), through a temporary file. */
  async save(kept: readonly Stats[]): Promise<void> {
    const files: Record<string, Entry> = {};
    for (const stat of kept) {
      const id = identity(stat);
      const entry = id === undefined ? undefined : this.files[id];
      if (entry && entry[0] === mtimeOf(stat) && entry[1] === stat.size) files[id!] = entry;
    }
    this.files = files;
    // Unique: syncs to several destinations save side by side.
    const temporary = `${this.file}.tmp-${randomUUID()}`;
    await writeFile(temporary, JSON.stringify({ format: FORMAT, files } satisfies CacheFile));
    await rename(temporary, this.file);
  }
}
