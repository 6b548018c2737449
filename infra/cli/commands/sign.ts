/**
 * `kg sign`: computes the signatures the marketplace sends or expects, for debugging by hand.
 * @module
 */
import { EXIT, UsageError, parseCliArgs, requireOption, type CliCommand, type CliIo } from '../command';
import { signAkSk } from '../../../shared/marketplace/akskSigner';
import { bodySignHeader } from '../../../shared/security/bodySign';
import { signKit } from '../../../shared/security/kitSignature';
import { signV1AuthToken, parseWireQuery } from '../../../shared/security/v1AuthToken';
import { signV2 } from '../../../shared/security/v2Signature';

const usage = `usage:
  kg sign v2   --key K --nonce N --timestamp T       V2 basic signature of the JSON body on stdin (hex)
  kg sign kit  --key K --nonce N --timestamp T       kit x-sign of the JSON body on stdin (hex)
  kg sign v1   --key K                               V1 authToken of the URL-encoded query on stdin
                                                     (as on the wire; an authToken in it is ignored)
  kg sign body --key K                               Body-Sign header value of the exact bytes on stdin
  kg sign aksk --ak AK --sk SK --method M --url URL --date YYYYMMDDTHHMMSSZ [--header 'Name: value']...
                                                     Authorization header of an open-API call; body
                                                     (compact JSON, one trailing newline ignored) on stdin
`;

/** The query part of stdin: whitespace trimmed, anything up to a `?` (a pasted URL) dropped. */
export function queryFromStdin(raw: Buffer): string {
  const text = raw.toString('utf8').trim();
  const q = text.indexOf('?');
  return q === -1 ? text : text.slice(q + 1);
}

function parseHeader(line: string): [string, string] {
  const colon = line.indexOf(':');
  if (colon <= 0) throw new UsageError(`--header must be 'Name: value', got "${line}"`);
  return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
}

async function signHex(kind: 'v2' | 'kit', args: string[], io: CliIo): Promise<number> {
  const { values } = parseCliArgs(args, { key: { type: 'string' }, nonce: { type: 'string' }, timestamp: { type: 'string' } });
  const input = {
    key: requireOption(values, 'key'),
    nonce: requireOption(values, 'nonce'),
    timestamp: requireOption(values, 'timestamp'),
    body: (await io.readStdin()).toString('utf8'),
  };
  io.out(`${kind === 'v2' ? signV2(input) : signKit(input)}\n`);
  return EXIT.ok;
}

async function signV1(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCliArgs(args, { key: { type: 'string' } });
  const key = requireOption(values, 'key');
  const params = parseWireQuery(queryFromStdin(await io.readStdin()));
  io.out(`${signV1AuthToken({ key, params })}\n`);
  return EXIT.ok;
}

async function signBody(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCliArgs(args, { key: { type: 'string' } });
  const key = requireOption(values, 'key');
  io.out(`${bodySignHeader(key, await io.readStdin())}\n`);
  return EXIT.ok;
}

async function signAksk(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCliArgs(args, {
    ak: { type: 'string' }, sk: { type: 'string' }, method: { type: 'string' }, url: { type: 'string' },
    date: { type: 'string' }, header: { type: 'string', multiple: true },
  });
  const headers: Record<string, string> = {};
  for (const line of values.header ?? []) {
    const [name, value] = parseHeader(line);
    headers[name] = value;
  }
  const body = (await io.readStdin()).toString('utf8').replace(/\r?\n$/, '');
  const signed = signAkSk({
    ak: requireOption(values, 'ak'),
    sk: requireOption(values, 'sk'),
    method: requireOption(values, 'method'),
    url: requireOption(values, 'url'),
    date: requireOption(values, 'date'),
    headers,
    body,
  });
  io.out(`${signed['Authorization'] ?? ''}\n`);
  return EXIT.ok;
}

/** `kg sign <v2|kit|v1|body|aksk>`. */
export const command: CliCommand = {
  name: 'sign',
  summary: 'compute a V2, kit, V1 authToken, Body-Sign or AK/SK signature',
  usage,
  run: async (args, io) => {
    const [kind, ...rest] = args;
    switch (kind) {
      case 'v2':
      case 'kit':
        return signHex(kind, rest, io);
      case 'v1':
        return signV1(rest, io);
      case 'body':
        return signBody(rest, io);
      case 'aksk':
        return signAksk(rest, io);
      default:
        throw new UsageError(kind === undefined ? 'missing kind (v2, kit, v1, body or aksk)' : `unknown kind "${kind}" (v2, kit, v1, body or aksk)`);
    }
  },
};
