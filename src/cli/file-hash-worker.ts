// A worker thread that hashes a file being downloaded in ranges: told each
// range once it and all before it are on disk, in file order, it reads it
// back (from the page cache) into the MD5 and, when asked for one, a flexible
// checksum, and answers 'done' with both. The main thread meanwhile only
// moves bytes from the sockets to the file.

import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ChecksumAlgorithm } from '../checksum-types.js';
import { checksumToBase64, createChecksum } from '../checksums.js';

export interface HashWorkerData {
  file: string;
  algorithm?: ChecksumAlgorithm;
}

/** A range to hash (inclusive), or the end of the file. */
export type HashWorkerMessage = { start: number; end: number } | 'done';

export interface HashWorkerResult {
  md5: string;
  checksum?: string;
}

const READ_BYTES = 1024 * 1024;

const { file, algorithm } = workerData as HashWorkerData;
const md5 = createHash('md5');
const checksum = algorithm === undefined ? undefined : createChecksum(algorithm);
const fd = openSync(file, 'r');
const buffer = Buffer.allocUnsafe(READ_BYTES);

parentPort!.on('message', (message: HashWorkerMessage) => {
  if (message === 'done') {
    closeSync(fd);
    const result: HashWorkerResult = { md5: md5.digest('hex'), ...(checksum ? { checksum: checksumToBase64(checksum.digest()) } : {}) };
    parentPort!.postMessage(result);
    return;
  }
  for (let position = message.start; position <= message.end; ) {
    const read = readSync(fd, buffer, 0, Math.min(READ_BYTES, message.end - position + 1), position);
    if (read === 0) throw new Error(`${file}: ${message.end - position + 1} bytes missing at ${position}`);
    const data = buffer.subarray(0, read);
    md5.update(data);
    checksum?.update(data);
    position += read;
  }
});
