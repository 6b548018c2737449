/**
 * The generic mutation: read (round trip 1, reserving the nonce) -> pure decision -> provisioner effect
 * if the decision needs one -> compare-and-set with the audit entry (round trip 2). A version conflict
 * (a concurrent call changed the record) re-reads and decides again.
 * @module
 */
import { decide } from '../lifecycle/decide';
import type { Command } from '../lifecycle/types';
import { ContentionError } from '../protocol/errors';
import { auditEntry, beginCall, decideEnv, materialize, type CallContext, type CallOutcome } from './callContext';
import { runEffect } from './runEffect';

/** Attempts before a call gives up on a record that keeps changing under it. */
export const MAX_CAS_ATTEMPTS = 8;

/**
 * How long a renew/freeze/unfreeze/release/upgrade/check call may take (ms): the provisioner's own timeout
 * (KG_PROVISIONER_TIMEOUT_MS, which the http provisioner enforces) plus a small margin, as a backstop for
 * custom provisioners. KG_PROVISION_BUDGET_MS is only newInstance's wait before answering 000004.
 */
export function effectTimeoutMs(provisionerTimeoutMs: number): number {
  return provisionerTimeoutMs + 200;
}

/** The commands that go through {@link runMutation}. */
export type MutationCommand = Exclude<Command, { activity: 'newInstance' | 'queryInstance' }>;

/** Runs one state-changing command against one instance. */
export async function runMutation(ctx: CallContext, cmd: MutationCommand): Promise<CallOutcome> {
  const { store, provisioner, config } = ctx.deps;
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const begun = await beginCall(ctx, cmd.instanceId, {}, attempt === 0);
    const decision = decide(begun.record, cmd, decideEnv(ctx.deps));
    const answer = decision.kind === 'effect'
      ? decision.finish(await runEffect(provisioner, decision.effect, effectTimeoutMs(config.KG_PROVISIONER_TIMEOUT_MS)), ctx.deps.clock())
      : decision;
    const out = materialize(answer, ctx);
    const committed = await store.commit(cmd.instanceId, {
      expectedVersion: begun.version,
      ...(out.next ? { record: out.next } : {}),
      audit: auditEntry(ctx, out.resultCode, ctx.deps.clock()),
    });
    if (committed.ok) return { body: out.body, resultCode: out.resultCode, instanceId: cmd.instanceId };
  }
  throw new ContentionError(`instance ${cmd.instanceId} kept changing during ${cmd.activity}`);
}
