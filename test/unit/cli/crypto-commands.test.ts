import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../infra/cli/command';
import { main } from '../../../infra/cli/main';
import { decryptOaep, splitPemKeys } from '../../../shared/security/rsaOaep';
import { publicEncrypt } from 'node:crypto';

/** Runs `kg` in-process with the given stdin; collects stdout, stderr and the exit code. */
async function kg(args: string[], stdin: string | Buffer = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    readStdin: async () => Buffer.from(stdin),
    out: (t) => { out += t; },
    err: (t) => { err += t; },
    env: {},
  };
  const code = await main(args, io);
  return { code, out, err };
}

const KEY = 'test-access-key-0001';
const NONCE = '50D83FDECAED6CCD8EF597F2A577950527928BA287D04E6036E92B2806FD17DA';
const TS = '1680508066618';
const V2_BODY = '{"activity":"newInstance","businessId":"87b94795-0603-4e24-8ae5-69420d60e3c8","orderId":"CS2211181819B4LVS","orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}';
const V2_SIG = 'c506f4221ec15f98c40b8a5d5065d8b815a2c5596cf4421382088b5652565458';
const KIT_BODY = '{"tenantId":"68cbc86abc2018ab880d92f36422fa0e","flag":1,"testFlag":0,"domainName":"https://example.tenantaccount.com","instanceId":"huaiweitest123456","name":"huaiweitest","orderId":"CS1906666666ABCDE","tenantCode":"huawei","timeStamp":"20220413093539534"}';
const KIT_SIG = '60e5e9fc564b93105f92d99813cf10ef2aedda63299b9030226565fbad15a8e9';
const V1B_WIRE = 'activity=newInstance&businessId=61e834ba-7b97-4418-b8f7-e5345137278c&customerId=68cbc86abc2018ab880d92f36422fa0e&customerName=test_user&mobilePhone=0123456789abcdefxp7q1TOn7hGRMDSy9g0lTA%3D%3D&orderId=CS1906666666ABCDE&productId=00301-666666-0--0&testFlag=1&timeStamp=20240101080000123';
const V1B_TOKEN = 'Q/uopLfS6z7/64zqtX8EPVMDX4TlewCjrjY17hShFWc=';
const V1B_SIGNED = `${V1B_WIRE}&authToken=${encodeURIComponent(V1B_TOKEN)}\n`;
const V1C_BODY = '{"resultCode":"000000","resultMsg":"success.","instanceId":"87b94795-0603-4e24-8ae5-69420d60e3c8"}';

