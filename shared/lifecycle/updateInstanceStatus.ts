/**
 * updateInstanceStatus: FREEZE (expired or in arrears, data kept) and UNFREEZE (renewed). Asking for the
 * status the instance already has succeeds without calling the provisioner, so retries are harmless.
 * @module
 */
import { RESULT } from '../core/resultCodes';
import { effectFailed, needs, reply } from './answers';
import { rejectMissing, rejectProvisioning } from './guards';
import { applyChange } from './transition';
import type { Command, DecideEnv, Decision, InstanceRecord, InstanceStatus } from './types';

/** The updateInstanceStatus command. */
export type UpdateStatusCommand = Extract<Command, { activity: 'updateInstanceStatus' }>;

/** The status each request leads to. */
export const STATUS_TARGET: Readonly<Record<UpdateStatusCommand['status'], InstanceStatus>> = { FREEZE: 'FROZEN', UNFREEZE: 'ACTIVE' };

/** Decides an updateInstanceStatus. Unknown, released or failed -> 000003; provisioning -> 000004. */
export function decideUpdateStatus(record: InstanceRecord | null, cmd: UpdateStatusCommand, _env: DecideEnv): Decision {
  if (record === null) return reply(RESULT.INSTANCE_NOT_FOUND);
  const early = rejectMissing(record) ?? rejectProvisioning(record);
  if (early) return early;
  const target = STATUS_TARGET[cmd.status];
  if (record.status === target) return reply(RESULT.SUCCESS);

  const effect = cmd.status === 'FREEZE'
    ? { kind: 'freeze' as const, instanceId: record.instanceId }
    : { kind: 'unfreeze' as const, instanceId: record.instanceId };
  return needs(effect, (result, now) => {
    if (!result.ok) return effectFailed(result);
    const next = applyChange(record, { activity: 'updateInstanceStatus', to: target }, now);
    return reply(RESULT.SUCCESS, { next });
  });
}
