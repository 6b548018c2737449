/**
 * Turns a {@link ResponseModel} into the exact bytes and headers of one protocol, and keeps stored
 * answers safe at rest: a body that carries credentials (V1 newInstance) is sealed with the data key
 * before it goes into the record, and opened again for a byte-identical replay.
 * @module
 */
import type { ResponseModel } from '../lifecycle/types';
import { encodeV1Body, responseHeaders, serializeResponse } from '../protocol/respond';
import { isSealed, type Sealer } from '../security/dataSeal';

/** Encodes answers for one request. */
export interface Responder {
  readonly protocol: 'v1' | 'v2';
  /** The exact body for a fresh answer. */
  encode(model: ResponseModel): string;
  /** Headers for a body (Content-Type, Body-Sign). */
  headers(body: string): Record<string, string>;
}

/**
 * V2 answers are plain JSON. We also send a V1-style `Body-Sign` with the key that verified the request:
 * no V2 page requires it, one 2024 fragment shows it, and it is harmless (lifecycle.md §1.5).
 */
export function v2Responder(signKey: string | undefined): Responder {
  return {
    protocol: 'v2',
    encode: (model) => serializeResponse(model),
    headers: (body) => responseHeaders(body, signKey || undefined),
  };
}

/** V1 answers: credentials encrypted with the key that verified the request, and a mandatory Body-Sign. */
export function v1Responder(key: string, encryptType: '1' | '2'): Responder {
  return {
    protocol: 'v1',
    encode: (model) => encodeV1Body(model, { key, encryptType }),
    headers: (body) => responseHeaders(body, key),
  };
}

/** What goes into `record.responses`: sealed when the body carries credentials. */
export function storableBody(body: string, model: ResponseModel, sealer: Sealer): string {
  const apps = [model.appInfo, ...(model.info ?? []).map((i) => i.appInfo)];
  const carriesCredentials = apps.some((a) => a !== undefined && (a.userName !== undefined || a.password !== undefined));
  return carriesCredentials ? sealer.seal(body) : body;
}

/** The body to replay from `record.responses`. */
export function replayableBody(stored: string, sealer: Sealer): string {
  return isSealed(stored) ? sealer.open(stored) : stored;
}
