/**
 * Reads what the callbacks left in the store as one list of answered calls: the failure stream holds
 * every answer but `000000` (with its order, order line, test flag, record and latency), the audit logs
 * hold the rest. An audit entry is a call when it carries `ms` (written by a request; the worker's and
 * the SSO sessions' entries carry none); its non-success entries are skipped because the failure stream
 * has them already, and a query logged on arrival (`received`) counts as answered `000000` unless the
 * failure stream names its request.
 * @module
 */
import { RESULT } from '../core/resultCodes';
import { KIT_FUNCTIONS, kitFunctionOf } from '../kit/routes';
import { AUDIT_CAP, FAILURE_CAP } from '../store/limits';
import type { AuditEntry, FailureEntry, Store } from '../store/Store';

/** One answered call. */
export interface CallEvent {
  /** Epoch ms. */
  at: number;
  activity: string;
  resultCode: string;
  ok: boolean;
  /** The function that answered: `produce`, a kit function, ... (`produce` when unknown). */
  fn: string;
  orderId?: string;
  orderLineId?: string;
  /** testFlag "1": the debug tool or a dial test. */
  test: boolean;
  /** Latency (ms), when known. */
  ms?: number;
  /** Why it failed (failures only; safe text). */
  reason?: string;
  /** The record it was about. */
  tag?: string;
  instanceId?: string;
  tenantId?: string;
  requestId?: string;
}

/** Which calls to read. */
export interface CallRange {
  /** Epoch ms, inclusive. */
  sinceMs: number;
  /** Epoch ms, exclusive. */
  untilMs: number;
  /**
   * `all` reads every audit log (a report: successes of every call); `failed` reads only the logs of
   * records a failure names (the watch: enough to see whether a failed order line recovered).
   */
  audits: 'all' | 'failed';
}

/** Audit logs read at once. */
const READ_CONCURRENCY = 32;

/** The calls answered in `range`, oldest first. */
export async function collectCalls(store: Store, range: CallRange): Promise<CallEvent[]> {
  const failures = (await store.listFailures({ sinceMs: range.sinceMs, limit: FAILURE_CAP })).filter((f) => f.at < range.untilMs);
  const failedRequests = new Set(failures.map((f) => f.requestId).filter((id): id is string => id !== undefined));
  const events = failures.map(failureEvent);
  const tags = range.audits === 'all' ? await allAuditTags(store) : [...new Set(failures.map((f) => f.tag).filter((t): t is string => t !== undefined))];
  for (let i = 0; i < tags.length; i += READ_CONCURRENCY) {
    const logs = await Promise.all(tags.slice(i, i + READ_CONCURRENCY).map(async (tag) => ({ tag, entries: await store.listAudit(tag, AUDIT_CAP) })));
    for (const { tag, entries } of logs) {
      for (const entry of entries) {
        if (entry.at < range.sinceMs || entry.at >= range.untilMs || entry.ms === undefined) continue;
        if (entry.resultCode !== RESULT.SUCCESS && entry.resultCode !== 'received') continue;
        if (entry.requestId !== undefined && failedRequests.has(entry.requestId)) continue;
        events.push(successEvent(entry, tag));
      }
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

async function allAuditTags(store: Store): Promise<string[]> {
  const tags = new Set<string>();
  for await (const batch of store.scanTags('audit')) for (const tag of batch) tags.add(tag);
  return [...tags];
}

function failureEvent(f: FailureEntry): CallEvent {
  const e: CallEvent = { at: f.at, activity: f.activity, resultCode: f.resultCode, ok: false, fn: f.fn ?? 'produce', test: f.test === true, reason: f.reason };
  if (f.orderId) e.orderId = f.orderId;
  if (f.orderLineId) e.orderLineId = f.orderLineId;
  if (f.ms !== undefined) e.ms = f.ms;
  if (f.tag) e.tag = f.tag;
  if (f.instanceId) e.instanceId = f.instanceId;
  if (f.tenantId) e.tenantId = f.tenantId;
  if (f.requestId) e.requestId = f.requestId;
  return e;
}

function successEvent(a: AuditEntry, tag: string): CallEvent {
  const e: CallEvent = { at: a.at, activity: a.activity, resultCode: RESULT.SUCCESS, ok: true, fn: functionOf(tag, a.activity), test: a.test === true, tag };
  if (a.orderId) e.orderId = a.orderId;
  if (a.orderLineId) e.orderLineId = a.orderLineId;
  if (a.ms !== undefined) e.ms = a.ms;
  if (a.requestId) e.requestId = a.requestId;
  return e;
}

/** Whether a call's function (`CallEvent.fn`) is one of the 联营 kit's. */
export function isKitFunction(fn: string): boolean {
  return fn === 'kit' || Object.hasOwn(KIT_FUNCTIONS, fn);
}

/** Kit tenants' records are `t:`/`tt:` (the kit function of the activity); everything else a call audits is an instance (produce). */
function functionOf(tag: string, activity: string): string {
  if (!tag.startsWith('t:') && !tag.startsWith('tt:')) return 'produce';
  return kitFunctionOf(activity) ?? 'kit';
}
