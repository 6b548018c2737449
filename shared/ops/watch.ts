/**
 * One ops-watch run: is the store there; if it is, the daily reconciliation when it is due, then what the store
 * shows (shared/ops/observe.ts) judged by the rules (shared/ops/conditions.ts); then the alerts those conditions
 * call for, decided and leased with one compare-and-set (shared/ops/alertState.ts), sent to every sink (each in
 * its own time, retried within the run; a failing sink never stops the run nor the other sink), and settled.
 * Never throws for a sink or for the store: what went wrong is in the report.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { withDeadline } from '../core/deadline';
import type { Store } from '../store/Store';
import type { UsageLedger } from '../store/UsageLedger';
import {
  planAlerts, settleAlerts, storeAlertBackend, type AlertPlan, type AlertStateBackend, type OutboxEntry, type SendResult,
} from './alertState';
import { activeConditions, storeUnreachable, type Condition, type ConditionSettings, type ReconcileSummary } from './conditions';
import { fileAlertBackend } from './localAlertState';
import { claimNightly, finishNightly } from './nightlyRun';
import { observe } from './observe';
import type { AlertSink, AlertState, SinkName } from './sinks/alert';
import { DEFAULT_SEND_POLICY, deliver, type SendPolicy } from './sinks/deliver';

/** How long the reachability check may take (ms). */
export const PING_TIMEOUT_MS = 3000;

/** What the reconciliation reports (shared/ops/reconcile.ts `ReconcileReport`). */
export interface ReconcileOutcome {
  checked: number;
  findings: ReadonlyArray<{ kind: string; instanceId: string; orderId: string; detail: string }>;
  errors: number;
}

/** What one run needs. */
export interface WatchDeps {
  store: Store;
  /** The usage ledger beside the store (absent: the usage rule sees nothing). */
  ledger?: UsageLedger;
  sinks: readonly AlertSink[];
  settings: ConditionSettings;
  /** The file that keeps `store-unreachable` (shared/ops/localAlertState.ts). */
  localStatePath: string;
  /** Attempts, timeout and pauses of each send. Default {@link DEFAULT_SEND_POLICY}. */
  sendPolicy?: SendPolicy;
  /** Runs the reconciliation (absent: the open API is not configured, so it is skipped). */
  reconcile?: () => Promise<ReconcileOutcome>;
}

/** Options of one run. */
export interface WatchOptions {
  /** `due` (default): the daily reconciliation when it is due; `force`: now; `off`: never. */
  reconcile?: 'due' | 'force' | 'off';
}

/** One send of one alert to one sink. */
export interface SentAlert {
  id: string;
  state: AlertState;
  sink: SinkName;
}

/** What one run did. */
export interface WatchReport {
  /** Epoch ms of the run. */
  at: number;
  store: 'ok' | 'unreachable';
  /** Ids of the conditions that hold now (`store-unreachable` alone when the store is down). */
  conditions: string[];
  /** Ids raised by this run. */
  raised: string[];
  /** Ids cleared by this run. */
  cleared: string[];
  /** What this run raised and cleared, with the messages. */
  alerts: Array<{ id: string; state: AlertState; message: string }>;
  sent: SentAlert[];
  failed: Array<SentAlert & { error: string }>;
  /** Alerts dropped undelivered (too old, too many). */
  dropped: number;
  /** Set when the reconciliation was due or forced. */
  reconcile?: { ran: true; checked: number; findings: number; errors: number } | { ran: false; reason: string };
  /** What could not be done (error names; safe). */
  errors: string[];
}

const nameOf = (err: unknown) => (err instanceof Error ? err.name : typeof err);

/**
 * Runs the watch once at `nowMs` (epoch ms).
 * @example
 * const report = await runWatch({ store, ledger: usageLedgerFor(store), sinks, settings, localStatePath }, Date.now());
 */
export async function runWatch(deps: WatchDeps, nowMs: number, options: WatchOptions = {}): Promise<WatchReport> {
  const report: WatchReport = { at: nowMs, store: 'ok', conditions: [], raised: [], cleared: [], alerts: [], sent: [], failed: [], dropped: 0, errors: [] };
  const runId = randomUUID();
  const local = fileAlertBackend(deps.localStatePath);
  const storeError = await pingError(deps.store);
  if (storeError !== undefined) {
    report.store = 'unreachable';
    const condition = storeUnreachable(storeError);
    report.conditions = [condition.id];
    await alertOn(local, [condition], deps, nowMs, runId, report, 'local');
    return report;
  }
  // The store answers: store-unreachable (kept in the local file) goes away if it was raised.
  await alertOn(local, [], deps, nowMs, runId, report, 'local');
  if (options.reconcile !== 'off') await nightly(deps, nowMs, options.reconcile === 'force', report);
  let conditions: Condition[];
  try {
    conditions = activeConditions(await observe(deps.store, deps.ledger, nowMs), deps.settings);
  } catch (err) {
    // Without an observation nothing is judged: the raised conditions stay as they are.
    report.errors.push(`observe: ${nameOf(err)}`);
    return report;
  }
  report.conditions = conditions.map((c) => c.id);
  await alertOn(storeAlertBackend(deps.store, () => nowMs), conditions, deps, nowMs, runId, report, 'store');
  return report;
}

