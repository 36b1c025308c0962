// --exclude/--include (globs), --rexclude/--rinclude (regular expressions)
// and their -from files, applied as s3cmd applies them: a pattern is
// searched for anywhere in the relative name (a glob is anchored only at
// the end, so "*.jpg" and "a.txt" match in any directory); a name any
// exclude pattern finds is dropped unless an include pattern finds it too.
// Patterns ending in '/' also prune directories while walking a local tree
// (handle_exclude_include_walk_dir), matched against "root/dir/".

import { readFileSync } from 'node:fs';
import { ExitError, strerror } from './failures.js';
import { EX_IOERR } from './exit-codes.js';
import { globSource } from './glob.js';
import type { Printer } from './output.js';

interface Pattern {
  regexp: RegExp;
  /** Can only match a path ending in '/': applied to directories during the walk. */
  directory: boolean;
}

// How a translated pattern ends when it can only match a directory path (s3cmd's directory_patterns).
const DIRECTORY_ENDINGS = ['/)$', '/)\\Z', '\\/$', '\\/\\Z(?ms)'];

/** A Python regular expression as JavaScript reads it: \A, \Z, (?P<name>) and leading inline flags. */
export function pythonRegExp(source: string): RegExp {
  let flags = '';
  let body = source;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    for (const flag of inline[1]!) if ('ims'.includes(flag) && !flags.includes(flag)) flags += flag;
  }
  body = body.replace(/\\A/g, '^').replace(/\\Z/g, '$(?![\\s\\S])').replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  return new RegExp(body, flags);
}

function globPattern(glob: string): Pattern {
  return { regexp: new RegExp(`${globSource(glob)}$`, 's'), directory: glob.endsWith('/') };
}

function regexPattern(source: string): Pattern {
  return { regexp: pythonRegExp(source), directory: DIRECTORY_ENDINGS.some((ending) => source.endsWith(ending)) };
}

export class Filters {
  constructor(
    private readonly exclude: readonly Pattern[] = [],
    private readonly include: readonly Pattern[] = [],
  ) {}

  get active(): boolean {
    return this.exclude.length > 0 || this.include.length > 0;
  }

  private decide(path: string, onlyDirectory: boolean): boolean {
    const applies = (p: Pattern) => !onlyDirectory || p.directory;
    if (!this.exclude.some((p) => applies(p) && p.regexp.test(path))) return false;
    return !this.include.some((p) => applies(p) && p.regexp.test(path));
  }

  /** filter_exclude_include for one relative name. */
  excludes(name: string): boolean {
    return this.decide(name, false);
  }

  /** Whether the walk skips directory `dir` below `root` (only directory patterns count). */
  excludesDirectory(root: string, dir: string): boolean {
    return this.active && this.decide(`${root.endsWith('/') ? root : root + '/'}${dir}/`, true);
  }

  /** The items kept and those excluded, by relative name. */
  split<T extends { name: string }>(items: readonly T[]): { kept: T[]; excluded: T[] } {
    const kept: T[] = [];
    const excluded: T[] = [];
    for (const item of items) (this.excludes(item.name) ? excluded : kept).push(item);
    return { kept, excluded };
  }
}

export interface FilterOptions {
  exclude?: string[];
  excludeFrom?: string[];
  rexclude?: string[];
  rexcludeFrom?: string[];
  include?: string[];
  includeFrom?: string[];
  rinclude?: string[];
  rincludeFrom?: string[];
}

/** process_patterns_from_file: one pattern a line, blank lines and '#' comments skipped; unreadable is fatal. */
function patternsFromFile(file: string, printer: Printer): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const [errno, message] = strerror((error as NodeJS.ErrnoException).code) ?? [5, 'Input/output error'];
    // s3cmd opens the deunicodised name, so Python shows it as bytes.
    printer.error(`[Errno ${errno}] ${message}: b'${file}'`);
    throw new ExitError(EX_IOERR);
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export function compileFilters(options: FilterOptions, printer: Printer): Filters {
  const gather = (patterns: string[] | undefined, files: string[] | undefined) => [
    ...(patterns ?? []),
    ...(files ?? []).flatMap((file) => patternsFromFile(file, printer)),
  ];
  return new Filters(
    [...gather(options.exclude, options.excludeFrom).map(globPattern), ...gather(options.rexclude, options.rexcludeFrom).map(regexPattern)],
    [...gather(options.include, options.includeFrom).map(globPattern), ...gather(options.rinclude, options.rincludeFrom).map(regexPattern)],
  );
}
