/** Builders and a miniature pipeline for the lifecycle unit tests (not a test file itself). */
import { decide, type InstanceCommand } from '../../../shared/lifecycle/decide';
import type {
  Answer, Decision, DecideEnv, Effect, EffectResult, InstanceRecord, InstanceStatus,
} from '../../../shared/lifecycle/types';

/** Epoch ms used as "now" by default. */
export const T0 = 1_767_225_600_000;
export const INSTANCE_ID = '3789582543beeddf1dadaad76fde1b59';
export const ORDER_ID = 'CS2211181819B4LVS';
export const ORDER_LINE_ID = 'CS2211181819B4LVS-000001';
export const STATUSES: InstanceStatus[] = ['PROVISIONING', 'ACTIVE', 'FROZEN', 'RELEASED', 'FAILED'];

/** A reversible stand-in for the data-key seal: only strings it made can be opened. */
export function fakeSeal(secret: string): string {
  return `sealed:${Buffer.from(secret, 'utf8').toString('base64')}`;
}
export function fakeUnseal(sealed: string): string {
  if (!sealed.startsWith('sealed:')) throw new Error('not a sealed value');
  return Buffer.from(sealed.slice('sealed:'.length), 'base64').toString('utf8');
}

export function envAt(now: number = T0): DecideEnv {
  return { now, unseal: fakeUnseal };
}

/** Freezes a value and everything reachable from it, so any mutation throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** A stored record in `status`, with typical contents for it. */
export function makeRecord(status: InstanceStatus, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  const record: InstanceRecord = {
    instanceId: INSTANCE_ID,
    orderId: ORDER_ID,
    orderLineId: ORDER_LINE_ID,
    protocol: 'v2',
    status,
    createdAt: T0 - 60_000,
    updatedAt: T0 - 60_000,
    productId: 'product-1',
    skuCode: 'sku-1',
    expireTime: '20260101000000',
    responses: {},
    history: [{ at: T0 - 60_000, activity: 'newInstance', orderId: ORDER_ID, orderLineId: ORDER_LINE_ID, from: null, to: 'PROVISIONING' }],
  };
  if (status !== 'PROVISIONING' && status !== 'FAILED') {
    record.appInfo = {
      frontEndUrl: 'https://app.example.com/t/1',
      adminUrl: 'https://admin.example.com/t/1',
      userName: 'admin01',
      passwordSealed: fakeSeal('P@ssw0rd!'),
      memo: '登录说明',
    };
  }
  record.provisioning = status === 'PROVISIONING'
    ? { attempts: 1, leaseOwner: 'invocation-a', leaseUntil: T0 + 10_000 }
    : { attempts: 1 };
  if (status === 'FAILED') record.failure = { resultCode: '000100', resultMsg: 'no seats left' };
  return { ...record, ...overrides };
}

/** The body the pipeline would send for an answer (JSON of a fresh response, or the replayed bytes). */
export function bodyOf(answer: Answer): string {
  return 'replayBody' in answer.response ? answer.response.replayBody : JSON.stringify(answer.response);
}

/** The record as the store holds it after an answer: `next` with the body kept under `remember`. */
export function stored(before: InstanceRecord | null, answer: Answer): InstanceRecord | null {
  if (answer.next === undefined) return before;
  if (answer.remember === undefined) return answer.next;
  return { ...answer.next, responses: { ...answer.next.responses, [answer.remember]: bodyOf(answer) } };
}

/** Settles a decision: runs `result` as the effect's outcome (at `now` + 5 ms) when one is needed. */
export function settle(decision: Decision, result: EffectResult, now: number): { answer: Answer; effect?: Effect } {
  if (decision.kind === 'answer') return { answer: decision };
  return { answer: decision.finish(result, now + 5), effect: decision.effect };
}

/** One call through a miniature pipeline: decide on a deep-frozen record, settle, store. */
export function call(
  record: InstanceRecord | null,
  cmd: InstanceCommand,
  result: EffectResult = { ok: true },
  now: number = T0,
): { answer: Answer; effect?: Effect; record: InstanceRecord | null; body: string } {
  const { answer, effect } = settle(decide(deepFreeze(record), deepFreeze(cmd), envAt(now)), result, now);
  return { answer, effect, record: stored(record, answer), body: bodyOf(answer) };
}

/** The result code of a fresh or replayed answer. */
export function codeOf(answer: Answer): string {
  return (JSON.parse(bodyOf(answer)) as { resultCode: string }).resultCode;
}
