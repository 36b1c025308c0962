// The condition operators of IAM policies (String*, Numeric*, Date*, Bool,
// IpAddress, Arn*, Null, the ...IfExists suffix and the ForAnyValue: /
// ForAllValues: set qualifiers): compiling a condition's values once when the
// policy is stored, and deciding whether it holds for a request.
//
// AWS semantics, from the IAM User Guide ("Condition operators", "Single-valued
// vs. multivalued context keys"):
// - values listed for one key are OR'ed; a negated operator holds when none of
//   them matches;
// - a key missing from the request makes a condition false, except that a
//   negated operator (StringNotEquals, NotIpAddress, ...) is then true,
//   ...IfExists is true, ForAllValues: is true and ForAnyValue: is false;
// - Null tests only whether the key is present;
// - a policy variable that cannot be resolved makes the condition false.

import { cidrContains, parseCidr, parseIpAddress, type CidrBlock } from './ip-cidr.js';
import { chunksText, Glob, Template, type PatternChunk, type VariableLookup } from './wildcard.js';

type Family = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Ip' | 'Arn' | 'Null';
type Comparison =
  | 'Equals'
  | 'EqualsIgnoreCase'
  | 'Like'
  | 'LessThan'
  | 'LessThanEquals'
  | 'GreaterThan'
  | 'GreaterThanEquals';

interface BaseOperator {
  readonly family: Family;
  readonly comparison: Comparison;
  readonly negated: boolean;
}

export type SetQualifier = 'ForAnyValue' | 'ForAllValues';

