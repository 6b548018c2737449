/**
 * Field rules shared by the request schemas. Lengths count UTF-16 code units, as Java's `String.length()`
 * does on the marketplace side. Every custom failure carries a message that states the rule and never the
 * received value, so `firstIssue` (issues.ts) can name field and rule without echoing input.
 * @module
 */
import { _default, check, minLength, NEVER, optional, pipe, refine, regex, string, transform } from 'zod/mini';
import type { core } from 'zod/mini';
import { readLenientJson } from '../lenientJson';
import { isCompactTime } from './compactTime';

type Ctx = core.ParsePayload;

/** Records a failure on the current field and returns zod's "no value" marker. */
function fail(ctx: Ctx, message: string, input: unknown): typeof NEVER {
  ctx.issues.push({ code: 'custom', message: input === undefined ? 'required' : message, input });
  return NEVER;
}

/** True for a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own data property, so a key named `__proto__` stays data and never replaces the prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // Plain assignment is several times cheaper and only `__proto__` can misbehave under it.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Copy of `value` without the entries whose value is null (the signature's canonical form drops them too). */
export function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) setOwn(out, k, v);
  return out;
}

/**
 * At most `max` UTF-16 code units, zod's own `too_big` issue otherwise. zod's `maxLength` counts code points once
 * a string is over the limit, so 63 letters and an emoji (65 units) would pass a limit of 64: the marketplace's
 * lengths are Java `String.length()`, in units.
 */
export function maxLength(max: number) {
  return check<string>((payload) => {
    const value = payload.value;
    if (value.length > max) payload.issues.push({ origin: 'string', code: 'too_big', maximum: max, inclusive: true, input: value });
  });
}

/** A mandatory string of 1 to `max` characters. */
export function requiredText(max: number) {
  return string().check(minLength(1), maxLength(max));
}

/** An optional string of at most `max` characters; `''` counts as absent. */
export function optionalText(max: number) {
  return optional(pipe(transform((v: unknown) => (v === '' ? undefined : v)), optional(string().check(maxLength(max)))));
}

/** An optional string of at most `max` characters that must match `pattern` (`rule` says how); `''` counts as absent. */
export function optionalMatching(max: number, pattern: RegExp, rule: string) {
  return optional(pipe(transform((v: unknown) => (v === '' ? undefined : v)), optional(string().check(regex(pattern, { error: rule }), maxLength(max)))));
}

/** A string that may be empty or absent (then `''`), at most `max` characters. */
export function emptyableText(max: number) {
  return _default(string().check(maxLength(max)), '');
}

/** A mandatory `yyyyMMddHHmmss` or `yyyyMMddHHmmssSSS` UTC time that names a real calendar instant. */
export function compactTime() {
  return string().check(refine(isCompactTime, { error: 'must be 14 or 17 digits of a valid UTC time (yyyyMMddHHmmss[SSS])' }));
}

/**
 * Basic-interface `testFlag`: `"1"` marks a debug request. Absent, `""` and `"0"` mean real traffic; the
 * numbers 0/1 are tolerated although the wire type is a string.
 */
export function basicTestFlag() {
  return transform((v: unknown, ctx: Ctx): boolean => {
    if (v === '1' || v === 1) return true;
    if (v === undefined || v === '' || v === '0' || v === 0) return false;
    ctx.issues.push({ code: 'custom', message: 'must be "0" or "1"', input: v });
    return NEVER;
  });
}

const DIGITS = /^\d{1,15}$/;

/** Reads a non-negative integer from a number or a decimal string (at most 15 digits); undefined if neither. */
function readInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && DIGITS.test(v)) return Number(v);
  return undefined;
}

/** A mandatory integer from `allowed`, given as a number or a decimal string (kit `flag`). */
export function intOneOf<const T extends readonly number[]>(allowed: T) {
  const rule = `must be one of ${allowed.join(', ')}`;
  return transform((v: unknown, ctx: Ctx): T[number] => {
    const n = readInt(v);
    return n !== undefined && allowed.includes(n) ? (n as T[number]) : fail(ctx, rule, v);
  });
}

/** A mandatory kit `testFlag` (0 production, 1 debug) as number or decimal string; output `true` for 1. */
export function kitTestFlag() {
  return transform((v: unknown, ctx: Ctx): boolean => {
    const n = readInt(v);
    return n === 0 || n === 1 ? n === 1 : fail(ctx, 'must be 0 or 1', v);
  });
}

/** An optional non-negative integer, as a number or a decimal string; `''` counts as absent. */
export function optionalInt() {
  return optional(
    transform((v: unknown, ctx: Ctx): number | undefined => {
      if (v === '') return undefined;
      const n = readInt(v);
      return n !== undefined ? n : fail(ctx, 'must be a non-negative integer', v);
    }),
  );
}

/** A boolean given as `true`/`false` or the strings `"true"`/`"false"` (any case); kit `enable`. */
export function lenientBoolean() {
  return transform((v: unknown, ctx: Ctx): boolean => {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    return fail(ctx, 'must be "true" or "false"', v);
  });
}

/**
 * A comma-separated list of 1 to `maxIds` ids, each 1 to `maxLength` characters, output as an array.
 * Blanks around an item are trimmed (tolerant of `a, b`); an empty item is refused. The total length is
 * deliberately not capped: the documented 100 characters cannot hold 100 ids.
 */
export function idList(maxIds: number, maxIdLength: number) {
  return transform((v: unknown, ctx: Ctx): string[] => {
    if (typeof v !== 'string') return fail(ctx, 'must be a string', v);
    const ids = v.split(',').map((s) => s.trim());
    if (ids.length > maxIds) return fail(ctx, `at most ${maxIds} comma-separated ids`, v);
    const empty = ids.findIndex((id) => id === '');
    if (empty >= 0) return fail(ctx, ids.length === 1 ? 'must not be empty' : `item ${empty + 1} is empty`, v);
    const long = ids.findIndex((id) => id.length > maxIdLength);
    if (long >= 0) return fail(ctx, `item ${long + 1} is longer than ${maxIdLength} characters`, v);
    return ids;
  });
}

/** Accepts an object, or a string holding JSON (lenient: bare keys allowed) of one; nulls inside are dropped. */
export function objectOrJsonText() {
  return transform((v: unknown, ctx: Ctx): Record<string, unknown> => {
    const value = typeof v === 'string' ? readLenientJson(v) : { ok: true as const, value: v };
    if (!value.ok || !isPlainObject(value.value)) return fail(ctx, 'must be an object or a JSON string of one', v);
    return withoutNulls(value.value);
  });
}

/** Accepts an array, or a string holding JSON (lenient: bare keys allowed) of one. */
export function arrayOrJsonText() {
  return transform((v: unknown, ctx: Ctx): unknown[] => {
    const value = typeof v === 'string' ? readLenientJson(v) : { ok: true as const, value: v };
    if (!value.ok || !Array.isArray(value.value)) return fail(ctx, 'must be an array or a JSON string of one', v);
    return value.value;
  });
}
