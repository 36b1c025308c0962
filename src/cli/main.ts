#!/usr/bin/env -S node --initial-old-space-size=64
// The `aitta` command: `aitta serve` runs the service; every other first
// word is an s3cmd command run by the client (`aitta ls`, `aitta put ...`).
//
// The flag sets a floor of 64 MB under V8's old-generation limit. Each 64 KiB
// of a request body is a new Buffer outside the JS heap, and V8 counts those
// against that limit until a scavenge frees them, once 32 MB have piled up.
// Without the floor, a server that has served small requests has a limit of
// about 32 MB (its live heap is ~9 MB), so a large upload started a full GC
// every 20-30 MB: 1 GiB PUTs ran at 600-650 MB/s instead of 750-780.

import { Command, CommanderError } from 'commander';
import { registerAdminCommand } from './admin.js';
import { registerConfCommand } from './conf.js';
import { addS3cmdOptions, expandAbbreviations, UsageError } from './flags.js';
import { runS3cmd } from './s3cmd.js';

/** optparse's exit code for a command line it cannot parse. */
const EX_OPTPARSE = 2;

const USAGE = '[options] COMMAND [parameters]';

/** optparse's way with a command line it cannot parse: the usage line, then "aitta: error: …". */
function usageError(message: string): void {
  process.stderr.write(`Usage: aitta ${USAGE}\n\naitta: error: ${message}\n`);
}

/** Commander's words for a command line it cannot parse, in optparse's. */
function optparseWords(text: string): string {
  const message = text.replace(/^error: /, '').trimEnd();
  const unknown = /^unknown option '([^']+)'/.exec(message);
  if (unknown) return `no such option: ${unknown[1]}`;
  const missing = /^option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]} option requires 1 argument`;
  return message;
}

const program = new Command('aitta')
  .description('Aitta: S3-compatible object storage for research projects, and an s3cmd-compatible client')
  .usage(USAGE)
  .enablePositionalOptions()
  .helpOption('-h, --help', 'show this help message and exit')
  .configureOutput({ outputError: (text) => usageError(optparseWords(text)) })
  .exitOverride();

program
  .command('serve')
  .description('run the S3 service')
  .option('--host <host>', 'address to listen on (AITTA_HOST, default 127.0.0.1)')
  .option('--port <port>', 'port to listen on (AITTA_PORT, default 7480; 0 picks a free one)')
  .option('--data <dir>', 'data directory (AITTA_DATA, default ./aitta-data)')
  .option('--domain <domains>', 'base domain(s) for virtual-hosted buckets, comma-separated (AITTA_DOMAIN, default localhost)')
  .option('--region <region>', 'region the service reports (AITTA_REGION, default us-east-1)')
  .action(async (flags) => {
    // Loaded only here: the client never pays for (or depends on) the server's modules.
    const [{ loadConfig }, { serve }] = await Promise.all([import('../config.js'), import('../serve.js')]);
    await serve(loadConfig(flags));
  });

registerConfCommand(program);
registerAdminCommand(program);

addS3cmdOptions(program)
  .argument('[command]', 'an s3cmd command: ls, put, get, ...')
  .argument('[parameters...]')
  .action(async (command: string | undefined, params: string[]) => {
    process.exitCode = await runS3cmd({
      program: 'aitta',
      flags: program.opts(),
      cliSet: (name) => program.getOptionValueSource(name) === 'cli',
      command,
      params,
      helpText: program.helpInformation(),
      env: process.env,
      stdout: process.stdout,
      stderr: process.stderr,
    });
  });

try {
  await program.parseAsync(expandAbbreviations(program, process.argv.slice(2)), { from: 'user' });
} catch (error) {
  if (error instanceof UsageError) usageError(error.message);
  else if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error instanceof CommanderError && error.exitCode === 0 ? 0 : EX_OPTPARSE;
}
