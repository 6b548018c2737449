/**
 * `testFlag` "1" requests (the console's debug tool and the twice-daily dial tests): verified and
 * validated like real ones, the nonce reserved, an audit line written, then answered with success.
 * They never touch an instance record nor call the provisioner.
 * @module
 */
import { transact } from '../callback/transact';
import type { Outcome } from '../callback/spec';
import { RESULT } from '../core/resultCodes';
import { answerTestRequest } from '../lifecycle/testFlag';
import type { Command, InstanceRecord } from '../lifecycle/types';
import { auditEntry, decideEnv, instanceIdOf, materialize, outcomeOf, scopeOf, type BasicCall } from './call';
import { nonceOf } from './mutation';

/** The front-end URL shown for a test instance (the configured template, or a placeholder). */
export function testFrontEndUrl(template: string | undefined, instanceId: string): string {
  return (template ?? 'https://example.invalid/login?instance={instanceId}').replaceAll('{instanceId}', encodeURIComponent(instanceId));
}

/** The instance a command names (derived for newInstance, the first id of a query). */
export function commandInstanceId(cmd: Command, derive: (orderId: string, orderLineId: string) => string): string {
  if (cmd.activity === 'newInstance') return derive(cmd.orderId, cmd.orderLineId);
  if (cmd.activity === 'queryInstance') return cmd.instanceIds[0] ?? '';
  return cmd.instanceId;
}

/** Answers a testFlag "1" request. */
export function runTestRequest(call: BasicCall, cmd: Command): Promise<Outcome> {
  const { deps } = call;
  const scope = scopeOf(call);
  const instanceId = instanceIdOf(call);
  const start = { store: deps.store, tag: call.tag, ...nonceOf(call), audit: auditEntry(scope, RESULT.SUCCESS, deps.clock()) };
  return transact<InstanceRecord, Outcome>(start, () => {
    const answer = answerTestRequest(cmd, decideEnv(deps), {
      deriveId: deps.deriveInstanceId,
      frontEndUrl: (id) => testFrontEndUrl(deps.config.KG_FRONTEND_URL_TEMPLATE, id),
    });
    return { kind: 'done', result: outcomeOf(materialize(answer, scope, null), instanceId) };
  });
}
