// Object key rules: at most 1024 bytes of UTF-8. A key is a name in the
// metadata store and nothing else: it never becomes a file path.

import { errors } from '../errors.js';
import { MAX_KEY_BYTES } from '../limits.js';

export function assertValidKey(key: string): void {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw errors.keyTooLong(MAX_KEY_BYTES);
}
