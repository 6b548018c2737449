/**
 * The emulator's own RSA-OAEP encryption of the applicationSync `clientSecret` with the merchant's
 * 应用凭证 public key (joint-operation-kit-and-sso.md §6). The docs say only "OAEP" (§13.2), so the
 * emulator sends each reading a Java marketplace could use: `OAEPPadding` (SHA-1), SHA-256 throughout,
 * and Java's `OAEPWithSHA-256AndMGF1Padding` default (SHA-256 label hash, MGF1 with SHA-1), which Node
 * cannot ask OpenSSL for and is encoded here (RFC 8017 §7.1.1) over a raw RSA operation.
 * @module
 */
import { constants, createHash, createPublicKey, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';

/** An OAEP reading: the label hash, and for the Java mix the MGF1 hash. */
export type OaepVariant = 'sha1' | 'sha256' | 'sha256-mgf1-sha1';

/** Every reading, the Java default mix first (what `Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding")` does). */
export const OAEP_VARIANTS: readonly OaepVariant[] = ['sha256-mgf1-sha1', 'sha1', 'sha256'];

/**
 * Reads a public key as the merchant has it: SPKI PEM (`kg keygen rsa` writes that), PKCS#1 PEM, or the
 * bare base64 DER the seller console takes (no header lines).
 * @throws Error when the text is none of these or not an RSA key.
 */
export function readRsaPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    key = trimmed.startsWith('-----BEGIN')
      ? createPublicKey(trimmed)
      : createPublicKey({ key: Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new Error('not an RSA public key (expected PEM, or base64 DER without header lines)');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`not an RSA public key (${key.asymmetricKeyType ?? 'unknown type'})`);
  return key;
}

const sha = (alg: 'sha1' | 'sha256', data: Buffer): Buffer => createHash(alg).update(data).digest();

function mgf1(alg: 'sha1' | 'sha256', seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0, have = 0; have < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = sha(alg, Buffer.concat([seed, c]));
    blocks.push(block);
    have += block.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function xor(a: Buffer, b: Buffer): Buffer {
  return Buffer.from(a.map((x, i) => x ^ (b[i] ?? 0)));
}

/** EME-OAEP encoding with an empty label (RFC 8017 §7.1.1 step 2) into `k` bytes. */
export function oaepEncode(message: Buffer, k: number, hash: 'sha1' | 'sha256', mgfHash: 'sha1' | 'sha256', seed: Buffer = randomBytes(sha(hash, Buffer.alloc(0)).length)): Buffer {
  const lHash = sha(hash, Buffer.alloc(0));
  const hLen = lHash.length;
  if (message.length > k - 2 * hLen - 2) throw new Error(`message too long for OAEP in a ${k * 8}-bit key`);
  const db = Buffer.concat([lHash, Buffer.alloc(k - message.length - 2 * hLen - 2), Buffer.from([1]), message]);
  const maskedDb = xor(db, mgf1(mgfHash, seed, k - hLen - 1));
  const maskedSeed = xor(seed, mgf1(mgfHash, maskedDb, hLen));
  return Buffer.concat([Buffer.from([0]), maskedSeed, maskedDb]);
}

/** Base64 RSA-OAEP ciphertext of `plaintext` (UTF-8) under `key`, in the given reading. */
export function encryptClientSecret(key: KeyObject, plaintext: string, variant: OaepVariant): string {
  const message = Buffer.from(plaintext, 'utf8');
  if (variant !== 'sha256-mgf1-sha1') {
    return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: variant }, message).toString('base64');
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits === undefined) throw new Error('RSA key without a modulus length');
  const em = oaepEncode(message, Math.ceil(bits / 8), 'sha256', 'sha1');
  return publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, em).toString('base64');
}
