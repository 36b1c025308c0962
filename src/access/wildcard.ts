// The pattern language of IAM policy strings: the `*` and `?` wildcards of
// Action, Resource, StringLike and ArnLike, and the policy variables
// (`${aws:username}`, `${*}`, ...) that Resource and string conditions carry.
//
// Matching never backtracks. A pattern is cut at its stars into segments; the
// first must match at the start, the last at the end, and each one between is
// found at its leftmost place after the previous one (leftmost is always safe
// when stars separate the segments). Segments are found with the bit-parallel
// Shift-And search, which handles `?` for free, so a match costs
// O(text × ⌈longest segment / 32⌉) whatever the pattern: `a*a*a*…b` against a
// long run of `a` is as fast as `abc`.

const STAR = -1;
const ANY = -2;

/** A piece of a pattern. In `wild` text `*` and `?` are wildcards; other text matches itself. */
export interface PatternChunk {
  readonly text: string;
  readonly wild: boolean;
}

/** A compiled glob: `*` matches any run of characters, `?` exactly one (a code point). */
export class Glob {
  private readonly head: Segment;
  private readonly tail: Segment | undefined;
  private readonly middle: readonly Segment[];

  private constructor(
    private readonly tokens: Int32Array,
    private readonly ignoreCase: boolean,
  ) {
    const segments: number[][] = [[]];
    for (const token of tokens) {
      if (token === STAR) segments.push([]);
      else segments[segments.length - 1]!.push(token);
    }
    this.head = new Segment(segments[0]!);
    this.tail = segments.length > 1 ? new Segment(segments[segments.length - 1]!) : undefined;
    this.middle = segments
      .slice(1, -1)
      .filter((s) => s.length > 0)
      .map((s) => new Segment(s));
  }

  static compile(pattern: string, ignoreCase = false): Glob {
    return Glob.fromChunks([{ text: pattern, wild: true }], ignoreCase);
  }

  static fromChunks(chunks: readonly PatternChunk[], ignoreCase = false): Glob {
    const tokens: number[] = [];
    for (const chunk of chunks) {
      const text = ignoreCase ? chunk.text.toLowerCase() : chunk.text;
      for (const ch of text) {
        const code = ch.codePointAt(0)!;
        if (chunk.wild && ch === '*') {
          if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR);
        } else if (chunk.wild && ch === '?') tokens.push(ANY);
        else tokens.push(code);
      }
    }
    return new Glob(Int32Array.from(tokens), ignoreCase);
  }

  matches(text: string): boolean {
    const cps = codePoints(this.ignoreCase ? text.toLowerCase() : text);
    const n = cps.length;
    if (!this.tail) return n === this.head.length && this.head.matchesAt(cps, 0);
    const end = n - this.tail.length;
    if (end < this.head.length || !this.head.matchesAt(cps, 0) || !this.tail.matchesAt(cps, end)) return false;
    let position = this.head.length;
    for (const segment of this.middle) {
      position = segment.findEnd(cps, position, end);
      if (position < 0) return false;
    }
    return true;
  }

  /** Whether some string that begins with `prefix` matches (used to check a Resource names this bucket). */
  matchesSomeExtensionOf(prefix: string): boolean {
    const m = this.tokens.length;
    let states = new Uint8Array(m + 1);
    states[0] = 1;
    closeOverStars(this.tokens, states);
    for (const ch of this.ignoreCase ? prefix.toLowerCase() : prefix) {
      const code = ch.codePointAt(0)!;
      const next = new Uint8Array(m + 1);
      for (let p = 0; p < m; p++) {
        if (!states[p]) continue;
        const t = this.tokens[p]!;
        if (t === STAR) next[p] = 1;
        else if (t === ANY || t === code) next[p + 1] = 1;
      }
      closeOverStars(this.tokens, next);
      states = next;
    }
    // Whatever pattern remains can always be satisfied by some suffix.
    return states.includes(1);
  }
}

function closeOverStars(tokens: Int32Array, states: Uint8Array): void {
  for (let p = 0; p < tokens.length; p++) if (states[p] && tokens[p] === STAR) states[p + 1] = 1;
}

function codePoints(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) out.push(ch.codePointAt(0)!);
  return out;
}

/** A run of pattern tokens without stars. */
class Segment {
  private masks: Map<number, Uint32Array> | undefined;
  private anyMask: Uint32Array | undefined;

  constructor(private readonly tokens: readonly number[]) {}

  get length(): number {
    return this.tokens.length;
  }

  matchesAt(cps: readonly number[], start: number): boolean {
    for (let i = 0; i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (t !== ANY && t !== cps[start + i]) return false;
    }
    return true;
  }

