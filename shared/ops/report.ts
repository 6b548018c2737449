/**
 * The month's report (`kg report`): failed orders against the delisting line, orders at risk now, dial
 * tests, answers, latency, kit sync failures and usage, built from the answered calls
 * ({@link collectCalls}) at one instant. Pure: the same calls and instant give the same report.
 *
 * Readings chosen where the marketplace's rules are vague (see also orderLines.ts and reportDialTests.ts):
 * - the month is China time (UTC+8), as the marketplace's own calendar;
 * - failed orders, at-risk orders and recoveries are order lines whose FIRST failure is in the month;
 *   calls from the longest retry window before the month (so a line that started failing in the last
 *   hours of the previous month counts there, not here) and up to that window after it (so a late
 *   recovery still counts) decide their state: {@link reportRange};
 * - every other figure (answers, latency, days) covers only the calls answered inside the month;
 * - a call refused before its body was read has the activity `unknown`; for a kit function the function
 *   names its activity, so the report uses that name.
 * @module
 */
import { KIT_FUNCTIONS } from '../kit/routes';
import type { DeadLetter, UsageCount } from '../store/UsageLedger';
import { chinaDay, chinaDaysBetween, chinaMonth, chinaMonthRange, DELISTING_LIMIT, LONGEST_RETRY_WINDOW_MS } from './calendar';
import { isKitFunction, type CallEvent } from './calls';
import { orderLineOutcomes, type OrderLineOutcome } from './orderLines';
import { dialTests, DIAL_FREEZE_DAYS, type DialTests } from './reportDialTests';
import { figuresPerDay, latencyByActivity, slowestCalls, type DayFigures, type LatencyRow, type SlowCall } from './reportLatency';

export type { DialDay, DialTests } from './reportDialTests';
export type { DayFigures, LatencyRow, SlowCall } from './reportLatency';

/** Dead letters a report lists. */
export const DEAD_LETTERS_LISTED = 20;

/** A failed order line (the marketplace counts it). */
export interface FailedOrder {
  orderId: string;
  /** '' when the calls named no line. */
  orderLineId: string;
  activity: string;
  /** The last failure's code and reason. */
  resultCode: string;
  reason: string;
  /** The first failure (epoch ms): the month it counts in. */
  at: number;
  /** Failed calls of the line. */
  attempts: number;
}

/** An order line whose retry window is still open, with no success yet. */
export interface AtRiskOrder extends FailedOrder {
  /** When the marketplace stops retrying (epoch ms). */
  windowEndsAt: number;
}

/** Calls of one activity answered with one code. */
export interface AnswerCount {
  activity: string;
  resultCode: string;
  count: number;
}

/** A failed kit sync (the 联营 kit functions). */
export interface KitFailure {
  /** The kit function: `tenant-sync`, `auth-sync`, ... */
  fn: string;
  activity: string;
  resultCode: string;
  reason: string;
  /** Epoch ms. */
  at: number;
  tenantId?: string;
  /** testFlag "1": the seller's test data. */
  test?: boolean;
}

/** The usage ledger's figures (on-demand usage waiting for, sent to or refused by the open API). */
export interface UsageFigures {
  pending: number;
  pushed: number;
  dead: number;
  /** The newest {@link DEAD_LETTERS_LISTED} dead letters. */
  deadLetters: DeadLetter[];
}

/** red: one more failure can bring a penalty; amber: something to look at; green: nothing to do. */
export type ReportLevel = 'red' | 'amber' | 'green';

/** The headline's state and why. */
export interface ReportStatus {
  level: ReportLevel;
  /** One short sentence per cause, the most serious first (empty when green). */
  reasons: string[];
}

