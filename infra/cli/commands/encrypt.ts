/**
 * `kg encrypt`: encrypts a credential the way V1 responses carry it (IV + base64 AES-CBC).
 * @module
 */
import { EXIT, UsageError, parseCliArgs, requireOption, type CliCommand } from '../command';
import { encryptCredential } from '../../../shared/security/credentialCipher';

/** Reads `--bits`: 128 or 256, default 256 (encryptType "1"). */
export function bitsOption(value: string | undefined, allowAuto: boolean): 128 | 256 | 'auto' {
  if (value === undefined) return allowAuto ? 'auto' : 256;
  if (value === '128') return 128;
  if (value === '256') return 256;
  if (allowAuto && value === 'auto') return 'auto';
  throw new UsageError(`--bits must be 128 or 256${allowAuto ? ' or auto' : ''}`);
}

/** `kg encrypt --key K [--bits 128|256] [--iv IV] TEXT`. */
export const command: CliCommand = {
  name: 'encrypt',
  summary: 'encrypt a V1 credential field (userName/password)',
  usage: `usage: kg encrypt --key K [--bits 128|256] [--iv IV] TEXT
  --bits 256 is encryptType "1" (the default), 128 is encryptType "2".
  --iv   16 ASCII characters; random alphanumerics when omitted.
Prints the field: the IV followed by base64(AES-CBC). At most 128 characters (79 bytes of text).
`,
  run: async (args, io) => {
    const { values, positionals } = parseCliArgs(args, { key: { type: 'string' }, bits: { type: 'string' }, iv: { type: 'string' } }, true);
    const key = requireOption(values, 'key');
    const bits = bitsOption(values.bits, false) as 128 | 256;
    if (positionals.length !== 1) throw new UsageError('give exactly one TEXT to encrypt');
    const plaintext = positionals[0] ?? '';
    if (values.iv !== undefined && !/^[\x21-\x7e]{16}$/.test(values.iv)) throw new UsageError('--iv must be 16 printable ASCII characters');
    io.out(`${encryptCredential({ key, plaintext, bits, iv: values.iv })}\n`);
    return EXIT.ok;
  },
};
