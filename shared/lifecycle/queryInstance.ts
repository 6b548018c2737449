/**
 * queryInstance: answers from the records alone (read-only), fast enough for the buyer's synchronous
 * "view resource info" page.
 * @module
 */
import { MAX_QUERY_IDS } from '../protocol/limits';
import { RESULT } from '../core/resultCodes';
import { openAppInfo } from './appInfo';
import { reply } from './answers';
import type { Answer, DecideEnv, InstanceRecord, ResponseModel } from './types';

/** Most ids one queryInstance may name (documented limit). */
export { MAX_QUERY_IDS };

/**
 * Answers a queryInstance for `ids`, where `records[i]` is the stored record of `ids[i]` (or null).
 * Checks run over all ids in this order, the first hit deciding the answer:
 * 1. no ids or more than {@link MAX_QUERY_IDS} -> 000002;
 * 2. an id with no record -> 000003 naming it;
 * 3. an id still PROVISIONING -> 000004 naming it (the reference leaves this open and suggests 000004,
 *    which keeps the marketplace polling until the details exist);
 * 4. a RELEASED id -> 000003 naming it (the instance no longer exists for the buyer);
 * 5. a FAILED id -> its stored failure code and message;
 * 6. otherwise 000000 with `info[]` in request order, access details in clear (FROZEN ones too).
 * Never writes (no `next`).
 */
export function answerQuery(records: ReadonlyArray<InstanceRecord | null>, ids: readonly string[], env: DecideEnv): Answer {
  if (ids.length === 0) return reply(RESULT.INVALID_PARAM, { resultMsg: 'instanceId is empty' });
  if (ids.length > MAX_QUERY_IDS) return reply(RESULT.INVALID_PARAM, { resultMsg: `more than ${MAX_QUERY_IDS} instanceIds` });
  const pairs = ids.map((id, index) => ({ id, record: records[index] ?? null }));

  const unknown = pairs.find((p) => p.record === null);
  if (unknown) return reply(RESULT.INSTANCE_NOT_FOUND, { resultMsg: `instance is invalid: ${unknown.id}` });
  const found = pairs as Array<{ id: string; record: InstanceRecord }>;
  const provisioning = found.find((p) => p.record.status === 'PROVISIONING');
  if (provisioning) return reply(RESULT.PROCESSING, { resultMsg: `request is processing: ${provisioning.id}` });
  const released = found.find((p) => p.record.status === 'RELEASED');
  if (released) return reply(RESULT.INSTANCE_NOT_FOUND, { resultMsg: `instance is released: ${released.id}` });
  const failed = found.find((p) => p.record.status === 'FAILED');
  if (failed) {
    const failure = failed.record.failure ?? { resultCode: RESULT.INTERNAL_ERROR, resultMsg: 'provisioning failed' };
    return reply(failure.resultCode, { resultMsg: failure.resultMsg });
  }

  const info: NonNullable<ResponseModel['info']> = found.map(({ id, record }) =>
    record.appInfo === undefined ? { instanceId: id } : { instanceId: id, appInfo: openAppInfo(record.appInfo, env.unseal) },
  );
  return reply(RESULT.SUCCESS, { info });
}
