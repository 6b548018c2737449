/**
 * `trial`: a trial converted to a paid subscription, then released (lifecycle.md §6.1).
 * @module
 */
import type { ScenarioContext } from '../context';
import { expireTime14, newOrderLine } from '../ids';
import { OK, call, createInstance, queryUntilReady, refreshBody, releaseBody } from '../v2Steps';

/** Runs the scenario. */
export async function trial(ctx: ScenarioContext): Promise<void> {
  const id = await createInstance(ctx, newOrderLine());
  await queryUntilReady(ctx, id);
  await call(ctx, 'refreshInstance TRIAL_TO_FORMAL', refreshBody(id, 'TRIAL_TO_FORMAL', expireTime14(365)), OK);
  await call(ctx, 'releaseInstance', releaseBody(id), OK);
}