describe('kg sign', () => {
  it.each([
    ['v2', ['sign', 'v2', '--key', KEY, '--nonce', NONCE, '--timestamp', TS], `${V2_BODY}\n`, `${V2_SIG}\n`],
    ['kit', ['sign', 'kit', '--key', KEY, '--nonce', NONCE, '--timestamp', TS], KIT_BODY, `${KIT_SIG}\n`],
    ['v1 (wire form)', ['sign', 'v1', '--key', KEY], `${V1B_WIRE}\n`, `${V1B_TOKEN}\n`],
    ['v1 (official sample)', ['sign', 'v1', '--key', 'xxxxxxx'],
      'activity=newInstance&businessId=61e834ba-7b97-4418-b8f7-e5345137278c&customerId=68cbc86abc2018ab880d92f36422fa0e&expireTime=20200727153156&orderId=CS1906666666ABCDE&productId=00301-666666-0--0&testFlag=1&timeStamp=20200727073711903',
      'Gzbfjf9LHRBcI3bFVi++sLinCNOBF6qa7is1fvjEgYQ=\n'],
    ['body', ['sign', 'body', '--key', KEY], V1C_BODY, 'sign_type="HMAC-SHA256", signature="FGqWJoMsrKVpk6KKmBoxRPhcsFvJmqio1VqsAekCOWU="\n'],
    ['aksk GET', ['sign', 'aksk', '--ak', 'AKEXAMPLE', '--sk', 'SKEXAMPLE', '--method', 'GET', '--url',
      'https://mkt.myhuaweicloud.com/api/mkp-openapi-public/global/v1/order/query?orderId=CS1906666666ABCDE', '--date', '20240101T000000Z',
      '--header', 'Content-Type: application/json'], '',
      'SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;x-sdk-date, Signature=b2bd76148ba21a87b949298b89aa5255e292de23b09999d972437f8aa197104d\n'],
    ['aksk POST', ['sign', 'aksk', '--ak', 'AKEXAMPLE', '--sk', 'SKEXAMPLE', '--method', 'POST', '--url',
      'https://mkt.myhuaweicloud.com/api/mkp-openapi-public/global/v1/isv/usage-data', '--date', '20240101T000000Z', '--header', 'content-type: application/json'],
      '{"usage_records":[{"begin_time":"20240101T000000Z","end_time":"20240101T010000Z","instance_id":"inst-1","metering_sn":"sn-1","record_time":"20240101T010500Z","usage_value":"12"}]}\n',
      'SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;x-sdk-date, Signature=38a0148cf2934c18e73738422a3ee040da7c8056032ddef0d10a3455885a86a9\n'],
  ])('prints the %s vector', async (_n, args, stdin, expected) => {
    expect(await kg(args, stdin)).toEqual({ code: 0, out: expected, err: '' });
  });

  it('signs the body bytes exactly: a trailing newline changes the signature', async () => {
    const a = await kg(['sign', 'body', '--key', KEY], V1C_BODY);
    const b = await kg(['sign', 'body', '--key', KEY], `${V1C_BODY}\n`);
    expect(a.out).not.toBe(b.out);
  });

  it.each([
    ['no kind', ['sign']],
    ['an unknown kind', ['sign', 'v3']],
    ['a missing --key', ['sign', 'v2', '--nonce', NONCE, '--timestamp', TS]],
    ['an unknown option', ['sign', 'body', '--key', KEY, '--bogus']],
    ['a malformed --header', ['sign', 'aksk', '--ak', 'a', '--sk', 's', '--method', 'GET', '--url', 'https://h/', '--date', '20240101T000000Z', '--header', 'nocolon']],
  ])('exits 2 with one stderr line for %s', async (_n, args) => {
    const r = await kg(args, '{}');
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('exits 1 when the body is not a JSON object', async () => {
    const r = await kg(['sign', 'v2', '--key', KEY, '--nonce', NONCE, '--timestamp', TS], 'not json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/JSON/);
  });
});

describe('kg verify', () => {
  const now = String(Number(TS) + 1_000);

  it.each([
    ['v2', ['verify', 'v2', '--key', 'other-key', '--key', KEY, '--nonce', NONCE, '--timestamp', TS, '--signature', V2_SIG.toUpperCase(), '--now', now], V2_BODY],
    ['kit', ['verify', 'kit', '--key', 'other-key', '--key', KEY, '--nonce', NONCE, '--timestamp', TS, '--signature', KIT_SIG, '--now', now], KIT_BODY],
    ['v1', ['verify', 'v1', '--key', 'other-key', '--key', KEY], V1B_SIGNED],
  ])('exits 0 for %s and names key #1 by fingerprint only', async (_n, args, stdin) => {
    const r = await kg(args, stdin);
    expect(r.code).toBe(0);
    expect(r.out).toBe('verified: key #1 (test…(20 chars)) matched\n');
    expect(r.out).not.toContain(KEY);
  });

  it.each([
    ['a wrong v2 signature', ['verify', 'v2', '--key', KEY, '--nonce', NONCE, '--timestamp', TS, '--signature', 'ab'.repeat(32), '--now', now], V2_BODY, /000001/],
    ['a v2 call with a changed body', ['verify', 'v2', '--key', KEY, '--nonce', NONCE, '--timestamp', TS, '--signature', V2_SIG, '--now', now], V2_BODY.replace('newInstance', 'releaseInstance'), /000001/],
    ['a wrong kit key', ['verify', 'kit', '--key', 'other-key', '--nonce', NONCE, '--timestamp', TS, '--signature', KIT_SIG, '--now', now], KIT_BODY, /000001/],
    ['a v1 call without authToken', ['verify', 'v1', '--key', KEY], V1B_WIRE, /000001/],
    ['a v1 call with a wrong key', ['verify', 'v1', '--key', 'xxxxxxx'], V1B_SIGNED, /000001/],
  ])('exits 1 with the reason on stderr for %s', async (_n, args, stdin, reason) => {
    const r = await kg(args, stdin);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(reason);
    expect(r.err).not.toContain(KEY);
  });

  it('hints that only the timestamp is stale when the signature is right (default clock)', async () => {
    const r = await kg(['verify', 'v2', '--key', KEY, '--nonce', NONCE, '--timestamp', TS, '--signature', V2_SIG], V2_BODY);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/000002/);
    expect(r.err).toMatch(/hint: the signature matches key #0; only the timestamp is outside the window/);
  });

  it('gives no hint when the timestamp is stale and the signature wrong too', async () => {
    const r = await kg(['verify', 'kit', '--key', KEY, '--nonce', NONCE, '--timestamp', TS, '--signature', '00'.repeat(32)], KIT_BODY);
    expect(r.code).toBe(1);
    expect(r.err).not.toMatch(/hint/);
  });

  it.each([
    ['no key', ['verify', 'v1']],
    ['a bad --now', ['verify', 'v2', '--key', KEY, '--nonce', NONCE, '--timestamp', TS, '--signature', V2_SIG, '--now', 'yesterday']],
    ['a missing --signature', ['verify', 'kit', '--key', KEY, '--nonce', NONCE, '--timestamp', TS]],
    ['an unknown kind', ['verify', 'body', '--key', KEY]],
  ])('exits 2 for %s', async (_n, args) => {
    expect((await kg(args, V2_BODY)).code).toBe(2);
  });
});

describe('kg encrypt and kg decrypt', () => {
  it.each([
    ['xxxxxxx', 'Uh2977H2620i0K25', '15905222222', '256', 'Uh2977H2620i0K25jfBd+k8XeknCQrs8jcXzWw=='],
    ['xxxxxxx', 'AbCdEf0123456789', 'admin', '128', 'AbCdEf0123456789EwD4osKn1L6UtW2nj56JYw=='],
    [KEY, '0123456789abcdef', '用户名', '256', '0123456789abcdefnJ8Fzk+SQOVamPuLqaAzfQ=='],
  ])('encrypts and decrypts the vector of key %s iv %s', async (key, iv, text, bits, field) => {
    expect(await kg(['encrypt', '--key', key, '--bits', bits, '--iv', iv, text])).toEqual({ code: 0, out: `${field}\n`, err: '' });
    expect(await kg(['decrypt', '--key', key, '--bits', bits, field])).toEqual({ code: 0, out: `${text}\n`, err: '' });
    expect(await kg(['decrypt', '--key', key, field])).toEqual({ code: 0, out: `${text}\n`, err: '' });
  });

  it('round-trips with a random IV', async () => {
    const enc = await kg(['encrypt', '--key', KEY, 'Huawei@12345']);
    expect(enc.code).toBe(0);
    expect((await kg(['decrypt', '--key', KEY, '--bits', '256', enc.out.trim()])).out).toBe('Huawei@12345\n');
  });

  it('exits 1 naming the 128 limit when the text is too long, without echoing it', async () => {
    const r = await kg(['encrypt', '--key', KEY, `secret${'z'.repeat(80)}`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/128/);
    expect(r.err).not.toContain('secret');
  });

  it('exits 1 when the field does not decrypt with the key', async () => {
    const r = await kg(['decrypt', '--key', 'wrong-key', '0123456789abcdefnJ8Fzk+SQOVamPuLqaAzfQ==']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/does not decrypt/);
  });

  it.each([
    ['encrypt without text', ['encrypt', '--key', KEY]],
    ['encrypt with --bits 192', ['encrypt', '--key', KEY, '--bits', '192', 'x']],
    ['encrypt with a short --iv', ['encrypt', '--key', KEY, '--iv', 'short', 'x']],
    ['decrypt without --key', ['decrypt', 'field']],
  ])('exits 2 for %s', async (_n, args) => {
    expect((await kg(args)).code).toBe(2);
  });
});

describe('kg keygen', () => {
  it('makes a data key that is 32 bytes of base64', async () => {
    const r = await kg(['keygen', 'data-key']);
    expect(r.code).toBe(0);
    expect(Buffer.from(r.out.trim(), 'base64')).toHaveLength(32);
  });

  it('writes a 3072-bit RSA pair to --out that decrypts what its printed public key encrypts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kg-keygen-'));
    try {
      const r = await kg(['keygen', 'rsa', '--out', dir]);
      expect(r.code).toBe(0);
      const publicBase64 = r.out.split('\n')[1] ?? '';
      const pem = `-----BEGIN PUBLIC KEY-----\n${publicBase64.match(/.{1,64}/g)?.join('\n')}\n-----END PUBLIC KEY-----\n`;
      const privatePath = join(dir, 'kg-rsa-private.pem');
      expect(statSync(privatePath).mode & 0o777).toBe(0o600);
      const ct = publicEncrypt({ key: pem, oaepHash: 'sha256' }, Buffer.from('secret')).toString('base64');
      expect(decryptOaep(ct, splitPemKeys(readFileSync(privatePath, 'utf8'))).plaintext).toBe('secret');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the private key when no --out is given', async () => {
    const r = await kg(['keygen', 'rsa']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/-----BEGIN PRIVATE KEY-----/);
  });

  it.each([['rsa', '--bits', '2048'], ['ecdsa'], []])('exits 2 for keygen %j', async (...args) => {
    expect((await kg(['keygen', ...args])).code).toBe(2);
  });
});

describe('kg --help', () => {
  it('lists the crypto commands with their summaries', async () => {
    const r = await kg(['--help']);
    expect(r.code).toBe(0);
    for (const name of ['sign', 'verify', 'encrypt', 'decrypt', 'keygen']) expect(r.out).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(r.out).not.toMatch(/not yet available/);
  });

  it('exits 2 with one stderr line and nothing on stdout when no command is given', async () => {
    const r = await kg([]);
    expect(r).toEqual({ code: 2, out: '', err: 'kg: missing command (kg --help lists them)\n' });
  });

  it.each(['sign', 'verify', 'encrypt', 'decrypt', 'keygen'])('prints the usage of kg %s --help', async (name) => {
    const r = await kg([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/usage/);
  });
});

describe('bin/kg.cjs', () => {
  it('signs a V2 body when spawned for real', () => {
    const root = resolve(__dirname, '../../..');
    const r = spawnSync(process.execPath, [join(root, 'bin/kg.cjs'), 'sign', 'v2', '--key', KEY, '--nonce', NONCE, '--timestamp', TS], {
      input: V2_BODY, cwd: root, encoding: 'utf8', timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${V2_SIG}\n`);
  }, 90_000);
});