/** A month's report. */
export interface MonthReport {
  /** `YYYY-MM`, China time. */
  month: string;
  /** The instant the report describes (epoch ms). */
  generatedAt: number;
  /** True when `generatedAt` is inside the month (the figures may still change). */
  current: boolean;
  status: ReportStatus;
  failedOrders: { count: number; limit: number; orders: FailedOrder[] };
  atRisk: AtRiskOrder[];
  /** Order lines that failed and then succeeded within their retry window. */
  recovered: number;
  dialTests: DialTests;
  answers: AnswerCount[];
  latency: LatencyRow[];
  slowest: SlowCall[];
  perDay: DayFigures[];
  kitSyncFailures: KitFailure[];
  /** Present only when the usage ledger was read. */
  usage?: UsageFigures;
}

/** What the ledger said, for {@link buildMonthReport}. */
export interface UsageInput {
  counts: readonly UsageCount[];
  /** Newest first, as the ledger lists them. */
  deadLetters: readonly DeadLetter[];
}

/** What a report is built from. */
export interface ReportInput {
  /** The calls of {@link reportRange} (more is harmless; fewer misses recoveries and late starts). */
  calls: readonly CallEvent[];
  /** The report's instant (epoch ms). */
  nowMs: number;
  /** `YYYY-MM`, China time; default the month of `nowMs`. */
  month?: string;
  usage?: UsageInput;
}

/**
 * The calls a report of `month` needs, as of `nowMs` (epoch ms, `[sinceMs, untilMs)`): from the longest
 * retry window before the month to that window after it, never past `nowMs`.
 * @example reportRange('2026-10', Date.now()) // { sinceMs: ..., untilMs: ... }
 * @throws RangeError for anything but `YYYY-MM`.
 */
export function reportRange(month: string, nowMs: number): { sinceMs: number; untilMs: number } {
  const { startMs, endMs } = chinaMonthRange(month);
  return { sinceMs: startMs - LONGEST_RETRY_WINDOW_MS, untilMs: Math.min(nowMs, endMs + LONGEST_RETRY_WINDOW_MS) };
}

/**
 * Builds the report of `input.month` at `input.nowMs`.
 * @example
 * const calls = await collectCalls(store, { ...reportRange(month, now), audits: 'all' });
 * const report = buildMonthReport({ calls, nowMs: now, month });
 * @throws RangeError for a month that is not `YYYY-MM`.
 */
export function buildMonthReport(input: ReportInput): MonthReport {
  const month = input.month ?? chinaMonth(input.nowMs);
  const { startMs, endMs } = chinaMonthRange(month);
  const calls = input.calls.map(withActivity);
  const inMonth = calls.filter((c) => c.at >= startMs && c.at < endMs);
  const days = reportDays(month, input.nowMs);

  const lines = orderLineOutcomes(calls, input.nowMs).filter((l) => l.month === month);
  const failed = lines.filter((l) => l.state === 'failed').map(failedOrder);
  const atRisk = lines.filter((l) => l.state === 'at-risk').map((l) => ({ ...failedOrder(l), windowEndsAt: l.windowEndsAt }));
  const dial = dialTests(inMonth, days);
  const usage = input.usage ? usageFigures(input.usage) : undefined;

  const report: MonthReport = {
    month,
    generatedAt: input.nowMs,
    current: input.nowMs >= startMs && input.nowMs < endMs,
    status: { level: 'green', reasons: [] },
    failedOrders: { count: failed.length, limit: DELISTING_LIMIT, orders: failed },
    atRisk,
    recovered: lines.filter((l) => l.state === 'recovered').length,
    dialTests: dial,
    answers: answerCounts(inMonth),
    latency: latencyByActivity(inMonth),
    slowest: slowestCalls(inMonth),
    perDay: figuresPerDay(inMonth, days),
    kitSyncFailures: inMonth.filter((c) => !c.ok && isKitFunction(c.fn)).map(kitFailure),
    ...(usage ? { usage } : {}),
  };
  report.status = reportStatus(report);
  return report;
}

/**
 * The headline's level:
 * - red when one more failure can bring a penalty: failed orders at the line (the marketplace delists
 *   past it), orders at risk that would cross it, or a dial-test run one day short of the freeze;
 * - amber when anything failed that the marketplace counts or that lost money: a failed order, an order
 *   at risk, a failing dial-test day, a dead-lettered usage record;
 * - green otherwise.
 * @example reportStatus(report) // { level: 'amber', reasons: ['2 failed orders (the line is 5)'] }
 */
