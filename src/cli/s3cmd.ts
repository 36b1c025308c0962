// Runs one s3cmd-style command line: reads the configuration (file, then
// flags), builds the context, dispatches to the command and turns whatever
// it throws into s3cmd's ERROR lines and exit code.

import { COMMANDS, commandsHelp } from './commands.js';
import { createClient, type Context } from './context.js';
import { EX_IOERR, EX_OK, EX_USAGE } from './exit-codes.js';
import { report } from './failures.js';
import { compileFilters } from './filters.js';
import { applyFlags, type Flags } from './flags.js';
import { Printer } from './output.js';
import { LineProgress, noProgress } from './progress.js';
import { defaultConfigPath, loadConfig, type S3Config } from './s3cfg.js';

export const VERSION = '2.3.0';
const DEFAULT_PARALLEL = 8;

export interface Invocation {
  program: string;
  flags: Flags;
  /** Whether a flag was given on the command line (not defaulted). */
  cliSet: (name: string) => boolean;
  command: string | undefined;
  params: string[];
  helpText: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** s3cmd's dump_config: every option by name (acl_public only once -P or --acl-private set it). */
function dumpConfig(config: S3Config): string {
  const { acl_public, extra_headers: _extra, remove_headers: _remove, check_md5: _md5, acl_grants: _grants, acl_revokes: _revokes, additional_destinations: _destinations, no_access_logging: _noLogging, ...options } = config;
  const shown: Record<string, unknown> = acl_public === undefined ? options : { ...options, acl_public };
  const line = ([name, value]: [string, unknown]) => `${name} = ${value === true ? 'True' : value === false ? 'False' : value}\n`;
  return '[default]\n' + Object.entries(shown).sort(([a], [b]) => (a < b ? -1 : 1)).map(line).join('');
}

export async function runS3cmd(inv: Invocation): Promise<number> {
  const { flags, stdout, stderr } = inv;
  // Output piped into a reader that quit (`| head`): stop quietly, as s3cmd does on SIGPIPE.
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(EX_IOERR);
  });
  const printer = new Printer({ stdout, stderr, json: flags['json'] === true, quiet: flags['quiet'] === true, verbose: flags['verbose'] === true || flags['debug'] === true });
  if (flags['version']) {
    stdout.write(`s3cmd version ${VERSION}\n`);
    return EX_OK;
  }
  let ctx: Context | undefined;
  try {
    const { config, warnings } = loadConfig({
      file: (flags['config'] as string | undefined) ?? defaultConfigPath(inv.env),
      env: inv.env,
      stdoutIsTty: stdout.isTTY === true,
      ...(flags['access_key'] ? { accessKey: flags['access_key'] as string } : {}),
      ...(flags['secret_key'] ? { secretKey: flags['secret_key'] as string } : {}),
      ...(flags['access_token'] ? { accessToken: flags['access_token'] as string } : {}),
    });
    for (const warning of warnings) printer.warning(warning);
    applyFlags(config, flags, inv.cliSet, inv.env);
    // Python's logging levels: INFO is 20; DEBUG and NOTSET (below it) show INFO too.
    printer.verbose = ['INFO', 'DEBUG', 'NOTSET'].includes(config.verbosity) || (/^-?\d+$/.test(config.verbosity) && Number(config.verbosity) <= 20);
    if (flags['dumpConfig']) {
      stdout.write(dumpConfig(config));
      return EX_OK;
    }
    if (inv.command === undefined) {
      stdout.write(inv.helpText + '\n' + commandsHelp(inv.program));
      return EX_USAGE;
    }
    const spec = Object.hasOwn(COMMANDS, inv.command) ? COMMANDS[inv.command] : undefined;
    if (!spec) {
      printer.error(`Invalid command: ${inv.command}`);
      return EX_USAGE;
    }
    if (inv.params.length < spec.argc) {
      printer.error(`Not enough parameters for command '${inv.command}'`);
      return EX_USAGE;
    }
    const parallel = flags['parallel'] !== undefined ? Math.max(1, Number(flags['parallel']) || 1) : DEFAULT_PARALLEL;
    const progress =
      !config.progress_meter || printer.json ? noProgress : stdout.isTTY ? new (await import('./bar-progress.js')).BarProgress() : new LineProgress(printer);
    const filters = compileFilters(flags, printer);
    const filesFrom = (flags['filesFrom'] as string[] | undefined) ?? [];
    ctx = { config, client: createClient(config, parallel, printer), printer, progress, parallel, filters, filesFrom, signurlV4: flags['v4'] === true, program: inv.program, flags };
    return await spec.run(ctx, inv.params);
  } catch (error) {
    const { lines, exitCode } = report(error);
    for (const line of lines) printer.error(line);
    return exitCode;
  } finally {
    ctx?.progress.stop();
    ctx?.client.close();
  }
}