/** Why the store did not answer a ping in time, or undefined when it did. */
async function pingError(store: Store): Promise<string | undefined> {
  try {
    await withDeadline(() => store.ping(), PING_TIMEOUT_MS, () => new Error('ping timed out'));
    return undefined;
  } catch (err) {
    return nameOf(err);
  }
}

/** Decide + lease (one write), send, settle (one write), on one backend. */
async function alertOn(
  backend: AlertStateBackend, conditions: readonly Condition[], deps: WatchDeps, nowMs: number, runId: string, report: WatchReport, where: string,
): Promise<void> {
  const sinks = deps.sinks.map((s) => s.name);
  let plan: AlertPlan;
  try {
    plan = await backend.update((current) => planAlerts(current, conditions, { nowMs, sinks, runId }), `run ${runId.slice(0, 8)}`);
  } catch (err) {
    report.errors.push(`alert state (${where}): ${nameOf(err)}`);
    return;
  }
  report.raised.push(...plan.raised.map((c) => c.id));
  report.cleared.push(...plan.cleared.map((c) => c.id));
  report.alerts.push(
    ...plan.cleared.map((c) => ({ id: c.id, state: 'cleared' as const, message: c.message })),
    ...plan.raised.map((c) => ({ id: c.id, state: 'raised' as const, message: c.message })),
  );
  report.dropped += plan.dropped;
  if (plan.claimed.length === 0) return;
  const results = await sendAll(plan.claimed, deps.sinks, deps.sendPolicy ?? DEFAULT_SEND_POLICY, report);
  const summary = results.map((r) => `${r.deliveryId.slice(0, 8)}:${r.delivered.join('+') || '-'}`).join(' ');
  try {
    await backend.update((current) => settleAlerts(current, results, runId), `sent ${summary}`);
  } catch (err) {
    // The lease runs out and the next run sends again (at least once).
    report.errors.push(`alert settle (${where}): ${nameOf(err)}`);
  }
}

/**
 * Sends the claimed alerts: the sinks side by side, each one's alerts in order; a sink that fails an alert
 * (after its retries) is left alone for the rest of this run, so its alerts stay pending in order.
 */
async function sendAll(claimed: readonly OutboxEntry[], sinks: readonly AlertSink[], policy: SendPolicy, report: WatchReport): Promise<SendResult[]> {
  const results = new Map<string, SendResult>(claimed.map((e) => [e.deliveryId, { deliveryId: e.deliveryId, delivered: [], failed: [] }]));
  await Promise.all(sinks.map(async (sink) => {
    for (const entry of claimed) {
      if (!entry.pending.includes(sink.name)) continue;
      const alert = { id: entry.id, kind: entry.kind, state: entry.state, message: entry.message, at: entry.at, deliveryId: entry.deliveryId };
      const outcome = await deliver(sink, alert, policy);
      const result = results.get(entry.deliveryId) as SendResult;
      if (outcome.ok) {
        result.delivered.push(sink.name);
        report.sent.push({ id: entry.id, state: entry.state, sink: sink.name });
      } else {
        result.failed.push({ sink: sink.name, error: outcome.error });
        report.failed.push({ id: entry.id, state: entry.state, sink: sink.name, error: outcome.error });
        return;
      }
    }
  }));
  return [...results.values()];
}

/** The daily reconciliation, when due (or forced), its summary kept for the `reconcile-mismatch` rule. */
async function nightly(deps: WatchDeps, nowMs: number, force: boolean, report: WatchReport): Promise<void> {
  try {
    // One read when it is not due: the claim's own read decides, and writes only when it claims.
    if (!(await claimNightly(deps.store, nowMs, force))) return;
    if (!deps.reconcile) {
      report.reconcile = { ran: false, reason: 'the open API is not configured (KG_OPENAPI_AK, KG_OPENAPI_SK)' };
      await finishNightly(deps.store, nowMs, 'skipped');
      return;
    }
    let outcome: ReconcileOutcome;
    try {
      outcome = await deps.reconcile();
    } catch (err) {
      report.reconcile = { ran: false, reason: `failed: ${nameOf(err)}` };
      await finishNightly(deps.store, nowMs, 'failed');
      return;
    }
    const summary: ReconcileSummary = {
      at: nowMs,
      checked: outcome.checked,
      findings: outcome.findings.length,
      sample: outcome.findings.slice(0, 5).map((f) => `${f.kind} ${f.instanceId} order ${f.orderId}: ${f.detail}`.slice(0, 200)),
    };
    await finishNightly(deps.store, nowMs, summary);
    report.reconcile = { ran: true, checked: outcome.checked, findings: outcome.findings.length, errors: outcome.errors };
  } catch (err) {
    report.errors.push(`reconcile schedule: ${nameOf(err)}`);
  }
}
