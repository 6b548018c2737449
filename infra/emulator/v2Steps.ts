/**
 * The V2 lifecycle calls as reusable steps: each builds the documented body (lifecycle.md §2), sends
 * it signed, and checks what the specification says about its answer.
 * @module
 */
import { appInfoProblems, infoEntry, stringFieldProblems, usageInfoProblems } from './checks';
import { sleep, type ScenarioContext } from './context';
import { newBusinessId, newOrderLine, type OrderLine } from './ids';
import type { Exchange, V2Options } from './marketplace';

/** Success. */
export const OK = ['000000'];
/** Success, or accepted for asynchronous provisioning. */
export const OK_OR_PROCESSING = ['000000', '000004'];
/** Instance does not exist. */
export const NOT_FOUND = ['000003'];

/** The `instanceId` of a newInstance answer, if it is a usable string. */
export function instanceIdOf(answer: Exchange): string | undefined {
  const id = answer.json?.instanceId;
  return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : undefined;
}

/** Checks a newInstance answer carries an instanceId (mandatory even with 000004, §5.4), and the same one as before. */
export function newInstanceCheck(sameAs?: () => string | undefined) {
  return (answer: Exchange): string[] => {
    const problems = stringFieldProblems(answer.json?.instanceId, 'instanceId', 64, true);
    const earlier = sameAs?.();
    if (problems.length === 0 && earlier !== undefined && answer.json?.instanceId !== earlier) problems.push('instanceId changed on retry');
    return problems;
  };
}

/** Sends newInstance for `order`; aborts the scenario when no instanceId comes back. */
export async function createInstance(ctx: ScenarioContext, order: OrderLine, name = 'newInstance', extra: Record<string, string> = {}): Promise<string> {
  const { answer, pass } = await ctx.step({
    name,
    expect: OK_OR_PROCESSING,
    send: () => ctx.market.v2({ activity: 'newInstance', businessId: newBusinessId(), ...order, ...extra }),
    check: newInstanceCheck(),
  });
  const id = instanceIdOf(answer);
  if (!pass || id === undefined) ctx.abort('newInstance gave no instanceId');
  return id;
}

/**
 * Polls queryInstance while the merchant answers 000004 (or, tolerated, 000000 without appInfo: the
 * spec leaves the in-progress answer open, lifecycle.md §5.4), then checks the info entry and appInfo.
 * Resolves to true when the instance became ready.
 */
export async function queryUntilReady(ctx: ScenarioContext, instanceId: string, name = 'queryInstance'): Promise<boolean> {
  const { pollLimit, pollIntervalMs } = ctx.options;
  for (let poll = 1; poll <= pollLimit; poll++) {
    let ready = false;
    const last = poll === pollLimit;
    const { pass } = await ctx.step({
      name: poll === 1 ? name : `${name} (poll ${poll})`,
      expect: OK_OR_PROCESSING,
      send: () => ctx.market.v2({ activity: 'queryInstance', instanceId }),
      check: (answer, code) => {
        if (code === '000004') return last ? [`still 000004 after ${pollLimit} polls`] : [];
        const entry = infoEntry(answer, instanceId);
        if (!entry) return [`info has no entry for instanceId ${instanceId}`];
        if (entry.appInfo === undefined && !last) return [];
        ready = true;
        return [...appInfoProblems(entry.appInfo), ...usageInfoProblems(entry)];
      },
    });
    if (ready || !pass) return ready && pass;
    await sleep(pollIntervalMs);
  }
  return false;
}

/** One lifecycle call with its documented body and the expected codes. */
export function call(ctx: ScenarioContext, name: string, body: Record<string, unknown>, expect: string[], options?: V2Options) {
  return ctx.step({ name, expect, send: () => ctx.market.v2(body, options) });
}

/** refreshInstance for a scene, with a fresh order of its own (the renewal / conversion / unsubscribe order). */
export function refreshBody(instanceId: string, scene: string, expireTime: string, order: OrderLine = newOrderLine()): Record<string, string> {
  return { activity: 'refreshInstance', instanceId, scene, expireTime, ...order };
}

/** updateInstanceStatus FREEZE or UNFREEZE. */
export function statusBody(instanceId: string, status: 'FREEZE' | 'UNFREEZE'): Record<string, string> {
  return { activity: 'updateInstanceStatus', instanceId, status };
}

/** releaseInstance (the optional unsubscribe order left out: release after the freeze period). */
export function releaseBody(instanceId: string): Record<string, string> {
  return { activity: 'releaseInstance', instanceId };
}

/** upgradeInstance with a fresh upgrade order. */
export function upgradeBody(instanceId: string, order: OrderLine = newOrderLine()): Record<string, string> {
  return { activity: 'upgradeInstance', instanceId, ...order };
}

/**
 * changeInstanceCheck with a target spec; nested keys sorted so every canonical form the spec lists agrees
 * (§1.2). The product name holds non-ASCII text and a `/`, which the signed payload carries raw
 * (security-and-crypto.md §3.1 step 4): a server that escapes either before hashing refuses this call.
 */
export function changeCheckBody(instanceId: string): Record<string, unknown> {
  return {
    activity: 'changeInstanceCheck',
    instanceId,
    productInfo: { linearValue: 10, productId: '00301-000000-0--0', productName: 'Emulator 标准版/Standard', skuCode: 'emu-sku-standard' },
  };
}
