/**
 * The marketplace's `RequestPayload`: the JSON body as Huawei's sample re-serialises it before signing
 * (a Java `TreeMap` of the top-level members written by Jackson's default `ObjectMapper`).
 * @module
 */
import { InvalidParamError } from '../core/errors';
import { parseJsonOrUndefined } from '../core/json';
import { parseOrderedJson, type OrderedValue } from './orderedJson';

const SHORT_ESCAPE: Readonly<Record<number, string>> = {
  0x22: '\\"', 0x5c: '\\\\', 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r',
};
// Characters Jackson escapes by default: `"`, `\` and C0 controls. `/`, DEL and non-ASCII stay raw.
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/** Writes a JSON string literal the way Jackson does (`\u001F` with upper-case hex). */
export function jacksonString(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const short = SHORT_ESCAPE[c];
    if (short !== undefined) out += short;
    else if (c < 0x20) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += value[i];
  }
  return `${out}"`;
}

/**
 * Writes a parsed value compactly, members in received order, numbers as received.
 * (Jackson reading into `Map<String,Object>` would turn `1e2` into `100.0`; we keep the literal,
 * since the marketplace only sends small integers such as `"flag":1` and the literal is what it signs
 * if it serialises its own objects.)
 */
export function writeCompact(value: OrderedValue): string {
  switch (value.kind) {
    case 'object':
      return `{${value.members.map((m) => `${jacksonString(m.key)}:${writeCompact(m.value)}`).join(',')}}`;
    case 'array':
      return `[${value.items.map(writeCompact).join(',')}]`;
    case 'string':
      return jacksonString(value.value);
    case 'number':
      return value.literal;
    case 'boolean':
      return value.value ? 'true' : 'false';
    case 'null':
      return 'null';
  }
}

/** UTF-16 code-unit order, as Java's `String.compareTo` (and so `TreeMap`) sorts. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The signed payload of a V2 basic or kit request: top-level members sorted by UTF-16 code unit,
 * top-level `null` members dropped (empty strings kept), compact, non-ASCII raw, `/` unescaped,
 * nested values exactly in received order.
 * @param bodyText the request body as received (UTF-8 decoded).
 * @throws InvalidParamError when the body is not a JSON object.
 */
export function canonicalPayload(bodyText: string): string {
  return writeCompact(canonicalRoot(bodyText));
}

/** The body's top level as the sample signs it: `null` members dropped, members sorted by code unit. */
function canonicalRoot(bodyText: string): Extract<OrderedValue, { kind: 'object' }> {
  const root = parseOrderedJson(bodyText);
  if (root.kind !== 'object') throw new InvalidParamError('body is not a JSON object');
  const members = root.members
    .filter((m) => m.value.kind !== 'null')
    .sort((a, b) => compareCodeUnits(a.key, b.key));
  return { kind: 'object', members };
}

function sortDeep(value: OrderedValue): OrderedValue {
  if (value.kind === 'array') return { kind: 'array', items: value.items.map(sortDeep) };
  if (value.kind !== 'object') return value;
  const members = value.members.map((m) => ({ key: m.key, value: sortDeep(m.value) })).sort((a, b) => compareCodeUnits(a.key, b.key));
  return { kind: 'object', members };
}

/**
 * The payload forms a signature is checked against, most likely first, without duplicates.
 * The official sample signs {@link canonicalPayload} and only flat bodies are documented; for a nested
 * body (`changeInstanceCheck.productInfo`, kit lists) lifecycle.md §1.2 suggests also trying nested keys
 * sorted and the raw body, and logging which form matched. For a flat, sorted, compact body all three
 * are the same string and only one HMAC is computed.
 * @param parsed `JSON.parse(bodyText)` when the caller has it already (see {@link flatCanonicalPayload}).
 * @throws InvalidParamError when the body is not a JSON object.
 */
export function payloadForms(bodyText: string, parsed?: unknown): Array<{ form: 'canonical' | 'deep-sorted' | 'raw'; payload: string }> {
  const flat = flatCanonicalPayload(bodyText, parsed);
  if (flat !== undefined) return flat === bodyText ? [{ form: 'canonical', payload: flat }] : [{ form: 'canonical', payload: flat }, { form: 'raw', payload: bodyText }];
  const root = canonicalRoot(bodyText);
  const forms: Array<{ form: 'canonical' | 'deep-sorted' | 'raw'; payload: string }> = [
    { form: 'canonical', payload: writeCompact(root) },
  ];
  // Only a body with nested objects can have a different deep-sorted form; flat bodies skip the work.
  if (root.members.some((m) => m.value.kind === 'object' || m.value.kind === 'array')) {
    const deep = writeCompact(sortDeep(root));
    if (deep !== forms[0]!.payload) forms.push({ form: 'deep-sorted', payload: deep });
  }
  if (!forms.some((f) => f.payload === bodyText)) forms.push({ form: 'raw', payload: bodyText });
  return forms;
}

/**
 * The canonical payload of the common body, computed without the order-keeping parser: a flat object of
 * strings, booleans and nulls with no backslash anywhere. Exactly what {@link canonicalPayload} gives for such a
 * body: with no backslash no string holds a quote or an escape, so every `"` delimits a key or a string value,
 * their count proves no key came twice (JSON.parse would keep only the last), and each string is written as it
 * came. Anything else (numbers, whose literal must be kept; nesting; escapes; a repeated key) is undefined: the
 * exact path decides.
 * @param parsed `JSON.parse(bodyText)` when the caller has it already (the request's parser reuses it), so the
 * body is not read twice; parsed here otherwise.
 */
export function flatCanonicalPayload(bodyText: string, parsed?: unknown): string | undefined {
  if (bodyText.includes('\\')) return undefined;
  const value = parsed === undefined ? parseJsonOrUndefined(bodyText) : parsed;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  // Keys sorted by UTF-16 code unit (what `<` compares, and Java's TreeMap), as Java's TreeMap sorts them.
  const keys = sortedByCodeUnit(Object.keys(record));
  let strings = keys.length;
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = record[key];
    if (typeof value === 'string') {
      strings += 1;
      out += `${out.length > 1 ? ',' : ''}"${key}":"${value}"`;
    } else if (typeof value === 'boolean') {
      out += `${out.length > 1 ? ',' : ''}"${key}":${value ? 'true' : 'false'}`;
    } else if (value !== null) {
      return undefined;
    }
  }
  let quotes = 0;
  for (let i = bodyText.indexOf('"'); i !== -1; i = bodyText.indexOf('"', i + 1)) quotes += 1;
  if (quotes !== strings * 2) return undefined;
  return `${out}}`;
}

/** Most keys {@link sortedByCodeUnit} sorts itself; a longer list (a hostile body) goes to the O(n log n) sort. */
const INSERTION_SORT_MAX = 32;

/**
 * `keys` sorted in place by UTF-16 code unit: for the dozen keys of a request body an insertion sort, which
 * allocates nothing, where `Array.prototype.sort` allocates a work copy.
 */
function sortedByCodeUnit(keys: string[]): string[] {
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j -= 1;
    }
    keys[j + 1] = key;
  }
  return keys;
}
