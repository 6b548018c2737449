/**
 * `kg verify`: checks a captured marketplace call against one or more keys and says which key matched.
 * @module
 */
import { EXIT, UsageError, parseCliArgs, requireOption, type CliCommand, type CliIo } from '../command';
import { keyFingerprint } from '../../../shared/security/keyFingerprint';
import { checkTimestamp } from '../../../shared/security/freshness';
import { verifyKitSignature } from '../../../shared/security/kitSignature';
import { parseWireQuery, verifyV1AuthToken } from '../../../shared/security/v1AuthToken';
import { verifyV2Signature } from '../../../shared/security/v2Signature';
import { tryVerify, type VerifyResult } from '../../../shared/security/verifyResult';
import { queryFromStdin } from './sign';

const usage = `usage:
  kg verify v2  --key K [--key K2]... --nonce N --timestamp T --signature S [--now MS]   (JSON body on stdin)
  kg verify kit --key K [--key K2]... --nonce N --timestamp T --signature X_SIGN [--now MS]
  kg verify v1  --key K [--key K2]...                    (URL-encoded query incl. authToken on stdin)
Keys are tried newest first; the one that matched is printed as its index and a short fingerprint.
--now is the time to check against (ms since the epoch); default: the clock. Exit 0 verified, 1 refused.
`;

function keysOf(values: { key?: string[] | undefined }): string[] {
  const keys = values.key ?? [];
  if (keys.length === 0 || keys.some((k) => k === '')) throw new UsageError('missing --key');
  return keys;
}

function report(result: VerifyResult, keys: readonly string[], io: CliIo): number {
  if (result.ok) {
    io.out(`verified: key #${result.keyIndex} (${keyFingerprint(keys[result.keyIndex] ?? '')}) matched\n`);
    return EXIT.ok;
  }
  io.err(`kg verify: refused with ${result.resultCode}: ${result.reason}\n`);
  return EXIT.failed;
}

async function verifyHex(kind: 'v2' | 'kit', args: string[], io: CliIo): Promise<number> {
  const { values } = parseCliArgs(args, {
    key: { type: 'string', multiple: true }, nonce: { type: 'string' }, timestamp: { type: 'string' },
    signature: { type: 'string' }, now: { type: 'string' },
  });
  const keys = keysOf(values);
  let nowMs = Date.now();
  if (values.now !== undefined) {
    if (!/^\d{1,16}$/.test(values.now)) throw new UsageError('--now must be ms since the epoch');
    nowMs = Number(values.now);
  }
  const nonce = requireOption(values, 'nonce');
  const timestamp = requireOption(values, 'timestamp');
  const signature = requireOption(values, 'signature');
  const body = (await io.readStdin()).toString('utf8');
  const check = (at: number): VerifyResult =>
    kind === 'v2'
      ? tryVerify(() => verifyV2Signature({ body, query: { nonce, timestamp, signature }, keys, nowMs: at }))
      : tryVerify(() => verifyKitSignature({ body, headers: { 'x-nonce': nonce, 'x-timestamp': timestamp, 'x-sign': signature }, keys, nowMs: at }));
  const result = check(nowMs);
  const code = report(result, keys, io);
  const clock = checkTimestamp(timestamp, nowMs);
  if (!result.ok && !clock.ok && clock.timestampMs !== undefined) {
    const stampMs = clock.timestampMs;
    const atStamp = check(stampMs);
    if (atStamp.ok) {
      io.err(`hint: the signature matches key #${atStamp.keyIndex}; only the timestamp is outside the window (pass --now ${stampMs} to check it as of its own time)\n`);
    }
  }
  return code;
}

async function verifyV1(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCliArgs(args, { key: { type: 'string', multiple: true } });
  const keys = keysOf(values);
  const params = parseWireQuery(queryFromStdin(await io.readStdin()));
  return report(tryVerify(() => verifyV1AuthToken({ params, keys })), keys, io);
}

/** `kg verify <v2|kit|v1>`. */
export const command: CliCommand = {
  name: 'verify',
  summary: 'check a V2, kit or V1 signature against one or more keys',
  usage,
  run: async (args, io) => {
    const [kind, ...rest] = args;
    switch (kind) {
      case 'v2':
      case 'kit':
        return verifyHex(kind, rest, io);
      case 'v1':
        return verifyV1(rest, io);
      default:
        throw new UsageError(kind === undefined ? 'missing kind (v2, kit or v1)' : `unknown kind "${kind}" (v2, kit or v1)`);
    }
  },
};
