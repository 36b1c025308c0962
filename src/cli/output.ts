// The one printer of the client. Every line a command prints is formatted
// here in s3cmd's words and widths (S3/Utils.formatSize, formatDateTime and
// the format strings of s3cmd's cmd_* functions), or written as one JSON
// object per line with --json. Messages go to stderr as s3cmd's logging
// prints them ("ERROR: ...", "WARNING: ...", "INFO: ...").

import type { Writable } from 'node:stream';

/** formatSize: the number and its unit letter; with `human`, divided by 1024 while over 2048. */
export function formatSize(size: number, human: boolean, floatingPoint = false): [number, string] {
  let value = floatingPoint ? size : Math.trunc(size);
  if (!human) return [value, ''];
  const units = ['K', 'M', 'G', 'T'];
  let unit = '';
  while (value > 2048 && units.length > 0) {
    value /= 1024;
    unit = units.shift()!;
  }
  return [floatingPoint ? value : Math.trunc(value), unit];
}

/** formatDateTime: an S3 timestamp as "YYYY-MM-DD HH:MM" in UTC. */
export function formatDateTime(timestamp: string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return timestamp;
  return date.toISOString().slice(0, 16).replace('T', ' ');
}

/** "1.23 MB/s" as s3cmd shows a transfer speed (bytes per second). */
export function formatSpeed(bytesPerSecond: number): string {
  const [value, unit] = formatSize(bytesPerSecond, true, true);
  return `${value.toFixed(2)} ${unit}B/s`;
}

export interface ListingStyle {
  human: boolean;
  long: boolean;
  md5: boolean;
}

/** One line of `ls s3://bucket`: a DIR line when `object` has no size. */
export function listingLine(
  style: ListingStyle,
  entry: { uri: string; timestamp?: string; size?: number; md5?: string; storageClass?: string },
): string {
  let size: string;
  if (entry.size === undefined) size = 'DIR'.padStart(style.human ? 6 : 12);
  else {
    const [value, unit] = formatSize(entry.size, style.human);
    size = style.human ? `${String(value).padStart(5)}${unit.padEnd(1)}` : `${String(value).padStart(12)}${unit}`;
  }
  const timestamp = (entry.timestamp ? formatDateTime(entry.timestamp) : '').padStart(16);
  const md5 = (entry.md5 ?? '').padEnd(35);
  if (style.long) return `${timestamp} ${size}  ${md5}  ${(entry.storageClass ?? '').padEnd(11)}  ${entry.uri}`;
  if (style.md5) return `${timestamp} ${size}  ${md5}  ${entry.uri}`;
  return `${timestamp} ${size}  ${entry.uri}`;
}

/** `du` line for one bucket or prefix. */
export function usageLine(human: boolean, bytes: number, objects: number, uri: string): string {
  const [value, unit] = formatSize(bytes, human);
  const total = `${value}${unit}`.padStart(human ? 5 : 12);
  return `${total} ${String(objects).padStart(7)} objects ${uri}`;
}

/** The final line of a transfer when no progress meter ran. */
export function transferLine(
  action: 'upload' | 'download',
  source: string,
  destination: string,
  bytes: number,
  seconds: number,
  label?: string,
): string {
  const speed = seconds > 0 ? bytes / seconds : -1;
  return `${action}: '${source}' -> '${destination}' (${bytes} bytes in ${seconds.toFixed(1)} seconds, ${formatSpeed(speed)})${label ? ` ${label}` : ''}`;
}

export interface PrinterOptions {
  stdout: Writable;
  stderr: Writable;
  json: boolean;
  quiet: boolean;
  /** Print INFO: messages (-v, or verbosity in the s3cfg). */
  verbose: boolean;
}

export class Printer {
  constructor(private readonly options: PrinterOptions) {}

  /** Once the configuration is read: its verbosity decides whether INFO: messages print. */
  set verbose(on: boolean) {
    this.options.verbose = on;
  }

  get json(): boolean {
    return this.options.json;
  }

  /** A line of normal output: `text`, or `record` as JSON with --json. */
  print(text: string, record?: Record<string, unknown>): void {
    if (this.options.quiet) return;
    if (this.options.json) {
      if (record) this.options.stdout.write(JSON.stringify(record) + '\n');
      return;
    }
    this.options.stdout.write(text + '\n');
  }

  /** Raw text on stdout (progress meters), never in JSON mode. */
  write(text: string): void {
    if (!this.options.quiet && !this.options.json) this.options.stdout.write(text);
  }

  error(message: string): void {
    this.options.stderr.write(`ERROR: ${message}\n`);
  }

  warning(message: string): void {
    this.options.stderr.write(`WARNING: ${message}\n`);
  }

  info(message: string): void {
    if (this.options.verbose) this.options.stderr.write(`INFO: ${message}\n`);
  }
}

/** The "exclude: NAME" lines of a dry run. */
export function printExcluded(printer: Printer, excluded: readonly { name: string }[]): void {
  for (const { name } of excluded) printer.print(`exclude: ${name}`, { type: 'exclude', name, dryRun: true });
}

/** One line of `ls` without a bucket. */
export function bucketLine(creationDate: string, name: string): string {
  return `${formatDateTime(creationDate)}  s3://${name}`;
}
