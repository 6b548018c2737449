/**
 * A V2 request whose signature held, as every spec's `verify` returns it: the V2 basic interfaces and the kit
 * syncs check different headers, but accept alike.
 * @module
 */
import type { Verification } from '../security/verifyResult';
import type { Responder, ResultModel, Verified } from './spec';

/**
 * The {@link Verified} of a V2 request `verdict` accepted: the key of `keys` that matched, answered through
 * `responderFor(key, index)`, the payload form that matched, the `nonce` to reserve and the body `json` read while
 * verifying (each left out when absent).
 */
export function acceptedV2<M extends ResultModel, R extends Responder<M>>(
  verdict: Verification,
  keys: readonly string[],
  responderFor: (key: string, index: number) => R,
  nonce: string | undefined,
  json: unknown,
): Verified<M> & { responder: R } {
  const { keyIndex } = verdict;
  const key = keys[keyIndex] ?? '';
  const verified: Verified<M> & { responder: R } = { protocol: 'v2', keyIndex, key, responder: responderFor(key, keyIndex) };
  if (verdict.payloadForm) verified.payloadForm = verdict.payloadForm;
  if (nonce) verified.nonce = nonce;
  if (json !== undefined) verified.json = json;
  return verified;
}
