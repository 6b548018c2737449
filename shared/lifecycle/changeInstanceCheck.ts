/**
 * changeInstanceCheck: asks the provisioner whether the instance fits the target spec of a
 * renewal-with-change order. Read-only: it never changes the record.
 * @module
 */
import { RESULT } from '../core/resultCodes';
import { effectFailed, needs, reply } from './answers';
import { rejectMissing } from './guards';
import type { Command, DecideEnv, Decision, InstanceRecord } from './types';

/** The changeInstanceCheck command. */
export type ChangeCheckCommand = Extract<Command, { activity: 'changeInstanceCheck' }>;

/** `resultMsg` of a refusal when the provisioner gave no reason. */
export const CHANGE_REFUSED_MESSAGE = 'the instance cannot change to the requested product';

/**
 * Decides a changeInstanceCheck. Unknown, released or failed -> 000003. Allowed -> 000000. Refused ->
 * 000100 with the provisioner's reason: the docs only say a refusal is any non-success code explained
 * in resultMsg, and 000100 ("no instance resource available") is the documented code closest to
 * "does not fit the target spec". `ok: true` without `allowed` counts as allowed.
 */
export function decideChangeCheck(record: InstanceRecord | null, cmd: ChangeCheckCommand, _env: DecideEnv): Decision {
  if (record === null) return reply(RESULT.INSTANCE_NOT_FOUND);
  const missing = rejectMissing(record);
  if (missing) return missing;
  const effect = { kind: 'checkChange' as const, instanceId: record.instanceId, productInfo: { ...cmd.productInfo } };
  return needs(effect, (result) => {
    if (!result.ok) return effectFailed(result);
    if (result.allowed === false) {
      return reply(RESULT.NO_RESOURCE, { resultMsg: result.message ?? CHANGE_REFUSED_MESSAGE });
    }
    return reply(RESULT.SUCCESS);
  });
}
