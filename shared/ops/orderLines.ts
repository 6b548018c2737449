/**
 * Failed order lines as the marketplace counts them: an order line whose call failed and got no
 * success within the retry window of its activity, counted in the China-time month of its first
 * failure (lifecycle.md §4.1, §4.3). The marketplace's own rule names create and upgrade failures; every
 * basic-interface activity that carries an order is counted here, the cautious reading, so the figure can
 * only warn early. Dial tests and the debug tool (testFlag "1") are not orders, and neither are the 联营
 * kit's syncs (a tenantSync names an order, but it provisions no order line: its failures are reported as
 * kit failures).
 * @module
 */
import { chinaMonth, retryWindowMs } from './calendar';
import type { CallEvent } from './calls';

/** Where a failed order line stands. */
export type OrderLineState =
  /** A success came within the retry window. */
  | 'recovered'
  /** The window is still open and nothing succeeded yet: act now. */
  | 'at-risk'
  /** The window closed without a success: the marketplace counts it. */
  | 'failed';

/** One order line (and activity) that failed at least once. */
export interface OrderLineOutcome {
  orderId: string;
  /** '' when the call named no line (V1, a release). */
  orderLineId: string;
  activity: string;
  state: OrderLineState;
  /** `YYYY-MM` (China time) of the first failure: the month it counts in. */
  month: string;
  firstFailedAt: number;
  lastFailedAt: number;
  /** When the retry window of the first failure ends (epoch ms). */
  windowEndsAt: number;
  attempts: number;
  /** The last failure's code and reason. */
  resultCode: string;
  reason: string;
  /** The success that recovered it (or came too late), if any. */
  succeededAt?: number;
  /** The record the calls were about, when known. */
  tag?: string;
}

/** Groups the failed calls by order line and decides each line's state at `nowMs`, oldest first. */
export function orderLineOutcomes(calls: readonly CallEvent[], nowMs: number): OrderLineOutcome[] {
  const lines = new Map<string, OrderLineOutcome>();
  const successes = new Map<string, number[]>();
  for (const call of calls) {
    if (call.test || !call.orderId || call.fn !== 'produce') continue;
    const key = `${call.orderId}\u0000${call.orderLineId ?? ''}\u0000${call.activity}`;
    if (call.ok) {
      const list = successes.get(key) ?? [];
      list.push(call.at);
      successes.set(key, list);
      continue;
    }
    const line = lines.get(key);
    if (!line) {
      lines.set(key, {
        orderId: call.orderId, orderLineId: call.orderLineId ?? '', activity: call.activity, state: 'failed', month: chinaMonth(call.at),
        firstFailedAt: call.at, lastFailedAt: call.at, windowEndsAt: call.at + retryWindowMs(call.activity), attempts: 1,
        resultCode: call.resultCode, reason: call.reason ?? '', ...(call.tag ? { tag: call.tag } : {}),
      });
    } else {
      line.attempts += 1;
      if (call.at >= line.lastFailedAt) {
        line.lastFailedAt = call.at;
        line.resultCode = call.resultCode;
        // A replayed refusal may carry no reason of its own: keep the last one that said why.
        if (call.reason) line.reason = call.reason;
      }
      if (call.at < line.firstFailedAt) {
        line.firstFailedAt = call.at;
        line.month = chinaMonth(call.at);
        line.windowEndsAt = call.at + retryWindowMs(call.activity);
      }
      if (!line.tag && call.tag) line.tag = call.tag;
    }
  }
  const out: OrderLineOutcome[] = [];
  for (const [key, line] of lines) {
    const after = (successes.get(key) ?? []).filter((at) => at >= line.firstFailedAt).sort((a, b) => a - b);
    const first = after[0];
    if (first !== undefined) line.succeededAt = first;
    if (first !== undefined && first <= line.windowEndsAt) line.state = 'recovered';
    else line.state = nowMs < line.windowEndsAt ? 'at-risk' : 'failed';
    out.push(line);
  }
  return out.sort((a, b) => a.firstFailedAt - b.firstFailedAt);
}
