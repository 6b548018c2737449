import { tryVerify } from '../../../shared/security/verifyResult';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Marketplace } from '../../../infra/emulator/marketplace';
import { v1NewInstanceParams } from '../../../infra/emulator/scenarios/v1';
import { changeCheckBody } from '../../../infra/emulator/v2Steps';
import { signV2Request } from '../../../infra/emulator/v2Signer';
import { decryptCredential } from '../../../shared/security/credentialCipher';
import { parseWireQuery, verifyV1AuthToken } from '../../../shared/security/v1AuthToken';
import { verifyV2Signature } from '../../../shared/security/v2Signature';

// The emulator must send what the specification makes hard to get right, or a server that gets it
// wrong passes every scenario: raw non-ASCII and "/" in the V2 signed payload (security-and-crypto.md
// §3.1 step 4), and V1 values URL-decoded exactly once, ciphertext signed as received (§4.1 step 1).
const KEY = 'emu-wire-key-0001';

/** What a server that escapes non-ASCII (Python's default `ensure_ascii`) and "/" (PHP's default) would sign. */
function asciiEscaped(payload: string): string {
  return payload.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(/\//g, '\\/');
}

describe('the changeInstanceCheck call the emulator signs', () => {
  const market = new Marketplace('http://127.0.0.1:9/', KEY, 1_000);
  const prepared = market.prepareV2(changeCheckBody('kgemu-instance-1'));
  const query = Object.fromEntries(new URLSearchParams(prepared.query));
  const body = prepared.body.toString('utf8');

  it('verifies on a server that signs the canonical payload (raw UTF-8, "/" unescaped)', () => {
    expect(tryVerify(() => verifyV2Signature({ body, query, keys: [KEY], nowMs: Number(query.timestamp) }))).toMatchObject({ ok: true });
  });

  it('is refused by a server that escapes non-ASCII or "/" before hashing', () => {
    const escaped = asciiEscaped(body);
    expect(escaped).not.toBe(body);
    expect(signV2Request({ key: KEY, nonce: query.nonce ?? '', timestamp: query.timestamp ?? '', payload: escaped })).not.toBe(query.signature);
  });
});

describe('the V1 newInstance the emulator sends', () => {
  let server: Server;
  let url = '';
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"resultCode":"000000","resultMsg":"success."}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('carries mobilePhone and email as Key-encrypted fields whose base64 holds "+" and "/"', () => {
    const params = v1NewInstanceParams(KEY, 'CS0000000000EMU00');
    for (const [field, text] of [['mobilePhone', '13800000000'], ['email', 'buyer@example.com']] as const) {
      const value = params[field] ?? '';
      expect(value.slice(16)).toMatch(/\+/);
      expect(value.slice(16)).toMatch(/\//);
      expect(decryptCredential({ key: KEY, field: value, bits: 256 }).text).toBe(text);
    }
    expect(params.customerName).toMatch(/ /);
  });

  it('verifies after one servlet-style decode of the wire query, and not after a second decode', async () => {
    await new Marketplace(url, KEY, 5_000).v1(v1NewInstanceParams(KEY, 'CS0000000000EMU01'));
    const raw = (seen.at(-1) ?? '').replace(/^\/\?/, '');
    const once = parseWireQuery(raw);
    expect(tryVerify(() => verifyV1AuthToken({ params: once, keys: [KEY] }))).toMatchObject({ ok: true });
    expect(once.mobilePhone).toMatch(/\+/);

    const twice: Record<string, string> = {};
    for (const [k, v] of Object.entries(once)) twice[k] = k === 'authToken' ? v : decodeURIComponent(v.replace(/\+/g, ' '));
    expect(tryVerify(() => verifyV1AuthToken({ params: twice, keys: [KEY] }))).toMatchObject({ ok: false, resultCode: '000001' });
  });
});