  /** The index just past the leftmost occurrence within cps[from, to), or -1. Shift-And over ⌈length/32⌉ words. */
  findEnd(cps: readonly number[], from: number, to: number): number {
    const k = this.tokens.length;
    const words = (k + 31) >>> 5;
    if (!this.masks) this.buildMasks(words);
    const masks = this.masks!;
    const anyMask = this.anyMask!;
    const lastWord = words - 1;
    const lastBit = (1 << ((k - 1) & 31)) >>> 0;
    const state = new Uint32Array(words);
    for (let j = from; j < to; j++) {
      const mask = masks.get(cps[j]!) ?? anyMask;
      let carry = 1;
      for (let w = 0; w < words; w++) {
        const v = state[w]!;
        state[w] = ((v << 1) | carry) & mask[w]!;
        carry = v >>> 31;
      }
      if (state[lastWord]! & lastBit) return j + 1;
    }
    return -1;
  }

  private buildMasks(words: number): void {
    const anyMask = new Uint32Array(words);
    this.tokens.forEach((t, i) => {
      if (t === ANY) anyMask[i >>> 5] |= 1 << (i & 31);
    });
    const masks = new Map<number, Uint32Array>();
    this.tokens.forEach((t, i) => {
      if (t === ANY) return;
      let mask = masks.get(t);
      if (!mask) masks.set(t, (mask = Uint32Array.from(anyMask)));
      mask[i >>> 5] |= 1 << (i & 31);
    });
    this.masks = masks;
    this.anyMask = anyMask;
  }
}

/** Looks up a request context key for a policy variable; only a single value can stand in for one. */
export type VariableLookup = (key: string) => readonly string[] | undefined;

type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'variable'; readonly key: string; readonly fallback: string | undefined };

// `${key}` or `${key, 'default'}` (a quote inside the default is written '').
const VARIABLE = /^\s*([A-Za-z0-9:/_.\-]+)\s*(?:,\s*'((?:[^']|'')*)'\s*)?$/;

/**
 * A policy string with its variables found. Version 2008-10-17 policies have
 * no variables: their `${…}` is plain text, as in AWS.
 */
export class Template {
  private constructor(private readonly parts: readonly TemplatePart[]) {}

  static parse(source: string, variables: boolean): Template {
    if (!variables) return new Template([{ kind: 'text', text: source }]);
    const parts: TemplatePart[] = [];
    let text = '';
    let i = 0;
    while (i < source.length) {
      const open = source.indexOf('${', i);
      const close = open < 0 ? -1 : source.indexOf('}', open + 2);
      if (close < 0) break;
      text += source.slice(i, open);
      const inner = source.slice(open + 2, close);
      const variable = VARIABLE.exec(inner);
      if (inner === '*' || inner === '?' || inner === '$') {
        if (text) parts.push({ kind: 'text', text });
        parts.push({ kind: 'literal', text: inner });
        text = '';
      } else if (variable) {
        if (text) parts.push({ kind: 'text', text });
        parts.push({ kind: 'variable', key: variable[1]!, fallback: variable[2]?.replaceAll("''", "'") });
        text = '';
      } else {
        text += source.slice(open, close + 1);
      }
      i = close + 1;
    }
    text += source.slice(i);
    if (text || parts.length === 0) parts.push({ kind: 'text', text });
    return new Template(parts);
  }

  get hasVariables(): boolean {
    return this.parts.some((p) => p.kind !== 'text');
  }

  /** The pattern with its variables replaced, or undefined when one cannot be resolved. */
  resolve(lookup: VariableLookup): PatternChunk[] | undefined {
    const chunks: PatternChunk[] = [];
    for (const part of this.parts) {
      if (part.kind === 'text') chunks.push({ text: part.text, wild: true });
      else if (part.kind === 'literal') chunks.push({ text: part.text, wild: false });
      else {
        const values = lookup(part.key);
        const value = values?.length === 1 ? values[0] : part.fallback;
        if (value === undefined) return undefined;
        chunks.push({ text: value, wild: false });
      }
    }
    return chunks;
  }

  /** The template as a pattern where the variables may stand for anything (for validation). */
  approximate(): PatternChunk[] {
    return this.parts.map((p) =>
      p.kind === 'variable' ? { text: '*', wild: true } : { text: p.text, wild: p.kind === 'text' },
    );
  }
}

/** Concatenates resolved chunks into the plain string they spell (for equality operators). */
export function chunksText(chunks: readonly PatternChunk[]): string {
  return chunks.map((c) => c.text).join('');
}
