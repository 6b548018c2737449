/**
 * `one-time`: a one-time (按次) purchase: create, query, release (lifecycle.md §2.0).
 * @module
 */
import type { ScenarioContext } from '../context';
import { newOrderLine } from '../ids';
import { OK, call, createInstance, queryUntilReady, releaseBody } from '../v2Steps';

/** Runs the scenario. */
export async function oneTime(ctx: ScenarioContext): Promise<void> {
  const id = await createInstance(ctx, newOrderLine());
  await queryUntilReady(ctx, id);
  await call(ctx, 'releaseInstance', releaseBody(id), OK);
}
