// A read-through cache for what nearly every request needs and little
// changes: store rows (buckets, credentials, users, memberships), which the
// store clears in the very transaction that changes them (the server is the
// database's only writer), and stored configurations parsed once per distinct
// text (bucket policies, lifecycle rules, CORS rules), which need no clearing.
// Values are frozen: callers share them.

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