export function reportStatus(report: Pick<MonthReport, 'failedOrders' | 'atRisk' | 'dialTests' | 'usage'>): ReportStatus {
  const { count, limit } = report.failedOrders;
  const risk = report.atRisk.length;
  const run = report.dialTests.failingRun;
  const red: string[] = [];
  const amber: string[] = [];
  if (count >= limit) red.push(`${count} failed orders: one more and the marketplace may delist the product (more than ${limit} a month)`);
  else if (count > 0) amber.push(`${count} failed order${count === 1 ? '' : 's'} (the line is ${limit} a month)`);
  if (risk > 0) {
    const text = `${risk} order${risk === 1 ? '' : 's'} at risk: the marketplace is still retrying`;
    if (count + risk > limit) red.push(`${text}, and ${risk === 1 ? 'it' : 'they'} would take the month past ${limit}`);
    else amber.push(text);
  }
  if (run >= DIAL_FREEZE_DAYS - 1) red.push(`dial tests failing ${run} day${run === 1 ? '' : 's'} in a row: trading freezes after ${DIAL_FREEZE_DAYS}`);
  else if (run > 0) amber.push(`dial tests failing ${run} day${run === 1 ? '' : 's'} in a row`);
  const dead = report.usage?.dead ?? 0;
  if (dead > 0) amber.push(`${dead} usage record${dead === 1 ? '' : 's'} dead-lettered`);
  const level: ReportLevel = red.length > 0 ? 'red' : amber.length > 0 ? 'amber' : 'green';
  return { level, reasons: [...red, ...amber] };
}

/** The China days of `month` up to the day of `nowMs` (all of them for a past month, none for a future one). */
export function reportDays(month: string, nowMs: number): string[] {
  const { startMs, endMs } = chinaMonthRange(month);
  if (nowMs < startMs) return [];
  return chinaDaysBetween(chinaDay(startMs), chinaDay(Math.min(nowMs, endMs - 1)));
}

/** A kit call refused before its body was read is `unknown`: its function names the activity. */
function withActivity(call: CallEvent): CallEvent {
  if (call.activity !== 'unknown' || !Object.hasOwn(KIT_FUNCTIONS, call.fn)) return call;
  return { ...call, activity: KIT_FUNCTIONS[call.fn as keyof typeof KIT_FUNCTIONS] };
}

function failedOrder(l: OrderLineOutcome): FailedOrder {
  return { orderId: l.orderId, orderLineId: l.orderLineId, activity: l.activity, resultCode: l.resultCode, reason: l.reason, at: l.firstFailedAt, attempts: l.attempts };
}

function kitFailure(c: CallEvent): KitFailure {
  return {
    fn: c.fn, activity: c.activity, resultCode: c.resultCode, reason: c.reason ?? '', at: c.at,
    ...(c.tenantId ? { tenantId: c.tenantId } : {}), ...(c.test ? { test: true } : {}),
  };
}

/** Counts per activity and code, by activity then code. */
function answerCounts(calls: readonly CallEvent[]): AnswerCount[] {
  const counts = new Map<string, AnswerCount>();
  for (const c of calls) {
    const key = `${c.activity}\u0000${c.resultCode}`;
    const row = counts.get(key) ?? { activity: c.activity, resultCode: c.resultCode, count: 0 };
    row.count += 1;
    counts.set(key, row);
  }
  return [...counts.values()].sort((a, b) => compare(a.activity, b.activity) || compare(a.resultCode, b.resultCode));
}

function usageFigures(input: UsageInput): UsageFigures {
  const sum = (pick: (r: UsageCount) => number): number => input.counts.reduce((n, r) => n + pick(r), 0);
  return { pending: sum((r) => r.pending), pushed: sum((r) => r.pushed), dead: sum((r) => r.dead), deadLetters: input.deadLetters.slice(0, DEAD_LETTERS_LISTED) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
