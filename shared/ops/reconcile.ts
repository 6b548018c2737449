/**
 * Reconciliation (issue 12): walks every stored instance, asks query order about each live one and reports
 * where the store and the marketplace disagree: an unsubscribed or released order whose instance still runs,
 * an instance past its expiry that was never frozen, provisioning that never ended, an order the marketplace
 * does not know. It reports and never changes an instance: it only scans and reads the store. The decisions
 * are in `reconcileRules.ts`; this file is the I/O loop.
 *
 * The open API's rate limit (`MKT.0250`, platform-and-open-api.md §6.3) has no documented figure, so queries
 * go one at a time, at least {@link DEFAULT_MIN_INTERVAL_MS} apart, with a longer pause after a rate-limit
 * refusal. A failed query is counted in `errors` (with a few samples) and the run goes on; the run stops early,
 * saying why in `stopped`, at the limit of checked instances, at the deadline, or when its signal aborts.
 * @module
 */
import { pause } from '../core/deadline';
import { MarketplaceError, MarketplaceRateLimitError, safeText } from '../marketplace/errors';
import type { OrderInfo } from '../marketplace/orderQuery';
import { instanceIdOfTag } from '../store/keys';
import type { Store } from '../store/Store';
import { judge, orderNotFoundCode, triage, type OrderAnswer, type ReconcileFinding, type RuleSettings } from './reconcileRules';

export type { FindingKind, ReconcileFinding } from './reconcileRules';

/** Instances checked in one run unless `limit` says otherwise. */
export const DEFAULT_RECONCILE_LIMIT = 10_000;

/** Least time between the starts of two order queries unless `minIntervalMs` says otherwise (ms): 10 a second at most. */
export const DEFAULT_MIN_INTERVAL_MS = 100;

/** Pause before the next order query after one was refused for its rate (`MKT.0250`) (ms). */
export const DEFAULT_RATE_LIMIT_PAUSE_MS = 2_000;

/** Error samples kept in a report. */
export const MAX_ERROR_SAMPLES = 5;

/** What a run needs. */
export interface ReconcileDeps {
  store: Store;
  /** Query order (shared/marketplace/orderQuery.ts, bound to a client). */
  queryOrder: (orderId: string, orderLineId?: string, signal?: AbortSignal) => Promise<OrderInfo>;
  /** Epoch ms. */
  clock: () => number;
  /** How long past its expiry an instance may stay ACTIVE before it is reported (ms); KG_RECONCILE_GRACE_HOURS. */
  graceMs: number;
  /** How long an instance may stay PROVISIONING before it is reported (ms); KG_STUCK_PROVISIONING_MINUTES. */
  stuckMs: number;
  /** Most instances checked in one run (default {@link DEFAULT_RECONCILE_LIMIT}); the rest wait for the next run. */
  limit?: number;
  /** Epoch ms, by `clock`, after which no query starts; a running query is aborted then. */
  deadline?: number;
  /** Aborts the run (a running query too). */
  signal?: AbortSignal;
  /** Least time between the starts of two queries (ms); default {@link DEFAULT_MIN_INTERVAL_MS}. */
  minIntervalMs?: number;
  /** Pause after a rate-limit refusal (ms); default {@link DEFAULT_RATE_LIMIT_PAUSE_MS}. */
  rateLimitPauseMs?: number;
}

/** What a run found. */
export interface ReconcileReport {
  /** Instances looked at: every stored instance but RELEASED tombstones, test data and other records. */
  checked: number;
  findings: ReconcileFinding[];
  /** Order queries that failed for another reason than "order not found" (their instances got no verdict). */
  errors: number;
  /** Up to {@link MAX_ERROR_SAMPLES} of those failures, `<instanceId>: <error> <code>: <message>` (safe text). */
  errorSamples?: string[];
  /** Order queries sent. */
  queried?: number;
  /** Why the run ended before every instance was checked; absent when it checked them all. */
  stopped?: 'limit' | 'deadline' | 'aborted';
}

type Stop = NonNullable<ReconcileReport['stopped']>;

type Asked =
  | { kind: 'answer'; answer: OrderAnswer }
  | { kind: 'error'; error: unknown }
  | { kind: 'stopped'; why: Stop };

/**
 * One reconciliation run. Throws only when the store fails (a scan or a read); query failures are counted.
 * @example
 * const client = openApiClientFrom(config);
 * const report = await reconcile({
 *   store, clock: Date.now, graceMs: 24 * 3_600_000, stuckMs: 30 * 60_000,
 *   queryOrder: (orderId, orderLineId, signal) => queryOrder(client, orderId, orderLineId, signal),
 * });
 */
