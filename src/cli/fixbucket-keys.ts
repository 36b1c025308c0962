// How s3cmd's fixbucket finds and renames keys that XML cannot carry: the
// keys are taken from a listing's raw XML, where S3 writes such characters
// as references (a&#x1b;) that XML parsers refuse or drop; a key holding one
// is decoded to the stored name and renamed with every control character
// spelled out as ^@, ^A, ... ^_ and ^? (replace_nonprintables).

/** The <Key> texts of a listing, still escaped (`.` as Python's: anything but a newline). */
export function listedKeys(xml: string): string[] {
  return [...xml.matchAll(/<Key>([^\n]*?)<\/Key>/g)].map((match) => match[1]!);
}

/** Whether a listed key holds a hexadecimal character reference, the sign of a character XML cannot carry. */
export function hasCharacterReference(listedKey: string): boolean {
  return /&#x[\da-fA-F]+;/.test(listedKey);
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const MAX_CODE_POINT = 0x10ffff;

/**
 * The stored key of a listed one, in one pass as s3cmd's _unescape: "&#xh;"
 * and "&#d;" references and the named entities S3 writes; anything else
 * (an invalid number, an unknown name) stays as it is.
 */
export function unescapeReferences(listedKey: string): string {
  return listedKey.replace(/&#?[\p{L}\p{N}_]+;/gu, (reference) => {
    if (!reference.startsWith('&#')) return NAMED[reference.slice(1, -1)] ?? reference;
    const hex = reference.startsWith('&#x');
    const digits = reference.slice(hex ? 3 : 2, -1);
    if (!(hex ? /^[\da-fA-F]+$/ : /^\d+$/).test(digits)) return reference;
    const codePoint = parseInt(digits, hex ? 16 : 10);
    return codePoint <= MAX_CODE_POINT ? String.fromCodePoint(codePoint) : reference;
  });
}

/** replace_nonprintables: ASCII controls as ^@ ... ^_, DEL as ^?. */
export function replaceNonprintables(key: string): string {
  return key.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\x7f' ? '^?' : `^${String.fromCharCode(64 + c.charCodeAt(0))}`));
}
