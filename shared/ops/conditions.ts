/**
 * What ops-watch looks for: from what it observed (the calls answered since a little before the current
 * China-time month, overdue usage, instances stuck provisioning, the last reconciliation, whether the store
 * answered), the conditions that hold now, each with a stable id (the same condition keeps its id from run to
 * run, so it alerts once when it appears and once when it goes away) and a human message. Pure.
 *
 * The rules, precisely:
 * - `order-failed:<orderId>/<orderLineId>/<activity>`: an order line whose call failed and got no `000000`
 *   within its activity's retry window (newInstance, upgradeInstance 3 h; the rest 1 h; lifecycle.md §4.1), as
 *   shared/ops/orderLines.ts decides it; listed while the window closed in the current China month or the first
 *   failure was in it (so it clears when the next month begins). Dial tests and the debug tool are no orders.
 * - `failed-orders-threshold`: distinct failed order lines first failing in the current China month >=
 *   KG_ALERT_FAILED_ORDERS (0 turns the rule off); the marketplace may delist past 5 (lifecycle.md §4.3).
 * - `dial-tests-failing`: the last two `produce` calls with testFlag "1" (dial tests replay the saved debug
 *   cases, lifecycle.md §4.3) both failed. Only calls the watch can see count: every failure, and the successes
 *   on the records those failures name (the watch reads only those audit logs).
 * - `kit-forward-failing`: in the last hour, at least {@link KIT_FORWARD_FAILURES} kit-function calls failed
 *   because the forward to KG_KIT_FORWARD_URL failed (failure reason `KitForwardError`), and no kit-function call
 *   answered `000000` after the latest of them (a success forwards too: the back end takes forwards again).
 * - `usage-push-stuck`: a usage record still pending {@link USAGE_STUCK_MS} after it was due, or after it was
 *   recorded (usage-push makes the records of a failed push due again at once, so a record that keeps failing is
 *   found by its recording time).
 * - `provisioning-stuck`: instances queued for provision-worker that are still PROVISIONING more than
 *   KG_STUCK_PROVISIONING_MINUTES after they were claimed (0 turns the rule off); one condition for all of them.
 * - `reconcile-mismatch`: the last reconciliation found differences between our records and the marketplace's
 *   orders; cleared by a later reconciliation that finds none.
 * - `store-unreachable`: Redis did not answer; nothing else can be judged then, so it is the only condition.
 * @module
 */
import { RESULT } from '../core/resultCodes';
import type { StoredUsage } from '../store/UsageLedger';
import { chinaMonth, chinaMonthRange, LONGEST_RETRY_WINDOW_MS } from './calendar';
import { isKitFunction, type CallEvent } from './calls';
import { orderLineOutcomes, type OrderLineOutcome } from './orderLines';
import { noSquareBrackets } from './sinks/alert';

/** Every kind of condition. */
export type ConditionKind =
  | 'order-failed'
  | 'failed-orders-threshold'
  | 'dial-tests-failing'
  | 'usage-push-stuck'
  | 'kit-forward-failing'
  | 'store-unreachable'
  | 'provisioning-stuck'
  | 'reconcile-mismatch';

/** One condition that holds now. */
export interface Condition {
  /** Stable id: the kind, and for `order-failed` the order line and activity. */
  id: string;
  kind: ConditionKind;
  /** Human text, safe to send anywhere (ids and codes, never a secret); no square brackets (SMS refuses them). */
  message: string;
}

/** An instance queued for provision-worker that is still PROVISIONING. */
export interface ProvisioningInstance {
  instanceId: string;
  orderId: string;
  /** When it was claimed (epoch ms). */
  since: number;
}

/** What the last reconciliation found (kept by the watch between runs). */
export interface ReconcileSummary {
  /** When it finished (epoch ms). */
  at: number;
  checked: number;
  /** How many findings. */
  findings: number;
  /** A few findings as text (`<kind> <instanceId> order <orderId>: <detail>`). */
  sample: string[];
}

/** Everything the rules judge. */
export interface Observation {
  /** Epoch ms. */
  nowMs: number;
  /** Set when the store did not answer (the error's name). */
  storeError?: string;
  /** Calls answered from {@link observationStart} to now, oldest first (shared/ops/calls.ts, audits `failed`). */
  calls: readonly CallEvent[];
  /** Pending usage records due, or recorded, more than {@link USAGE_STUCK_MS} ago, oldest recorded first. */
  overdueUsage: readonly StoredUsage[];
  /** Queued instances still PROVISIONING (any age: the rule applies the threshold). */
  provisioning: readonly ProvisioningInstance[];
  /** The last reconciliation, if one ran. */
  reconcile?: ReconcileSummary;
}

