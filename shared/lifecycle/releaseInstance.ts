/**
 * releaseInstance: the provisioner deletes the buyer's account and the record becomes a RELEASED
 * tombstone, kept so a repeated release succeeds while an id that never existed gets 000003.
 * @module
 */
import { RESULT } from '../core/resultCodes';
import { withoutPassword } from './appInfo';
import { effectFailed, needs, reply } from './answers';
import { newInstanceKey } from './keys';
import { applyChange } from './transition';
import type { Command, DecideEnv, Decision, InstanceRecord } from './types';

/** The releaseInstance command. */
export type ReleaseCommand = Extract<Command, { activity: 'releaseInstance' }>;

/**
 * Decides a releaseInstance. Unknown -> 000003; already RELEASED -> 000000 without calling the
 * provisioner; PROVISIONING under a live lease -> 000004 (releasing now would race the running
 * `provision`, which could create the account after its release: the marketplace retries the release
 * for an hour, by when provisioning has ended); any other status (a FAILED one, or PROVISIONING whose
 * lease ended) -> release, then the tombstone.
 */
export function decideRelease(record: InstanceRecord | null, cmd: ReleaseCommand, env: DecideEnv): Decision {
  if (record === null) return reply(RESULT.INSTANCE_NOT_FOUND);
  if (record.status === 'RELEASED') return reply(RESULT.SUCCESS);
  if (record.status === 'PROVISIONING' && (record.provisioning?.leaseUntil ?? 0) > env.now) return reply(RESULT.PROCESSING);

  return needs({ kind: 'release', instanceId: record.instanceId }, (result, now) => {
    if (!result.ok) return effectFailed(result);
    return reply(RESULT.SUCCESS, { next: tombstone(record, cmd, now) });
  });
}

/** The released record: no password, no lease, and no stored answer that may carry credentials. */
function tombstone(record: InstanceRecord, cmd: ReleaseCommand, now: number): InstanceRecord {
  const patch: Partial<InstanceRecord> = {};
  if (record.appInfo !== undefined) patch.appInfo = withoutPassword(record.appInfo);
  if (record.provisioning !== undefined) patch.provisioning = { attempts: record.provisioning.attempts };
  if (record.protocol === 'v1') {
    // A V1 newInstance answer carries the (encrypted) credentials; a tombstone keeps no secret, wherever
    // the answer is kept (in the record, or beside it).
    const key = newInstanceKey(record.orderId, record.orderLineId);
    const responses = { ...record.responses };
    delete responses[key];
    patch.responses = responses;
    if (record.answered !== undefined && Object.prototype.hasOwnProperty.call(record.answered, key)) {
      const answered = { ...record.answered };
      delete answered[key];
      patch.answered = answered;
    }
  }
  const change = { activity: 'releaseInstance', to: 'RELEASED' as const, orderId: cmd.orderId, orderLineId: cmd.orderLineId };
  return applyChange(record, change, now, patch);
}
