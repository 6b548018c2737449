/**
 * The Agents gateway's JWT (platform-and-open-api.md §7.2) as verifyGatewayJwt and verifyGatewayCall check it.
 * Tokens are made here by hand from the reference (header {"alg":"HS256","sign_type":"SIGN"}, payload
 * {api_key, timestamp}, HMAC-SHA256 under the SK), not with the module's own signer.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GatewayAuthError, type GatewayAuthReason } from '../../../shared/apiProduct/errors';
import { verifyGatewayCall } from '../../../shared/apiProduct/gatewayAuth';
import { parseGatewayKeyRing, signGatewayJwt, verifyGatewayJwt } from '../../../shared/apiProduct/jwt';
import { gatewaySettings } from '../../../shared/apiProduct/settings';
import { ConfigError } from '../../../shared/core/errors';
import { loadConfig } from '../../../shared/platform/config';

const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const MIN = 60_000;
const RING = parseGatewayKeyRing(['ak-new:sk-new', 'ak-old:sk-old', 'ak-new:sk-newer-rotation']);

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A token by hand: header and payload as given, signed with `sk` under `mac`. */
function jwt(payload: unknown, sk = 'sk-new', header: unknown = { alg: 'HS256', sign_type: 'SIGN' }, mac: 'sha256' | 'sha512' | 'none' = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${mac === 'none' ? '' : createHmac(mac, sk).update(input).digest('base64url')}`;
}

function reason(f: () => unknown): GatewayAuthReason | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof GatewayAuthError) return e.reason;
    throw e;
  }
  return undefined;
}

describe('verifyGatewayJwt', () => {
  it('accepts a token of the reference shape and names its AK, timestamp and key', () => {
    expect(verifyGatewayJwt(jwt({ api_key: 'ak-new', timestamp: NOW }), RING, NOW)).toEqual({ apiKey: 'ak-new', timestampMs: NOW, keyIndex: 0 });
  });

  it.each<[string, unknown, string, number]>([
    ['a timestamp in seconds', Math.floor(NOW / 1000), 'sk-new', 0],
    ['a timestamp as a string of digits', String(NOW), 'sk-new', 0],
    ['a token 4 min 59 s old', NOW - 5 * MIN + 1000, 'sk-new', 0],
    ['a token 4 min 59 s ahead', NOW + 5 * MIN - 1000, 'sk-new', 0],
    ['exactly 5 min old', NOW - 5 * MIN, 'sk-new', 0],
    ['the older key of a rotation', NOW, 'sk-old', 1],
    ['the second SK of the same AK', NOW, 'sk-newer-rotation', 2],
  ])('accepts %s', (_what, timestamp, sk, keyIndex) => {
    const ak = sk === 'sk-old' ? 'ak-old' : 'ak-new';
    expect(verifyGatewayJwt(jwt({ api_key: ak, timestamp }, sk), RING, NOW).keyIndex).toBe(keyIndex);
  });

  it('accepts padded base64url and standard-base64 parts', () => {
    const token = jwt({ api_key: 'ak-new', timestamp: NOW, pad: 'x' });
    const [h, p, s] = token.split('.') as [string, string, string];
    const pad = (x: string) => x + '='.repeat((4 - (x.length % 4)) % 4);
    expect(verifyGatewayJwt(`${h}.${p}.${pad(s)}`, RING, NOW).apiKey).toBe('ak-new');
    const std = (x: string) => x.replace(/-/g, '+').replace(/_/g, '/');
    expect(verifyGatewayJwt(`${h}.${p}.${std(s)}`, RING, NOW).apiKey).toBe('ak-new');
  });

  it.each<[string, string, GatewayAuthReason]>([
    ['expired: 5 min 1 s old', jwt({ api_key: 'ak-new', timestamp: NOW - 5 * MIN - 1000 }), 'expired'],
    ['expired: an hour old, in seconds', jwt({ api_key: 'ak-new', timestamp: Math.floor((NOW - 60 * MIN) / 1000) }), 'expired'],
    ['future: 5 min 1 s ahead', jwt({ api_key: 'ak-new', timestamp: NOW + 5 * MIN + 1000 }), 'future'],
    ['wrong key: signed with another SK', jwt({ api_key: 'ak-new', timestamp: NOW }, 'sk-other'), 'bad-signature'],
    ['wrong key: the SK of another AK', jwt({ api_key: 'ak-new', timestamp: NOW }, 'sk-old'), 'bad-signature'],
    ['unknown api_key', jwt({ api_key: 'ak-nobody', timestamp: NOW }), 'unknown-key'],
    ['alg none without a signature', jwt({ api_key: 'ak-new', timestamp: NOW }, 'sk-new', { alg: 'none' }, 'none'), 'alg'],
    ['alg none with a valid HS256 signature', jwt({ api_key: 'ak-new', timestamp: NOW }, 'sk-new', { alg: 'none' }), 'alg'],
    ['alg HS512 signed with the SK', jwt({ api_key: 'ak-new', timestamp: NOW }, 'sk-new', { alg: 'HS512' }, 'sha512'), 'alg'],
    ['alg RS256', jwt({ api_key: 'ak-new', timestamp: NOW }, 'sk-new', { alg: 'RS256' }), 'alg'],
    ['alg hs256 in lower case', jwt({ api_key: 'ak-new', timestamp: NOW }, 'sk-new', { alg: 'hs256' }), 'alg'],
    ['no alg', jwt({ api_key: 'ak-new', timestamp: NOW }, 'sk-new', { sign_type: 'SIGN' }), 'alg'],
    ['an HS256 token with an empty signature', jwt({ api_key: 'ak-new', timestamp: NOW }, 'sk-new', undefined, 'none'), 'bad-signature'],
  ])('refuses %s', (_what, token, why) => {
    expect(reason(() => verifyGatewayJwt(token, RING, NOW))).toBe(why);
  });

  it('refuses a payload changed after signing', () => {
    const [h, , s] = jwt({ api_key: 'ak-new', timestamp: NOW }).split('.') as [string, string, string];
    expect(reason(() => verifyGatewayJwt(`${h}.${b64({ api_key: 'ak-new', timestamp: NOW + 1 })}.${s}`, RING, NOW))).toBe('bad-signature');
  });

  it.each<[string, string]>([
    ['empty', ''],
    ['two parts', 'a.b'],
    ['four parts', `${jwt({ api_key: 'ak-new', timestamp: NOW })}.x`],
    ['not base64', '***.***.***'],
    ['a header that is not JSON', `${b64('not json')}.${b64({ api_key: 'ak-new', timestamp: NOW })}.sig`],
    ['a header that is a JSON array', `${b64([1])}.${b64({ api_key: 'ak-new', timestamp: NOW })}.sig`],
    ['a payload that is not JSON', jwt('{"api_key":')],
    ['a payload that is null', jwt(null)],
    ['no api_key', jwt({ timestamp: NOW })],
    ['an empty api_key', jwt({ api_key: '', timestamp: NOW })],
    ['a numeric api_key', jwt({ api_key: 42, timestamp: NOW })],
    ['no timestamp', jwt({ api_key: 'ak-new' })],
    ['a negative timestamp', jwt({ api_key: 'ak-new', timestamp: -1 })],
    ['a fractional timestamp', jwt({ api_key: 'ak-new', timestamp: NOW + 0.5 })],
    ['a timestamp that is a date string', jwt({ api_key: 'ak-new', timestamp: '2026-01-01T00:00:00Z' })],
    ['a signature with foreign characters', `${jwt({ api_key: 'ak-new', timestamp: NOW })}!`],
    ['a token of 9,000 characters', `${'a'.repeat(9000)}.b.c`],
  ])('refuses a malformed token: %s', (_what, token) => {
    expect(reason(() => verifyGatewayJwt(token, RING, NOW))).toBe('malformed');
  });

  it('verifies what signGatewayJwt makes (the helper merchants use in their tests)', () => {
    expect(verifyGatewayJwt(signGatewayJwt('ak-old', 'sk-old', NOW), RING, NOW).apiKey).toBe('ak-old');
  });
});

describe('parseGatewayKeyRing', () => {
  it('splits ak:sk at the first colon (an SK may hold colons)', () => {
    expect(parseGatewayKeyRing(['a:b:c'])).toEqual([{ ak: 'a', sk: 'b:c' }]);
  });

  it.each([['no colon', 'secretvalue'], ['no AK', ':secretvalue'], ['no SK', 'secretvalue:']])('refuses an entry with %s, naming the setting and not the value', (_what, entry) => {
    expect(() => parseGatewayKeyRing(['good:pair', entry])).toThrow(ConfigError);
    expect(() => parseGatewayKeyRing(['good:pair', entry])).toThrow(/KG_GATEWAY_KEYS entry 2/);
    expect(() => parseGatewayKeyRing(['good:pair', entry])).not.toThrow(/secretvalue/);
  });
});

describe('verifyGatewayCall', () => {
  const config = (settings: Record<string, string>) => loadConfig((k) => settings[k]);
  const jwtMode = gatewaySettings(config({ KG_GATEWAY_KEYS: 'ak-new:sk-new' }));
  const good = jwt({ api_key: 'ak-new', timestamp: NOW });

  it.each<[string, Record<string, string>]>([
    ['Authorization: Bearer <jwt>', { authorization: `Bearer ${good}` }],
    ['the scheme in any case', { authorization: `bearer ${good}` }],
    ['the bare token', { authorization: good }],
  ])('reads %s', (_what, headers) => {
    expect(verifyGatewayCall(headers, jwtMode, NOW)).toEqual({ apiKey: 'ak-new', keyIndex: 0 });
  });

  it('reads the header KG_GATEWAY_AUTH_HEADER names, and only that one', () => {
    const custom = gatewaySettings(config({ KG_GATEWAY_KEYS: 'ak-new:sk-new', KG_GATEWAY_AUTH_HEADER: 'X-Gateway-Token' }));
    expect(verifyGatewayCall({ 'x-gateway-token': good }, custom, NOW).apiKey).toBe('ak-new');
    expect(reason(() => verifyGatewayCall({ authorization: `Bearer ${good}` }, custom, NOW))).toBe('missing');
  });

  it.each([[{}], [{ authorization: '' }], [{ authorization: '   ' }]])('refuses a call without credentials (%j) as missing', (headers) => {
    expect(reason(() => verifyGatewayCall(headers, jwtMode, NOW))).toBe('missing');
  });

  it('checks a constant header in constant mode, any value of the list', () => {
    const constant = gatewaySettings(config({ KG_GATEWAY_AUTH_MODE: 'constant', KG_GATEWAY_AUTH_HEADER: 'X-Backend-Auth', KG_GATEWAY_AUTH_VALUES: 'v-new,v-old' }));
    expect(verifyGatewayCall({ 'x-backend-auth': 'v-old' }, constant, NOW)).toEqual({ keyIndex: 1 });
    expect(reason(() => verifyGatewayCall({ 'x-backend-auth': 'v-other' }, constant, NOW))).toBe('bad-value');
    expect(reason(() => verifyGatewayCall({ 'x-backend-auth': good }, constant, NOW))).toBe('bad-value');
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['jwt mode without KG_GATEWAY_KEYS', {}, /missing setting KG_GATEWAY_KEYS/],
    ['constant mode without KG_GATEWAY_AUTH_VALUES', { KG_GATEWAY_AUTH_MODE: 'constant' }, /missing setting KG_GATEWAY_AUTH_VALUES/],
    ['a header name with a space', { KG_GATEWAY_KEYS: 'a:b', KG_GATEWAY_AUTH_HEADER: 'X Token' }, /KG_GATEWAY_AUTH_HEADER/],
    ['an unknown mode', { KG_GATEWAY_AUTH_MODE: 'oauth' }, /KG_GATEWAY_AUTH_MODE/],
    ['a window that is not a number', { KG_GATEWAY_KEYS: 'a:b', KG_GATEWAY_JWT_WINDOW_MS: 'soon' }, /KG_GATEWAY_JWT_WINDOW_MS/],
  ])('refuses configuration: %s', (_what, settings, message) => {
    expect(() => gatewaySettings(config(settings))).toThrow(message);
  });

  it('uses KG_GATEWAY_JWT_WINDOW_MS as the validity both ways', () => {
    const narrow = gatewaySettings(config({ KG_GATEWAY_KEYS: 'ak-new:sk-new', KG_GATEWAY_JWT_WINDOW_MS: '60000' }));
    expect(reason(() => verifyGatewayCall({ authorization: jwt({ api_key: 'ak-new', timestamp: NOW - 2 * MIN }) }, narrow, NOW))).toBe('expired');
    expect(verifyGatewayCall({ authorization: jwt({ api_key: 'ak-new', timestamp: NOW - 2 * MIN }) }, jwtMode, NOW).apiKey).toBe('ak-new');
  });
});
