/**
 * Reconciliation's decisions, pure (no I/O, no clock): what a stored record needs ({@link triage}) and, for a
 * live instance, what its order says about it ({@link judge}). Reconciliation reports; it never changes an
 * instance. The I/O loop around these rules is `reconcile.ts`.
 *
 * What the reference gives us to go on (lifecycle.md §2.0, §2.5, §6.1, §6.2, §8; platform-and-open-api.md §6.2):
 * - Query order has no status field per line. An unsubscribe (退订) is its own order with `orderType`
 *   `UNSUBSCRIBE`; the marketplace then calls `releaseInstance` (with that order's id).
 * - At expiry the marketplace calls `updateInstanceStatus FREEZE`; the freeze lasts **at most 15 days**, then
 *   comes `releaseInstance` (retried for 1 h). So an order line whose expiry lies more than 15 days back has
 *   ended: the marketplace has released the instance, or should have.
 * - Expiry times are UTC `yyyyMMddHHmmss` (14 digits, or 17 with ms as refreshInstance's example sends).
 *   The record's expiry (set by every refreshInstance: renewal, trial to formal, 退续费) is the latest one;
 *   the queried order is the one that created the instance, so its line's expiry is the first one, used only
 *   when the record has none. On-demand (`ON_DEMAND`) lines have no expiry.
 *
 * So "the order says unsubscribed/released" is read as: the order's `orderType` is `UNSUBSCRIBE`, or its line
 * ended (expiry + 15 days of freeze + the grace passed). An answer that succeeds but does not hold the
 * instance's line is treated like "order not found" (`order-unknown`), as the fake open API answers a missing
 * line with `MKT.9001`: a missing line is no proof of an unsubscribe, so it is not reported as one.
 * Each instance gets at most one finding, the first that applies of: `order-unknown`,
 * `order-unsubscribed-instance-live`, `expired-not-frozen` (an ACTIVE instance whose line ended is reported
 * as released-but-live, the stronger statement).
 * @module
 */
import type { InstanceRecord, InstanceStatus } from '../lifecycle/types';
import { MarketplaceError, MarketplaceNotFoundError, safeText } from '../marketplace/errors';
import type { OrderInfo, OrderLine } from '../marketplace/orderQuery';
import { instanceIdOfTag } from '../store/keys';
import { compactUtcMs, utcText } from './reconcileTime';

/** What reconciliation can find wrong with one instance. */
export type FindingKind = 'order-unsubscribed-instance-live' | 'expired-not-frozen' | 'stuck-provisioning' | 'order-unknown';

/** One disagreement between an instance and its order (or its own state). `detail` is safe text, never a secret. */
export interface ReconcileFinding {
  kind: FindingKind;
  instanceId: string;
  orderId: string;
  detail: string;
}

/** The thresholds of the rules. */
export interface RuleSettings {
  /** How long past its expiry an instance may stay ACTIVE (and past the freeze, live) before it is reported (ms). */
  graceMs: number;
  /** How long an instance may stay PROVISIONING before it is reported (ms). */
  stuckMs: number;
}

/** The longest freeze before the marketplace releases an expired instance (lifecycle.md §2.0, §6.2): 15 days (ms). */
export const FREEZE_RETENTION_MS = 15 * 24 * 3_600_000;

/** Codes that mean "order not found": `MKT.9001`, and `CBC.9001` (the older prefix lifecycle.md §8 lists). */
export const ORDER_NOT_FOUND_CODES: ReadonlySet<string> = new Set(['MKT.9001', 'CBC.9001']);

/** What to do with one stored record. */
export type Triage =
  /** Not counted: not an instance (a kit tenant `t:`, the seller's test tenant `tt:`, a session `s:`), a removed record, or a RELEASED tombstone. */
  | { action: 'skip'; why: string }
  /** Counted as checked, no order query needed (PROVISIONING, FAILED); `finding` when it is stuck. */
  | { action: 'done'; finding?: ReconcileFinding }
  /** Counted as checked: a live instance (ACTIVE, FROZEN) whose order must be queried, then {@link judge}d. */
  | { action: 'query'; record: InstanceRecord; orderId: string; orderLineId?: string };

/** What query order answered for an instance's order. */
export type OrderAnswer =
  | { found: true; order: OrderInfo }
  | { found: false; code: string };

const STATUSES: ReadonlySet<string> = new Set<InstanceStatus>(['PROVISIONING', 'ACTIVE', 'FROZEN', 'RELEASED', 'FAILED']);

/**
 * Whether a stored value has the shape of an instance record (the fields the rules read).
 * @example isInstanceRecord({ instanceId: 'i1', orderId: 'o', orderLineId: 'o-1', status: 'ACTIVE', createdAt: 1, updatedAt: 1 }) // true
 */
export function isInstanceRecord(value: unknown): value is InstanceRecord {
  if (!value || typeof value !== 'object') return false;
  const r = value as Record<string, unknown>;
  return typeof r.instanceId === 'string' && typeof r.orderId === 'string' && typeof r.orderLineId === 'string'
    && typeof r.status === 'string' && STATUSES.has(r.status) && typeof r.createdAt === 'number' && typeof r.updatedAt === 'number';
}

/**
 * What the record under `tag` needs at `now` (epoch ms).
 * @example triage('t:tenant-1', tenantDoc, Date.now(), settings) // { action: 'skip', why: 'not an instance tag' }
 */
