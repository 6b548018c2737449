/**
 * `retry-storm`: the marketplace's retries (lifecycle.md §2.1, §4.1). One order line is delivered N
 * times with new businessIds and nonces, interleaved with queries and once more after a renewal;
 * then N duplicates of another order line arrive at once. Every answer must name the same instanceId.
 * @module
 */
import type { ScenarioContext } from '../context';
import { infoEntry } from '../checks';
import { expireTime14, newBusinessId, newOrderLine } from '../ids';
import { OK, OK_OR_PROCESSING, call, createInstance, instanceIdOf, newInstanceCheck, queryUntilReady, refreshBody, releaseBody } from '../v2Steps';

/** Runs the scenario. */
export async function retryStorm(ctx: ScenarioContext): Promise<void> {
  const order = newOrderLine();
  const first = await createInstance(ctx, order, 'newInstance delivery 1');
  const sameAsFirst = newInstanceCheck(() => first);
  const deliver = (name: string) =>
    ctx.step({ name, expect: OK_OR_PROCESSING, send: () => ctx.market.v2({ activity: 'newInstance', businessId: newBusinessId(), ...order }), check: sameAsFirst });

  for (let n = 2; n <= ctx.options.retries; n++) {
    await deliver(`newInstance delivery ${n} (new businessId)`);
    await ctx.step({
      name: `queryInstance after delivery ${n}`,
      expect: OK_OR_PROCESSING,
      send: () => ctx.market.v2({ activity: 'queryInstance', instanceId: first }),
      check: (answer, code) => (code === '000000' && !infoEntry(answer, first) ? [`info has no entry for instanceId ${first}`] : []),
    });
  }
  await queryUntilReady(ctx, first);
  await call(ctx, 'refreshInstance RENEWAL', refreshBody(first, 'RENEWAL', expireTime14(365)), OK);
  await deliver('newInstance delivered late, after the renewal');
  await queryUntilReady(ctx, first, 'queryInstance after the late delivery');

  // Concurrent duplicates of a fresh order line: different businessIds and nonces, one instance.
  const burst = newOrderLine();
  const n = ctx.options.concurrency;
  const answers = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      ctx.step({
        name: `concurrent newInstance ${i + 1}/${n}`,
        expect: OK_OR_PROCESSING,
        send: () => ctx.market.v2({ activity: 'newInstance', businessId: newBusinessId(), ...burst }),
        check: newInstanceCheck(),
      }),
    ),
  );
  const ids = new Set(answers.map((a) => instanceIdOf(a.answer)).filter((id): id is string => id !== undefined));
  if (ids.size > 1) ctx.fail(`concurrent newInstance x${n}`, `instanceId differs between concurrent duplicates: ${ids.size} distinct ids`, OK_OR_PROCESSING);
  const burstId = [...ids][0];
  if (burstId === undefined) return;
  await queryUntilReady(ctx, burstId, 'queryInstance after the concurrent burst');
  const renewal = refreshBody(burstId, 'RENEWAL', expireTime14(365));
  await Promise.all(Array.from({ length: Math.min(n, 10) }, (_, i) => call(ctx, `concurrent duplicate refreshInstance RENEWAL ${i + 1}`, renewal, OK)));
  await call(ctx, 'releaseInstance (burst)', releaseBody(burstId), OK);
  await call(ctx, 'releaseInstance (retried order line)', releaseBody(first), OK);
}