/** The thresholds the configuration sets. */
export interface ConditionSettings {
  /** KG_ALERT_FAILED_ORDERS (0 = off). */
  failedOrders: number;
  /** KG_STUCK_PROVISIONING_MINUTES in ms (0 = off). */
  stuckProvisioningMs: number;
}

const HOUR_MS = 3600_000;
/** A usage record this long past its due time means usage-push is not getting through (ms). */
export const USAGE_STUCK_MS = 2 * HOUR_MS;
/** Forward failures in the last hour that make `kit-forward-failing`. */
export const KIT_FORWARD_FAILURES = 3;
/** The window of `kit-forward-failing` (ms). */
export const KIT_FORWARD_WINDOW_MS = HOUR_MS;
/** How far back the dial-test rule looks (ms): two days of dial tests, twice a day. */
export const DIAL_TEST_LOOKBACK_MS = 48 * HOUR_MS;
/** Items named in one message. */
const SAMPLE = 3;

/** Where the watch starts reading calls for an observation at `nowMs` (epoch ms). */
export function observationStart(nowMs: number): number {
  const month = chinaMonthRange(chinaMonth(nowMs));
  return Math.min(month.startMs - LONGEST_RETRY_WINDOW_MS, nowMs - DIAL_TEST_LOOKBACK_MS);
}

/**
 * The conditions that hold, sorted by id.
 * @example
 * const ids = activeConditions(observation, { failedOrders: 3, stuckProvisioningMs: 30 * 60_000 }).map((c) => c.id);
 */
