// A read-through cache for rows read on nearly every request and rarely
// written (buckets, credentials, users). The server process is the
// database's only writer (it holds it exclusively), so the store clears a
// cache in the very transaction that changes what it holds, and a cached
// value is never stale. Values are frozen: callers share them.

/** Entries kept before the cache starts over (misses are cached too, so names never seen cannot grow it without bound). */
const MAX_ENTRIES = 10_000;

export class ReadCache<V extends object> {
  private readonly entries = new Map<string, Readonly<V> | undefined>();

  get(key: string, load: () => V | undefined): Readonly<V> | undefined {
    if (this.entries.has(key)) return this.entries.get(key);
    const value = load();
    const frozen = value === undefined ? undefined : Object.freeze(value);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, frozen);
    return frozen;
  }

  clear(): void {
    this.entries.clear();
  }
}
