/**
 * RSA-OAEP for the 应用凭证 (application credential): the marketplace encrypts `clientSecret` in
 * `applicationSync` with the merchant's public key. The exact OAEP parameters are not documented (the
 * doc sentence is cut off), so decryption tries, per key: OAEP SHA-256 with MGF1-SHA-256, OAEP SHA-256
 * with MGF1-SHA-1 (what Java's `OAEPWithSHA-256AndMGF1Padding` does by default), and OAEP SHA-1.
 * Node's `oaepHash` cannot mix the two digests, so that variant is decoded here over a raw RSA operation.
 * @module
 */
import { constants, createHash, generateKeyPairSync, privateDecrypt } from 'node:crypto';

type Digest = 'sha256' | 'sha1';

/** No configured private key could decrypt the value. Never carries key material or the ciphertext. */
export class OaepDecryptError extends Error {
  override name = 'OaepDecryptError';
}

/** The result of {@link decryptOaep}: which key (index) and which OAEP digest worked. */
export interface OaepPlaintext {
  plaintext: string;
  keyIndex: number;
  /** OAEP label digest. */
  hash: Digest;
  /** MGF1 digest (equals `hash` except for Java's SHA-256/MGF1-SHA-1 default). */
  mgf1Hash: Digest;
}

const VARIANTS: ReadonlyArray<{ hash: Digest; mgf1Hash: Digest }> = [
  { hash: 'sha256', mgf1Hash: 'sha256' },
  { hash: 'sha256', mgf1Hash: 'sha1' },
  { hash: 'sha1', mgf1Hash: 'sha1' },
];

function hashOf(alg: Digest, data: Buffer): Buffer {
  return createHash(alg).update(data).digest();
}

function mgf1(alg: Digest, seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let have = 0;
  for (let counter = 0; have < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = hashOf(alg, Buffer.concat([seed, c]));
    out.push(block);
    have += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}

/** EME-OAEP decoding (RFC 8017 §7.1.2) with an empty label; undefined when the encoding is invalid. */
function oaepDecode(em: Buffer, hash: Digest, mgf1Hash: Digest): Buffer | undefined {
  const hLen = hashOf(hash, Buffer.alloc(0)).length;
  if (em.length < 2 * hLen + 2) return undefined;
  const maskedSeed = em.subarray(1, 1 + hLen);
  const maskedDb = em.subarray(1 + hLen);
  const seed = xor(maskedSeed, mgf1(mgf1Hash, maskedDb, hLen));
  const db = xor(maskedDb, mgf1(mgf1Hash, seed, maskedDb.length));
  const labelOk = db.subarray(0, hLen).equals(hashOf(hash, Buffer.alloc(0)));
  let sep = hLen;
  while (sep < db.length && db[sep] === 0) sep++;
  if (em[0] !== 0 || !labelOk || db[sep] !== 1) return undefined;
  return db.subarray(sep + 1);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decrypts a base64 RSA-OAEP ciphertext with the first private key (newest first) and OAEP variant
 * that yields a valid encoding of UTF-8 text.
 * @throws OaepDecryptError when no key and variant works, or the input is not base64.
 */
export function decryptOaep(ciphertextBase64: string, privateKeysPem: readonly string[]): OaepPlaintext {
  // URL-safe base64 and spaces from a lost `+` are tolerated.
  const b64 = ciphertextBase64.trim().replace(/ /g, '+').replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new OaepDecryptError('ciphertext is not base64');
  const ct = Buffer.from(b64, 'base64');
  for (const [keyIndex, pem] of privateKeysPem.entries()) {
    for (const v of VARIANTS) {
      const m = decryptVariant(pem, ct, v);
      if (m === undefined) continue;
      try {
        return { plaintext: strictUtf8.decode(m), keyIndex, ...v };
      } catch {
        // not text: keep trying
      }
    }
  }
  throw new OaepDecryptError(`no configured private key (of ${privateKeysPem.length}) decrypts the value`);
}

/**
 * One OAEP variant with one key. Uniform digests go through OpenSSL's own OAEP (constant time); only
 * Java's SHA-256 / MGF1-SHA-1 mix, which Node cannot ask OpenSSL for, is decoded here over raw RSA.
 * That decoder is not constant time; it is reached only with ciphertexts inside kit requests whose
 * x-sign verified, so no outsider can use it as a padding oracle.
 */
function decryptVariant(pem: string, ct: Buffer, v: { hash: Digest; mgf1Hash: Digest }): Buffer | undefined {
  try {
    if (v.hash === v.mgf1Hash) return privateDecrypt({ key: pem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: v.hash }, ct);
    return oaepDecode(privateDecrypt({ key: pem, padding: constants.RSA_NO_PADDING }, ct), v.hash, v.mgf1Hash);
  } catch {
    return undefined; // wrong key, wrong variant, wrong length, or not a usable private key
  }
}

const PEM_BLOCK = /-----BEGIN ((?:RSA |ENCRYPTED )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/g;

function wrapPem(label: string, base64: string): string {
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * Splits configuration text into private keys: every PEM block found, or, when there is none, every
 * bare base64 token (PKCS#8 DER, as keys often lose their header lines in environment variables),
 * wrapped as `PRIVATE KEY` PEM. Literal `\n` sequences (a common env-var form) count as newlines.
 */
export function splitPemKeys(text: string): string[] {
  const normalized = text.replace(/\\n/g, '\n');
  const blocks = normalized.match(PEM_BLOCK);
  if (blocks) return blocks.map((b) => `${b.trim()}\n`);
  return normalized
    .split(/[\s,;]+/)
    .filter((t) => /^[A-Za-z0-9+/]{64,}={0,2}$/.test(t))
    .map((t) => wrapPem('PRIVATE KEY', t));
}

/**
 * A new RSA key pair for the 应用凭证 console (the marketplace asks for at least 3072 bits).
 * @returns PEM (SPKI public, PKCS#8 private) and the public key as bare base64 DER, the form the
 * console's public-key box takes (no header lines).
 */
export function generateRsaKeyPair(bits = 3072): { publicKeyPem: string; privateKeyPem: string; publicKeyBase64: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyBase64: der.toString('base64'),
  };
}
