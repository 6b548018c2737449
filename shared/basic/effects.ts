/**
 * Carries out a lifecycle {@link Effect} through the merchant's provisioner, within a deadline, and
 * reports the outcome as an {@link EffectResult}. A provisioner that throws or runs out of time
 * becomes `000005`: nothing changes and the marketplace's retry repeats the (idempotent) call.
 * @module
 */
import { withDeadline } from '../core/deadline';
import type { Effect, EffectResult } from '../lifecycle/types';
import { isRefusal, type ChangeCheckResult, type ProvisionRefusal, type Provisioner } from '../provisioning/Provisioner';
import { RESULT, RESULT_MESSAGE, type ResultCode } from '../core/resultCodes';
import { toResult } from '../core/errors';

/**
 * How long a renew/freeze/unfreeze/release/upgrade/check call may take (ms): the provisioner's own timeout
 * (KG_PROVISIONER_TIMEOUT_MS, which the http provisioner enforces) plus a small margin, as a backstop for
 * custom provisioners. KG_PROVISION_BUDGET_MS is only newInstance's wait before answering 000004.
 */
export function effectTimeoutMs(provisionerTimeoutMs: number): number {
  return provisionerTimeoutMs + 200;
}

/**
 * Runs one effect; never throws. `timeoutMs` bounds the provisioner call; `parent` (the request's
 * deadline) aborts its signal earlier.
 */
export async function runEffect(provisioner: Provisioner, effect: Effect, timeoutMs: number, parent?: AbortSignal): Promise<EffectResult> {
  try {
    const outcome = await withDeadline(
      (signal) => call(provisioner, effect, signal),
      Math.max(1, timeoutMs),
      () => new Error(`provisioner ${effect.kind} took longer than ${timeoutMs} ms`),
      parent,
    );
    if (isRefusal(outcome)) return { ok: false, ...asFailure(outcome.resultCode, outcome.resultMsg) };
    if (outcome && typeof outcome === 'object' && 'allowed' in outcome) {
      return { ok: true, allowed: outcome.allowed, ...(outcome.message ? { message: outcome.message } : {}) };
    }
    return { ok: true };
  } catch (err) {
    const r = toResult(err);
    return { ok: false, ...asFailure(r.resultCode, r.resultMsg) };
  }
}

/**
 * A provisioner's refusal or error as the marketplace may see it: never `000000`, which would announce a
 * success that nothing stored (a custom provisioner can refuse with any code); that becomes `000005`.
 */
export function asFailure(resultCode: ResultCode, resultMsg: string): { resultCode: ResultCode; resultMsg: string } {
  return resultCode === RESULT.SUCCESS ? { resultCode: RESULT.INTERNAL_ERROR, resultMsg: RESULT_MESSAGE[RESULT.INTERNAL_ERROR] } : { resultCode, resultMsg };
}

function call(p: Provisioner, e: Effect, signal: AbortSignal): Promise<void | ProvisionRefusal | ChangeCheckResult> {
  switch (e.kind) {
    case 'renew':
      return p.renew({ instanceId: e.instanceId, scene: e.scene, expireTime: e.expireTime, orderId: e.orderId, orderLineId: e.orderLineId, ...(e.productId ? { productId: e.productId } : {}), signal });
    case 'upgrade':
      return p.upgrade({ instanceId: e.instanceId, orderId: e.orderId, orderLineId: e.orderLineId, ...(e.productId ? { productId: e.productId } : {}), ...(e.skuCode ? { skuCode: e.skuCode } : {}), signal });
    case 'freeze':
      return p.freeze({ instanceId: e.instanceId, signal });
    case 'unfreeze':
      return p.unfreeze({ instanceId: e.instanceId, signal });
    case 'release':
      return p.release({ instanceId: e.instanceId, signal });
    case 'checkChange':
      return p.checkChange({ instanceId: e.instanceId, productInfo: e.productInfo, signal });
  }
}
