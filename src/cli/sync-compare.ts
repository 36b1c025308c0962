// s3cmd's compare_filelists: which source files a sync transfers, which it
// can copy from an identical file already at the destination, and which
// destination files have no source (the candidates for --delete-removed).
// Files match when their sizes are equal and (unless --no-check-md5) their
// MD5s are; a remote MD5 with a '-' (a multipart ETag without s3cmd's
// attribute) cannot be compared, so the size decides.

/** MD5 of a zero-length file: never a copy source (FileDict.record_md5). */
const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

export interface SyncEntry {
  name: string;
  size?: number;
  /** Known only when --check-md5 (the default) had it computed, or the listing gave it. */
  md5?: string;
}

export interface SyncSide<T extends SyncEntry> {
  entries: readonly T[];
  remote: boolean;
  /** Entries that were listed but excluded: a remote one can still be a copy source. */
  excluded?: readonly T[];
}

export interface CopyPair<S> {
  source: S;
  /** The destination's existing file with the same content. */
  from: string;
  /** The name to create. */
  to: string;
}

export interface Comparison<S, D> {
  /** New files to transfer. */
  transfer: S[];
  /** Changed files to transfer (after `transfer`). */
  update: S[];
  copies: CopyPair<S>[];
  /** Destination files with no source. */
  orphans: D[];
}

/** FileDict.by_md5: the first name recorded for each MD5. */
class Md5Index {
  private readonly names = new Map<string, string>();
  record(name: string, md5: string | undefined): void {
    if (!name || md5 === undefined || md5 === EMPTY_MD5 || this.names.has(md5)) return;
    this.names.set(md5, name);
  }
  find(md5: string | undefined): string | undefined {
    return md5 ? this.names.get(md5) : undefined;
  }
}

export interface CompareOptions {
  skipExisting: boolean;
  checkMd5: boolean;
}

export function compareFilelists<S extends SyncEntry, D extends SyncEntry>(src: SyncSide<S>, dst: SyncSide<D>, options: CompareOptions): Comparison<S, D> {
  const dstByName = new Map(dst.entries.map((entry) => [entry.name, entry]));
  const dstMd5 = new Md5Index();
  // A remote list records every MD5 as it lists (before filtering); a local one only its own files'.
  for (const entry of [...dst.entries, ...(dst.remote ? (dst.excluded ?? []) : [])]) dstMd5.record(entry.name, entry.md5);
  const same = (s: S, d: D): boolean => {
    if (s.size !== undefined && d.size !== undefined && s.size !== d.size) return false;
    if (!options.checkMd5) return true;
    if ((src.remote && s.md5?.includes('-')) || (dst.remote && d.md5?.includes('-'))) return true;
    return s.md5 === d.md5;
  };
  const result: Comparison<S, D> = { transfer: [], update: [], copies: [], orphans: [] };
  const handled = new Set<string>();
  for (const entry of src.entries) {
    const existing = dstByName.get(entry.name);
    if (existing !== undefined) {
      handled.add(entry.name);
      if (options.skipExisting || same(entry, existing)) continue;
      const from = dstMd5.find(entry.md5);
      if (from !== undefined) result.copies.push({ source: entry, from, to: entry.name });
      else {
        dstMd5.record(entry.name, entry.md5);
        result.update.push(entry);
      }
      continue;
    }
    const from = dstMd5.find(entry.md5);
    if (from !== undefined) result.copies.push({ source: entry, from, to: entry.name });
    else {
      dstMd5.record(entry.name, entry.md5);
      result.transfer.push(entry);
    }
  }
  result.orphans = dst.entries.filter((entry) => !handled.has(entry.name));
  return result;
}
