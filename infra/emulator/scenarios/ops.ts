/**
 * `ops`: plays what `ops-watch` watches for (docs/operate.md). Against the server it sends a purchase the
 * marketplace would count as failed (every delivery refused: a wrong signature), a purchase that fails once
 * and then succeeds, and two dial tests (testFlag "1") that fail; then it reads the server's own Redis
 * (`--ops-redis`, the store KG_REDIS_URL names) and judges it with ops-watch's own rules as the watch would
 * once the retry windows have closed (3 h on): the failed order and the failing dial tests are raised, the
 * recovered order is not. It reads only, so it sends no alert and changes no alert state.
 * @module
 */
import { loadConfig } from '../../../shared/platform/config';
import { activeConditions } from '../../../shared/ops/conditions';
import { observe } from '../../../shared/ops/observe';
import { createStore } from '../../../shared/store/createStore';
import type { ScenarioContext } from '../context';
import { newBusinessId, newOrderLine } from '../ids';
import { OK } from '../v2Steps';

const REFUSED = ['000001'];
/** A signature no key makes (64 hex characters, so it is refused as wrong, not as malformed). */
const WRONG_SIGNATURE = 'f'.repeat(64);
/** When the watch judges: past the longest retry window (3 h) of every call sent here. */
const JUDGED_AFTER_MS = 3 * 3_600_000 + 60_000;

/** Runs the scenario. */
export async function ops(ctx: ScenarioContext): Promise<void> {
  const redisUrl = ctx.options.ops?.redisUrl;
  if (!redisUrl) {
    ctx.fail('ops', 'the ops scenario reads the server\'s Redis: pass --ops-redis URL (the server\'s KG_REDIS_URL)');
    return;
  }
  const wrong = { signature: WRONG_SIGNATURE } as const;
  const failed = newOrderLine();
  for (const n of [1, 2]) {
    await ctx.step({ name: `newInstance refused (wrong signature), delivery ${n}`, expect: REFUSED, send: () => ctx.market.v2({ activity: 'newInstance', businessId: newBusinessId(), ...failed }, wrong) });
  }
  const recovered = newOrderLine();
  await ctx.step({ name: 'newInstance refused once (wrong signature)', expect: REFUSED, send: () => ctx.market.v2({ activity: 'newInstance', businessId: newBusinessId(), ...recovered }, wrong) });
  await ctx.step({ name: 'newInstance retried with the right signature', expect: OK, send: () => ctx.market.v2({ activity: 'newInstance', businessId: newBusinessId(), ...recovered }) });
  const dial = { activity: 'newInstance', ...newOrderLine(), testFlag: '1' };
  for (const n of [1, 2]) {
    await ctx.step({ name: `dial test refused (wrong signature), ${n} of 2`, expect: REFUSED, send: () => ctx.market.v2({ ...dial, businessId: newBusinessId() }, wrong) });
  }

  const store = createStore(loadConfig((key) => (key === 'KG_REDIS_URL' ? redisUrl : undefined)));
  try {
    await ctx.probe({
      name: 'ops-watch judges the server\'s records 3 h later: the failed order and the dial tests raised, the recovered order not',
      expect: [`order-failed:${failed.orderId}/…`, 'dial-tests-failing', `no order-failed:${recovered.orderId}/…`],
      run: async () => {
        const conditions = activeConditions(await observe(store, undefined, Date.now() + JUDGED_AFTER_MS), { failedOrders: 0, stuckProvisioningMs: 0 });
        const ids = conditions.map((c) => c.id);
        const problems: string[] = [];
        if (!ids.some((id) => id.startsWith(`order-failed:${failed.orderId}/`))) problems.push(`no order-failed for ${failed.orderId} (conditions: ${ids.join(', ') || 'none'})`);
        if (!ids.includes('dial-tests-failing')) problems.push('dial-tests-failing not raised after two refused dial tests');
        if (ids.some((id) => id.startsWith(`order-failed:${recovered.orderId}/`))) problems.push(`${recovered.orderId} recovered within its window but is raised as failed`);
        return { actual: ids.filter((id) => id.includes(failed.orderId) || id.includes(recovered.orderId) || id === 'dial-tests-failing').join(', '), problems };
      },
    });
  } finally {
    await store.close();
  }
}
