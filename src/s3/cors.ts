// Bucket CORS: the CORSConfiguration document of Put/GetBucketCors, checked
// with S3's rules and errors, and the evaluation of a cross-origin request
// against its rules. S3 uses the first rule that allows the origin, the
// method and every requested header; the response headers are the ones S3
// sends (recorded against AWS by LocalStack's validated CORS tests).

import { S3Error, errors } from '../errors.js';
import { MAX_CORS_RULE_ID_CHARS, MAX_CORS_RULES } from '../limits.js';
import { ReadCache } from '../read-cache.js';
import type { ResponseHeaders } from './context.js';
import { children, document, el, parseXml, texts, type XmlNode } from './xml.js';

/** The only methods a rule may allow (S3 API Reference, CORSRule). */
const CORS_METHODS: readonly string[] = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'];

export interface CorsRule {
  id?: string;
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

const RULE_ELEMENTS = new Set(['ID', 'AllowedOrigin', 'AllowedMethod', 'AllowedHeader', 'ExposeHeader', 'MaxAgeSeconds']);

/** MaxAgeSeconds is an xsd:int. */
const MAX_AGE_SECONDS_LIMIT = 2 ** 31 - 1;

/** Whether an element holds only the named children (and whitespace between them). */
function hasOnly(node: XmlNode, names: Set<string>): boolean {
  if (typeof node === 'string') return node.trim() === '';
  return Object.entries(node).every(([name, value]) => (name === '#text' ? typeof value === 'string' && value.trim() === '' : names.has(name)));
}

function optionalSingle(node: XmlNode, name: string): string | undefined {
  const values = texts(node, name);
  if (values.length > 1) throw errors.malformedXml();
  return values[0];
}

function maxAgeOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(value)) throw errors.malformedXml();
  const seconds = Number(value);
  if (seconds > MAX_AGE_SECONDS_LIMIT) throw errors.malformedXml();
  return seconds;
}

/** The structure of one <CORSRule>: what the schema demands; the values are checked afterwards. */
function ruleOf(node: XmlNode): CorsRule {
  if (!hasOnly(node, RULE_ELEMENTS)) throw errors.malformedXml();
  const id = optionalSingle(node, 'ID');
  if (id !== undefined && [...id].length > MAX_CORS_RULE_ID_CHARS) throw errors.malformedXml();
  const rule: CorsRule = {
    allowedOrigins: texts(node, 'AllowedOrigin'),
    allowedMethods: texts(node, 'AllowedMethod'),
    allowedHeaders: texts(node, 'AllowedHeader'),
    exposeHeaders: texts(node, 'ExposeHeader'),
  };
  if (rule.allowedOrigins.length === 0 || rule.allowedMethods.length === 0) throw errors.malformedXml();
  if (id !== undefined) rule.id = id;
  const maxAgeSeconds = maxAgeOf(optionalSingle(node, 'MaxAgeSeconds'));
  if (maxAgeSeconds !== undefined) rule.maxAgeSeconds = maxAgeSeconds;
  return rule;
}

function hasSeveralWildcards(value: string): boolean {
  return value.indexOf('*') !== value.lastIndexOf('*');
}

