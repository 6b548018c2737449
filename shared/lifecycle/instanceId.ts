/**
 * Deterministic instance identity: the same order line always names the same instance, from any
 * function instance, before the store is touched (docs/design.md §4).
 * @module
 */
import { createHash } from 'node:crypto';

/** Turns an order line into an instanceId. A merchant may plug in another one (same inputs, same output). */
export type InstanceIdDeriver = (orderId: string, orderLineId: string) => string;

/** Length of a derived instanceId in characters (128 bits as lowercase hex). */
export const INSTANCE_ID_LENGTH = 32;

/** 4-byte big-endian byte length, then the UTF-8 bytes: no two pairs of strings encode alike. */
function lengthPrefixed(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([prefix, bytes]);
}

/**
 * The default {@link InstanceIdDeriver}: the first 128 bits of SHA-256 over the length-prefixed
 * `orderId` and `orderLineId`, as 32 lowercase hex characters. Length-prefixing keeps
 * ("ab", "c") and ("a", "bc") apart. V1 orders pass `orderLineId = ''`.
 */
export const deriveInstanceId: InstanceIdDeriver = (orderId, orderLineId) =>
  createHash('sha256')
    .update(lengthPrefixed(orderId))
    .update(lengthPrefixed(orderLineId))
    .digest('hex')
    .slice(0, INSTANCE_ID_LENGTH);
