import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, publicEncrypt } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { decryptOaep, generateRsaKeyPair, OaepDecryptError, splitPemKeys } from '../../../shared/security/rsaOaep';

// 3072 bits as the console requires; generated once per file.
const current = generateRsaKeyPair(3072);
const previous = generateRsaKeyPair(3072);
const dir = mkdtempSync(join(tmpdir(), 'kg-oaep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Encrypts with the openssl command line, choosing OAEP and MGF1 digests separately. */
function opensslOaep(publicKeyPem: string, plaintext: string, md: string, mgf1: string): string {
  const pub = join(dir, `pub-${md}-${mgf1}.pem`);
  writeFileSync(pub, publicKeyPem);
  return execFileSync('openssl', [
    'pkeyutl', '-encrypt', '-pubin', '-inkey', pub,
    '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md}`, '-pkeyopt', `rsa_mgf1_md:${mgf1}`,
  ], { input: plaintext }).toString('base64');
}

describe('decryptOaep', () => {
  it.each([
    ['sha256', 'sha256'],
    ['sha256', 'sha1'],
    ['sha1', 'sha1'],
  ] as const)('decrypts OAEP %s with MGF1-%s made by openssl', (hash, mgf1Hash) => {
    const ct = opensslOaep(current.publicKeyPem, 'client-secret-值', hash, mgf1Hash);
    expect(decryptOaep(ct, [current.privateKeyPem])).toEqual({ plaintext: 'client-secret-值', keyIndex: 0, hash, mgf1Hash });
  });

  it('finds the older key of a ring and names its index', () => {
    const ct = publicEncrypt({ key: previous.publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from('s3'));
    expect(decryptOaep(ct.toString('base64'), [current.privateKeyPem, previous.privateKeyPem])).toMatchObject({ plaintext: 's3', keyIndex: 1 });
  });

  it.each([
    ['no matching key', () => publicEncrypt({ key: previous.publicKeyPem, oaepHash: 'sha256' }, Buffer.from('x')).toString('base64')],
    ['PKCS#1 v1.5 padding', () => publicEncrypt({ key: current.publicKeyPem, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('x')).toString('base64')],
    ['a ciphertext of the wrong length', () => Buffer.alloc(100, 1).toString('base64')],
    ['text that is not base64', () => 'not base64 at all!'],
    ['an empty value', () => ''],
  ])('throws OaepDecryptError for %s', (_n, make) => {
    expect(() => decryptOaep(make(), [current.privateKeyPem])).toThrow(OaepDecryptError);
  });

  it('throws OaepDecryptError when a configured key is not a key', () => {
    const ct = publicEncrypt({ key: current.publicKeyPem, oaepHash: 'sha256' }, Buffer.from('x')).toString('base64');
    expect(() => decryptOaep(ct, ['-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'])).toThrow(OaepDecryptError);
  });
});

describe('splitPemKeys', () => {
  it('splits several PEM blocks separated by blank lines', () => {
    const keys = splitPemKeys(`${current.privateKeyPem}\n\n${previous.privateKeyPem}`);
    expect(keys).toEqual([current.privateKeyPem, previous.privateKeyPem]);
  });

  it('reads literal \\n escapes and bare base64 keys', () => {
    expect(splitPemKeys(current.privateKeyPem.replace(/\n/g, '\\n'))).toEqual([current.privateKeyPem]);
    const bare = current.privateKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const [wrapped] = splitPemKeys(`${bare}, ${bare}`);
    const ct = publicEncrypt({ key: current.publicKeyPem, oaepHash: 'sha256' }, Buffer.from('x')).toString('base64');
    expect(decryptOaep(ct, [wrapped ?? ''])).toMatchObject({ plaintext: 'x' });
  });

  it('finds nothing in text without keys', () => {
    expect(splitPemKeys('hello world')).toEqual([]);
  });
});

describe('generateRsaKeyPair', () => {
  it('gives the console form: the SPKI PEM body without header lines', () => {
    const body = current.publicKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    expect(current.publicKeyBase64).toBe(body);
    expect(current.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });
});