function checkValues(rule: CorsRule): void {
  for (const method of rule.allowedMethods) {
    if (!CORS_METHODS.includes(method)) {
      throw errors.invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${method}`);
    }
  }
  for (const origin of rule.allowedOrigins) {
    if (hasSeveralWildcards(origin)) throw errors.invalidRequest(`AllowedOrigin "${origin}" can not have more than one wildcard.`);
  }
  for (const name of rule.allowedHeaders) {
    if (hasSeveralWildcards(name)) throw errors.invalidRequest(`AllowedHeader "${name}" can not have more than one wildcard.`);
  }
  for (const name of rule.exposeHeaders) {
    if (name.includes('*')) {
      throw errors.invalidRequest(`ExposeHeader "${name}" contains wildcard. We currently do not support wildcard for ExposeHeader.`);
    }
  }
}

/** Parses and checks a PutBucketCors body: 1..100 rules, each with origins and methods S3 accepts. */
export function corsFromXml(body: Buffer): CorsRule[] {
  const root = parseXml(body)['CORSConfiguration'];
  if (root === undefined || !hasOnly(root, new Set(['CORSRule']))) throw errors.malformedXml();
  const nodes = children(root, 'CORSRule');
  if (nodes.length === 0 || nodes.length > MAX_CORS_RULES) throw errors.malformedXml();
  // A document wrong in both shape and values is MalformedXML: shape first.
  const rules = nodes.map(ruleOf);
  rules.forEach(checkValues);
  return rules;
}

/** The GetBucketCors document, members in the order of S3's API model. */
export function corsXml(rules: readonly CorsRule[]): string {
  const items = rules.map((rule) => {
    const many = (name: string, values: string[]) => values.map((value) => el(name, value)).join('');
    return `<CORSRule>${el('ID', rule.id)}${many('AllowedHeader', rule.allowedHeaders)}${many('AllowedMethod', rule.allowedMethods)}${many('AllowedOrigin', rule.allowedOrigins)}${many('ExposeHeader', rule.exposeHeaders)}${el('MaxAgeSeconds', rule.maxAgeSeconds)}</CORSRule>`;
  });
  return document('CORSConfiguration', items.join(''));
}

/** The stored form (Bucket.cors): the checked rules as JSON. */
export function corsToStored(rules: readonly CorsRule[]): string {
  return JSON.stringify(rules);
}

const storedRules = new ReadCache<CorsRule[]>();

/** A bucket's stored rules, parsed once per text (they are read on every request with an Origin). */
export function corsFromStored(stored: string): readonly CorsRule[] {
  return storedRules.get(stored, () => JSON.parse(stored) as CorsRule[])!;
}

export function isCorsMethod(method: string): boolean {
  return CORS_METHODS.includes(method);
}

/** A rule's pattern: at most one `*`, matching any run of characters (the empty one too); nothing else is special. */
function patternMatches(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star === -1) return pattern === value;
  return value.length >= pattern.length - 1 && value.startsWith(pattern.slice(0, star)) && value.endsWith(pattern.slice(star + 1));
}

function allowsHeader(rule: CorsRule, name: string): boolean {
  return rule.allowedHeaders.some((pattern) => patternMatches(pattern.toLowerCase(), name));
}

/** The names of Access-Control-Request-Headers, trimmed and lowercase; undefined when it names none. */
export function requestedHeaders(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  return names.length > 0 ? names : undefined;
}

/**
 * The first rule that allows a request from `origin` with `method` and every
 * one of `headers` (the lowercase names a preflight asks for). Origins match
 * case-sensitively, header names without regard to case.
 */
export function matchCorsRule(rules: readonly CorsRule[], origin: string, method: string, headers: readonly string[] | undefined): CorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.allowedMethods.includes(method) &&
      rule.allowedOrigins.some((pattern) => patternMatches(pattern, origin)) &&
      (headers === undefined || headers.every((name) => allowsHeader(rule, name))),
  );
}

/** Caches keep one answer per origin, method and requested headers. */
const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

/**
 * The headers S3 answers a request a rule allowed with, preflight or actual:
 * the origin (or `*` for a rule open to every origin, then without
 * credentials), the rule's methods, the requested headers, what the rule
 * exposes, and its max age.
 */
export function corsResponseHeaders(rule: CorsRule, origin: string, headers: readonly string[] | undefined): ResponseHeaders {
  const anyOrigin = rule.allowedOrigins.includes('*');
  const response: ResponseHeaders = {
    'Access-Control-Allow-Origin': anyOrigin ? '*' : origin,
    'Access-Control-Allow-Methods': rule.allowedMethods.join(', '),
  };
  if (headers !== undefined) response['Access-Control-Allow-Headers'] = headers.join(', ');
  if (rule.exposeHeaders.length > 0) response['Access-Control-Expose-Headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) response['Access-Control-Max-Age'] = rule.maxAgeSeconds;
  if (!anyOrigin) response['Access-Control-Allow-Credentials'] = 'true';
  response['Vary'] = VARY;
  return response;
}

/** The 403 S3 answers a preflight it refuses, naming the method asked for. */
export function corsForbidden(message: string, method: string, resourceType: 'BUCKET' | 'OBJECT'): S3Error {
  return new S3Error('AccessForbidden', 403, `CORSResponse: ${message}`, { Method: method, ResourceType: resourceType });
}
