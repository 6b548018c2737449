/**
 * From the wire to a kit rule's input: the body of either form (V2 JSON; V1 JSON or form-encoded),
 * the parsed and validated request, and what the rules need that the schema does not give: the
 * clientSecret decrypted and sealed again, and the user fields the schema does not know.
 * @module
 */
import { createHmac } from 'node:crypto';
import { ConfigError, InvalidParamError } from '../core/errors';
import { MAX_BODY_BYTES, type HttpRequest } from '../platform/apig';
import { readLenientJson } from '../protocol/lenientJson';
import { parseJsonBody } from '../protocol/parse';
import { parseKit } from '../protocol/parseKit';
import type { KitName, KitRequest } from '../protocol/schemas/kit';
import { decryptOaep, OaepDecryptError } from '../security/rsaOaep';
import { parseWireQuery } from '../security/v1AuthToken';
import type { KitDeps } from './deps';
import { FLAG } from './rules/common';
import type { KitRuleInput } from './rules/index';
import { userExtras } from './userExtras';

/** A parsed kit call: the rule's input plus what the engine names the call by. */
export interface KitCall<N extends KitName = KitName> {
  name: N;
  input: KitRuleInput<N>;
  tenantId: string;
  /** Seller test data (testFlag 1): kept in its own namespace. */
  test: boolean;
  instanceId: string;
  orderId?: string;
}

/**
 * A V1 body as a JSON object: JSON as in the examples, or, form-encoded (`application/x-www-form-urlencoded`,
 * §2.3 "values arrive URL-encoded"), read as parameters. (A V2 body is JSON only: see kitSpec.ts.)
 * @throws InvalidParamError when the body is neither.
 */
export function readKitV1Body(req: HttpRequest): Record<string, unknown> {
  if (/application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) {
    return parseWireQuery(req.body.toString('utf8'));
  }
  return parseJsonBody(req.body, MAX_BODY_BYTES);
}

/** Validates `body` as interface `name` and prepares the rule's input. @throws InvalidParamError, ConfigError */
export function prepareKitCall<N extends KitName>(name: N, body: Record<string, unknown>, deps: KitDeps): KitCall<N> {
  const request = parseKit(name, body) as KitRequest<KitName>;
  const base = { name, tenantId: request.tenantId, test: request.testFlag, instanceId: request.instanceId };
  const orderId = 'orderId' in request && request.orderId ? { orderId: request.orderId } : {};
  if (name === 'applicationSync') {
    const app = request as KitRequest<'applicationSync'>;
    const { clientSecret, ...rest } = app;
    return { ...base, ...orderId, input: { ...rest, ...sealedSecret(clientSecret, app.flag, deps) } as KitRuleInput<N> };
  }
  if (name === 'authSync') {
    const auth = request as KitRequest<'authSync'>;
    const raw = rawList(body.userList);
    const userList = auth.userList.map((u, i) => {
      const extra = userExtras(raw[i]);
      return Object.keys(extra).length > 0 ? { ...u, extra } : u;
    });
    return { ...base, ...orderId, input: { ...auth, userList } as KitRuleInput<N> };
  }
  return { ...base, ...orderId, input: request as KitRuleInput<N> };
}

/**
 * The clientSecret decrypted with the merchant's RSA key and sealed with the data key, plus a keyed digest
 * so a repeated add of the same secret is recognised. A delete needs no secret: it is not decrypted.
 */
function sealedSecret(ciphertext: string, flag: number, deps: KitDeps): { clientSecretSealed: string; clientSecretDigest?: string } {
  if (flag === FLAG.DELETE) return { clientSecretSealed: '' };
  if (deps.rsaKeys.length === 0) {
    throw new ConfigError('missing setting KG_RSA_PRIVATE_KEY: the private key of the 应用凭证 RSA pair (make one with `kg keygen rsa`)');
  }
  let plaintext: string;
  try {
    plaintext = decryptOaep(ciphertext, deps.rsaKeys).plaintext;
  } catch (err) {
    if (err instanceof OaepDecryptError) throw new InvalidParamError('clientSecret: cannot be decrypted with the configured RSA private key', { cause: err });
    throw err;
  }
  const digestKey = `kg-client-secret\u0000${deps.config.KG_DATA_KEY ?? ''}`;
  return { clientSecretSealed: deps.sealer.seal(plaintext), clientSecretDigest: createHmac('sha256', digestKey).update(plaintext).digest('hex') };
}

/** The raw list as sent (an array, or JSON text of one), to read the fields the schema drops. */
function rawList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    const parsed = readLenientJson(value);
    if (parsed.ok && Array.isArray(parsed.value)) return parsed.value;
  }
  return [];
}
