/**
 * A small strict JSON parser that keeps what `JSON.parse` loses: the received key order at every level
 * (JS objects move integer-like keys first) and each number's literal text (`1.0` stays `1.0`).
 * Signature checks re-serialise the body, so they need exactly what was sent.
 * @module
 */
import { InvalidParamError } from '../core/errors';

/** Deepest nesting accepted (objects and arrays); deeper input is rejected, not recursed into. */
export const MAX_JSON_DEPTH = 64;

/** One parsed JSON value. Objects keep their members in received order. */
export type OrderedValue =
  | { readonly kind: 'object'; readonly members: ReadonlyArray<OrderedMember> }
  | { readonly kind: 'array'; readonly items: ReadonlyArray<OrderedValue> }
  | { readonly kind: 'string'; readonly value: string }
  /** `literal` is the number exactly as written in the input, e.g. `1.0`, `-0`, `1e2`. */
  | { readonly kind: 'number'; readonly literal: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' };

/** An object member: a decoded key and its value. */
export interface OrderedMember {
  readonly key: string;
  readonly value: OrderedValue;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t',
};

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseDocument(): OrderedValue {
    // A leading BOM is tolerated, as Jackson does when it reads bytes.
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1;
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.pos !== this.text.length) this.fail('unexpected text after the JSON value');
    return value;
  }

  private fail(what: string): never {
    // The message names a position, never the content, so no secret from a body can reach a log.
    throw new InvalidParamError(`body is not valid JSON: ${what} at offset ${this.pos}`);
  }

  private skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  private parseValue(depth: number): OrderedValue {
    const c = this.text[this.pos];
    switch (c) {
      case '{': return this.parseObject(depth + 1);
      case '[': return this.parseArray(depth + 1);
      case '"': return { kind: 'string', value: this.parseString() };
      case 't': return this.parseWord('true', { kind: 'boolean', value: true });
      case 'f': return this.parseWord('false', { kind: 'boolean', value: false });
      case 'n': return this.parseWord('null', { kind: 'null' });
      default: return this.parseNumber();
    }
  }

  private parseWord(word: string, value: OrderedValue): OrderedValue {
    if (!this.text.startsWith(word, this.pos)) this.fail('unexpected character');
    this.pos += word.length;
    return value;
  }

  private parseNumber(): OrderedValue {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m || m[0].length === 0 || m[0] === '-') this.fail('unexpected character');
    this.pos += m[0].length;
    return { kind: 'number', literal: m[0] };
  }

  private enter(depth: number): void {
    if (depth > MAX_JSON_DEPTH) this.fail(`nesting deeper than ${MAX_JSON_DEPTH}`);
    this.pos++;
    this.skipWhitespace();
  }

  private parseObject(depth: number): OrderedValue {
    this.enter(depth);
    const members: OrderedMember[] = [];
    const seen = new Set<string>();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', members };
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail('expected a member name');
      const key = this.parseString();
      // Duplicate names are refused: the marketplace never sends them, and parsers disagree on which
      // value wins, which would let the verified body differ from the body the handler reads.
      if (seen.has(key)) this.fail('duplicate member name');
      seen.add(key);
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      this.skipWhitespace();
      members.push({ key, value: this.parseValue(depth) });
      this.skipWhitespace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === '}') return { kind: 'object', members };
      if (c !== ',') { this.pos--; this.fail('expected "," or "}"'); }
      this.skipWhitespace();
    }
  }

  private parseArray(depth: number): OrderedValue {
    this.enter(depth);
    const items: OrderedValue[] = [];
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.parseValue(depth));
      this.skipWhitespace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === ']') return { kind: 'array', items };
      if (c !== ',') { this.pos--; this.fail('expected "," or "]"'); }
      this.skipWhitespace();
    }
  }

  private parseString(): string {
    const t = this.text;
    this.pos++; // opening quote
    let out = '';
    let runStart = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail('unterminated string');
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('unescaped control character in string');
      if (c !== 0x5c) { this.pos++; continue; }
      out += t.slice(runStart, this.pos);
      const e = t[this.pos + 1];
      if (e === 'u') {
        const hex = t.slice(this.pos + 2, this.pos + 6);
        if (!HEX4.test(hex)) this.fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 6;
      } else {
        const s = e === undefined ? undefined : SHORT_ESCAPES[e];
        if (s === undefined) this.fail('bad escape');
        out += s;
        this.pos += 2;
      }
      runStart = this.pos;
    }
  }
}

/**
 * Parses JSON text strictly (RFC 8259), keeping member order and number literals.
 * Duplicate member names and nesting deeper than {@link MAX_JSON_DEPTH} are refused.
 * The caller bounds the text size.
 * @throws InvalidParamError when the text is not valid JSON.
 */
export function parseOrderedJson(text: string): OrderedValue {
  return new Parser(text).parseDocument();
}
