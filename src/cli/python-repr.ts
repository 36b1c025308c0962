// Python 3's repr() of a str, which s3cmd prints with %r: quoted (double
// quotes only when the text holds a single quote and no double quote), with
// backslash escapes for the quote, backslashes, tab, newline and return, and
// \xhh, \uhhhh or \Uhhhhhhhh for every other character str.isprintable()
// refuses (controls, format and private-use characters, unassigned code
// points, and separators other than the space).

const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function hexEscape(codePoint: number): string {
  if (codePoint < 0x100) return `\\x${codePoint.toString(16).padStart(2, '0')}`;
  if (codePoint < 0x10000) return `\\u${codePoint.toString(16).padStart(4, '0')}`;
  return `\\U${codePoint.toString(16).padStart(8, '0')}`;
}

export function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let body = '';
  for (const char of text) {
    if (char === quote) body += `\\${char}`;
    else if (ESCAPES[char] !== undefined) body += ESCAPES[char];
    else if (char !== ' ' && NOT_PRINTABLE.test(char)) body += hexEscape(char.codePointAt(0)!);
    else body += char;
  }
  return quote + body + quote;
}
