// The MD5 of a local file: small files read whole (a stream's 1 MiB buffer
// per file cost more than the hashing when syncing many small files), large
// ones streamed.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

/** Files up to this size are read in one go. */
const READ_WHOLE_BYTES = 4 * 1024 * 1024;

/** Feeds the file's bytes to `hash` (which may go on with more). */
export async function hashFile(hash: Hash, file: string): Promise<void> {
  const handle = await open(file);
  try {
    const { size } = await handle.stat();
    if (size <= READ_WHOLE_BYTES) {
      hash.update(await handle.readFile());
      return;
    }
  } finally {
    await handle.close();
  }
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
}

export async function fileMd5(file: string): Promise<string> {
  const hash = createHash('md5');
  await hashFile(hash, file);
  return hash.digest('hex');
}
