// `aitta serve`: opens the embedded stores, bootstraps an empty one, starts
// the S3 HTTP service, the garbage collector and the lifecycle worker, and
// stops them cleanly on SIGINT/SIGTERM.

import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { bootstrap, firstStartMessage } from './bootstrap.js';
import type { ServerConfig } from './config.js';
import { createS3Server } from './http/server.js';
import { LifecycleWorker } from './lifecycle/worker.js';
import { raiseMallocThresholds } from './malloc-thresholds.js';
import { FsBlobStore } from './store/fs-blob.js';
import { GarbageCollector } from './store/gc.js';
import { SqliteMetaStore } from './store/sqlite.js';

export async function serve(config: ServerConfig): Promise<void> {
  raiseMallocThresholds();
  await mkdir(config.dataDir, { recursive: true });
  const meta = await SqliteMetaStore.open(path.join(config.dataDir, 'meta.sqlite'));
  const blobs = new FsBlobStore(config.dataDir);
  const first = await bootstrap(meta, config);
  const server = createS3Server({ meta, blobs, config });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const endpoint = `http://${host}:${port}`;
  if (first) process.stdout.write(firstStartMessage(first, endpoint));
  process.stdout.write(`Aitta listening on ${endpoint}\n`);

  const gc = new GarbageCollector(meta, blobs, { graceMs: config.gcGraceMs, intervalMs: config.gcIntervalMs });
  gc.start();
  const lifecycle = new LifecycleWorker(meta, {
    dayMs: config.lifecycleDayMs,
    intervalMs: config.lifecycleIntervalMs,
    batchSize: config.lifecycleBatchSize,
    batchPauseMs: config.lifecycleBatchPauseMs,
  });
  lifecycle.start();

  const stop = () => {
    server.close(() => void Promise.all([gc.stop(), lifecycle.stop()]).then(() => meta.close()).then(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
