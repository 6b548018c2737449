/**
 * Deterministic instance identity: the same order line always names the same instance, from any
 * function instance, before the store is touched (docs/design.md §4).
 * @module
 */
import { setBounded } from '../core/boundedMap';
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

/** Order lines whose derived id {@link rememberingDeriver} keeps. */
const REMEMBERED_ORDER_LINES = 1024;

/**
 * The default deriver with the ids of the last 1,024 order lines remembered: the marketplace retries a
 * newInstance (same order line, new businessId) until it gets an answer, and each retry derives the same id.
 * One per warm function; only for the default deriver, which is pure (a merchant's own is called every time).
 */
export function rememberingDeriver(): InstanceIdDeriver {
  const ids = new Map<string, string>();
  return (orderId, orderLineId) => {
    // The length first keeps ("ab", "c") and ("a", "bc") apart, as the derivation itself does.
    const line = `${orderId.length}:${orderId}${orderLineId}`;
    let id = ids.get(line);
    if (id === undefined) {
      id = deriveInstanceId(orderId, orderLineId);
      setBounded(ids, line, id, REMEMBERED_ORDER_LINES);
    }
    return id;
  };
}
