/**
 * refreshInstance: trial to formal, renewal, renewal-unsubscribe and renewal-with-change all set a new
 * expiry (and productId when sent). The status does not change; the answer is kept per order line and
 * scene so a retry replays it.
 * @module
 */
import { RESULT } from '../core/resultCodes';
import { effectFailed, needs, reply, replayStored } from './answers';
import { rejectMissing, rejectProvisioning } from './guards';
import { refreshKey } from './keys';
import { applyChange } from './transition';
import type { Command, DecideEnv, Decision, InstanceRecord } from './types';

/** The refreshInstance command. */
export type RefreshCommand = Extract<Command, { activity: 'refreshInstance' }>;

/** `yyyyMMddHHmmss` or `yyyyMMddHHmmssSSS` (UTC); the docs give the first, their example the second. */
const EXPIRE_TIME = /^\d{14}(\d{3})?$/;

/** Decides a refreshInstance. Unknown, released or failed -> 000003; provisioning -> 000004. */
export function decideRefresh(record: InstanceRecord | null, cmd: RefreshCommand, _env: DecideEnv): Decision {
  if (record === null) return reply(RESULT.INSTANCE_NOT_FOUND);
  const key = refreshKey(cmd.orderId, cmd.orderLineId, cmd.scene);
  // A stored answer wins even after a later release, so a late retry still gets what it got before.
  const early = replayStored(record, key) ?? rejectMissing(record) ?? rejectProvisioning(record);
  if (early) return early;
  // The parser checks this too; kept here so a bad expiry can never reach the record.
  if (!EXPIRE_TIME.test(cmd.expireTime)) return reply(RESULT.INVALID_PARAM, { resultMsg: 'expireTime is invalid' });

  const effect = {
    kind: 'renew' as const,
    instanceId: record.instanceId,
    scene: cmd.scene,
    expireTime: cmd.expireTime,
    orderId: cmd.orderId,
    orderLineId: cmd.orderLineId,
    ...(cmd.productId !== undefined ? { productId: cmd.productId } : {}),
  };
  return needs(effect, (result, now) => {
    if (!result.ok) return effectFailed(result);
    const next = applyChange(
      record,
      {
        activity: 'refreshInstance',
        to: record.status,
        orderId: cmd.orderId,
        orderLineId: cmd.orderLineId,
        scene: cmd.scene,
        expireTime: cmd.expireTime,
      },
      now,
      { expireTime: cmd.expireTime, ...(cmd.productId !== undefined ? { productId: cmd.productId } : {}) },
    );
    return reply(RESULT.SUCCESS, { next, remember: key });
  });
}
