// The flexible checksum a download can be verified with when its MD5 is not
// known (a multipart object without s3cmd's md5 attribute): the full-object
// x-amz-checksum-* a GET with x-amz-checksum-mode: ENABLED is answered with.
// A composite one (a checksum of the part checksums, "…-N") says nothing
// about the whole file's bytes, so it is not used.

import type { IncomingHttpHeaders } from 'node:http';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from '../checksum-types.js';
import { checksumHeaderName, checksumToBase64, createChecksum, type Checksum } from '../checksums.js';

export class ObjectChecksum {
  private readonly sum: Checksum;

  private constructor(
    readonly algorithm: ChecksumAlgorithm,
    readonly expected: string,
  ) {
    this.sum = createChecksum(algorithm);
  }

  static of(headers: IncomingHttpHeaders): ObjectChecksum | undefined {
    if (String(headers['x-amz-checksum-type'] ?? '').toUpperCase() === 'COMPOSITE') return undefined;
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const value = headers[checksumHeaderName(algorithm)];
      if (typeof value === 'string' && !value.includes('-')) return new ObjectChecksum(algorithm, value);
    }
    return undefined;
  }

  update(chunk: Buffer): void {
    this.sum.update(chunk);
  }

  /** The base64 value of what was read. */
  computed(): string {
    return checksumToBase64(this.sum.digest());
  }
}
