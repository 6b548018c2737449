/**
 * The signed V2 lifecycle mix the throughput benchmark sends: per virtual client, a new order, then
 * query, renewal, freeze, unfreeze and query of the instance it got (six calls per round).
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { signV2 } from '../../shared/security/v2Signature';

/** One signed request: path with the V2 query, and the body text. */
export interface SignedCall {
  activity: string;
  path: string;
  body: string;
}

/** A JSON body with sorted keys, as the marketplace sends it. */
function sortedJson(body: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(body).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** Signs `body` for the basic interface with `key`, timestamp now (ms). */
export function signedV2Call(key: string, body: Record<string, string>): SignedCall {
  const text = sortedJson(body);
  const nonce = randomBytes(32).toString('hex').toUpperCase();
  const timestamp = String(Date.now());
  const signature = signV2({ key, nonce, timestamp, body: text });
  const query = new URLSearchParams({ signature, timestamp, nonce });
  return { activity: body.activity ?? '', path: `/?${query.toString()}`, body: text };
}

/** `yyyyMMddHHmmss` (UTC) of `ms`. */
export function expireTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The bodies of one round; `instanceId` is filled in after newInstance answers. */
export function roundBodies(instanceId: () => string): Array<() => Record<string, string>> {
  const orderId = `CSBENCH${randomBytes(6).toString('hex').toUpperCase()}`;
  const orderLineId = `${orderId}-000001`;
  const renewal = `${orderId}R`;
  return [
    () => ({ activity: 'newInstance', businessId: randomUUID(), orderId, orderLineId }),
    () => ({ activity: 'queryInstance', instanceId: instanceId() }),
    () => ({ activity: 'refreshInstance', instanceId: instanceId(), orderId: renewal, orderLineId: `${renewal}-000001`, scene: 'RENEWAL', expireTime: expireTime(Date.now() + 400 * 86_400_000) }),
    () => ({ activity: 'updateInstanceStatus', instanceId: instanceId(), status: 'FREEZE' }),
    () => ({ activity: 'updateInstanceStatus', instanceId: instanceId(), status: 'UNFREEZE' }),
    () => ({ activity: 'queryInstance', instanceId: instanceId() }),
  ];
}
