/**
 * Turns a {@link ResponseModel} into the exact bytes and headers of one basic protocol, and keeps
 * stored answers safe at rest: a body that carries credentials is sealed with the data key before it
 * goes into the record, and opened again for a replay.
 *
 * A V1 answer with credentials is stored with the model it came from and an id of the key that
 * encrypted it. A retry verified by the same key gets the stored bytes; a retry verified by another
 * key (after a rotation) gets the same answer encrypted and signed with that key, never credentials
 * encrypted with a key the marketplace did not use.
 * @module
 */
import { createHash, createHmac } from 'node:crypto';
import type { Responder } from '../callback/spec';
import type { ResponseModel } from '../protocol/responseModel';
import { encodeV1Body, responseHeaders, serializeResponse } from '../protocol/respond';
import { isSealed, type Sealer } from '../security/dataSeal';
import { RESULT } from '../core/resultCodes';

/** Encodes basic-interface answers for one request (or for provision-worker's stored answer). */
export interface BasicResponder extends Responder<ResponseModel> {
  readonly protocol: 'v1' | 'v2';
  /** What goes into `record.responses` for `body` (encoded from `model` by this responder). */
  storable(body: string, model: ResponseModel, sealer: Sealer): string;
  /** The body to send for a stored answer. */
  replay(stored: string, sealer: Sealer): string;
}

/**
 * The resultCode of a stored answer (`storable`'s output). A sealed one carries credentials, which only a
 * success does (`storable` seals nothing else); any other is the body itself.
 */
export function storedResultCode(stored: string): string {
  if (isSealed(stored)) return RESULT.SUCCESS;
  try {
    const parsed = JSON.parse(stored) as { resultCode?: unknown };
    return typeof parsed.resultCode === 'string' ? parsed.resultCode : RESULT.INTERNAL_ERROR;
  } catch {
    return RESULT.INTERNAL_ERROR;
  }
}

/** Marks a sealed V1 envelope `{kgReplay, keyId, body, model}` (older records hold the bare body). */
const ENVELOPE_PREFIX = '{"kgReplay":1,';

interface ReplayEnvelope {
  kgReplay: 1;
  keyId: string;
  body: string;
  model: ResponseModel;
}

function carriesCredentials(model: ResponseModel): boolean {
  const apps = [model.appInfo, ...(model.info ?? []).map((i) => i.appInfo)];
  return apps.some((a) => a !== undefined && (a.userName !== undefined || a.password !== undefined));
}

/**
 * IVs for re-encoding a stored answer under another key: derived from that key and the stored body, so
 * every retry verified by the same key gets the same bytes (docs/design.md §4), as a retry under the original
 * key does. Alphanumeric, 16 characters, like the random ones.
 */
function replayIvs(key: string, storedBody: string): () => string {
  let n = 0;
  return () => {
    const digest = createHmac('sha256', key).update(`kg-replay-iv\u0000${n++}\u0000${storedBody}`).digest();
    let iv = '';
    for (let i = 0; i < 16; i++) iv += IV_ALPHABET[(digest[i] as number) % IV_ALPHABET.length];
    return iv;
  };
}

const IV_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A non-secret id of a key (it only ever sits inside a sealed envelope). */
function keyIdOf(key: string): string {
  return createHash('sha256').update(`kg-key-id\u0000${key}`).digest('hex').slice(0, 16);
}

/**
 * V2 answers are plain JSON. By default (KG_BODY_SIGN `all`) we also send a V1-style `Body-Sign` with the key
 * that verified the request: no V2 page requires it, one 2024 fragment shows it, and the reference recommends
 * it as harmless (lifecycle.md §1.5). Without `signKey` (KG_BODY_SIGN `v1`) the answer carries none.
 */
export function v2Responder(signKey: string | undefined): BasicResponder {
  return {
    protocol: 'v2',
    encode: (model) => serializeResponse(model),
    headers: (body) => responseHeaders(body, signKey || undefined),
    storable: (body, model, sealer) => (carriesCredentials(model) ? sealer.seal(body) : body),
    replay: (stored, sealer) => (isSealed(stored) ? sealer.open(stored) : stored),
  };
}

/** V1 answers: credentials encrypted with the key that verified the request, and a mandatory Body-Sign. */
export function v1Responder(key: string, encryptType: '1' | '2'): BasicResponder {
  // Hashed only when an answer with credentials is stored or replayed, not for every request.
  let keyId: string | undefined;
  const ownKeyId = (): string => (keyId ??= keyIdOf(key));
  const encode = (model: ResponseModel): string => encodeV1Body(model, { key, encryptType });
  return {
    protocol: 'v1',
    encode,
    headers: (body) => responseHeaders(body, key),
    storable: (body, model, sealer) => {
      if (!carriesCredentials(model)) return body;
      const envelope: ReplayEnvelope = { kgReplay: 1, keyId: ownKeyId(), body, model };
      return sealer.seal(JSON.stringify(envelope));
    },
    replay: (stored, sealer) => {
      if (!isSealed(stored)) return stored;
      const opened = sealer.open(stored);
      if (!opened.startsWith(ENVELOPE_PREFIX)) return opened;
      const envelope = JSON.parse(opened) as ReplayEnvelope;
      return envelope.keyId === ownKeyId() ? envelope.body : encodeV1Body(envelope.model, { key, encryptType, iv: replayIvs(key, envelope.body) });
    },
  };
}

/** The responder for a record's protocol, signing with `key` (provision-worker: the newest key). */
export function basicResponder(protocol: 'v1' | 'v2', key: string, encryptType: '1' | '2'): BasicResponder {
  return protocol === 'v1' ? v1Responder(key, encryptType) : v2Responder(key);
}
