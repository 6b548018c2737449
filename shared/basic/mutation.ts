/**
 * The activities that change an existing instance (refresh, status, release, upgrade, change check):
 * read (round trip 1, reserving the nonce) -> pure decision -> provisioner effect if the decision
 * needs one -> compare-and-set with the audit entry (round trip 2), through {@link transact}. A retry of a
 * renewal or upgrade whose answer is stored ends with round trip 1, which replays it.
 * @module
 */
import { transact, type Step, type TxnStart } from '../callback/transact';
import { nonceReservation } from '../callback/nonce';
import type { Outcome } from '../callback/spec';
import { decide, type InstanceCommand } from '../lifecycle/decide';
import { answerKeyOf } from '../lifecycle/keys';
import type { InstanceRecord } from '../lifecycle/types';
import { auditEntry, decideEnv, materialize, outcomeOf, replayAudit, replayed, scopeOf, type BasicCall } from './call';
import { effectTimeoutMs, runEffect } from './effects';

/** The nonce part of a basic call's transaction (V2 only). */
export function nonceOf(call: BasicCall): { nonce?: { value: string; ttlSeconds: number } } {
  return nonceReservation(call.verified.nonce, call.deps.config.KG_CLOCK_SKEW_MS);
}

/**
 * A release starts the retention clock (KG_RETAIN_RELEASED_DAYS): the tombstone, which makes a repeated
 * release succeed, and the audit log then expire together. 0 keeps them.
 */
export function releasedRetentionSeconds(days: number, before: InstanceRecord | null, after: InstanceRecord | undefined): number | undefined {
  if (days <= 0 || after?.status !== 'RELEASED' || before?.status === 'RELEASED') return undefined;
  return days * 24 * 3600;
}

/** Runs one state-changing command against one instance. */
export function runMutation(call: BasicCall, cmd: InstanceCommand): Promise<Outcome> {
  const { deps } = call;
  const scope = scopeOf(call);
  const start: TxnStart<InstanceRecord> = Object.assign({ store: deps.store, tag: call.tag }, nonceOf(call));
  // A renewal or upgrade whose answer is stored (a retry) is answered by round trip 1 alone.
  const key = answerKeyOf(cmd);
  if (key !== undefined) start.replay = () => ({ key, audit: replayAudit(scope, deps.clock()) });
  return transact<InstanceRecord, Outcome>(start, async (current) => {
    if (current.answer) return { kind: 'done', result: outcomeOf(replayed(current.answer, scope), cmd.instanceId) };
    const decision = decide(current.record, cmd, decideEnv(deps));
    const answer = decision.kind === 'effect'
      ? decision.finish(await runEffect(deps.provisioner, decision.effect, effectTimeoutMs(deps.config.KG_PROVISIONER_TIMEOUT_MS), call.signal), deps.clock())
      : decision;
    const out = materialize(answer, scope, current.record);
    const step: Step<InstanceRecord, Outcome> = Object.assign({ kind: 'commit' as const, audit: auditEntry(scope, out.resultCode, deps.clock()), result: outcomeOf(out, cmd.instanceId) }, out.write);
    const retention = releasedRetentionSeconds(deps.config.KG_RETAIN_RELEASED_DAYS, current.record, out.write?.next);
    if (retention) step.ttlSeconds = retention;
    return step;
  });
}
