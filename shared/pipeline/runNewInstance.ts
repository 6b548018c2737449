/**
 * `newInstance`: the order line names its instance (derived id), the first round trip reserves the
 * nonce and claims the instance if it is new, and only the claimant calls the provisioner. Every
 * retry, concurrent or later, from any function instance, reads the same record and gets the same
 * answer: the stored one when provisioning finished, `000004` while it runs, or a takeover when the
 * claimant's lease ended without a result.
 * @module
 */
import { claimRecord, decideNewInstanceRetry, type NewInstanceCommand } from '../lifecycle/newInstance';
import { ContentionError, StoreUnavailableError } from '../protocol/errors';
import { auditEntry, beginCall, decideEnv, materialize, type CallContext, type CallOutcome } from './callContext';
import { provisionInstance } from './provisionInstance';
import { MAX_CAS_ATTEMPTS } from './runMutation';

/** Runs newInstance for V2 or V1. */
export async function runNewInstance(ctx: CallContext, cmd: NewInstanceCommand, protocol: 'v2' | 'v1'): Promise<CallOutcome> {
  const { deps } = ctx;
  const { store, config } = deps;
  const instanceId = deps.deriveInstanceId(cmd.orderId, cmd.orderLineId);
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const env = decideEnv(deps);
    const lease = { owner: deps.leaseOwner, until: env.now + config.KG_PROVISION_LEASE_MS };
    const begun = await beginCall(ctx, instanceId, { claim: claimRecord(cmd, instanceId, env, lease, protocol) }, attempt === 0);
    if (!begun.record) throw new StoreUnavailableError('store returned no record after a claim');
    if (begun.claimed) return provisionInstance(ctx, begun.record, begun.version, config.KG_PROVISION_BUDGET_MS);

    const decision = decideNewInstanceRetry(begun.record, cmd, env, lease);
    if (decision.kind === 'takeover') {
      const taken = await store.commit(instanceId, {
        expectedVersion: begun.version,
        record: decision.next,
        audit: auditEntry(ctx, 'takeover', env.now, 'previous provisioning lease ended'),
      });
      if (taken.ok) return provisionInstance(ctx, decision.next, taken.version, config.KG_PROVISION_BUDGET_MS);
      continue;
    }
    const out = materialize(decision, ctx);
    const committed = await store.commit(instanceId, {
      expectedVersion: begun.version,
      ...(out.next ? { record: out.next } : {}),
      audit: auditEntry(ctx, out.resultCode, deps.clock()),
    });
    if (committed.ok) return { body: out.body, resultCode: out.resultCode, instanceId };
  }
  throw new ContentionError(`instance ${instanceId} kept changing during newInstance`);
}