export async function reconcile(deps: ReconcileDeps): Promise<ReconcileReport> {
  const settings: RuleSettings = { graceMs: deps.graceMs, stuckMs: deps.stuckMs };
  const limit = deps.limit ?? DEFAULT_RECONCILE_LIMIT;
  const findings: ReconcileFinding[] = [];
  const samples: string[] = [];
  let checked = 0;
  let errors = 0;
  let queried = 0;
  let stopped: Stop | undefined;
  const seen = new Set<string>();
  const pacer = { nextAt: 0 };

  scan: for await (const batch of deps.store.scanTags('record')) {
    // A scan may name a tag twice; tenants, test tenants and sessions are not read at all.
    const tags = batch.filter((tag) => {
      if (seen.has(tag) || instanceIdOfTag(tag) === undefined) return false;
      seen.add(tag);
      return true;
    });
    if (tags.length === 0) continue;
    const rows = await deps.store.read(tags);
    for (const [i, tag] of tags.entries()) {
      stopped = stopReason(deps);
      if (stopped) break scan;
      const step = triage(tag, rows[i]?.record ?? null, deps.clock(), settings);
      if (step.action === 'skip') continue;
      if (checked >= limit) {
        stopped = 'limit';
        break scan;
      }
      if (step.action === 'done') {
        checked++;
        if (step.finding) findings.push(step.finding);
        continue;
      }
      const asked = await ask(deps, step.orderId, step.orderLineId, pacer);
      if (asked.kind === 'stopped') {
        stopped = asked.why;
        break scan;
      }
      checked++;
      queried++;
      if (asked.kind === 'error') {
        errors++;
        if (samples.length < MAX_ERROR_SAMPLES) samples.push(`${safeText(step.record.instanceId, 64)}: ${describeError(asked.error)}`);
        continue;
      }
      const found = judge(step.record, asked.answer, deps.clock(), settings);
      if (found) findings.push(found);
    }
  }
  return {
    checked, findings, errors, queried,
    ...(samples.length > 0 ? { errorSamples: samples } : {}),
    ...(stopped ? { stopped } : {}),
  };
}

/** Why the run must stop now, if it must. */
function stopReason(deps: ReconcileDeps): Stop | undefined {
  if (deps.signal?.aborted) return 'aborted';
  if (deps.deadline !== undefined && deps.clock() >= deps.deadline) return 'deadline';
  return undefined;
}

/** One paced order query, under the run's deadline and signal. */
async function ask(deps: ReconcileDeps, orderId: string, orderLineId: string | undefined, pacer: { nextAt: number }): Promise<Asked> {
  const wait = pacer.nextAt - Date.now();
  if (wait > 0) {
    if (deps.deadline !== undefined && deps.clock() + wait >= deps.deadline) return { kind: 'stopped', why: 'deadline' };
    await pause(wait, deps.signal);
  }
  const stop = stopReason(deps);
  if (stop) return { kind: 'stopped', why: stop };
  pacer.nextAt = Date.now() + (deps.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS);
  const signals: AbortSignal[] = [];
  if (deps.signal) signals.push(deps.signal);
  if (deps.deadline !== undefined) signals.push(AbortSignal.timeout(Math.max(1, deps.deadline - deps.clock())));
  const signal = signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
  try {
    const order = await deps.queryOrder(orderId, orderLineId, signal);
    return { kind: 'answer', answer: { found: true, order } };
  } catch (error) {
    // Cut short by the run's own deadline or signal: no verdict, and no error either.
    if (signal?.aborted) return { kind: 'stopped', why: deps.signal?.aborted ? 'aborted' : 'deadline' };
    const code = orderNotFoundCode(error);
    if (code !== undefined) return { kind: 'answer', answer: { found: false, code } };
    if (error instanceof MarketplaceRateLimitError) pacer.nextAt = Date.now() + (deps.rateLimitPauseMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS);
    return { kind: 'error', error };
  }
}

/** A failure as one safe line: its name, code, HTTP status and short message (errors never carry keys). */
function describeError(error: unknown): string {
  if (error instanceof MarketplaceError) {
    return `${error.name} ${error.code}${error.httpStatus !== undefined ? ` (HTTP ${error.httpStatus})` : ''}: ${safeText(error.message)}`;
  }
  if (error instanceof Error) return `${error.name}: ${safeText(error.message)}`;
  return 'unknown error';
}

