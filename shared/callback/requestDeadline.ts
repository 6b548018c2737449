/**
 * How long one request may take: until the function's end (FunctionGraph kills it at its timeout) and
 * until the gateway stops waiting (APIG answers 504, a non-JSON body, after its backend timeout),
 * whichever comes first, less a margin to send the answer.
 * @module
 */

/** The APIG backend timeout the deployment sets (ms); the marketplace itself waits up to 20 s. */
export const GATEWAY_WAIT_MS = 5_000;

/** Time kept back to encode, log and send the answer (ms). */
export const ANSWER_MARGIN_MS = 250;

/** The request deadline (ms from now) for `remainingMs` left in the invocation. At least 1 ms. */
export function requestDeadlineMs(remainingMs: number): number {
  const left = Number.isFinite(remainingMs) ? remainingMs : GATEWAY_WAIT_MS;
  return Math.max(1, Math.min(left, GATEWAY_WAIT_MS) - ANSWER_MARGIN_MS);
}
