/**
 * `kg decrypt`: decrypts a V1 encrypted field (buyer mobilePhone/email, or a credential we sent).
 * @module
 */
import { EXIT, UsageError, parseCliArgs, requireOption, type CliCommand } from '../command';
import { CredentialDecryptError, decryptCredential } from '../../../shared/security/credentialCipher';
import { bitsOption } from './encrypt';

/** `kg decrypt --key K [--bits 128|256|auto] FIELD`. */
export const command: CliCommand = {
  name: 'decrypt',
  summary: 'decrypt a V1 encrypted field (mobilePhone, email, userName, password)',
  usage: `usage: kg decrypt --key K [--bits 128|256|auto] FIELD
  --bits the product's encryption size; auto (default) tries 256 then 128.
Spaces in FIELD are read as "+" (a "+" lost to URL decoding). Exit 1 when it does not decrypt.
`,
  run: async (args, io) => {
    const { values, positionals } = parseCliArgs(args, { key: { type: 'string' }, bits: { type: 'string' } }, true);
    const key = requireOption(values, 'key');
    const bits = bitsOption(values.bits, true);
    if (positionals.length !== 1) throw new UsageError('give exactly one FIELD to decrypt');
    try {
      const { text } = decryptCredential({ key, field: positionals[0] ?? '', bits });
      io.out(`${text}\n`);
      return EXIT.ok;
    } catch (err) {
      if (!(err instanceof CredentialDecryptError)) throw err;
      io.err(`kg decrypt: ${err.message}\n`);
      return EXIT.failed;
    }
  },
};