export function triage(tag: string, record: unknown, now: number, settings: RuleSettings): Triage {
  if (instanceIdOfTag(tag) === undefined) return { action: 'skip', why: 'not an instance tag' };
  if (record === null || record === undefined) return { action: 'skip', why: 'removed' };
  if (!isInstanceRecord(record)) return { action: 'skip', why: 'not an instance record' };
  switch (record.status) {
    case 'RELEASED':
      return { action: 'skip', why: 'released' };
    case 'FAILED':
      return { action: 'done' };
    case 'PROVISIONING': {
      const finding = stuckFinding(record, now, settings.stuckMs);
      return finding ? { action: 'done', finding } : { action: 'done' };
    }
    default:
      return { action: 'query', record, orderId: record.orderId, ...(record.orderLineId !== '' ? { orderLineId: record.orderLineId } : {}) };
  }
}

/** A PROVISIONING record older than `stuckMs` (ms, from createdAt, else updatedAt), as a finding. */
function stuckFinding(record: InstanceRecord, now: number, stuckMs: number): ReconcileFinding | undefined {
  const since = Number.isFinite(record.createdAt) ? record.createdAt : record.updatedAt;
  if (!(now - since > stuckMs)) return undefined;
  const p = record.provisioning;
  const attempts = p?.attempts ?? 0;
  const parts = [`PROVISIONING since ${utcText(since)} (${Math.floor((now - since) / 60_000)} min), ${attempts} attempt${attempts === 1 ? '' : 's'}`];
  if (p?.queuedAt !== undefined) parts.push('queued for provision-worker');
  if (p?.leaseUntil !== undefined && p.leaseUntil > now) parts.push(`lease held until ${utcText(p.leaseUntil)}`);
  if (p?.lastError) parts.push(`last error: ${safeText(p.lastError, 120)}`);
  return finding('stuck-provisioning', record, parts.join(', '));
}

/**
 * The code of a query-order failure that means "order not found", or undefined for any other failure (which
 * reconciliation counts as an error).
 * @example orderNotFoundCode(new MarketplaceNotFoundError('MKT.9001', 'MKT.9001: order not found')) // 'MKT.9001'
 */
export function orderNotFoundCode(err: unknown): string | undefined {
  if (err instanceof MarketplaceNotFoundError) return err.code;
  if (err instanceof MarketplaceError && ORDER_NOT_FOUND_CODES.has(err.code)) return err.code;
  return undefined;
}

/**
 * The line of `order` that is `orderLineId`; for a V1 instance (no line id, `''`) the only line, else the first.
 * @example orderLineOf(order, 'CS1-000001')
 */
export function orderLineOf(order: OrderInfo, orderLineId: string): OrderLine | undefined {
  if (orderLineId === '') return order.orderLine[0];
  return order.orderLine.find((l) => l.orderLineId === orderLineId);
}

/**
 * What a live (ACTIVE or FROZEN) instance's order says about it at `now` (epoch ms): a finding, or undefined
 * when they agree. See the module comment for how "unsubscribed/released" is read.
 * @example judge(record, { found: false, code: 'MKT.9001' }, Date.now(), settings) // { kind: 'order-unknown', ... }
 */
export function judge(record: InstanceRecord, answer: OrderAnswer, now: number, settings: RuleSettings): ReconcileFinding | undefined {
  const line = record.orderLineId === '' ? 'its order' : `line ${record.orderLineId}`;
  if (!answer.found) {
    return finding('order-unknown', record, `query order answered ${answer.code} (not found) for ${line}, but the instance is ${record.status}`);
  }
  const orderLine = orderLineOf(answer.order, record.orderLineId);
  if (!orderLine) {
    const lines = answer.order.orderLine.map((l) => l.orderLineId).slice(0, 5).join(', ') || 'none';
    return finding('order-unknown', record, `the order has no ${line} (lines: ${safeText(lines, 120)}), but the instance is ${record.status}`);
  }
  if (answer.order.orderType === 'UNSUBSCRIBE') {
    return finding('order-unsubscribed-instance-live', record, `the order's type is UNSUBSCRIBE, but the instance is ${record.status}`);
  }
  const chargingMode = stringOf(orderLine.chargingMode) ?? record.order?.chargingMode;
  if (chargingMode === 'ON_DEMAND') return undefined;
  const expiry = expiryOf(record, orderLine);
  if (!expiry) return undefined;
  const past = now - expiry.ms;
  if (past > FREEZE_RETENTION_MS + settings.graceMs) {
    return finding('order-unsubscribed-instance-live', record,
      `expired ${utcText(expiry.ms)} (${expiry.source}), ${days(past)} days ago: the marketplace releases an instance at most 15 days after expiry, but it is ${record.status}`);
  }
  if (record.status === 'ACTIVE' && past > settings.graceMs) {
    return finding('expired-not-frozen', record, `expired ${utcText(expiry.ms)} (${expiry.source}), ${hours(past)} h ago, but the instance is ACTIVE (no FREEZE took effect)`);
  }
  return undefined;
}

/** The instance's expiry: the record's own (latest refreshInstance), else its order line's, else the stored order summary's. */
function expiryOf(record: InstanceRecord, line: OrderLine): { ms: number; source: string } | undefined {
  const candidates: Array<[unknown, string]> = [[record.expireTime, 'the instance\'s expiry'], [line.expireTime, 'the order line\'s expiry'], [record.order?.expireTime, 'the stored order\'s expiry']];
  for (const [value, source] of candidates) {
    if (value === undefined || value === '') continue;
    const ms = compactUtcMs(value);
    // A present but unreadable expiry is not silently replaced by an older one.
    return ms === undefined ? undefined : { ms, source };
  }
  return undefined;
}

function finding(kind: FindingKind, record: InstanceRecord, detail: string): ReconcileFinding {
  return { kind, instanceId: record.instanceId, orderId: record.orderId, detail };
}

function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function hours(ms: number): number {
  return Math.floor(ms / 3_600_000);
}

function days(ms: number): number {
  return Math.floor(ms / 86_400_000);
}
