/**
 * Redis round trips per callback: each V2 callback is sent alone to the local server running on a real
 * Redis, and the store's round-trip counter (`info().roundTrips`) is read before and after. Each figure
 * comes with the most docs/design.md §4 allows it: 1 for a retry or a replayed answer, 2 for a state
 * change, 1 for a query (plus 1 for the failure stream when a call is refused).
 * @module
 */
import { postCall } from './loadGenerator';
import { signedV2Call, type SignedCall } from './lifecycleMix';

/** Round trips one callback cost, and its answer. */
export interface RoundTripFigure {
  callback: string;
  resultCode: string;
  roundTrips: number;
  /** The most the design allows for this callback. */
  expected: number;
}

/** The most each kind of callback may cost (docs/design.md §4). */
export const ROUND_TRIP_LIMITS = {
  /** A newInstance, renewal, upgrade, freeze, unfreeze or release that changes the record. */
  stateChange: 2,
  /** A retry (or repeat) whose answer is stored: replayed by the first round trip. */
  replay: 1,
  /** A query of one instance. */
  query: 1,
  /** A refused call: its one round trip, and its entry in the failure stream. */
  refused: 2,
} as const;

/** Sends each callback of a lifecycle once and reports the round trips each cost. */
export async function measureRoundTrips(server: { url: string; store: { info(): { roundTrips: number } } }, key: string): Promise<RoundTripFigure[]> {
  const orderId = `CSRT${Date.now().toString(36).toUpperCase()}`;
  const orderLineId = `${orderId}-000001`;
  let instanceId = '';
  const figures: RoundTripFigure[] = [];
  const measure = async (label: string, expected: number, call: SignedCall) => {
    const before = server.store.info().roundTrips;
    const answer = JSON.parse((await postCall(new URL(server.url), call)).text) as Record<string, unknown>;
    figures.push({ callback: label, resultCode: String(answer.resultCode), roundTrips: server.store.info().roundTrips - before, expected });
    return answer;
  };
  const { stateChange, replay, query, refused } = ROUND_TRIP_LIMITS;
  const bodyOf = (b: Record<string, string>) => signedV2Call(key, b);
  const created = await measure('newInstance', stateChange, bodyOf({ activity: 'newInstance', businessId: `b-${Date.now()}`, orderId, orderLineId }));
  instanceId = String(created.instanceId ?? '');
  await measure('newInstance (retry, new businessId)', replay, bodyOf({ activity: 'newInstance', businessId: `b2-${Date.now()}`, orderId, orderLineId }));
  await measure('queryInstance', query, bodyOf({ activity: 'queryInstance', instanceId }));
  const renewal = { activity: 'refreshInstance', instanceId, orderId: `${orderId}R`, orderLineId: `${orderId}R-000001`, scene: 'RENEWAL', expireTime: '20991231000000' };
  await measure('refreshInstance RENEWAL', stateChange, bodyOf(renewal));
  await measure('refreshInstance RENEWAL (retry)', replay, bodyOf(renewal));
  const upgrade = { activity: 'upgradeInstance', instanceId, orderId: `${orderId}U`, orderLineId: `${orderId}U-000001`, skuCode: 'bench-sku-2' };
  await measure('upgradeInstance', stateChange, bodyOf(upgrade));
  await measure('upgradeInstance (retry)', replay, bodyOf(upgrade));
  await measure('updateInstanceStatus FREEZE', stateChange, bodyOf({ activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' }));
  await measure('updateInstanceStatus FREEZE (repeat)', replay, bodyOf({ activity: 'updateInstanceStatus', instanceId, status: 'FREEZE' }));
  await measure('updateInstanceStatus UNFREEZE', stateChange, bodyOf({ activity: 'updateInstanceStatus', instanceId, status: 'UNFREEZE' }));
  const again = bodyOf({ activity: 'queryInstance', instanceId });
  await measure('queryInstance', query, again);
  await measure('queryInstance (replayed nonce)', refused, again);
  await measure('releaseInstance', stateChange, bodyOf({ activity: 'releaseInstance', instanceId }));
  await measure('releaseInstance (repeat)', replay, bodyOf({ activity: 'releaseInstance', instanceId }));
  return figures;
}
