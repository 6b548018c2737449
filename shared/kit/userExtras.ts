/**
 * Unknown user fields. The authSync schema drops fields it does not know; the merchant keeps them anyway
 * (the marketplace may add attributes arranged with the buyer). The caller picks them from the raw body's
 * user with {@link userExtras} and passes them as `extra` to applyAuthSync.
 * @module
 */
import { toJsonObject, type JsonObject } from './json';

/** The user fields the authSync schema reads (V2 table; the V1 list has the same members). */
export const KIT_USER_FIELDS: readonly string[] = [
  'userName', 'name', 'orgCode', 'position', 'employeeCode', 'employeeType', 'role', 'enable',
  'mobile', 'email', 'workPlace', 'entryDate', 'extension',
];

const KNOWN = new Set(KIT_USER_FIELDS);

/**
 * The fields of one raw (unparsed) user object that the schema does not know, as a JSON copy. Null values
 * are left out, as the schema leaves them out. Anything that is not an object gives `{}`.
 */
export function userExtras(rawUser: unknown): JsonObject {
  if (typeof rawUser !== 'object' || rawUser === null || Array.isArray(rawUser)) return {};
  const unknownFields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rawUser)) {
    if (!KNOWN.has(key) && value !== null) Object.defineProperty(unknownFields, key, { value, enumerable: true });
  }
  return toJsonObject(unknownFields);
}
