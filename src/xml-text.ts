// The text of an XML element as XML defines it: the five predefined entities
// and numeric character references decoded, nothing else. fast-xml-parser
// decodes numeric references only in its HTML mode (which also takes HTML's
// named entities, &nbsp; and the rest, that XML does not have) and drops
// control characters even there; S3 keys may hold them, and S3 lists them as
// &#x1b; and the like. So the parsers leave entities alone and texts are
// decoded here.

const REFERENCE = /&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|([A-Za-z][A-Za-z0-9]*));/g;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const MAX_CODE_POINT = 0x10ffff;

/**
 * Decodes `raw`. A reference XML does not define (an unknown name, a code
 * point past Unicode) goes to `undefinedReference`, which may throw; without
 * it, it stays as written.
 */
export function decodeXmlText(raw: string, undefinedReference?: (reference: string) => string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(REFERENCE, (reference: string, hex?: string, decimal?: string, name?: string) => {
    if (name !== undefined) return PREDEFINED[name] ?? undefinedReference?.(reference) ?? reference;
    const code = hex !== undefined ? parseInt(hex, 16) : Number(decimal);
    return code <= MAX_CODE_POINT ? String.fromCodePoint(code) : (undefinedReference?.(reference) ?? reference);
  });
}
