/**
 * Deterministic instance identity: the same order line always names the same instance, from any
 * function instance, before the store is touched (docs/design.md §4).
 * @module
 */
import { rememberingPerKey } from '../core/boundedMap';
import { sha256Hex } from '../security/sha256';

/** Turns an order line into an instanceId. A merchant may plug in another one (same inputs, same output). */
export type InstanceIdDeriver = (orderId: string, orderLineId: string) => string;

/** Length of a derived instanceId in characters (128 bits as lowercase hex). */
export const INSTANCE_ID_LENGTH = 32;

/**
 * Each string as its 4-byte big-endian byte length, then its UTF-8 bytes, in one buffer: no two pairs of
 * strings encode alike.
 */
function lengthPrefixedPair(first: string, second: string): Buffer {
  const a = Buffer.byteLength(first, 'utf8');
  const b = Buffer.byteLength(second, 'utf8');
  const out = Buffer.allocUnsafe(8 + a + b);
  out.writeUInt32BE(a, 0);
  out.write(first, 4, 'utf8');
  out.writeUInt32BE(b, 4 + a);
  out.write(second, 8 + a, 'utf8');
  return out;
}

/**
 * The default {@link InstanceIdDeriver}: the first 128 bits of SHA-256 over the length-prefixed
 * `orderId` and `orderLineId`, as 32 lowercase hex characters. Length-prefixing keeps
 * ("ab", "c") and ("a", "bc") apart. V1 orders pass `orderLineId = ''`.
 */
export const deriveInstanceId: InstanceIdDeriver = (orderId, orderLineId) =>
  sha256Hex(lengthPrefixedPair(orderId, orderLineId)).slice(0, INSTANCE_ID_LENGTH);

/**
 * The default deriver with the ids of recent order lines remembered (up to 16 lines for each of the last
 * 1,024 orders): the marketplace retries a newInstance (same order line, new businessId) until it gets an
 * answer, and each retry derives the same id. One per warm function; only for the default deriver, which is
 * pure (a merchant's own is called every time).
 */
export function rememberingDeriver(): InstanceIdDeriver {
  return rememberingPerKey(deriveInstanceId, 16, 1024);
}
