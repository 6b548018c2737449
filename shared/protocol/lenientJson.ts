/**
 * A tolerant JSON reader for list fields that arrive as text. Standard JSON first; failing that, JSON whose
 * object keys may be bare identifiers, as in the V2 allOrgSync example `[{orgCode:"1", orgName:"x"}]`.
 * Trailing commas are tolerated too. Never throws.
 * @module
 */

/** Outcome of {@link readLenientJson}. */
export type LenientJsonResult = { ok: true; value: unknown } | { ok: false };

/** Nesting deeper than this is refused (list fields are two levels deep). */
const MAX_DEPTH = 32;

const WHITESPACE = /[ \t\r\n]*/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const BARE_KEY = /[A-Za-z_$][A-Za-z0-9_$]*/y;
const LITERAL = /true|false|null/y;

class Reader {
  private pos = 0;
  constructor(private readonly text: string) {}

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.pos;
    const m = pattern.exec(this.text);
    if (!m) return undefined;
    this.pos = pattern.lastIndex;
    return m[0];
  }

  private skip(): void {
    this.match(WHITESPACE);
  }

  private eat(char: string): boolean {
    this.skip();
    if (this.text[this.pos] !== char) return false;
    this.pos += 1;
    return true;
  }

  /** Reads the whole text as one value; `{ ok: false }` marks a syntax error. */
  readDocument(): LenientJsonResult {
    const value = this.readValue(0);
    this.skip();
    return value.ok && this.pos === this.text.length ? value : { ok: false };
  }

  private readValue(depth: number): LenientJsonResult {
    if (depth > MAX_DEPTH) return { ok: false };
    this.skip();
    const c = this.text[this.pos];
    if (c === '{') return this.readObject(depth);
    if (c === '[') return this.readArray(depth);
    if (c === '"') {
      const s = this.match(STRING);
      return s === undefined ? { ok: false } : { ok: true, value: JSON.parse(s) as string };
    }
    const literal = this.match(LITERAL);
    if (literal !== undefined) return { ok: true, value: literal === 'null' ? null : literal === 'true' };
    const num = this.match(NUMBER);
    return num === undefined ? { ok: false } : { ok: true, value: Number(num) };
  }

  private readKey(): string | undefined {
    this.skip();
    const quoted = this.match(STRING);
    if (quoted !== undefined) return JSON.parse(quoted) as string;
    return this.match(BARE_KEY);
  }

  private readObject(depth: number): LenientJsonResult {
    this.pos += 1;
    const entries: Array<[string, unknown]> = [];
    while (!this.eat('}')) {
      const key = this.readKey();
      if (key === undefined || !this.eat(':')) return { ok: false };
      const value = this.readValue(depth + 1);
      if (!value.ok) return value;
      entries.push([key, value.value]);
      if (!this.eat(',')) return this.eat('}') ? { ok: true, value: Object.fromEntries(entries) } : { ok: false };
    }
    // fromEntries defines own properties, so a "__proto__" key cannot replace the prototype.
    return { ok: true, value: Object.fromEntries(entries) };
  }

  private readArray(depth: number): LenientJsonResult {
    this.pos += 1;
    const items: unknown[] = [];
    while (!this.eat(']')) {
      const value = this.readValue(depth + 1);
      if (!value.ok) return value;
      items.push(value.value);
      if (!this.eat(',')) return this.eat(']') ? { ok: true, value: items } : { ok: false };
    }
    return { ok: true, value: items };
  }
}

/** Parses `text` as JSON, or as JSON with bare object keys and trailing commas. Never throws. */
export function readLenientJson(text: string): LenientJsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    try {
      return new Reader(text).readDocument();
    } catch {
      return { ok: false };
    }
  }
}