export function activeConditions(o: Observation, settings: ConditionSettings): Condition[] {
  if (o.storeError !== undefined) return [storeUnreachable(o.storeError)];
  const outcomes = orderLineOutcomes(o.calls, o.nowMs);
  const out: Condition[] = [
    ...failedOrders(outcomes, o.nowMs),
    ...optional(failedOrdersThreshold(outcomes, o.nowMs, settings.failedOrders)),
    ...optional(dialTestsFailing(o.calls, o.nowMs)),
    ...optional(kitForwardFailing(o.calls, o.nowMs)),
    ...optional(usagePushStuck(o.overdueUsage)),
    ...optional(provisioningStuck(o.provisioning, o.nowMs, settings.stuckProvisioningMs)),
    ...optional(reconcileMismatch(o.reconcile)),
  ];
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function optional(c: Condition | undefined): Condition[] {
  return c ? [c] : [];
}

/** `store-unreachable`. */
export function storeUnreachable(errorName: string): Condition {
  return { id: 'store-unreachable', kind: 'store-unreachable', message: `Redis did not answer (${errorName}): every callback answers 000005 until it is back.` };
}

const iso = (ms: number) => new Date(ms).toISOString();

function failedOrders(outcomes: readonly OrderLineOutcome[], nowMs: number): Condition[] {
  const month = chinaMonth(nowMs);
  const { startMs } = chinaMonthRange(month);
  return outcomes
    .filter((l) => l.state === 'failed' && (l.month === month || l.windowEndsAt >= startMs))
    .map((l) => {
      const line = l.orderLineId === '' ? l.orderId : `${l.orderId} line ${l.orderLineId}`;
      const after = l.activity === 'newInstance' || l.activity === 'upgradeInstance' ? 'the marketplace unsubscribes and refunds it' : 'it needs manual handling';
      return {
        id: `order-failed:${l.orderId}/${l.orderLineId}/${l.activity}`,
        kind: 'order-failed' as const,
        message: noSquareBrackets(`Order ${line}: ${l.activity} failed ${l.attempts} time(s) since ${iso(l.firstFailedAt)} and no retry succeeded within its window (ended ${iso(l.windowEndsAt)}); ${after}, and it counts as a failed order of ${l.month}. Last answer ${l.resultCode}${l.reason ? ` (${l.reason})` : ''}.`),
      };
    });
}

function failedOrdersThreshold(outcomes: readonly OrderLineOutcome[], nowMs: number, threshold: number): Condition | undefined {
  if (threshold <= 0) return undefined;
  const month = chinaMonth(nowMs);
  const lines = new Set(outcomes.filter((l) => l.state === 'failed' && l.month === month).map((l) => `${l.orderId}\u0000${l.orderLineId}`));
  if (lines.size < threshold) return undefined;
  return {
    id: 'failed-orders-threshold',
    kind: 'failed-orders-threshold',
    message: `${lines.size} failed order(s) in ${month} (China time), at or over the alert line of ${threshold}: the marketplace may delist the product after more than 5 in one month.`,
  };
}

function dialTestsFailing(calls: readonly CallEvent[], nowMs: number): Condition | undefined {
  const tests = calls.filter((c) => c.test && c.fn === 'produce' && c.at >= nowMs - DIAL_TEST_LOOKBACK_MS);
  const last = tests.slice(-2);
  if (last.length < 2 || last.some((c) => c.ok)) return undefined;
  const text = last.map((c) => `${c.activity} ${c.resultCode} at ${iso(c.at)}`).join(', ');
  return {
    id: 'dial-tests-failing',
    kind: 'dial-tests-failing',
    message: noSquareBrackets(`The last two dial-test calls (testFlag 1) failed: ${text}. After 5 days of failing dial tests the marketplace freezes trading and hides the product.`),
  };
}

function kitForwardFailing(calls: readonly CallEvent[], nowMs: number): Condition | undefined {
  const recent = calls.filter((c) => isKitFunction(c.fn) && c.at > nowMs - KIT_FORWARD_WINDOW_MS && c.at <= nowMs);
  const failures = recent.filter((c) => !c.ok && (c.reason ?? '').startsWith('KitForwardError'));
  const latest = failures.at(-1);
  if (!latest || failures.length < KIT_FORWARD_FAILURES) return undefined;
  if (recent.some((c) => c.ok && c.resultCode === RESULT.SUCCESS && c.at >= latest.at)) return undefined;
  const tenants = [...new Set(failures.map((c) => c.tenantId ?? c.tag ?? '?'))];
  return {
    id: 'kit-forward-failing',
    kind: 'kit-forward-failing',
    message: noSquareBrackets(`${failures.length} kit call(s) in the last hour failed because KG_KIT_FORWARD_URL did not take the change (latest ${latest.fn} at ${iso(latest.at)}; tenants ${tenants.slice(0, SAMPLE).join(', ')}${tenants.length > SAMPLE ? ', ...' : ''}); each answered 000005 and the marketplace retries them.`),
  };
}

function usagePushStuck(overdue: readonly StoredUsage[]): Condition | undefined {
  const first = overdue[0];
  if (!first) return undefined;
  return {
    id: 'usage-push-stuck',
    kind: 'usage-push-stuck',
    message: noSquareBrackets(`${overdue.length}${overdue.length >= 100 ? '+' : ''} usage record(s) have waited more than 2 h for usage-push (oldest ${first.meteringSn} of instance ${first.instanceId}, recorded ${iso(first.recordedAt)}); check the usage-push log and the open-API settings.`),
  };
}

function provisioningStuck(instances: readonly ProvisioningInstance[], nowMs: number, stuckMs: number): Condition | undefined {
  if (stuckMs <= 0) return undefined;
  const stuck = instances.filter((i) => nowMs - i.since > stuckMs).sort((a, b) => a.since - b.since);
  const first = stuck[0];
  if (!first) return undefined;
  return {
    id: 'provisioning-stuck',
    kind: 'provisioning-stuck',
    message: noSquareBrackets(`${stuck.length} instance(s) still PROVISIONING more than ${Math.round(stuckMs / 60_000)} min after the purchase (oldest ${first.instanceId}, order ${first.orderId}, since ${iso(first.since)}); the marketplace retries newInstance for 3 h only.`),
  };
}

function reconcileMismatch(summary: ReconcileSummary | undefined): Condition | undefined {
  if (!summary || summary.findings === 0) return undefined;
  return {
    id: 'reconcile-mismatch',
    kind: 'reconcile-mismatch',
    message: noSquareBrackets(`The reconciliation of ${iso(summary.at)} found ${summary.findings} difference(s) between our instances and the marketplace's orders (${summary.checked} checked): ${summary.sample.slice(0, SAMPLE).join('; ')}${summary.findings > SAMPLE ? '; ...' : ''}.`),
  };
}
