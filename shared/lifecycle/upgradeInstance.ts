/**
 * upgradeInstance: an immediate upgrade or scale-out order. The instance keeps its id and status; the
 * product and SKU change when sent. The answer is kept per upgrade order line so a retry replays it.
 * @module
 */
import { RESULT } from '../core/resultCodes';
import { effectFailed, needs, reply, replayStored } from './answers';
import { rejectMissing, rejectProvisioning } from './guards';
import { upgradeKey } from './keys';
import { applyChange } from './transition';
import type { Command, DecideEnv, Decision, Effect, InstanceRecord } from './types';

/** The upgradeInstance command. */
export type UpgradeCommand = Extract<Command, { activity: 'upgradeInstance' }>;

/** Decides an upgradeInstance. Unknown, released or failed -> 000003; provisioning -> 000004. */
export function decideUpgrade(record: InstanceRecord | null, cmd: UpgradeCommand, _env: DecideEnv): Decision {
  if (record === null) return reply(RESULT.INSTANCE_NOT_FOUND);
  const key = upgradeKey(cmd.orderId, cmd.orderLineId);
  const early = replayStored(record, key) ?? rejectMissing(record) ?? rejectProvisioning(record);
  if (early) return early;

  const changed: Partial<InstanceRecord> = {};
  if (cmd.productId !== undefined) changed.productId = cmd.productId;
  if (cmd.skuCode !== undefined) changed.skuCode = cmd.skuCode;
  const effect: Effect = {
    kind: 'upgrade',
    instanceId: record.instanceId,
    orderId: cmd.orderId,
    orderLineId: cmd.orderLineId,
    ...changed,
  };
  return needs(effect, (result, now) => {
    if (!result.ok) return effectFailed(result);
    const change = { activity: 'upgradeInstance', to: record.status, orderId: cmd.orderId, orderLineId: cmd.orderLineId };
    return reply(RESULT.SUCCESS, { next: applyChange(record, change, now, changed), remember: key });
  });
}
