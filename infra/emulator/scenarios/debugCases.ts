/**
 * `debug-cases`: the seller console's 接口调试 cases and the twice-daily dial tests (lifecycle.md §6.6).
 * Every request carries `testFlag: "1"`, is signed like real traffic (upper-case hex, as the doc
 * examples), names ids the merchant may never have seen, and must answer 000000, also when repeated
 * unchanged. Debug calls must change no real data: a real instance survives a debug release, and a
 * debug create leaves nothing behind.
 * @module
 */
import type { ScenarioContext } from '../context';
import { infoEntry } from '../checks';
import type { Exchange } from '../marketplace';
import { expireTime14, expireTime17, newBusinessId, newOrderLine, unknownInstanceId } from '../ids';
import { NOT_FOUND, OK, call, changeCheckBody, createInstance, instanceIdOf, newInstanceCheck, queryUntilReady, refreshBody, releaseBody, statusBody, upgradeBody } from '../v2Steps';

const TEST = { testFlag: '1' } as const;
const DEBUG = { upperCaseSignature: true } as const;

function queryCheck(instanceId: string) {
  return (answer: Exchange) =>
    infoEntry(answer, instanceId) ? [] : [`test answer has no info entry for instanceId ${instanceId}`];
}

/** Runs the scenario. */
export async function debugCases(ctx: ScenarioContext): Promise<void> {
  const realId = await createInstance(ctx, newOrderLine(), 'newInstance (real order, for the no-side-effect checks)');
  await queryUntilReady(ctx, realId, 'queryInstance (real order)');

  const createBody = { activity: 'newInstance', businessId: newBusinessId(), ...newOrderLine(), ...TEST };
  let debugId: string | undefined;
  for (const name of ['debug newInstance', 'debug newInstance repeated unchanged']) {
    const { answer } = await ctx.step({ name, expect: OK, send: () => ctx.market.v2(createBody, DEBUG), check: newInstanceCheck() });
    debugId ??= instanceIdOf(answer);
  }
  const never = unknownInstanceId();
  const queried = debugId ?? never;
  for (const [name, id] of [['debug queryInstance of the debug-created id', queried], ['debug queryInstance of a never-created id', never]] as const) {
    await ctx.step({ name, expect: OK, send: () => ctx.market.v2({ activity: 'queryInstance', instanceId: id, ...TEST }, DEBUG), check: queryCheck(id) });
  }

  const cases: Array<[string, Record<string, unknown>]> = [
    ['refreshInstance RENEWAL', refreshBody(never, 'RENEWAL', expireTime14(365))],
    ['refreshInstance TRIAL_TO_FORMAL', refreshBody(never, 'TRIAL_TO_FORMAL', expireTime14(365))],
    ['refreshInstance RENEWAL_CHANGE', refreshBody(never, 'RENEWAL_CHANGE', expireTime17(365))],
    ['refreshInstance UNSUBSCRIBE_RENEWAL_PERIOD', refreshBody(never, 'UNSUBSCRIBE_RENEWAL_PERIOD', expireTime14(30))],
    ['updateInstanceStatus FREEZE', statusBody(never, 'FREEZE')],
    ['updateInstanceStatus UNFREEZE', statusBody(never, 'UNFREEZE')],
    ['upgradeInstance', upgradeBody(never)],
    ['changeInstanceCheck', changeCheckBody(never)],
    ['releaseInstance', releaseBody(never)],
  ];
  for (const [name, body] of cases) {
    const debugBody = { ...body, ...TEST };
    await call(ctx, `debug ${name} of a never-created id`, debugBody, OK, DEBUG);
    await call(ctx, `debug ${name} of a never-created id, repeated`, debugBody, OK, DEBUG);
  }

  await call(ctx, 'debug updateInstanceStatus FREEZE of the real instance', { ...statusBody(realId, 'FREEZE'), ...TEST }, OK, DEBUG);
  await call(ctx, 'debug releaseInstance of the real instance', { ...releaseBody(realId), ...TEST }, OK, DEBUG);
  await queryUntilReady(ctx, realId, 'queryInstance of the real instance after debug calls');
  await call(ctx, 'real updateInstanceStatus FREEZE after a debug release (not released)', statusBody(realId, 'FREEZE'), OK);
  if (debugId !== undefined && debugId !== realId) {
    await call(ctx, 'real updateInstanceStatus of the debug-created id (nothing was created)', statusBody(debugId, 'FREEZE'), NOT_FOUND);
  }
  await call(ctx, 'real releaseInstance', releaseBody(realId), OK);
}
