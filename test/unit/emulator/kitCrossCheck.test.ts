import { tryVerify } from '../../../shared/security/verifyResult';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { allOrgBody, applicationBody, authBody, bareKeyOrgText, FLAG, kitUsers, newBinding, orgTree, singleOrgBody, tenantBody } from '../../../infra/emulator/kitBodies';
import { KitMarketplace, kitUrl, type KitInterface, type KitV2Options } from '../../../infra/emulator/kitClient';
import { encryptClientSecret, OAEP_VARIANTS, oaepEncode, readRsaPublicKey } from '../../../infra/emulator/rsaOaep';
import { signV2Request } from '../../../infra/emulator/v2Signer';
import { verifyKitSignature } from '../../../shared/security/kitSignature';
import { decryptOaep } from '../../../shared/security/rsaOaep';
import { parseWireQuery, verifyV1PostAuthToken } from '../../../shared/security/v1AuthToken';

// The emulator's kit signer is written from the specification, not from shared/security. These tests
// check the two independent implementations agree, so a disagreement in a run points at a real bug.
const KIT = 'emu-kit-key-0001';
const BASIC = 'emu-basic-key-0001';
const market = new KitMarketplace('http://127.0.0.1:9/base/', KIT, 1_000);
const b = newBinding('kgemu-instance-1', 'CS0000000000EMU00', 0);
const orgs = orgTree('D');

