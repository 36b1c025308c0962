// The MD5 of a local file, streamed.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function fileMd5(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
