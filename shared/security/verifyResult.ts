/**
 * What every request verifier returns, and how it refuses: like the parsers, by throwing the documented
 * error (`AuthError` 000001: bad or missing signature; `InvalidParamError` 000002: missing, malformed or
 * stale parameter). Its message is safe to log: it never holds a key or an expected signature.
 * @module
 */
import { AuthError, InvalidParamError } from '../core/errors';

/** An accepted request: the index in the key ring (newest first) of the key that matched. */
export interface Verification {
  ok: true;
  keyIndex: number;
  /** Which payload form matched (V2 and kit; see payloadForms). */
  payloadForm?: PayloadForm;
}

/** A verification as a value, for tools that report rather than answer (`kg verify`, tests). */
export type VerifyResult = Verification | { ok: false; resultCode: '000001' | '000002'; reason: string };

/**
 * Runs a verifier and reports its refusal as a value instead of an error. Any other error is rethrown.
 * @example
 * const r = tryVerify(() => verifyV2Signature({ body, query, keys, nowMs: Date.now() }));
 * if (!r.ok) console.log(r.resultCode, r.reason);
 */
export function tryVerify(verify: () => Verification): VerifyResult {
  try {
    return verify();
  } catch (err) {
    if (err instanceof AuthError) return { ok: false, resultCode: '000001', reason: err.message };
    if (err instanceof InvalidParamError) return { ok: false, resultCode: '000002', reason: err.message };
    throw err;
  }
}

/**
 * The form of the JSON body a V2 or kit signature matched: `canonical` (the official sample's form),
 * `deep-sorted` (nested keys sorted too) or `raw` (the body bytes as received).
 */
export type PayloadForm = 'canonical' | 'deep-sorted' | 'raw';

/** Refuses with `000001` (authentication failed). */
export function authFailure(reason: string): never {
  throw new AuthError(reason);
}

/** Refuses with `000002` (invalid parameter). */
export function paramFailure(reason: string): never {
  throw new InvalidParamError(reason);
}

/**
 * Returns the index of the first usable key in `keys` for which `matches` is true, or -1. Empty keys
 * are skipped: an unset key must never verify anything. Every key is tried (no early exit), so the
 * time taken does not reveal which key matched.
 */
export function findMatchingKey(keys: readonly string[], matches: (key: string) => boolean): number {
  let found = -1;
  keys.forEach((key, i) => {
    if (key === '') return;
    if (matches(key) && found === -1) found = i;
  });
  return found;
}
