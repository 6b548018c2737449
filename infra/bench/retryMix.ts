/**
 * The calls of the CPU-ratio benchmark (issue 15): the marketplace's retries of work already done,
 * `newInstance` (a new `businessId`, the instance exists, the stored answer is replayed), `queryInstance`
 * and `refreshInstance` (RENEWAL of an order line already renewed), each signed with a fresh nonce and
 * timestamp, and the instances they run on, made once through `produce` itself.
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ApigEvent } from '../../shared/platform/apig';
import { expireTime, signedV2Call, type SignedCall } from './lifecycleMix';
import { seedReferenceInstance } from './referenceHandler';

/** The three activities the CPU target names, in report order. */
export const RETRY_ACTIVITIES = ['newInstance retry', 'queryInstance', 'refreshInstance retry'] as const;

/** One of {@link RETRY_ACTIVITIES}. */
export type RetryActivity = (typeof RETRY_ACTIVITIES)[number];

/** An instance the retries run on, with the answers `produce` gave when the work was done. */
export interface BenchInstance {
  instanceId: string;
  orderId: string;
  orderLineId: string;
  /** The renewal order line of the stored refreshInstance answer. */
  renewal: { orderId: string; orderLineId: string; scene: 'RENEWAL'; expireTime: string };
  /** Exact bodies `produce` answered: newInstance (first call), refreshInstance (first call), queryInstance. */
  answers: { newInstance: string; refreshInstance: string; queryInstance: string };
}

/** The body of one call of `activity` on `instance`; a newInstance retry carries a new `businessId`. */
function retryBody(activity: RetryActivity, instance: BenchInstance): Record<string, string> {
  switch (activity) {
    case 'newInstance retry':
      return { activity: 'newInstance', businessId: randomUUID(), orderId: instance.orderId, orderLineId: instance.orderLineId };
    case 'queryInstance':
      return { activity: 'queryInstance', instanceId: instance.instanceId };
    case 'refreshInstance retry':
      return { activity: 'refreshInstance', instanceId: instance.instanceId, ...instance.renewal };
  }
}

/** A signed call of `activity` on `instance`, fresh nonce and timestamp. */
export function signedRetryCall(key: string, activity: RetryActivity, instance: BenchInstance): SignedCall {
  return signedV2Call(key, retryBody(activity, instance));
}

/** The APIG event FunctionGraph would hand the function for `call` (base64 body, query decoded). */
export function eventOf(call: SignedCall, requestId: string): ApigEvent {
  const query = Object.fromEntries(new URL(call.path, 'http://bench').searchParams);
  return {
    httpMethod: 'POST',
    path: '/',
    headers: { 'content-type': 'application/json;charset=utf8' },
    queryStringParameters: query,
    body: Buffer.from(call.body, 'utf8').toString('base64'),
    isBase64Encoded: true,
    requestContext: { requestId },
  };
}

/** Reads `resultCode` of an answer body. */
export function resultCodeOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { resultCode?: unknown; instanceId?: unknown };
    return typeof parsed.resultCode === 'string' ? parsed.resultCode : 'none';
  } catch {
    return 'not-json';
  }
}

/**
 * Makes `count` instances through `send` (a produce handler or a server): newInstance, then a renewal,
 * then a query, and keeps each answer. Throws when any of them is not `000000`, so a benchmark never
 * measures error paths.
 */
export async function createBenchInstances(send: (call: SignedCall) => Promise<string>, key: string, count: number): Promise<BenchInstance[]> {
  const made: BenchInstance[] = [];
  const expect = (what: string, body: string): string => {
    const code = resultCodeOf(body);
    if (code !== '000000') throw new Error(`bench set-up: ${what} answered ${code}: ${body.slice(0, 200)}`);
    return body;
  };
  for (let i = 0; i < count; i++) {
    const orderId = `CSCPU${randomBytes(6).toString('hex').toUpperCase()}`;
    const orderLineId = `${orderId}-000001`;
    const created = expect('newInstance', await send(signedV2Call(key, { activity: 'newInstance', businessId: randomUUID(), orderId, orderLineId })));
    const instanceId = String((JSON.parse(created) as { instanceId?: unknown }).instanceId ?? '');
    const renewalOrder = `${orderId}R`;
    const renewal = { orderId: renewalOrder, orderLineId: `${renewalOrder}-000001`, scene: 'RENEWAL' as const, expireTime: expireTime(Date.now() + 400 * 86_400_000) };
    const refreshed = expect('refreshInstance', await send(signedV2Call(key, { activity: 'refreshInstance', instanceId, ...renewal })));
    const queried = expect('queryInstance', await send(signedV2Call(key, { activity: 'queryInstance', instanceId })));
    made.push({ instanceId, orderId, orderLineId, renewal, answers: { newInstance: created, refreshInstance: refreshed, queryInstance: queried } });
  }
  return made;
}

/**
 * Gives the reference handler what it needs to answer retries of `instances`: produce's stored answers
 * (the same bytes) and the query fields read from produce's query answer.
 */
export async function seedReference(redis: Redis, instances: readonly BenchInstance[]): Promise<void> {
  for (const inst of instances) {
    const query = JSON.parse(inst.answers.queryInstance) as { info?: Array<{ appInfo?: Record<string, string> }> };
    await seedReferenceInstance(redis, {
      instanceId: inst.instanceId,
      newInstance: { orderId: inst.orderId, orderLineId: inst.orderLineId, body: inst.answers.newInstance },
      refresh: { orderId: inst.renewal.orderId, orderLineId: inst.renewal.orderLineId, scene: inst.renewal.scene, body: inst.answers.refreshInstance },
      status: 'ACTIVE',
      appInfo: query.info?.[0]?.appInfo ?? {},
    });
  }
}
