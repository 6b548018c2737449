/**
 * Serialises a {@link ResponseModel} to the exact body the marketplace receives, and the headers to send with
 * it. Compact JSON; top-level keys in the order `resultCode`, `resultMsg`, `instanceId`, `encryptType`,
 * `appInfo`, `info`; only known fields are written. `memo` has its non-ASCII characters written as `\uXXXX`
 * escapes, as the reference asks (harmless in V1 too, so both versions do it). No I/O.
 * @module
 */
import type { AppInfoPlain, ResponseModel, UsageInfo } from './responseModel';
import { BODY_SIGN_HEADER, bodySignHeader } from '../security/bodySign';
import { encryptCredential, encryptTypeBits } from '../security/credentialCipher';

/** The response `Content-Type`. */
export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

/** Longest `resultMsg` written (UTF-16 code units), per the interface tables. */
export const MAX_RESULT_MSG = 255;


/** V1 credential encryption: `'1'` AES-256-CBC (the default), `'2'` AES-128-CBC. */
export type EncryptType = '1' | '2';

/** `\uXXXX` (lower-case hex) for every character outside ASCII in an already JSON-encoded string. */
export function escapeNonAscii(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** At most {@link MAX_RESULT_MSG} code units, never splitting a surrogate pair. */
function clipMessage(msg: string): string {
  if (msg.length <= MAX_RESULT_MSG) return msg;
  const cut = /[\ud800-\udbff]/.test(msg.charAt(MAX_RESULT_MSG - 1)) ? MAX_RESULT_MSG - 1 : MAX_RESULT_MSG;
  return msg.slice(0, cut);
}

/**
 * `out` (an object's text so far, from its `{`) with `"key":json` appended, after a comma unless it is the
 * first member; `out` as it is for an undefined value. Keys are the fixed ASCII names below, written as they
 * are. Built as one growing string: every answer goes through here.
 */
function member(out: string, key: string, json: string | undefined): string {
  if (json === undefined) return out;
  return `${out}${out.length === 1 ? '' : ','}"${key}":${json}`;
}

const str = (v: string | undefined): string | undefined => (v === undefined ? undefined : JSON.stringify(v));

function appInfoJson(a: AppInfoPlain): string {
  let out = member('{', 'frontEndUrl', str(a.frontEndUrl));
  out = member(out, 'adminUrl', str(a.adminUrl));
  out = member(out, 'userName', str(a.userName));
  out = member(out, 'password', str(a.password));
  out = member(out, 'memo', a.memo === undefined ? undefined : escapeNonAscii(JSON.stringify(a.memo)));
  return `${out}}`;
}

function usageJson(u: UsageInfo): string {
  let out = member('{', 'relatedInstanceId', str(u.relatedInstanceId));
  out = member(out, 'usageValue', JSON.stringify(u.usageValue));
  out = member(out, 'statisticalTime', str(u.statisticalTime));
  out = member(out, 'dashboardUrl', str(u.dashboardUrl));
  return `${out}}`;
}

function infoJson(info: NonNullable<ResponseModel['info']>): string {
  let out = '[';
  for (const e of info) {
    let entry = member('{', 'instanceId', str(e.instanceId));
    entry = member(entry, 'appInfo', e.appInfo === undefined ? undefined : appInfoJson(e.appInfo));
    entry = member(entry, 'usageInfo', e.usageInfo === undefined ? undefined : `[${e.usageInfo.map(usageJson).join(',')}]`);
    out += `${out.length === 1 ? '' : ','}${entry}}`;
  }
  return `${out}]`;
}

/** The exact response body for `model` (plus `encryptType` when given, V1 only). */
export function serializeResponse(model: ResponseModel, encryptType?: EncryptType): string {
  let out = member('{', 'resultCode', str(model.resultCode));
  out = member(out, 'resultMsg', str(clipMessage(model.resultMsg)));
  out = member(out, 'instanceId', str(model.instanceId));
  out = member(out, 'encryptType', str(encryptType));
  out = member(out, 'appInfo', model.appInfo === undefined ? undefined : appInfoJson(model.appInfo));
  out = member(out, 'info', model.info === undefined ? undefined : infoJson(model.info));
  return `${out}}`;
}

/**
 * The headers of an answer whose exact body is `body`: `Content-Type`, and `Body-Sign` over those bytes when
 * a key is given (mandatory on V1, optional on V2). Also used for a stored body replayed byte for byte.
 */
export function responseHeaders(body: string, signKey?: string): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': JSON_CONTENT_TYPE };
  if (signKey !== undefined) headers[BODY_SIGN_HEADER] = bodySignHeader(signKey, body);
  return headers;
}

/** Options of {@link encodeV1Body}. */
export interface V1ResponseOptions {
  /** The V1 Key: encrypts the credentials and signs the body. */
  key: string;
  /** Key size of the credential encryption; default `'1'` (AES-256). */
  encryptType?: EncryptType;
  /** Supplies each 16-character IV; tests pass a fixed one. Default: a fresh random IV per field. */
  iv?: () => string;
}

/** The exact body of a V1 answer (credentials encrypted, `encryptType` added); sign it with {@link responseHeaders}. */
export function encodeV1Body(model: ResponseModel, options: V1ResponseOptions): string {
  const encryptType = options.encryptType ?? '1';
  const bits = encryptTypeBits(encryptType);
  const seal = (plaintext: string | undefined): string | undefined =>
    plaintext === undefined ? undefined : encryptCredential({ key: options.key, plaintext, bits, ...(options.iv ? { iv: options.iv() } : {}) });
  const sealApp = (a: AppInfoPlain): AppInfoPlain => {
    const out: AppInfoPlain = { ...a };
    const userName = seal(a.userName);
    const password = seal(a.password);
    if (userName !== undefined) out.userName = userName;
    if (password !== undefined) out.password = password;
    return out;
  };
  const sealed: ResponseModel = { ...model };
  if (model.appInfo) sealed.appInfo = sealApp(model.appInfo);
  if (model.info) sealed.info = model.info.map((e) => (e.appInfo ? { ...e, appInfo: sealApp(e.appInfo) } : e));
  const carriesAppInfo = sealed.appInfo !== undefined || (sealed.info ?? []).some((e) => e.appInfo !== undefined);
  return serializeResponse(sealed, carriesAppInfo ? encryptType : undefined);
}

