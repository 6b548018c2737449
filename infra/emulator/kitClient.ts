/**
 * The marketplace's side of the 联营 kit wire: signs and sends the five sync callbacks to
 * `<production URL>/produceAPI/v2/<name>` (headers `x-sign`, `x-timestamp`, `x-nonce`) and to the V1
 * `<production URL>/produceAPI/<name>` (header `authToken`), with switches to break each part on purpose.
 * @module
 */
import { sendHttp } from './httpClient';
import { kitPayload, signKitRequest, signV1KitAuthToken, type KitSignInput } from './kitSigner';
import { parseAnswer, type Exchange } from './marketplace';
import { newNonce } from './v2Signer';

/** The five kit interfaces (the last path segment). */
export const KIT_INTERFACES = ['tenantSync', 'applicationSync', 'authSync', 'singleOrgSync', 'allOrgSync'] as const;

/** A kit interface name. */
export type KitInterface = (typeof KIT_INTERFACES)[number];

/** Ways to bend one V2 kit call. Every field is optional; the default is a correct call. */
export interface KitV2Options {
  /** Send these bytes as the body instead of the JSON of `body`; signed as sent. */
  rawBody?: string | Buffer;
  /** Write the JSON indented (the merchant must re-canonicalise before checking x-sign). */
  pretty?: boolean;
  nonce?: string;
  /** Stamp now plus this many ms (negative: in the past). */
  timestampOffsetMs?: number;
  /** Replace the computed `x-sign`. */
  signature?: string;
  /** Sign with this key instead of the kit key (e.g. the basic-interface key). */
  key?: string;
  /** Sign with this algorithm instead of the kit one (e.g. the basic interface's inner-HMAC form). */
  signer?: (input: KitSignInput) => string;
  /** Leave these headers out. */
  omit?: Array<'x-sign' | 'x-timestamp' | 'x-nonce'>;
  /** Send `x-sign` as upper-case hex, as the doc example shows. */
  upperCaseSignature?: boolean;
}

/** Ways to bend one V1 kit call. */
export interface KitV1Options {
  /** Send this `authToken` instead of the computed one. */
  authToken?: string;
  /** Leave the `authToken` header out. */
  omitAuthToken?: boolean;
  /** Sign with this key instead of the kit key. */
  key?: string;
  /** Post `application/x-www-form-urlencoded` instead of JSON (every value as text). */
  form?: boolean;
}

/** A signed kit call, ready to send (again, for a replay). */
export interface PreparedKitCall {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

const JSON_TYPE = 'application/json;charset=UTF-8';

/** `base` with `subPath` appended to its path (a production URL with a path keeps it, §2.1). */
export function kitUrl(base: string, subPath: string): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${subPath}`;
  return url.toString();
}

/** Signs and sends kit callbacks the way KooGallery does. */
export class KitMarketplace {
  /**
   * @param url the merchant's production URL (the same one as the basic interface).
   * @param key the 联营SaaS同步接口 key.
   * @param timeoutMs per-request deadline (ms).
   */
  constructor(readonly url: string, private readonly key: string, readonly timeoutMs: number) {}

  /** Builds the URL, headers and body bytes of a V2 call to `name`. */
  prepareV2(name: KitInterface, body: Record<string, unknown>, options: KitV2Options = {}): PreparedKitCall {
    const text = options.rawBody ?? (options.pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body));
    const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
    const nonce = options.nonce ?? newNonce();
    const timestamp = String(Date.now() + (options.timestampOffsetMs ?? 0));
    const payload = options.rawBody === undefined ? kitPayload(body) : bytes.toString('utf8');
    let signature = options.signature ?? (options.signer ?? signKitRequest)({ key: options.key ?? this.key, nonce, timestamp, payload });
    if (options.upperCaseSignature) signature = signature.toUpperCase();
    const omit = new Set(options.omit ?? []);
    const headers: Record<string, string> = { 'Content-Type': JSON_TYPE };
    if (!omit.has('x-sign')) headers['x-sign'] = signature;
    if (!omit.has('x-timestamp')) headers['x-timestamp'] = timestamp;
    if (!omit.has('x-nonce')) headers['x-nonce'] = nonce;
    return { url: kitUrl(this.url, `produceAPI/v2/${name}`), headers, body: bytes };
  }

  /** Sends a prepared call. */
  async sendPrepared(call: PreparedKitCall): Promise<Exchange> {
    return parseAnswer(await sendHttp({ method: 'POST', url: call.url, headers: call.headers, body: call.body, timeoutMs: this.timeoutMs }));
  }

  /** Signs and sends one V2 kit call. */
  v2(name: KitInterface, body: Record<string, unknown>, options: KitV2Options = {}): Promise<Exchange> {
    return this.sendPrepared(this.prepareV2(name, body, options));
  }

  /** Builds one V1 call to `name`: the body (JSON or form) and its `authToken` header. */
  prepareV1(name: KitInterface, body: Record<string, unknown>, options: KitV1Options = {}): PreparedKitCall {
    const headers: Record<string, string> = {};
    let bytes: Buffer;
    if (options.form) {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) if (v !== undefined && v !== null) form.set(k, String(v));
      bytes = Buffer.from(form.toString(), 'utf8');
      headers['Content-Type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    } else {
      bytes = Buffer.from(JSON.stringify(body), 'utf8');
      headers['Content-Type'] = JSON_TYPE;
    }
    if (!options.omitAuthToken) headers.authToken = options.authToken ?? signV1KitAuthToken(options.key ?? this.key, body);
    return { url: kitUrl(this.url, `produceAPI/${name}`), headers, body: bytes };
  }

  /** Signs and sends one V1 kit call. */
  v1(name: KitInterface, body: Record<string, unknown>, options: KitV1Options = {}): Promise<Exchange> {
    return this.sendPrepared(this.prepareV1(name, body, options));
  }
}
