/**
 * Signing of the requests the `http` provisioner sends to a merchant's backend, and the check a
 * merchant's Node backend runs on them. Pure computation (node:crypto only, no I/O), so a backend can
 * import this file alone.
 *
 * Signature: lower-case hex `HMAC-SHA256(secret, "<timestamp>.<step>.<body>")`, with the timestamp in
 * epoch ms as sent in `x-kg-timestamp` and the body as the exact bytes sent.
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import { purposeSignature } from '../security/hmac';
import { ConfigError } from '../core/errors';

/** The steps, one URL path segment each: `POST <base>/<step>`. */
export const PROVISIONER_STEPS = ['provision', 'renew', 'upgrade', 'freeze', 'unfreeze', 'release', 'checkChange'] as const;

/** One step of the HTTP provisioner contract. */
export type ProvisionerStep = (typeof PROVISIONER_STEPS)[number];

/** Header names (lower case, as Node presents them). */
export const PROVISIONER_HEADERS = {
  /** Epoch ms at signing, decimal. */
  timestamp: 'x-kg-timestamp',
  /** Lower-case hex HMAC-SHA256, 64 characters. */
  signature: 'x-kg-signature',
  /** `<step>:<instanceId>[:<orderId>:<orderLineId>]`. */
  idempotencyKey: 'x-kg-idempotency-key',
  /** The step again, so a backend can check a request without knowing which path it came on. */
  step: 'x-kg-step',
} as const;

/** Default accepted clock difference between signer and verifier, both directions (ms): 5 minutes. */
export const DEFAULT_PROVISIONER_TOLERANCE_MS = 300_000;

/** True for a name in {@link PROVISIONER_STEPS}. */
export function isProvisionerStep(value: unknown): value is ProvisionerStep {
  return typeof value === 'string' && (PROVISIONER_STEPS as readonly string[]).includes(value);
}

/** Hex HMAC-SHA256 over `<timestampMs>.<step>.<body>` with the UTF-8 bytes of `secret` as key. */
export function signProvisionerRequest(secret: string, step: ProvisionerStep, timestampMs: number, body: string | Uint8Array): string {
  return purposeSignature(secret, timestampMs, step, body);
}

/**
 * The idempotency key of a step: `<step>:<instanceId>`, followed by `:<orderId>:<orderLineId>` when the
 * body carries both (provision, renew, upgrade).
 */
export function provisionerIdempotencyKey(step: ProvisionerStep, body: { instanceId: string; orderId?: unknown; orderLineId?: unknown }): string {
  const base = `${step}:${body.instanceId}`;
  return typeof body.orderId === 'string' && typeof body.orderLineId === 'string' ? `${base}:${body.orderId}:${body.orderLineId}` : base;
}

/** Headers as Node's `IncomingMessage.headers` or a fetch `Headers`. */
export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

/** Why {@link verifyProvisionerRequest} refused a request. */
export type ProvisionerRequestProblem =
  | 'missing-header'
  | 'unknown-step'
  | 'bad-timestamp'
  | 'stale-timestamp'
  | 'bad-signature'
  | 'bad-body'
  | 'bad-idempotency-key';

/** Outcome of {@link verifyProvisionerRequest}. */
export type ProvisionerRequestCheck =
  | {
      ok: true;
      step: ProvisionerStep;
      /** Epoch ms the request was signed at. */
      timestampMs: number;
      idempotencyKey: string;
      /** The parsed JSON body; `instanceId` is always a string. */
      payload: Record<string, unknown> & { instanceId: string };
    }
  | { ok: false; problem: ProvisionerRequestProblem };

/** Options of {@link verifyProvisionerRequest}. */
export interface VerifyProvisionerOptions {
  /** Accepted clock difference, both directions (ms). Default {@link DEFAULT_PROVISIONER_TOLERANCE_MS}. */
  toleranceMs?: number;
  /** The step named by the request path; when given, it must match the signed step. */
  step?: string;
}

function readHeader(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === 'string') return value;
    // A repeated header is ambiguous: refuse rather than guess which copy was signed.
    return Array.isArray(value) && value.length === 1 ? value[0] : undefined;
  }
  return undefined;
}

function sameHex(expectedHex: string, givenHex: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(givenHex)) return false;
  return timingSafeEqual(Buffer.from(expectedHex, 'hex'), Buffer.from(givenHex, 'hex'));
}

/**
 * Checks a request the `http` provisioner sent: headers present, step known (and equal to the path's
 * step when given), timestamp within `toleranceMs` of `nowMs` (both ms), signature valid under one of
 * `secret` (a list allows rotation, newest first), JSON body with a string `instanceId`, and the
 * idempotency key equal to the one derived from step and body. Never throws on bad input.
 * @param body the raw request body, exactly as received.
 * @param nowMs the verifier's clock, epoch ms.
 * @throws {ConfigError} only when no non-empty secret is given (a setup mistake, not bad input).
 */
export function verifyProvisionerRequest(
  secret: string | readonly string[],
  headers: HeaderBag,
  body: string | Uint8Array,
  nowMs: number,
  options: VerifyProvisionerOptions = {},
): ProvisionerRequestCheck {
  const secrets = (typeof secret === 'string' ? [secret] : secret).filter((s) => s.length > 0);
  if (secrets.length === 0) throw new ConfigError('verifyProvisionerRequest: no provisioner secret configured');

  const timestampText = readHeader(headers, PROVISIONER_HEADERS.timestamp);
  const signature = readHeader(headers, PROVISIONER_HEADERS.signature);
  const key = readHeader(headers, PROVISIONER_HEADERS.idempotencyKey);
  const stepText = options.step ?? readHeader(headers, PROVISIONER_HEADERS.step);
  if (timestampText === undefined || signature === undefined || key === undefined || stepText === undefined) {
    return { ok: false, problem: 'missing-header' };
  }
  const headerStep = readHeader(headers, PROVISIONER_HEADERS.step);
  if (!isProvisionerStep(stepText) || (headerStep !== undefined && headerStep !== stepText)) return { ok: false, problem: 'unknown-step' };
  if (!/^\d{1,16}$/.test(timestampText)) return { ok: false, problem: 'bad-timestamp' };
  const timestampMs = Number(timestampText);
  const toleranceMs = options.toleranceMs ?? DEFAULT_PROVISIONER_TOLERANCE_MS;
  if (Math.abs(nowMs - timestampMs) > toleranceMs) return { ok: false, problem: 'stale-timestamp' };

  // HMAC over the timestamp text as received: that is what the sender signed.
  const signedAs = (s: string) => purposeSignature(s, timestampText, stepText, body);
  if (!secrets.some((s) => sameHex(signedAs(s), signature))) return { ok: false, problem: 'bad-signature' };

  let payload: unknown;
  try {
    payload = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch {
    return { ok: false, problem: 'bad-body' };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { ok: false, problem: 'bad-body' };
  const record = payload as Record<string, unknown>;
  const instanceId = record.instanceId;
  if (typeof instanceId !== 'string' || instanceId.length === 0) return { ok: false, problem: 'bad-body' };
  if (key !== provisionerIdempotencyKey(stepText, { ...record, instanceId })) return { ok: false, problem: 'bad-idempotency-key' };
  return { ok: true, step: stepText, timestampMs, idempotencyKey: key, payload: { ...record, instanceId } };
}
