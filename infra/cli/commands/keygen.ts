/**
 * `kg keygen`: new keys a merchant needs: the 应用凭证 RSA pair and the KG_DATA_KEY.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, UsageError, parseCliArgs, type CliCommand, type CliIo } from '../command';
import { generateDataKey } from '../../../shared/security/dataSeal';
import { generateRsaKeyPair } from '../../../shared/security/rsaOaep';

const usage = `usage:
  kg keygen rsa [--bits 3072] [--out DIR]   RSA key pair for 应用凭证管理 (the console asks for >= 3072 bits).
                                            Prints the public key as the console wants it (base64, no
                                            header lines). With --out, writes DIR/kg-rsa-private.pem (mode
                                            600) and DIR/kg-rsa-public.pem; without, prints the private key.
  kg keygen data-key                        A new random KG_DATA_KEY (32 bytes, base64).
`;

function rsa(args: string[], io: CliIo): number {
  const { values } = parseCliArgs(args, { bits: { type: 'string' }, out: { type: 'string' } });
  const bits = values.bits === undefined ? 3072 : Number(values.bits);
  if (!Number.isInteger(bits) || bits < 3072 || bits > 8192 || bits % 1024 !== 0) {
    throw new UsageError('--bits must be 3072, 4096, ... up to 8192 (the console requires at least 3072)');
  }
  const pair = generateRsaKeyPair(bits);
  io.out(`public key for 应用凭证管理 (paste as is):\n${pair.publicKeyBase64}\n`);
  if (values.out !== undefined) {
    mkdirSync(values.out, { recursive: true });
    const priv = join(values.out, 'kg-rsa-private.pem');
    const pub = join(values.out, 'kg-rsa-public.pem');
    writeFileSync(priv, pair.privateKeyPem, { mode: 0o600 });
    writeFileSync(pub, pair.publicKeyPem);
    io.out(`private key written to ${priv} (put it in KG_RSA_PRIVATE_KEY; keep the old one until orders are updated)\npublic key written to ${pub}\n`);
  } else {
    io.out(`private key (secret; put it in KG_RSA_PRIVATE_KEY):\n${pair.privateKeyPem}`);
  }
  return EXIT.ok;
}

/** `kg keygen <rsa|data-key>`. */
export const command: CliCommand = {
  name: 'keygen',
  summary: 'make an RSA key pair (应用凭证) or a KG_DATA_KEY',
  usage,
  run: async (args, io) => {
    const [kind, ...rest] = args;
    if (kind === 'rsa') return rsa(rest, io);
    if (kind === 'data-key') {
      parseCliArgs(rest, {});
      io.out(`${generateDataKey()}\n`);
      return EXIT.ok;
    }
    throw new UsageError(kind === undefined ? 'missing kind (rsa or data-key)' : `unknown kind "${kind}" (rsa or data-key)`);
  },
};
