/**
 * `hostile`: requests the merchant must refuse without changing anything (security-and-crypto.md §3.1,
 * lifecycle.md §1.1): bad or missing signature (000001), stale or future timestamp, missing
 * timestamp or nonce, and malformed bodies (000002). Every answer must still be HTTP 200 JSON with a
 * resultCode. The instance they aim at must come out untouched.
 * @module
 */
import type { ScenarioContext } from '../context';
import type { V2Options } from '../marketplace';
import { newBusinessId, newOrderLine } from '../ids';
import { OK, call, createInstance, queryUntilReady, releaseBody, statusBody } from '../v2Steps';

const AUTH = ['000001'];
const PARAM = ['000002'];
/** The spec only says "reject" a replayed nonce; both refusal codes are accepted. */
const REPLAY = ['000001', '000002'];
const FIVE_MB = 5 * 1024 * 1024;

/** Runs the scenario. */
export async function hostile(ctx: ScenarioContext): Promise<void> {
  const id = await createInstance(ctx, newOrderLine());
  await queryUntilReady(ctx, id);
  const release = releaseBody(id);
  const create = () => ({ activity: 'newInstance', businessId: newBusinessId(), ...newOrderLine() });

  const cases: Array<[string, string[], Record<string, unknown>, V2Options]> = [
    ['bad signature', AUTH, release, { signature: 'ab'.repeat(32) }],
    ['bad signature with testFlag "1"', AUTH, { ...release, testFlag: '1' }, { signature: '0'.repeat(64) }],
    ['signature missing', AUTH, release, { omit: ['signature'] }],
    ['timestamp 61 s old', PARAM, release, { timestampOffsetMs: -61_000 }],
    ['timestamp 61 s in the future', PARAM, release, { timestampOffsetMs: 61_000 }],
    ['timestamp missing', PARAM, release, { omit: ['timestamp'] }],
    ['nonce missing', PARAM, release, { omit: ['nonce'] }],
    ['missing required field (orderLineId)', PARAM, { activity: 'newInstance', businessId: newBusinessId(), orderId: newOrderLine().orderId }, {}],
    ['oversized field (65-char orderId)', PARAM, { ...create(), orderId: `CS${'X'.repeat(63)}` }, {}],
    ['wrong-type field (orderId as a number)', PARAM, { ...create(), orderId: 2211181819 }, {}],
    ['unknown activity', PARAM, { activity: 'deleteEverything', instanceId: id }, {}],
    ['broken JSON', PARAM, {}, { rawBody: '{"activity":"releaseInstance","instanceId":' }],
    ['JSON array body', PARAM, {}, { rawBody: '[]' }],
    ['empty body', PARAM, {}, { rawBody: '' }],
    ['5 MB body', PARAM, {}, { rawBody: `{"activity":"releaseInstance","instanceId":"${id}","memo":"${'A'.repeat(FIVE_MB)}"}` }],
    ['queryInstance with 101 ids', PARAM, { activity: 'queryInstance', instanceId: Array.from({ length: 101 }, (_, i) => `id${i}`).join(',') }, {}],
  ];
  for (const [name, expect, body, options] of cases) await call(ctx, name, body, expect, options);

  // Replay: the exact same signed request twice. The first is valid, the second must be refused.
  const unfreeze = ctx.market.prepareV2(statusBody(id, 'UNFREEZE'));
  await ctx.step({ name: 'valid request (to be replayed)', expect: OK, send: () => ctx.market.sendPrepared(unfreeze) });
  await ctx.step({ name: 'replayed nonce', expect: REPLAY, send: () => ctx.market.sendPrepared(unfreeze) });

  // Nothing above may have released or damaged the instance.
  await queryUntilReady(ctx, id, 'queryInstance after the hostile requests (instance untouched)');
  await call(ctx, 'updateInstanceStatus FREEZE after the hostile requests (not released)', statusBody(id, 'FREEZE'), OK);
  await call(ctx, 'releaseInstance', release, OK);
}
