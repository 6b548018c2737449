/**
 * `queryInstance`: one round trip for one id (nonce, audit and read in a single script), a second
 * read for the other ids of a list. Read-only, except that an instance whose provisioning lease ended
 * without a queued job is handed to provision-worker (crash recovery).
 * @module
 */
import { answerQuery } from '../lifecycle/queryInstance';
import type { Command } from '../lifecycle/types';
import { InvalidParamError } from '../protocol/errors';
import { auditEntry, beginCall, decideEnv, materialize, type CallContext, type CallOutcome } from './callContext';

/** The queryInstance command. */
export type QueryCommand = Extract<Command, { activity: 'queryInstance' }>;

/** Runs queryInstance. */
export async function runQuery(ctx: CallContext, cmd: QueryCommand): Promise<CallOutcome> {
  const { store } = ctx.deps;
  const [first, ...rest] = cmd.instanceIds;
  if (first === undefined) throw new InvalidParamError('instanceId: at least one id is required');
  const begun = await beginCall(ctx, first, { audit: auditEntry(ctx, 'received', ctx.deps.clock()) });
  const others = rest.length > 0 ? await store.read(rest) : [];
  const records = [begun.record, ...others.map((v) => v.record)];

  const env = decideEnv(ctx.deps);
  for (const r of records) {
    if (r?.status === 'PROVISIONING' && !r.provisioning?.queuedAt && (r.provisioning?.leaseUntil ?? 0) < env.now) {
      await store.enqueueJob(r.instanceId, env.now);
    }
  }
  const out = materialize(answerQuery(records, cmd.instanceIds, env), ctx);
  return { body: out.body, resultCode: out.resultCode, instanceId: first };
}