export interface ConditionOperator extends BaseOperator {
  /** The name as written in the policy, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly name: string;
  readonly ifExists: boolean;
  readonly qualifier: SetQualifier | undefined;
}

const ORDERED: readonly Comparison[] = ['Equals', 'LessThan', 'LessThanEquals', 'GreaterThan', 'GreaterThanEquals'];

const BASE_OPERATORS: ReadonlyMap<string, BaseOperator> = new Map([
  ['StringEquals', { family: 'String', comparison: 'Equals', negated: false }],
  ['StringNotEquals', { family: 'String', comparison: 'Equals', negated: true }],
  ['StringEqualsIgnoreCase', { family: 'String', comparison: 'EqualsIgnoreCase', negated: false }],
  ['StringNotEqualsIgnoreCase', { family: 'String', comparison: 'EqualsIgnoreCase', negated: true }],
  ['StringLike', { family: 'String', comparison: 'Like', negated: false }],
  ['StringNotLike', { family: 'String', comparison: 'Like', negated: true }],
  ...(['Numeric', 'Date'] as const).flatMap((family) => [
    ...ORDERED.map((comparison): [string, BaseOperator] => [`${family}${comparison}`, { family, comparison, negated: false }]),
    [`${family}NotEquals`, { family, comparison: 'Equals', negated: true }] as [string, BaseOperator],
  ]),
  ['Bool', { family: 'Bool', comparison: 'Equals', negated: false }],
  ['IpAddress', { family: 'Ip', comparison: 'Like', negated: false }],
  ['NotIpAddress', { family: 'Ip', comparison: 'Like', negated: true }],
  // AWS documents ArnEquals and ArnLike alike: each of the six ARN components is matched with wildcards.
  ['ArnEquals', { family: 'Arn', comparison: 'Like', negated: false }],
  ['ArnLike', { family: 'Arn', comparison: 'Like', negated: false }],
  ['ArnNotEquals', { family: 'Arn', comparison: 'Like', negated: true }],
  ['ArnNotLike', { family: 'Arn', comparison: 'Like', negated: true }],
  ['Null', { family: 'Null', comparison: 'Equals', negated: false }],
]);

/** The operator names AWS defines (without qualifier or IfExists). */
export const CONDITION_OPERATORS: readonly string[] = [...BASE_OPERATORS.keys()];

/** Parses an operator name, or undefined when AWS would not know it. Names are case-sensitive, as in AWS. */
export function parseConditionOperator(name: string): ConditionOperator | undefined {
  let rest = name;
  let qualifier: SetQualifier | undefined;
  for (const q of ['ForAnyValue', 'ForAllValues'] as const) {
    if (rest.startsWith(`${q}:`)) {
      qualifier = q;
      rest = rest.slice(q.length + 1);
    }
  }
  let base = BASE_OPERATORS.get(rest);
  let ifExists = false;
  if (!base && rest.endsWith('IfExists')) {
    base = BASE_OPERATORS.get(rest.slice(0, -'IfExists'.length));
    ifExists = true;
  }
  if (!base || (base.family === 'Null' && (ifExists || qualifier))) return undefined;
  return { ...base, name, ifExists, qualifier };
}

type Operand =
  | { readonly kind: 'string'; readonly template: Template; readonly test: ValueTest | undefined }
  | { readonly kind: 'fixed'; readonly test: ValueTest };

type ValueTest = (value: string) => boolean;

export interface Condition {
  readonly operator: ConditionOperator;
  /** The context key, as written in the policy. */
  readonly key: string;
  readonly operands: readonly Operand[];
}

/**
 * Compiles one `"Operator": { "key": values }` entry. Returns the reason when
 * a value cannot be used with the operator. `variables` is false for
 * 2008-10-17 policies, where `${…}` is plain text.
 */
export function compileCondition(
  operator: ConditionOperator,
  key: string,
  values: readonly string[],
  variables: boolean,
): Condition | { error: string } {
  const operands: Operand[] = [];
  for (const value of values) {
    const operand = compileOperand(operator, value, variables);
    if (typeof operand === 'string') return { error: operand };
    operands.push(operand);
  }
  return { operator, key, operands };
}

function compileOperand(op: ConditionOperator, value: string, variables: boolean): Operand | string {
  switch (op.family) {
    case 'String':
    case 'Arn': {
      const template = Template.parse(value, variables);
      const chunks = template.hasVariables ? undefined : template.resolve(() => undefined);
      return { kind: 'string', template, test: chunks && stringTest(op, chunks) };
    }
    case 'Numeric': {
      const n = parseNumber(value);
      if (n === undefined) return `Invalid numeric value in Conditions: ${value}`;
      return { kind: 'fixed', test: orderedTest(op.comparison, n, parseNumber) };
    }
    case 'Date': {
      const t = parseDate(value);
      if (t === undefined) return `Invalid date value in Conditions: ${value}`;
      return { kind: 'fixed', test: orderedTest(op.comparison, t, parseDate) };
    }
    case 'Bool': {
      const b = value.toLowerCase();
      if (b !== 'true' && b !== 'false') return `Invalid boolean value in Conditions: ${value}`;
      return { kind: 'fixed', test: (v) => v.toLowerCase() === b };
    }
    case 'Ip': {
      const block = parseCidr(value);
      if (!block) return 'Invalid IP address in Conditions';
      return { kind: 'fixed', test: ipTest(block) };
    }
    case 'Null': {
      const b = value.toLowerCase();
      if (b !== 'true' && b !== 'false') return `Invalid Null value in Conditions: ${value}`;
      // For Null the "request value" tested is whether the key is absent.
      return { kind: 'fixed', test: (absent) => absent === b };
    }
  }
}

function stringTest(op: ConditionOperator, chunks: readonly PatternChunk[]): ValueTest {
  if (op.family === 'Arn') return arnTest(chunks);
  switch (op.comparison) {
    case 'Like': {
      const glob = Glob.fromChunks(chunks);
      return (v) => glob.matches(v);
    }
    case 'EqualsIgnoreCase': {
      const expected = chunksText(chunks).toLowerCase();
      return (v) => v.toLowerCase() === expected;
    }
    default: {
      const expected = chunksText(chunks);
      return (v) => v === expected;
    }
  }
}

/** ARNs are compared component by component, so a wildcard never spans a colon. */
function arnTest(chunks: readonly PatternChunk[]): ValueTest {
  const components: PatternChunk[][] = [[]];
  for (const chunk of chunks) {
    let text = chunk.text;
    let colon: number;
    while (components.length < 6 && (colon = text.indexOf(':')) >= 0) {
      components[components.length - 1]!.push({ text: text.slice(0, colon), wild: chunk.wild });
      components.push([]);
      text = text.slice(colon + 1);
    }
    components[components.length - 1]!.push({ text, wild: chunk.wild });
  }
  // Fewer than six components describe no ARN at all.
  if (components.length < 6) return () => false;
  const globs = components.map((c) => Glob.fromChunks(c));
  return (v) => {
    const parts = splitArn(v);
    return parts !== undefined && globs.every((g, i) => g.matches(parts[i]!));
  };
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function orderedTest(comparison: Comparison, expected: number, parse: (v: string) => number | undefined): ValueTest {
  return (v) => {
    const actual = parse(v);
    if (actual === undefined) return false;
    switch (comparison) {
      case 'LessThan':
        return actual < expected;
      case 'LessThanEquals':
        return actual <= expected;
      case 'GreaterThan':
        return actual > expected;
      case 'GreaterThanEquals':
        return actual >= expected;
      default:
        return actual === expected;
    }
  };
}

function ipTest(block: CidrBlock): ValueTest {
  return (v) => {
    const address = parseIpAddress(v);
    return address !== undefined && cidrContains(block, address);
  };
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(text: string): number | undefined {
  return NUMBER.test(text.trim()) ? Number(text) : undefined;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Milliseconds since the epoch from ISO 8601 (aws:CurrentTime) or epoch seconds (aws:EpochTime). */
export function parseDate(text: string): number | undefined {
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  if (!ISO_DATE.test(s)) return undefined;
  const t = Date.parse(/T\d{2}:\d{2}/.test(s) && !/(Z|[+-]\d{2}:?\d{2})$/.test(s) ? `${s}Z` : s);
  return Number.isNaN(t) ? undefined : t;
}

/** Whether the condition holds, given the request's context values (undefined or empty: the key is missing). */
export function conditionHolds(condition: Condition, lookup: VariableLookup): boolean {
  const { operator, operands } = condition;
  const values = lookup(condition.key);
  const present = values !== undefined && values.length > 0;
  if (operator.family === 'Null') return operands.some((o) => o.kind === 'fixed' && o.test(String(!present)));
  if (!present) {
    if (operator.ifExists || operator.qualifier === 'ForAllValues') return true;
    if (operator.qualifier === 'ForAnyValue') return false;
    return operator.negated;
  }
  const tests: ValueTest[] = [];
  for (const operand of operands) {
    if (operand.kind === 'fixed' || operand.test) {
      tests.push(operand.test!);
      continue;
    }
    const chunks = operand.template.resolve(lookup);
    if (!chunks) return false;
    tests.push(stringTest(operator, chunks));
  }
  const matchesAny = (v: string): boolean => tests.some((t) => t(v));
  const holdsFor = operator.negated ? (v: string) => !matchesAny(v) : matchesAny;
  if (operator.qualifier === 'ForAllValues') return values.every(holdsFor);
  if (operator.qualifier === 'ForAnyValue') return values.some(holdsFor);
  // Unqualified on a multivalued key: some value must match; a negated operator wants none to.
  return operator.negated ? values.every(holdsFor) : values.some(holdsFor);
}
