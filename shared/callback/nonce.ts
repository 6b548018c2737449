/**
 * How long a request's nonce is remembered.
 * @module
 */
import { DEFAULT_NONCE_TTL_S } from '../store/limits';

/**
 * How long a nonce must stay reserved (s) for a freshness window of `windowMs` (ms, both directions):
 * a request stamped `t` verifies from `t - window` to `t + window`, so its nonce must outlive `2 * window`,
 * plus a minute for clocks that differ between function instances. Never below the store's 300 s default.
 */
export function nonceMemorySeconds(windowMs: number): number {
  return Math.max(DEFAULT_NONCE_TTL_S, Math.ceil((2 * windowMs) / 1000) + 60);
}

/**
 * The nonce part of a transaction's start (`TxnStart` of transact.ts) for a request that carries `nonce` (V2), kept
 * for a freshness window of `windowMs` (ms); nothing for one without (V1).
 */
export function nonceReservation(nonce: string | undefined, windowMs: number): { nonce?: { value: string; ttlSeconds: number } } {
  return nonce ? { nonce: { value: nonce, ttlSeconds: nonceMemorySeconds(windowMs) } } : {};
}
