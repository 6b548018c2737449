/**
 * Request parsing: bytes -> JSON object -> typed request of one activity or kit interface. Every failure throws
 * {@link InvalidParamError} (`000002`) whose message names the field and the rule, and nothing else escapes.
 * No I/O.
 * @module
 */
import { isUtf8 } from 'node:buffer';
import { safeParse } from 'zod/mini';
import { MAX_JSON_DEPTH } from '../security/orderedJson';
import { InvalidParamError } from '../core/errors';
import { firstIssue } from './issues';
import { isPlainObject, setOwn, withoutNulls } from './schemas/fields';
import { V1_BASIC_SCHEMAS, type V1BasicRequest } from './schemas/v1Basic';
import { V2_BASIC_SCHEMAS, type V2BasicRequest } from './schemas/v2Basic';
import { fastV2Basic } from './schemas/v2BasicFast';

export { firstIssue } from './issues';

/** Most characters of received input a message may quote. */
const MAX_ECHO = 64;

/** `value` as a JSON string literal of at most {@link MAX_ECHO} characters of it. */
export function quote(value: string): string {
  return JSON.stringify(value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}…` : value);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a request body: at most `maxBytes` bytes of UTF-8 (a leading BOM is skipped) holding one JSON object.
 * @param parsed `JSON.parse(bytes.toString('utf8'))` when the signature check read it already: reused, once the
 * bytes are known to be UTF-8, instead of decoding and parsing them again (a body with a BOM never has it).
 * @throws InvalidParamError when the body is too large, not UTF-8, not JSON, or not an object.
 */
export function parseJsonBody(bytes: Buffer, maxBytes: number, parsed?: unknown): Record<string, unknown> {
  if (bytes.length > maxBytes) throw new InvalidParamError(`body: at most ${maxBytes} bytes`);
  let value: unknown = parsed;
  if (value === undefined || !isUtf8(bytes)) {
    let text: string;
    try {
      text = UTF8.decode(bytes);
    } catch {
      throw new InvalidParamError('body: must be UTF-8 text');
    }
    try {
      value = JSON.parse(text);
    } catch {
      throw new InvalidParamError('body: must be valid JSON');
    }
  }
  if (!isPlainObject(value)) throw new InvalidParamError('body: must be a JSON object');
  return value;
}

/** Reads `activity`, checks it names one of `schemas`, and returns it. */
function activityOf<S extends object>(body: Record<string, unknown>, schemas: S): keyof S & string {
  const activity = body.activity;
  if (activity === undefined) throw new InvalidParamError('activity: required');
  if (typeof activity !== 'string') throw new InvalidParamError('activity: must be a string');
  if (!Object.hasOwn(schemas, activity)) throw new InvalidParamError(`activity: unknown activity ${quote(activity)}`);
  return activity as keyof S & string;
}

/**
 * Removes properties whose value is undefined (an optional field sent as `''` or null), at any depth.
 * Free-form members (an authSync user's `extension`) keep what was sent, so nesting is bounded here as
 * the signature check bounds it: deeper input is refused instead of overflowing the stack.
 */
function dropUndefined(value: unknown, depth = 0): unknown {
  if (!Array.isArray(value) && !isPlainObject(value)) return value;
  if (depth >= MAX_JSON_DEPTH) throw new InvalidParamError(`body: nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as unknown;
      const kept = dropUndefined(v, depth + 1);
      if (kept !== v) (copy ??= value.slice())[i] = kept;
    }
    return copy ?? value;
  }
  // The value zod returned is already a fresh object: it is copied only when a member changes.
  const keys = Object.keys(value);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = value[k];
    const kept = v === undefined ? undefined : dropUndefined(v, depth + 1);
    if (out === undefined && (v === undefined || kept !== v)) {
      out = {};
      for (let j = 0; j < i; j++) setOwn(out, keys[j] as string, value[keys[j] as string]);
    }
    if (out !== undefined && v !== undefined) setOwn(out, k, kept);
  }
  return out ?? value;
}

type AnySchema = Parameters<typeof safeParse>[0];

/** Validates `value` against `schema` or throws the first issue as {@link InvalidParamError} (shared with parseKit). */
export function validate<T>(schema: AnySchema, value: unknown): T {
  // The plain parse keeps zod's compiled fast path (a refreshInstance body: 3.5 µs against 7.2 µs with
  // reportInput, measured on node-svc under load). Only a
  // refused value is parsed again with reportInput, which lets the message tell "required" from "wrong
  // type"; that error object is dropped, not attached.
  const fast = safeParse(schema, value);
  if (fast.success) return dropUndefined(fast.data) as T;
  const result = safeParse(schema, value, { reportInput: true });
  if (!result.success) throw new InvalidParamError(firstIssue(result.error));
  return dropUndefined(result.data) as T;
}

/**
 * `body` itself when none of its values is null (what the marketplace sends), else a copy without them: the
 * parse below only reads it.
 */
function nullsDropped(body: Record<string, unknown>): Record<string, unknown> {
  for (const k in body) if (body[k] === null) return withoutNulls(body);
  return body;
}

/**
 * Parses a V2 basic-interface body (already decoded JSON) into the request of its `activity`.
 * Top-level `null` values count as absent, as in the request signature's canonical form.
 * @throws InvalidParamError on anything invalid, including an unknown activity.
 */
export function parseV2Basic(body: unknown): V2BasicRequest {
  if (!isPlainObject(body)) throw new InvalidParamError('body: must be a JSON object');
  const clean = nullsDropped(body);
  const activity = activityOf(clean, V2_BASIC_SCHEMAS);
  return fastV2Basic(activity, clean) ?? validate<V2BasicRequest>(V2_BASIC_SCHEMAS[activity], clean);
}

/**
 * Parses the query parameters of a V1 basic-interface GET into the request of its `activity`.
 * Blank values (empty or whitespace only) count as absent, as the V1 signer skips them too.
 * @throws InvalidParamError on anything invalid, including an unknown activity.
 */
export function parseV1Basic(params: Record<string, string>): V1BasicRequest {
  if (!isPlainObject(params)) throw new InvalidParamError('query: must be a parameter map');
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string' && v.trim() !== '') setOwn(clean, k, v);
  }
  const activity = activityOf(clean, V1_BASIC_SCHEMAS);
  return validate<V1BasicRequest>(V1_BASIC_SCHEMAS[activity], clean);
}
