/**
 * Redis round trips per callback: each V2 callback is sent alone to the local server running on a real
 * Redis, and the store's round-trip counter (`info().roundTrips`) is read before and after.
 * @module
 */
import { request } from 'node:http';
import { signedV2Call, type SignedCall } from './lifecycleMix';

/** Round trips one callback cost, and its answer. */
export interface RoundTripFigure {
  callback: string;
  resultCode: string;
  roundTrips: number;
}

function post(url: string, call: SignedCall): Promise<Record<string, unknown>> {
  const base = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, method: 'POST', path: call.path, headers: { 'content-type': 'application/json;charset=utf8' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on('error', reject);
    req.end(call.body);
  });
}

/** Sends each callback of a lifecycle once and reports the round trips each cost. */
export async function measureRoundTrips(server: { url: string; store: { info(): { roundTrips: number } } }, key: string): Promise<RoundTripFigure[]> {
  const orderId = `CSRT${Date.now().toString(36).toUpperCase()}`;
  const orderLineId = `${orderId}-000001`;
  let instanceId = '';
  const figures: RoundTripFigure[] = [];
  const measure = async (label: string, call: SignedCall) => {
    const before = server.store.info().roundTrips;
    const answer = await post(server.url, call);
    figures.push({ callback: label, resultCode: String(answer.resultCode), roundTrips: server.store.info().roundTrips - before });
    return answer;
  };
  const bodyOf = (b: Record<string, string>) => signedV2Call(key, b);
  const created = await measure('newInstance', bodyOf({ activity: 'newInstance', businessId: `b-${Date.now()}`, orderId, orderLineId }));
  instanceId = String(created.instanceId ?? '');
  await measure('newInstance (retry, new businessId)', bodyOf({ activity: 'newInstance', businessId: `b2-${Date.now()}`, orderId, orderLineId }));
  await measure('queryInstance', bodyOf({ activity: 'queryInstance', instanceId }));
  await measure('refreshInstance RENEWAL', bodyOf({ activity: 'refreshInstance', instanceId, orderId: `${orderId}R`, orderLineId: `${orderId}R-000001`, scene: 'RENEWAL', expireTime: '20991231000000' }));
  await measure('updateInstanceStatus FREEZE', bodyOf({ activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' }));
  await measure('updateInstanceStatus FREEZE (repeat)', bodyOf({ activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' }));
  await measure('updateInstanceStatus UNFREEZE', bodyOf({ activity: 'updateInstanceStatus', instanceId, status: 'UNFREEZE' }));
  const replay = bodyOf({ activity: 'queryInstance', instanceId });
  await measure('queryInstance', replay);
  await measure('queryInstance (replayed nonce)', replay);
  await measure('releaseInstance', bodyOf({ activity: 'releaseInstance', instanceId }));
  await measure('releaseInstance (repeat)', bodyOf({ activity: 'releaseInstance', instanceId }));
  return figures;
}
