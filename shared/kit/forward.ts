/**
 * Forwarding every applied kit change to the merchant's back end (`KG_KIT_FORWARD_URL`), so the
 * merchant's app learns of tenants, users and departments without reading Redis. One POST per call,
 * after the change is stored: the body carries the call's interface, the tenant as it is now stored
 * (or null once removed), the version it is stored at, and what this call changed. A failed forward
 * answers `000005`; the marketplace's retry changes nothing and sends the stored state again, under the
 * same `x-kg-change-id` (one id per tenant version), so a back end that already had it drops it. Since
 * every forward carries the whole state, a back end that keeps the highest version it applied is right
 * whatever order forwards arrive in.
 *
 * Signed like the `http` provisioner: `x-kg-signature = hex(HMAC-SHA256(secret, "<timestamp>.kit.<body>"))`
 * with `x-kg-timestamp` (epoch ms).
 * @module
 */
import { createHash } from 'node:crypto';
import { purposeSignature } from '../security/hmac';
import { ConfigError, KgError } from '../core/errors';
import { RESULT } from '../core/resultCodes';
import type { Config } from '../platform/config';
import { readBoundedText } from '../platform/boundedBody';
import { isHttpsOrLoopback } from '../platform/loopback';
import type { KitChange } from './model';

/** What one forward carries. */
export interface KitForward {
  /** `tenantSync`, `authSync`, ... */
  interface: string;
  tenantId: string;
  /** Seller test data (testFlag 1). */
  test: boolean;
  /** The version the tenant is stored at after this call (grows with every change; apply the highest). */
  version: number;
  /** What this call changed (empty for a repeat that re-sends the stored state). */
  changes: KitChange[];
  /** The tenant as it is after the change (the read view: never a client secret), or null when removed. */
  tenant: unknown;
}

/** Sends one forward; rejects with {@link KitForwardError} when the back end did not take it. */
export type KitForwarder = (forward: KitForward, changeId: string, signal?: AbortSignal) => Promise<void>;

/** The merchant back end did not acknowledge a kit change (`000005`, message hidden). */
export class KitForwardError extends KgError {
  override name = 'KitForwardError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(RESULT.INTERNAL_ERROR, message, { ...options, expose: false });
  }
}

/** How much of the back end's answer is read (it is not used; the status decides): 64 KiB. */
const MAX_FORWARD_ANSWER_BYTES = 64 * 1024;

/** Header names of a forward. */
export const KIT_FORWARD_HEADERS = { timestamp: 'x-kg-timestamp', signature: 'x-kg-signature', changeId: 'x-kg-change-id' } as const;

/** The signature of a forward body. */
export function signKitForward(secret: string, timestampMs: number, body: string): string {
  return purposeSignature(secret, timestampMs, 'kit', body);
}

/** A change id: one per stored version of a tenant's document. */
export function kitChangeId(tag: string, version: number): string {
  return createHash('sha256').update(JSON.stringify([tag, version])).digest('hex').slice(0, 32);
}

/** The forwarder configuration asks for, or undefined when `KG_KIT_FORWARD_URL` is not set. */
export function createKitForwarder(config: Config, clock: () => number = Date.now): KitForwarder | undefined {
  const url = config.KG_KIT_FORWARD_URL;
  if (!url) return undefined;
  const secret = config.KG_KIT_FORWARD_SECRET;
  if (!secret) throw new ConfigError('missing setting KG_KIT_FORWARD_SECRET: the HMAC secret of KG_KIT_FORWARD_URL');
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new ConfigError('invalid setting KG_KIT_FORWARD_URL: not a URL');
  }
  if (!isHttpsOrLoopback(target)) {
    throw new ConfigError('invalid setting KG_KIT_FORWARD_URL: https is required (http only for a loopback host)');
  }
  const timeoutMs = config.KG_KIT_FORWARD_TIMEOUT_MS;
  return async (forward, changeId, signal) => {
    const body = JSON.stringify(forward);
    const at = clock();
    const timeout = AbortSignal.timeout(Math.max(1, timeoutMs));
    let status: number;
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [KIT_FORWARD_HEADERS.timestamp]: String(at),
          [KIT_FORWARD_HEADERS.signature]: signKitForward(secret, at, body),
          [KIT_FORWARD_HEADERS.changeId]: changeId,
        },
        body,
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
      status = res.status;
      await readBoundedText(res, MAX_FORWARD_ANSWER_BYTES).catch(() => undefined);
    } catch (err) {
      throw new KitForwardError(`kit forward failed: ${timeout.aborted ? `no answer within ${timeoutMs} ms` : 'network error'}`, { cause: err });
    }
    if (status < 200 || status > 299) throw new KitForwardError(`kit forward answered HTTP ${status}`);
  };
}
