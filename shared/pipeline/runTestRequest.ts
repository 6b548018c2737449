/**
 * `testFlag` "1" requests (the console's debug tool and the twice-daily dial tests): verified and
 * validated like real ones, the nonce reserved, an audit line written, then answered with success.
 * They never touch an instance record nor call the provisioner.
 * @module
 */
import { answerTestRequest } from '../lifecycle/testFlag';
import type { Command } from '../lifecycle/types';
import { RESULT } from '../protocol/resultCodes';
import { auditEntry, beginCall, decideEnv, materialize, type CallContext, type CallOutcome } from './callContext';

/** The front-end URL shown for a test instance (the configured template, or a placeholder). */
export function testFrontEndUrl(template: string | undefined, instanceId: string): string {
  return (template ?? 'https://example.invalid/login?instance={instanceId}').replaceAll('{instanceId}', encodeURIComponent(instanceId));
}

/** Answers a testFlag "1" request. */
export async function runTestRequest(ctx: CallContext, cmd: Command): Promise<CallOutcome> {
  const { deps } = ctx;
  const instanceId =
    cmd.activity === 'newInstance' ? deps.deriveInstanceId(cmd.orderId, cmd.orderLineId)
    : cmd.activity === 'queryInstance' ? (cmd.instanceIds[0] ?? '')
    : cmd.instanceId;
  await beginCall(ctx, instanceId, { audit: auditEntry(ctx, RESULT.SUCCESS, deps.clock()) });
  const answer = answerTestRequest(cmd, decideEnv(deps), {
    deriveId: deps.deriveInstanceId,
    frontEndUrl: (id) => testFrontEndUrl(deps.config.KG_FRONTEND_URL_TEMPLATE, id),
  });
  const out = materialize(answer, ctx);
  return { body: out.body, resultCode: out.resultCode, instanceId };
}
