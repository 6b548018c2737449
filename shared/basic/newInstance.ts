/**
 * `newInstance`: the order line names its instance (derived id), the first round trip reserves the
 * nonce and claims the instance if it is new (or, for a retry whose answer is stored, replays that answer
 * and ends the call), and only the claimant calls the provisioner. Every
 * retry, concurrent or later, from any function instance, reads the same record and gets the same
 * answer: the stored one when provisioning finished, `000004` while it runs, or a takeover when the
 * claimant's lease ended without a result.
 * @module
 */
import { transact, type TxnStart } from '../callback/transact';
import type { Outcome } from '../callback/spec';
import { StoreUnavailableError } from '../core/errors';
import { claimRecord, decideNewInstanceRetry, type Lease, type NewInstanceCommand } from '../lifecycle/newInstance';
import type { DecideEnv, InstanceRecord } from '../lifecycle/types';
import { newInstanceKey } from '../lifecycle/keys';
import { auditEntry, decideEnv, instanceIdOf, materialize, outcomeOf, replayAudit, replayed, scopeOf, type BasicCall } from './call';
import { nonceOf } from './mutation';
import { provisionInstance } from './provisionInstance';

/** Time kept back from the provisioning wait to queue the job and write the 000004 record (ms). */
const QUEUE_MARGIN_MS = 400;

/** Runs newInstance for V2 or V1. */
export function runNewInstance(call: BasicCall, cmd: NewInstanceCommand): Promise<Outcome> {
  const { deps } = call;
  const scope = scopeOf(call);
  const instanceId = instanceIdOf(call);
  // Wait for the provisioner at most the configured budget, and never past the request's deadline (less
  // the time to queue the job and answer): a short invocation answers 000004 with the job queued.
  const budgetMs = (): number => Math.max(0, Math.min(deps.config.KG_PROVISION_BUDGET_MS, call.deadlineAt - deps.clock() - QUEUE_MARGIN_MS));
  // The claim and the decision of one attempt share its moment and its lease.
  let env: DecideEnv = decideEnv(deps);
  let lease: Lease = { owner: deps.leaseOwner, until: env.now };
  const claim = (): InstanceRecord => {
    env = decideEnv(deps);
    lease = { owner: deps.leaseOwner, until: env.now + deps.config.KG_PROVISION_LEASE_MS };
    return claimRecord(cmd, instanceId, env, lease, call.verified.protocol);
  };
  // A retry whose answer is stored is answered by round trip 1 alone.
  const key = newInstanceKey(cmd.orderId, cmd.orderLineId);
  const start: TxnStart<InstanceRecord> = Object.assign({ store: deps.store, tag: call.tag, claim }, nonceOf(call));
  start.replay = () => ({ key, audit: replayAudit(scope, deps.clock()) });
  return transact<InstanceRecord, Outcome>(start, async (current) => {
    if (current.answer) return { kind: 'done', result: outcomeOf(replayed(current.answer, scope), instanceId) };
    if (!current.record) throw new StoreUnavailableError('store returned no record after a claim');
    if (current.claimed) return { kind: 'done', result: await provisionInstance(scope, current.record, current.version, budgetMs()) };
    const decision = decideNewInstanceRetry(current.record, cmd, env, lease);
    if (decision.kind === 'takeover') {
      return {
        kind: 'commit',
        next: decision.next,
        audit: auditEntry(scope, 'takeover', env.now, 'previous provisioning lease ended'),
        result: (version: number) => provisionInstance(scope, decision.next, version, budgetMs()),
      };
    }
    const out = materialize(decision, scope, current.record);
    return Object.assign({ kind: 'commit' as const, audit: auditEntry(scope, out.resultCode, deps.clock()), result: outcomeOf(out, instanceId) }, out.write);
  });
}
