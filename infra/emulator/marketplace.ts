/**
 * KooGallery's side of the wire: signs and sends V2 POSTs and V1 GETs to one production URL, with
 * switches to break each part of a request on purpose (the `hostile` scenario).
 * @module
 */
import { canonicalJson } from './canonicalJson';
import { sendHttp, type HttpAnswer } from './httpClient';
import { signV1AuthToken, v1TimeStamp } from './v1Signer';
import { newNonce, signV2Request } from './v2Signer';

/** An answer with its body parsed, when it is a JSON object. */
export interface Exchange extends HttpAnswer {
  /** The body parsed as a JSON object, or undefined. */
  json?: Record<string, unknown>;
  /** Why `json` is missing (body not JSON, or JSON but not an object). */
  parseError?: string;
}

/** Ways to bend one V2 request. Every field is optional; the default is a correct request. */
export interface V2Options {
  /** Send this text as the body instead of the canonical JSON of `body` (signed as sent). */
  rawBody?: string | Buffer;
  nonce?: string;
  /** Unix time (ms) to stamp; default now. */
  timestampMs?: number;
  /** Stamp now plus this many ms (negative: in the past), computed when the request is built. */
  timestampOffsetMs?: number;
  /** Replace the computed signature. */
  signature?: string;
  /** Leave these query parameters out. */
  omit?: Array<'signature' | 'timestamp' | 'nonce'>;
  /** Send the signature as upper-case hex, as the doc examples show. */
  upperCaseSignature?: boolean;
  /** Send exactly this query string (after `?`), for replays. */
  query?: string;
}

/** Ways to bend one V1 request. */
export interface V1Options {
  authToken?: string;
}

/** Parses an answer's body as a JSON object (or says why it is not one). */
export function parseAnswer(answer: HttpAnswer): Exchange {
  if (answer.error) return { ...answer, parseError: answer.error };
  try {
    const value: unknown = JSON.parse(answer.body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return { ...answer, json: value as Record<string, unknown> };
    return { ...answer, parseError: 'body is JSON but not an object' };
  } catch {
    return { ...answer, parseError: 'body is not JSON' };
  }
}

/** A signed V2 request ready to send or replay. */
export interface PreparedV2 {
  query: string;
  body: Buffer;
}

/** Signs and sends requests the way KooGallery does. */
export class Marketplace {
  /**
   * @param url the merchant's production URL.
   * @param key the basic-interface access key.
   * @param timeoutMs per-request deadline (ms).
   */
  constructor(readonly url: string, private readonly key: string, readonly timeoutMs: number) {}

  /** Builds the query string and body bytes of a V2 request. */
  prepareV2(body: Record<string, unknown>, options: V2Options = {}): PreparedV2 {
    const text = options.rawBody ?? canonicalJson(body);
    const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
    if (options.query !== undefined) return { query: options.query, body: bytes };
    const nonce = options.nonce ?? newNonce();
    const timestamp = String(options.timestampMs ?? Date.now() + (options.timestampOffsetMs ?? 0));
    let signature = options.signature ?? signV2Request({ key: this.key, nonce, timestamp, payload: bytes.toString('utf8') });
    if (options.upperCaseSignature) signature = signature.toUpperCase();
    const omit = new Set(options.omit ?? []);
    const params = new URLSearchParams();
    if (!omit.has('signature')) params.set('signature', signature);
    if (!omit.has('timestamp')) params.set('timestamp', timestamp);
    if (!omit.has('nonce')) params.set('nonce', nonce);
    return { query: params.toString(), body: bytes };
  }

  /** Sends a prepared V2 request (again, for a replay). */
  async sendPrepared(prepared: PreparedV2): Promise<Exchange> {
    const target = new URL(this.url);
    const extra = prepared.query;
    target.search = target.search ? `${target.search}&${extra}` : extra;
    return parseAnswer(
      await sendHttp({
        method: 'POST',
        url: target.toString(),
        headers: { 'Content-Type': 'application/json;charset=utf8' },
        body: prepared.body,
        timeoutMs: this.timeoutMs,
      }),
    );
  }

  /** Signs and sends one V2 basic-interface call. */
  v2(body: Record<string, unknown>, options: V2Options = {}): Promise<Exchange> {
    return this.sendPrepared(this.prepareV2(body, options));
  }

  /** Signs and sends one V1 GET (`authToken` + `timeStamp`). */
  async v1(params: Record<string, string>, options: V1Options = {}): Promise<Exchange> {
    const signed: Record<string, string> = { ...params, timeStamp: params.timeStamp ?? v1TimeStamp() };
    const authToken = options.authToken ?? signV1AuthToken(this.key, signed);
    const target = new URL(this.url);
    for (const [name, value] of Object.entries(signed)) target.searchParams.set(name, value);
    target.searchParams.set('authToken', authToken);
    return parseAnswer(await sendHttp({ method: 'GET', url: target.toString(), timeoutMs: this.timeoutMs }));
  }
}
