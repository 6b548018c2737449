/**
 * Parsing of the 联营 kit bodies, apart from parse.ts so the basic-interface function does not carry the
 * kit schemas (zod builds every schema at load time: bundle bytes and cold-start milliseconds).
 * @module
 */
import { InvalidParamError } from '../core/errors';
import { quote, validate } from './parse';
import { isPlainObject, withoutNulls } from './schemas/fields';
import { KIT_SCHEMAS, type KitName, type KitRequest } from './schemas/kit';

/**
 * Parses the body of kit interface `name` (V2 or V1 form). Top-level `null` values count as absent.
 * @throws InvalidParamError on anything invalid, including an unknown interface name.
 */
export function parseKit<N extends KitName>(name: N, body: unknown): KitRequest<N> {
  if (!Object.hasOwn(KIT_SCHEMAS, name)) throw new InvalidParamError(`interface: unknown kit interface ${quote(String(name))}`);
  if (!isPlainObject(body)) throw new InvalidParamError('body: must be a JSON object');
  return validate<KitRequest<N>>(KIT_SCHEMAS[name], withoutNulls(body));
}
