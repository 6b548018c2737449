/**
 * The check order shared by the V2 basic and the kit verifiers (Huawei sample `IsvProduceAPI`):
 * timestamp, then nonce (`000002`), then signature presence (`000001`), then the body (`000002`),
 * then the key ring (`000001`), over each payload form of {@link payloadForms}.
 * @module
 */
import { payloadForms } from './canonicalJson';
import { checkTimestamp, DEFAULT_WINDOW_MS } from './freshness';
import { constantTimeEqual } from './hmac';
import { authFailure, findMatchingKey, paramFailure, type Verification } from './verifyResult';

/** The signed parts of a V2 request, as received. */
export interface HexSignedRequest {
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
  /** The body text as received. */
  body: string;
  /** `JSON.parse(body)` when the caller has it already, so the body is not read twice (see payloadForms). */
  json?: unknown;
  /** Key ring, newest first. */
  keys: readonly string[];
  /** Current time (ms since the epoch). */
  nowMs: number;
  /** Allowed clock distance (ms); default 60 000. */
  windowMs?: number;
}

// Adapters deliver strings; anything else (a repeated parameter turned into an array) counts as missing.
function textOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Runs the shared checks; `expectedHex(key, payload)` computes the lower-case hex signature for one key
 * from the canonical payload. The received signature is compared case-insensitively.
 */
export function verifyHexSignedRequest(
  req: HexSignedRequest,
  names: { timestamp: string; nonce: string; signature: string },
  expectedHex: (key: string, payload: string) => string,
): Verification {
  const timestamp = textOrUndefined(req.timestamp);
  const nonce = textOrUndefined(req.nonce);
  const signature = textOrUndefined(req.signature);
  const clock = checkTimestamp(timestamp, req.nowMs, req.windowMs ?? DEFAULT_WINDOW_MS);
  if (!clock.ok) return paramFailure(clock.reason.replace(/^timestamp/, names.timestamp));
  if (nonce === undefined || nonce === '') return paramFailure(`${names.nonce} is missing`);
  if (signature === undefined || signature === '') return authFailure(`${names.signature} is missing`);
  let forms: ReturnType<typeof payloadForms>;
  try {
    forms = payloadForms(req.body, req.json);
  } catch {
    return paramFailure('body is not a JSON object');
  }
  // Doc examples are upper-case hex, the sample writes lower case and compares ignoring case.
  const received = signature.toLowerCase();
  for (const { form, payload } of forms) {
    const index = findMatchingKey(req.keys, (key) => constantTimeEqual(expectedHex(key, payload), received));
    if (index !== -1) return { ok: true, keyIndex: index, payloadForm: form };
  }
  return authFailure(`${names.signature} does not match any configured key`);
}
