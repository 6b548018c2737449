/**
 * Kit answers: `{resultCode, resultMsg}` JSON with a `Body-Sign` made with the kit key that verified
 * the request. V1 requires it (§2.3); V2 does not mention it for the kit (§13.1), and an extra header
 * is harmless, so both get it, as the basic interfaces do.
 * @module
 */
import type { Responder, ResultModel } from '../callback/spec';
import { responseHeaders, serializeResponse } from '../protocol/respond';

/** The responder of a kit call signed with `key` (empty: no Body-Sign, before any key matched). */
export function kitResponder(key: string | undefined): Responder<ResultModel> {
  return {
    encode: (model) => serializeResponse(model),
    headers: (body) => responseHeaders(body, key || undefined),
  };
}
