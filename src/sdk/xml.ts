// Parsing S3's XML answers into plain values. Anything carrying a DOCTYPE or
// ENTITY declaration is refused before parsing; texts are decoded by
// decodeXmlText (XML's predefined entities and character references only).
// Values are not trimmed: keys may begin or end with spaces.

import { XMLParser } from '../fast-xml.js';
import { decodeXmlText } from '../xml-text.js';

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false,
  parseTagValue: false,
  trimValues: false,
  removeNSPrefix: true,
});

export type XmlNode = string | { [name: string]: XmlNode | XmlNode[] };
export type XmlElement = { [name: string]: XmlNode | XmlNode[] };

export class XmlError extends Error {}

/** The root element of a document, its name, and its text when it has no children. */
export function parseXml(text: string): { name: string; root: XmlElement; rootText: string } {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlError('XML with a DOCTYPE or ENTITY declaration refused');
  let doc: Record<string, XmlNode>;
  try {
    doc = parser.parse(text) as Record<string, XmlNode>;
  } catch (error) {
    throw new XmlError(`malformed XML: ${(error as Error).message}`);
  }
  const name = Object.keys(doc)[0];
  if (name === undefined) throw new XmlError('empty XML document');
  const root = doc[name]!;
  return typeof root === 'string' ? { name, root: {}, rootText: decodeXmlText(root) } : { name, root: root as XmlElement, rootText: '' };
}

/** The child elements called `name` (elements only; text nodes count as empty elements). */
export function elements(node: XmlElement, name: string): XmlElement[] {
  const value = node[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? {} : v));
}

/** The text of the first child called `name`; '' for an empty element, undefined when absent. */
export function text(node: XmlElement, name: string): string | undefined {
  const value = node[name];
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? decodeXmlText(first) : '';
}

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