function verifyPrepared(name: KitInterface, body: Record<string, unknown>, options: KitV2Options = {}) {
  const call = market.prepareV2(name, body, options);
  const headers = Object.fromEntries(Object.entries(call.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return tryVerify(() => verifyKitSignature({ body: call.body.toString('utf8'), headers, keys: [KIT], nowMs: Date.now() }));
}

describe('the V2 kit calls the emulator signs', () => {
  it.each<[string, KitInterface, Record<string, unknown>, KitV2Options]>([
    ['tenantSync', 'tenantSync', tenantBody(b, FLAG.ADD), {}],
    ['applicationSync (base64 secret with "+", "/" and "=")', 'applicationSync', applicationBody(b, FLAG.ADD, 'emu-client', 'ab+/cd=='), {}],
    ['seller test data (empty ids, testFlag 1)', 'tenantSync', tenantBody(newBinding('', '', 1), FLAG.ADD), {}],
    ['a 500-user authSync (nested, non-ASCII)', 'authSync', authBody(b, FLAG.ADD, kitUsers('u-', 500, orgs)), {}],
    ['userList as a JSON string', 'authSync', authBody(b, FLAG.MODIFY, JSON.stringify(kitUsers('u-', 3, orgs))), {}],
    ['the bare-key orgInfoList string', 'allOrgSync', { ...allOrgBody(b, bareKeyOrgText(orgs)), flag: 1 }, {}],
    ['singleOrgSync with "/" and "&"', 'singleOrgSync', singleOrgBody(b, FLAG.ADD, orgs[1] ?? orgs[0]!), {}],
    ['an indented body with an upper-case x-sign', 'tenantSync', tenantBody(b, FLAG.ADD), { pretty: true, upperCaseSignature: true }],
    ['a null member', 'tenantSync', { ...tenantBody(b, FLAG.ADD), extra: null }, {}],
  ])('verify on the server code: %s (canonical form)', (_name, iface, body, options) => {
    expect(verifyPrepared(iface, body, options)).toMatchObject({ ok: true, keyIndex: 0, payloadForm: 'canonical' });
  });

  it.each<[string, KitV2Options, string]>([
    ['the basic-interface key', { key: BASIC }, '000001'],
    ['the basic-interface algorithm', { signer: signV2Request }, '000001'],
    ['a stale x-timestamp', { timestampOffsetMs: -61_000 }, '000002'],
    ['a future x-timestamp', { timestampOffsetMs: 61_000 }, '000002'],
    ['no x-nonce', { omit: ['x-nonce'] }, '000002'],
  ])('are refused by the server code when made with %s', (_name, options, code) => {
    expect(verifyPrepared('tenantSync', tenantBody(b, FLAG.DELETE), options)).toMatchObject({ ok: false, resultCode: code });
  });

  it('go to <production URL>/produceAPI/v2/<name>, keeping a path the URL has', () => {
    expect(market.prepareV2('authSync', {}).url).toBe('http://127.0.0.1:9/base/produceAPI/v2/authSync');
    expect(market.prepareV1('authSync', { timeStamp: '1' }).url).toBe('http://127.0.0.1:9/base/produceAPI/authSync');
    expect(kitUrl('https://example.isv.com', 'produceAPI/v2/tenantSync')).toBe('https://example.isv.com/produceAPI/v2/tenantSync');
  });
});

describe('the V1 kit calls the emulator signs', () => {
  const body = authBody(b, FLAG.ADD, JSON.stringify(kitUsers('u-', 5, orgs)));

  it('verify on the server code as a JSON body', () => {
    const call = market.prepareV1('authSync', body);
    const parsed = JSON.parse(call.body.toString('utf8')) as Record<string, unknown>;
    expect(tryVerify(() => verifyV1PostAuthToken({ body: parsed, authToken: call.headers.authToken, keys: [KIT] }))).toMatchObject({ ok: true });
    expect(tryVerify(() => verifyV1PostAuthToken({ body: parsed, authToken: call.headers.authToken, keys: [BASIC] }))).toMatchObject({ ok: false, resultCode: '000001' });
  });

  it('verify on the server code as a form post decoded once', () => {
    const call = market.prepareV1('tenantSync', tenantBody(b, FLAG.ADD), { form: true });
    expect(call.headers['Content-Type']).toMatch(/^application\/x-www-form-urlencoded/);
    const params = parseWireQuery(call.body.toString('utf8'));
    expect(params.name).toMatch(/企业/);
    expect(tryVerify(() => verifyV1PostAuthToken({ body: params, authToken: call.headers.authToken, keys: [KIT] }))).toMatchObject({ ok: true });
  });
});

describe('encryptClientSecret', () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it.each([
    ['sha256-mgf1-sha1', 'sha256', 'sha1'],
    ['sha1', 'sha1', 'sha1'],
    ['sha256', 'sha256', 'sha256'],
  ] as const)('makes %s ciphertext the server code decrypts with that reading', (variant, hash, mgf1Hash) => {
    const secret = encryptClientSecret(readRsaPublicKey(publicPem), 'client-secret 密钥', variant);
    expect(secret).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(decryptOaep(secret, [privatePem])).toMatchObject({ plaintext: 'client-secret 密钥', hash, mgf1Hash });
    expect(OAEP_VARIANTS).toContain(variant);
  });

  it('reads SPKI PEM, PKCS#1 PEM and the console form (bare base64 DER) alike', () => {
    const der = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const pkcs1 = pair.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    for (const text of [publicPem, pkcs1, der, `${der.slice(0, 64)}\n${der.slice(64)}\n`]) {
      expect(readRsaPublicKey(text).asymmetricKeyDetails?.modulusLength).toBe(2048);
    }
  });

  it('refuses text that is no RSA public key', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => readRsaPublicKey('hello')).toThrow(/not an RSA public key/);
    expect(() => readRsaPublicKey(ec)).toThrow(/not an RSA public key \(ec\)/);
  });

  it('encodes OAEP into k bytes with a zero first byte, and refuses a message too long (RFC 8017 §7.1.1)', () => {
    const em = oaepEncode(Buffer.from('m'), 256, 'sha256', 'sha1', Buffer.alloc(32, 1));
    expect(em.length).toBe(256);
    expect(em[0]).toBe(0);
    expect(() => oaepEncode(Buffer.alloc(256 - 2 * 32 - 1), 256, 'sha256', 'sha1')).toThrow(/too long/);
  });
});
