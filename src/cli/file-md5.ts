// The MD5 of a local file: small files read whole (a stream's 1 MiB buffer
// per file cost more than the hashing when syncing many small files), large
// ones streamed.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

/** Files up to this size are read in one go. */
const READ_WHOLE_BYTES = 4 * 1024 * 1024;

export async function fileMd5(file: string): Promise<string> {
  const hash = createHash('md5');
  const handle = await open(file);
  try {
    const { size } = await handle.stat();
    if (size <= READ_WHOLE_BYTES) return hash.update(await handle.readFile()).digest('hex');
  } finally {
    await handle.close();
  }
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
