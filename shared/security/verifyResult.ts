/**
 * What every request verifier returns.
 * @module
 */

/**
 * Accepted (naming the index in the key ring, newest first, of the key that matched) or refused with
 * the result code to answer: `000001` bad or missing signature, `000002` missing, malformed or stale
 * parameter. `reason` is safe to log: it never holds a key or an expected signature.
 */
export type VerifyResult =
  | { ok: true; keyIndex: number; /** Which payload form matched (V2 and kit; see payloadForms). */ payloadForm?: PayloadForm }
  | { ok: false; resultCode: '000001' | '000002'; reason: string };

/**
 * The form of the JSON body a V2 or kit signature matched: `canonical` (the official sample's form),
 * `deep-sorted` (nested keys sorted too) or `raw` (the body bytes as received).
 */
export type PayloadForm = 'canonical' | 'deep-sorted' | 'raw';

/** A refusal with `000001` (authentication failed). */
export function authFailure(reason: string): VerifyResult {
  return { ok: false, resultCode: '000001', reason };
}

/** A refusal with `000002` (invalid parameter). */
export function paramFailure(reason: string): VerifyResult {
  return { ok: false, resultCode: '000002', reason };
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
