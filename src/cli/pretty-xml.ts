// getPrettyFromXml: an XML answer laid out as Python's
// xml.dom.minidom toprettyxml() writes it (tab indents, an element whose only
// child is text on one line, empty elements self-closed), for `getlifecycle`.
// Documents with a DOCTYPE or ENTITY declaration are refused.

import { XmlError } from '../sdk/xml.js';

type Element = { name: string; attributes: [string, string][]; children: Node[] };
/** Text is a string; comments and CDATA sections are kept as minidom keeps them. */
type Node = Element | string | { comment: string } | { cdata: string };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return ENTITIES[entity] ?? whole;
  });
}

const escapeText = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (value: string) => escapeText(value).replace(/"/g, '&quot;');

function parse(xml: string): Node {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new XmlError('XML with a DOCTYPE or ENTITY declaration refused');
  const root: Element = { name: '', attributes: [], children: [] };
  const stack = [root];
  const token = /<!--([\s\S]*?)-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([^\s>]+)\s*>|<([^\s/>]+)((?:\s+[^\s=]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  for (const match of xml.matchAll(token)) {
    const [, comment, cdata, closing, opening, attributes, selfClosing, textNode] = match;
    const parent = stack.at(-1)!;
    if (comment !== undefined) {
      if (stack.length > 1) parent.children.push({ comment });
    } else if (cdata !== undefined) parent.children.push({ cdata });
    else if (closing !== undefined) {
      if (stack.length < 2 || parent.name !== closing) throw new XmlError(`malformed XML: unexpected </${closing}>`);
      stack.pop();
    } else if (opening !== undefined) {
      const element: Element = {
        name: opening,
        attributes: [...(attributes ?? '').matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map((a): [string, string] => [a[1]!, decode(a[2] ?? a[3] ?? '')]),
        children: [],
      };
      parent.children.push(element);
      if (!selfClosing) stack.push(element);
    } else if (textNode !== undefined && stack.length > 1) parent.children.push(decode(textNode));
  }
  const element = root.children.find((node): node is Element => typeof node !== 'string' && 'name' in node);
  if (stack.length !== 1 || element === undefined) throw new XmlError('malformed XML');
  return element;
}

/** A text or CDATA node as written inline. */
function inline(node: Node): string | undefined {
  if (typeof node === 'string') return escapeText(node);
  if ('cdata' in node) return `<![CDATA[${node.cdata}]]>`;
  return undefined;
}

function write(node: Node, indent: string): string {
  if (typeof node === 'string' || 'cdata' in node) return `${indent}${inline(node)}\n`;
  if ('comment' in node) return `${indent}<!--${node.comment}-->\n`;
  const attributes = node.attributes.map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`).join('');
  if (node.children.length === 0) return `${indent}<${node.name}${attributes}/>\n`;
  const only = node.children.length === 1 ? inline(node.children[0]!) : undefined;
  if (only !== undefined) return `${indent}<${node.name}${attributes}>${only}</${node.name}>\n`;
  return `${indent}<${node.name}${attributes}>\n${node.children.map((child) => write(child, indent + '\t')).join('')}${indent}</${node.name}>\n`;
}

export function prettyXml(xml: string): string {
  return `<?xml version="1.0" ?>\n${write(parse(xml), '')}`;
}
