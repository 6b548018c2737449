/**
 * Verifiers return a verdict; the engine reports failure one way, by throwing the documented error.
 * @module
 */
import { AuthError, InvalidParamError } from '../core/errors';
import { RESULT } from '../core/resultCodes';
import type { VerifyResult } from '../security/verifyResult';

/** Turns a failed verification into its error (`000001` / `000002`); returns the index of the key that matched. */
export function acceptVerdict(verdict: VerifyResult): number {
  if (verdict.ok) return verdict.keyIndex;
  throw verdict.resultCode === RESULT.AUTH_FAILED ? new AuthError(verdict.reason) : new InvalidParamError(verdict.reason);
}
