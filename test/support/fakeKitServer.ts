/**
 * A small stand-in for a merchant's production interface that answers the 联营 kit callbacks by the
 * contract (x-sign / V1 authToken with the kit key, 60 s clock window both ways, nonce cache, 4 MB body
 * cap, parseKit, RSA-OAEP clientSecret, Body-Sign on V1) using the server's own shared/security code,
 * and the few basic calls the kit scenario makes (newInstance, queryInstance, releaseInstance) without
 * any state. It can inject one known fault, so the e2e suite proves the emulator notices it:
 * - `wrong-code-on-repeat`: the first repeated delivery of a buyer's tenantSync add answers 000005;
 * - `accepts-basic-key`: the basic-interface key verifies kit calls too;
 * - `one-sided-clock`: a future x-timestamp passes (the official sample's check);
 * - `secret-not-decrypted`: applicationSync never decrypts clientSecret;
 * - `no-body-sign`: V1 answers carry no Body-Sign;
 * - `none`: answers by the contract.
 */
import { tryVerify } from '../../shared/security/verifyResult';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseKit } from '../../shared/protocol/parseKit';
import type { KitName } from '../../shared/protocol/schemas/kit';
import { bodySignHeader } from '../../shared/security/bodySign';
import { verifyKitSignature } from '../../shared/security/kitSignature';
import { decryptOaep } from '../../shared/security/rsaOaep';
import { parseWireQuery, verifyV1PostAuthToken } from '../../shared/security/v1AuthToken';
import { readBody } from '../../infra/emulator/fakeHttp';

/** The faults the fake can inject. */
export type KitFault = 'wrong-code-on-repeat' | 'accepts-basic-key' | 'one-sided-clock' | 'secret-not-decrypted' | 'no-body-sign' | 'none';

/** A running fake. */
export interface FakeKitServer {
  url: string;
  /** How many answers the fault changed. */
  injected(): number;
  close(): Promise<void>;
}

const KIT_NAMES = new Set(['tenantSync', 'applicationSync', 'authSync', 'singleOrgSync', 'allOrgSync']);
const MAX_BODY = 4 * 1024 * 1024;
type Answer = { resultCode: string; resultMsg: string } & Record<string, unknown>;
const answer = (resultCode: string, resultMsg: string, extra: Record<string, unknown> = {}): Answer => ({ resultCode, resultMsg, ...extra });

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the fake with the kit and basic keys, the merchant's RSA private key (PEM) and one fault. */
export async function startFakeKitServer(options: { kitKey: string; basicKey: string; privateKeyPem?: string; fault: KitFault }): Promise<FakeKitServer> {
  const { kitKey, basicKey, privateKeyPem, fault } = options;
  const nonces = new Set<string>();
  const seenTenantAdds = new Set<string>();
  let injected = 0;

  /** Parses and checks a kit body; applicationSync secrets must decrypt. */
  const handleKit = (name: KitName, body: Record<string, unknown>): Answer => {
    try {
      parseKit(name, body);
    } catch (err) {
      return answer('000002', (err as Error).message.slice(0, 200));
    }
    if (name === 'applicationSync' && fault !== 'secret-not-decrypted') {
      try {
        decryptOaep(String(body.clientSecret), privateKeyPem === undefined ? [] : [privateKeyPem]);
      } catch {
        return answer('000002', 'clientSecret does not decrypt');
      }
    } else if (name === 'applicationSync') injected++;
    if (fault === 'wrong-code-on-repeat' && injected === 0 && name === 'tenantSync' && body.testFlag === 0 && body.flag === 1) {
      const id = `${String(body.instanceId)}/${String(body.tenantId)}`;
      if (seenTenantAdds.has(id)) {
        injected++;
        return answer('000005', 'other inner error');
      }
      seenTenantAdds.add(id);
    }
    return answer('000000', 'success.');
  };

  const handleV2Kit = (name: KitName, req: IncomingMessage, text: string): Answer => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const ts = Number(headers['x-timestamp']);
    const future = fault === 'one-sided-clock' && Number.isFinite(ts) && ts > Date.now();
    if (future) injected++;
    const keys = fault === 'accepts-basic-key' ? [kitKey, basicKey] : [kitKey];
    const verdict = tryVerify(() => verifyKitSignature({ body: text, headers, keys, nowMs: future ? ts : Date.now() }));
    if (!verdict.ok) return answer(verdict.resultCode, verdict.reason);
    if (verdict.keyIndex === 1) injected++;
    const nonce = headers['x-nonce'] ?? '';
    if (nonces.has(nonce)) return answer('000002', 'x-nonce replayed');
    nonces.add(nonce);
    const body = jsonObject(text);
    return body ? handleKit(name, body) : answer('000002', 'body is not a JSON object');
  };

  const handleV1Kit = (name: KitName, req: IncomingMessage, text: string): Answer => {
    const form = /x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '');
    const body = form ? parseWireQuery(text) : jsonObject(text);
    if (!body) return answer('000002', 'body is not a JSON object');
    const token = req.headers.authtoken;
    const verdict = tryVerify(() => verifyV1PostAuthToken({ body, authToken: typeof token === 'string' ? token : undefined, keys: [kitKey] }));
    return verdict.ok ? handleKit(name, body) : answer(verdict.resultCode, verdict.reason);
  };

  const handleBasic = (text: string): Answer => {
    const body = jsonObject(text) ?? {};
    const instanceId = typeof body.instanceId === 'string' ? body.instanceId : randomBytes(16).toString('hex');
    if (body.activity === 'newInstance') return answer('000000', 'success.', { instanceId });
    if (body.activity === 'queryInstance') return answer('000000', 'success.', { info: [{ instanceId, appInfo: { frontEndUrl: 'https://app.example.com/' } }] });
    return answer('000000', 'success.');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const bytes = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const match = /\/produceAPI\/(v2\/)?([A-Za-z]+)$/.exec(path);
    const name = match?.[2];
    let out: Answer;
    if (bytes.length > MAX_BODY) out = answer('000002', 'body too large');
    else if (name !== undefined && KIT_NAMES.has(name)) out = match?.[1] ? handleV2Kit(name as KitName, req, bytes.toString('utf8')) : handleV1Kit(name as KitName, req, bytes.toString('utf8'));
    else out = handleBasic(bytes.toString('utf8'));
    const text = JSON.stringify(out);
    const headers: Record<string, string> = { 'Content-Type': 'application/json;charset=UTF-8' };
    if (name !== undefined && !match?.[1]) {
      if (fault === 'no-body-sign') injected++;
      else headers['Body-Sign'] = bodySignHeader(kitKey, text);
    }
    res.writeHead(200, headers).end(text);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    injected: () => injected,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
