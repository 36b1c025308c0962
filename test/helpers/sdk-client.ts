// An @aws-sdk/client-s3 client for a test server: path-style, no retries
// (a test sees the first answer), optionally with other keys or bound to
// another loopback source address.

import http from 'node:http';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { TestServer } from './server.js';

export interface SdkClientOptions {
  keys?: { accessKey: string; secretKey: string };
  /** Source address of the client's connections, e.g. 127.0.0.2. */
  localAddress?: string;
}

export function sdkClient(server: TestServer, options: SdkClientOptions = {}): S3Client {
  const keys = options.keys ?? server;
  return new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: keys.accessKey, secretAccessKey: keys.secretKey },
    maxAttempts: 1,
    ...(options.localAddress && { requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ localAddress: options.localAddress }) }) }),
  });
}
