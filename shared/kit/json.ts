/**
 * JSON values for the kit documents: the type, a defensive deep copy and a structural equality that ignores
 * object key order. The documents are stored as JSON, so nothing else may go into them.
 * @module
 */

/** A value that survives `JSON.stringify` / `JSON.parse` unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** True for a plain object (not null, not an array). */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets an own data property. Plain assignment of a key named `__proto__` would replace the prototype
 * instead; marketplace-chosen keys (orgCode, extension keys) can be anything.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The own entry `key` of `record`, or undefined; inherited names such as `constructor` never match. */
export function getOwn<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * A deep copy of `value` as JSON, or undefined when it has no JSON form (undefined, a function, a symbol,
 * a bigint, a non-finite number). Inside objects such entries are left out, inside arrays they become null,
 * as `JSON.stringify` does.
 */
export function toJsonValue(value: unknown): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) return value.map((item) => toJsonValue(item) ?? null);
  if (isObject(value)) return toJsonObject(value);
  return undefined;
}

/** A deep copy of `value` as a JSON object (entries without a JSON form left out). */
export function toJsonObject(value: Readonly<Record<string, unknown>>): JsonObject {
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const json = toJsonValue(item);
    if (json !== undefined) setOwn(out, key, json);
  }
  return out;
}

/** Structural equality of two JSON values; object key order does not matter, array order does. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (isObject(a) && isObject(b) && !Array.isArray(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], getOwn(b, key)));
  }
  return false;
}
