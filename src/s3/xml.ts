// XML in and out. Output is written as strings (S3 responses are flat and
// hot: a 1000-key listing must not build an object tree). Input goes through
// fast-xml-parser; anything carrying a DOCTYPE or ENTITY declaration is
// refused before parsing, so only XML's predefined entities and character
// references are ever decoded (keys such as "a&b" arrive as "a&amp;b").
// Values are not trimmed: a key may begin or end with spaces.

import { XMLParser, XMLValidator } from '../fast-xml.js';
import { decodeXmlText } from '../xml-text.js';
import { S3Error, errors } from '../errors.js';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Markup characters, and the control characters XML text cannot carry as
 * they are (all C0 but tab and newline; a carriage return would be read as
 * a newline): a key holding one is listed with a character reference
 * (`a&#x1b;`), as S3 lists it, which s3cmd's fixbucket looks for.
 */
const TO_ESCAPE = /[&<>"'\x00-\x08\x0b-\x1f]/;
const TO_ESCAPE_ALL = new RegExp(TO_ESCAPE.source, 'g');

export function escapeXml(text: string): string {
  return TO_ESCAPE.test(text) ? text.replace(TO_ESCAPE_ALL, (c) => ESCAPES[c] ?? `&#x${c.charCodeAt(0).toString(16)};`) : text;
}

/** `<name>escaped value</name>`, or '' when value is undefined. */
export function el(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function openDocument(root: string, xmlns: string): string {
  return `${XML_DECLARATION}<${root}${xmlns ? ` xmlns="${xmlns}"` : ''}>`;
}

/** A whole document: declaration plus a root element in the S3 namespace. */
export function document(root: string, inner: string, xmlns = S3_XMLNS): string {
  return `${openDocument(root, xmlns)}${inner}</${root}>`;
}

/** Characters of a large document gathered before they are encoded into one of its Buffers. */
const CHUNK_CHARS = 16 * 1024;

/**
 * A large document (a listing), root in the S3 namespace, built as Buffers of
 * about CHUNK_CHARS characters each: one string of the whole would be
 * flattened and then encoded into a large fresh allocation, which costs more
 * than writing the XML.
 */
export class XmlChunks {
  private readonly buffers: Buffer[] = [];
  private pending: string;

  constructor(private readonly root: string) {
    this.pending = openDocument(root, S3_XMLNS);
  }

  add(xml: string): void {
    this.pending += xml;
    if (this.pending.length >= CHUNK_CHARS) {
      this.buffers.push(Buffer.from(this.pending, 'utf8'));
      this.pending = '';
    }
  }

  /** Closes the root element; the document's bytes in order. */
  end(): Buffer[] {
    this.buffers.push(Buffer.from(`${this.pending}</${this.root}>`, 'utf8'));
    return this.buffers;
  }
}

// A listing's objects were mostly written within a few seconds of each
// other: their dates share the formatted part up to the second.
let formattedSecond = NaN;
let secondPrefix = '';

/** ISO 8601 with milliseconds, as S3 writes dates (Date.toISOString's form). */
export function isoDate(date: Date): string {
  const ms = date.getTime();
  const second = Math.floor(ms / 1000);
  if (second !== formattedSecond) {
    // Up to and including the '.' before the milliseconds.
    secondPrefix = date.toISOString().slice(0, -4);
    formattedSecond = second;
  }
  const millis = ms - second * 1000;
  return `${secondPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  removeNSPrefix: true,
});

export type XmlNode = string | { [name: string]: XmlNode | XmlNode[] };

/** Parses a small request body (already bounded by the caller) into plain objects. */
export function parseXml(body: Buffer): Record<string, XmlNode> {
  const text = body.toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw errors.malformedXml();
  if (XMLValidator.validate(text) !== true) throw errors.malformedXml();
  try {
    return parser.parse(text) as Record<string, XmlNode>;
  } catch {
    throw errors.malformedXml();
  }
}

/** The children named `name` of a parsed element, always as an array. */
export function children(node: XmlNode | XmlNode[] | undefined, name: string): XmlNode[] {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return [];
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The text of an element, decoded; one with children is not text, nor one with an entity XML does not define. */
function textOf(element: XmlNode): string {
  if (typeof element !== 'string') {
    if (Object.keys(element).length === 0) return '';
    throw errors.malformedXml();
  }
  return decodeXmlText(element, () => {
    throw errors.malformedXml();
  });
}

/** The text of child `name`, or undefined. Elements with children are not text. */
export function text(node: XmlNode | XmlNode[] | undefined, name: string): string | undefined {
  const [first] = children(node, name);
  return first === undefined ? undefined : textOf(first);
}

/** The texts of every child `name`, in document order. */
export function texts(node: XmlNode | XmlNode[] | undefined, name: string): string[] {
  return children(node, name).map(textOf);
}

/** Reads a whole small body; more than `maxBytes` is refused. */
export async function readSmallBody(stream: AsyncIterable<Buffer>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > maxBytes) throw new S3Error('MaxMessageLengthExceeded', 400, 'Your request was too big.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
