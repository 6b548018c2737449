/**
 * `on-demand`: an on-demand (按需) resource: create, query, freeze for arrears, unfreeze, delete
 * (lifecycle.md §6.4).
 * @module
 */
import type { ScenarioContext } from '../context';
import { newOrderLine } from '../ids';
import { OK, call, createInstance, queryUntilReady, releaseBody, statusBody } from '../v2Steps';

/** Runs the scenario. */
export async function onDemand(ctx: ScenarioContext): Promise<void> {
  const id = await createInstance(ctx, newOrderLine());
  await queryUntilReady(ctx, id);
  await call(ctx, 'updateInstanceStatus FREEZE (arrears)', statusBody(id, 'FREEZE'), OK);
  await call(ctx, 'updateInstanceStatus UNFREEZE', statusBody(id, 'UNFREEZE'), OK);
  await call(ctx, 'releaseInstance', releaseBody(id), OK);
}
