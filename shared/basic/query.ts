/**
 * `queryInstance`: one round trip for one id (nonce, audit and read in a single script), a second
 * read for the other ids of a list. Read-only, except that an instance whose provisioning lease ended
 * without a queued job is handed to provision-worker (crash recovery).
 * @module
 */
import { transact } from '../callback/transact';
import type { Outcome } from '../callback/spec';
import { InvalidParamError } from '../core/errors';
import { answerQuery, type QueryView } from '../lifecycle/queryInstance';
import type { Command, DecideEnv, InstanceRecord } from '../lifecycle/types';
import { instanceTag } from '../store/keys';
import { auditEntry, decideEnv, materialize, outcomeOf, scopeOf, type AnswerScope, type BasicCall, type Materialized } from './call';
import type { BasicResponder } from './responder';
import { nonceOf } from './mutation';

/** The queryInstance command. */
export type QueryCommand = Extract<Command, { activity: 'queryInstance' }>;

/** Runs queryInstance. */
export function runQuery(call: BasicCall, cmd: QueryCommand): Promise<Outcome> {
  const { store } = call.deps;
  const scope = scopeOf(call);
  const [first, ...rest] = cmd.instanceIds;
  if (first === undefined) throw new InvalidParamError('instanceId: at least one id is required');
  // The first id's record is read as its view (a few hundred bytes, not the whole record); the others are
  // read whole, a second round trip only lists of ids pay.
  const start = Object.assign({ store, tag: call.tag, audit: auditEntry(scope, 'received', call.deps.clock()), view: true }, nonceOf(call));
  return transact<QueryView, Outcome>(start, async (current) => {
    const others = rest.length > 0 ? await store.read<InstanceRecord>(rest.map(instanceTag)) : [];
    const records: Array<QueryView | null> = [current.record, ...others.map((v) => v.record)];
    const env = decideEnv(call.deps);
    for (const r of records) {
      if (r?.status === 'PROVISIONING' && !r.provisioning?.queuedAt && (r.provisioning?.leaseUntil ?? 0) < env.now) {
        await store.enqueueJob(r.instanceId, env.now);
      }
    }
    return { kind: 'done', result: outcomeOf(answerOf(records, cmd.instanceIds, env, scope, current.view === true && rest.length === 0), first) };
  });
}

/**
 * The V2 answer last given for a view (Store.begin `view`), with the responder that made it: views are shared,
 * frozen objects per stored text, and a single-id V2 answer depends on nothing else, so a repeated query of an
 * unchanged instance (a dial test, a buyer's console) is neither decided nor encoded again, and its body is the
 * same string, whose Body-Sign is then remembered cheaply. A query verified by another key of the ring gets
 * its own. V1 answers encrypt with fresh IVs and are always made anew.
 */
const answersByView = new WeakMap<QueryView, { responder: BasicResponder; answer: Materialized }>();

function answerOf(records: Array<QueryView | null>, ids: string[], env: DecideEnv, scope: AnswerScope, ofView: boolean): Materialized {
  const record = records[0];
  if (!ofView || scope.responder.protocol !== 'v2' || !record) return materialize(answerQuery(records, ids, env), scope, null);
  const given = answersByView.get(record);
  if (given !== undefined && given.responder === scope.responder) return given.answer;
  const answer = materialize(answerQuery(records, ids, env), scope, null);
  answersByView.set(record, { responder: scope.responder, answer });
  return answer;
}
