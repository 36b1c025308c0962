// MIME types by file name, as s3cmd guesses them without python-magic:
// Python's mimetypes.guess_type, which maps extensions through the system's
// mime.types files (over a small built-in table), after unwrapping .tgz-style
// suffixes and compression extensions.

import { readFileSync } from 'node:fs';
import path from 'node:path';

const KNOWN_FILES = ['/etc/mime.types', '/etc/httpd/mime.types', '/etc/httpd/conf/mime.types', '/etc/apache/mime.types', '/etc/apache2/mime.types', '/usr/local/etc/mime.types'];

// Python's built-in entries for the commonest extensions, for systems without a mime.types file.
const BUILT_IN: Record<string, string> = {
  '.bin': 'application/octet-stream', '.csv': 'text/csv', '.gif': 'image/gif', '.htm': 'text/html', '.html': 'text/html',
  '.jpeg': 'image/jpeg', '.jpg': 'image/jpeg', '.js': 'text/javascript', '.json': 'application/json', '.pdf': 'application/pdf',
  '.png': 'image/png', '.py': 'text/x-python', '.sh': 'application/x-sh', '.svg': 'image/svg+xml', '.tar': 'application/x-tar',
  '.txt': 'text/plain', '.xml': 'text/xml', '.zip': 'application/zip',
};
const SUFFIXES: Record<string, string> = { '.svgz': '.svg.gz', '.tgz': '.tar.gz', '.taz': '.tar.gz', '.tz': '.tar.gz', '.tbz2': '.tar.bz2', '.txz': '.tar.xz' };
const ENCODINGS: Record<string, string> = { '.gz': 'gzip', '.Z': 'compress', '.bz2': 'bzip2', '.xz': 'xz', '.br': 'br' };

let table: Map<string, string> | undefined;

function types(): Map<string, string> {
  if (table) return table;
  table = new Map(Object.entries(BUILT_IN));
  for (const file of KNOWN_FILES) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const [type, ...extensions] = line.replace(/#.*/, '').trim().split(/\s+/);
      if (type) for (const ext of extensions) table.set('.' + ext, type);
    }
  }
  return table;
}

/** The MIME type Python would guess for `file`, or undefined. */
export function guessMimeType(file: string): string | undefined {
  let base = path.posix.basename(file);
  let ext = path.posix.extname(base);
  while (SUFFIXES[ext.toLowerCase()] !== undefined) {
    base = base.slice(0, -ext.length) + SUFFIXES[ext.toLowerCase()];
    ext = path.posix.extname(base);
  }
  if (ENCODINGS[ext] !== undefined) {
    base = base.slice(0, -ext.length);
    ext = path.posix.extname(base);
  }
  return ext ? types().get(ext.toLowerCase()) : undefined;
}
