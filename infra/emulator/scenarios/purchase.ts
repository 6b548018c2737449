/**
 * `purchase`: a yearly/monthly subscription from order to tombstone (lifecycle.md §2, §6.2, §6.3),
 * ending with calls on the released id and on an id never created.
 * @module
 */
import type { ScenarioContext } from '../context';
import { expireTime14, expireTime17, newOrderLine, unknownInstanceId } from '../ids';
import { NOT_FOUND, OK, call, changeCheckBody, createInstance, queryUntilReady, refreshBody, releaseBody, statusBody, upgradeBody } from '../v2Steps';

/** Runs the scenario. */
export async function purchase(ctx: ScenarioContext): Promise<void> {
  const id = await createInstance(ctx, newOrderLine());
  await queryUntilReady(ctx, id);

  const renewal = refreshBody(id, 'RENEWAL', expireTime14(365));
  await call(ctx, 'refreshInstance RENEWAL (14-digit expireTime)', renewal, OK);
  await call(ctx, 'refreshInstance RENEWAL repeated unchanged', renewal, OK);
  await call(ctx, 'updateInstanceStatus FREEZE', statusBody(id, 'FREEZE'), OK);
  await call(ctx, 'updateInstanceStatus UNFREEZE', statusBody(id, 'UNFREEZE'), OK);
  await call(ctx, 'upgradeInstance', upgradeBody(id), OK);
  await call(ctx, 'changeInstanceCheck', changeCheckBody(id), OK);
  await call(ctx, 'refreshInstance RENEWAL_CHANGE (17-digit expireTime)', refreshBody(id, 'RENEWAL_CHANGE', expireTime17(730)), OK);
  await call(ctx, 'refreshInstance UNSUBSCRIBE_RENEWAL_PERIOD', refreshBody(id, 'UNSUBSCRIBE_RENEWAL_PERIOD', expireTime14(365)), OK);
  await call(ctx, 'updateInstanceStatus FREEZE (expired)', statusBody(id, 'FREEZE'), OK);
  await call(ctx, 'releaseInstance', releaseBody(id), OK);
  await call(ctx, 'releaseInstance repeated', releaseBody(id), OK);

  await call(ctx, 'refreshInstance of the released id', refreshBody(id, 'RENEWAL', expireTime14(400)), NOT_FOUND);
  await call(ctx, 'updateInstanceStatus FREEZE of the released id', statusBody(id, 'FREEZE'), NOT_FOUND);
  const never = unknownInstanceId();
  await call(ctx, 'refreshInstance of a never-created id', refreshBody(never, 'RENEWAL', expireTime14(365)), NOT_FOUND);
  await call(ctx, 'updateInstanceStatus FREEZE of a never-created id', statusBody(never, 'FREEZE'), NOT_FOUND);
  await call(ctx, 'releaseInstance of a never-created id', releaseBody(never), NOT_FOUND);
}
