// Shell globs as Python's fnmatch translates them ('*', '?', '[...]' with
// '!' for negation, everything else literal), for the wildcards of remote
// URIs and for --exclude/--include.

/** The regular expression source of a glob, without anchors (fnmatch.translate's body). */
export function globSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      // Consecutive stars mean one, as in fnmatch.
      if (!out.endsWith('.*')) out += '.*';
    } else if (c === '?') out += '.';
    else if (c === '[') {
      // A ']' right after '[' or '[!' belongs to the set.
      let end = i + 1;
      if (glob[end] === '!') end++;
      if (glob[end] === ']') end++;
      end = glob.indexOf(']', end);
      if (end < 0) out += '\\[';
      else {
        let set = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        const negated = set.startsWith('!');
        if (negated) set = set.slice(1);
        else if (set.startsWith('^') || set.startsWith('[')) set = '\\' + set;
        // JavaScript reads '[]' as an empty set: a leading ']' is escaped.
        if (set.startsWith(']')) set = '\\' + set;
        out += `[${negated ? '^' : ''}${set}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return out;
}

/** fnmatch.fnmatch: the glob over the whole string. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${globSource(glob)}$`, 's');
}
