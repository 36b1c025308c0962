#!/usr/bin/env node
// The `aitta` command.

import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { serve } from '../serve.js';

const program = new Command('aitta').description('Aitta: S3-compatible object storage for research projects');

program
  .command('serve')
  .description('run the S3 service')
  .option('--host <host>', 'address to listen on (AITTA_HOST, default 127.0.0.1)')
  .option('--port <port>', 'port to listen on (AITTA_PORT, default 7480; 0 picks a free one)')
  .option('--data <dir>', 'data directory (AITTA_DATA, default ./aitta-data)')
  .option('--domain <domains>', 'base domain(s) for virtual-hosted buckets, comma-separated (AITTA_DOMAIN, default localhost)')
  .option('--region <region>', 'region the service reports (AITTA_REGION, default us-east-1)')
  .action(async (flags) => {
    await serve(loadConfig(flags));
  });

await program.parseAsync();
