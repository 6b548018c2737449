/**
 * queryInstance: answers from the records alone (read-only), fast enough for the buyer's synchronous
 * "view resource info" page.
 * @module
 */
import { MAX_QUERY_IDS } from '../protocol/limits';
import { RESULT } from '../core/resultCodes';
import { openAppInfo } from './appInfo';
import { reply } from './answers';
import type { Answer, AppInfoRecord, DecideEnv, InstanceRecord, InstanceStatus, ProvisioningState, ResponseModel } from './types';

/** Most ids one queryInstance may name (documented limit). */
export { MAX_QUERY_IDS };

/**
 * What a queryInstance reads of a record, and all that the record's view holds (kept beside the record by
 * every write, Store CommitOptions.view): a query then moves a few hundred bytes instead of the whole
 * record with its history and order. A whole {@link InstanceRecord} is a QueryView too.
 */
export interface QueryView {
  instanceId: string;
  status: InstanceStatus;
  appInfo?: AppInfoRecord;
  failure?: InstanceRecord['failure'];
  /**
   * What crash recovery reads of a PROVISIONING record (basic/query.ts): whether the job was queued and when
   * the lease ends. Left out of the view of any other status.
   */
  provisioning?: Pick<ProvisioningState, 'queuedAt' | 'leaseUntil'>;
}

/** The {@link QueryView} of `record`: the same answer, from fewer bytes. */
export function queryView(record: InstanceRecord): QueryView {
  const view: QueryView = { instanceId: record.instanceId, status: record.status };
  if (record.appInfo !== undefined) view.appInfo = record.appInfo;
  if (record.failure !== undefined) view.failure = record.failure;
  const p = record.provisioning;
  // Only a record still provisioning is handed to provision-worker by a query (crash recovery).
  if (p !== undefined && record.status === 'PROVISIONING') {
    const provisioning: QueryView['provisioning'] = {};
    if (p.queuedAt !== undefined) provisioning.queuedAt = p.queuedAt;
    if (p.leaseUntil !== undefined) provisioning.leaseUntil = p.leaseUntil;
    view.provisioning = provisioning;
  }
  return view;
}

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
export function answerQuery(records: ReadonlyArray<QueryView | null>, ids: readonly string[], env: DecideEnv): Answer {
  if (ids.length === 0) return reply(RESULT.INVALID_PARAM, { resultMsg: 'instanceId is empty' });
  if (ids.length > MAX_QUERY_IDS) return reply(RESULT.INVALID_PARAM, { resultMsg: `more than ${MAX_QUERY_IDS} instanceIds` });
  const pairs = ids.map((id, index) => ({ id, record: records[index] ?? null }));

  const unknown = pairs.find((p) => p.record === null);
  if (unknown) return reply(RESULT.INSTANCE_NOT_FOUND, { resultMsg: `instance is invalid: ${unknown.id}` });
  const found = pairs as Array<{ id: string; record: QueryView }>;
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
