/**
 * Alert once when a condition appears, once when it goes away, and never twice for two watch runs at once.
 *
 * The state is one small record (tag {@link ALERT_TAG}): the conditions currently raised, and an outbox of
 * alerts not yet delivered to every sink. A run (1) reads the record, decides what appeared and what went away,
 * queues those alerts and takes a lease on the queued alerts it will send, and writes all that with one
 * compare-and-set ({@link planAlerts} through {@link AlertStateBackend.update}): a concurrent run that read the
 * same version loses the write, reads again, finds the conditions already raised and the alerts leased, and
 * sends nothing; (2) sends; (3) settles: removes the sinks that took each alert, releases the lease of the rest
 * ({@link settleAlerts}). A sink that failed keeps the alert pending and the next run sends it again, in order
 * (a `raised` before its `cleared`). A run that dies between (1) and (3) leaves its lease to run out
 * ({@link LEASE_MS}), after which the next run sends again: delivery is at least once, and each alert carries a
 * `deliveryId` for the receiver to drop a repeat. An alert still undelivered after {@link OUTBOX_MAX_AGE_MS},
 * or past {@link OUTBOX_MAX} queued, is dropped (and counted).
 *
 * Store-unreachable cannot live in the store; shared/ops/localAlertState.ts keeps it in a file with the same
 * planner.
 * @module
 */
import { createHash } from 'node:crypto';
import { transact } from '../callback/transact';
import type { Store } from '../store/Store';
import type { Condition } from './conditions';
import type { Alert, AlertState, SinkName } from './sinks/alert';

/** The tag of the alert record. */
export const ALERT_TAG = 'ops:alerts';
/** How long a run holds the alerts it sends (ms); a run that dies releases them when this ends. */
export const LEASE_MS = 120_000;
/** Queued alerts kept at most. */
export const OUTBOX_MAX = 100;
/** An alert no sink took within this long is dropped (ms). */
export const OUTBOX_MAX_AGE_MS = 24 * 3600_000;

/** A condition that is raised. */
export interface RaisedCondition {
  kind: string;
  message: string;
  /** When it was raised (epoch ms). */
  since: number;
}

/** An alert waiting for some sinks. */
export interface OutboxEntry extends Alert {
  /** Sinks that have not taken it yet. */
  pending: SinkName[];
  /** Failed sends so far (all sinks). */
  failures: number;
  lastError?: string;
  /** The run sending it now, until when (epoch ms). */
  lease?: { owner: string; until: number };
}

/** The stored state. */
export interface AlertRecord {
  active: Record<string, RaisedCondition>;
  outbox: OutboxEntry[];
}

/** A fresh state. */
export function emptyAlertRecord(): AlertRecord {
  return { active: {}, outbox: [] };
}

/** What a run decided. */
export interface AlertPlan {
  raised: Condition[];
  cleared: Array<Pick<Condition, 'id' | 'message'> & { kind: string }>;
  /** Alerts this run holds the lease of and must send, oldest first. */
  claimed: OutboxEntry[];
  /** Alerts dropped because they were too old or too many. */
  dropped: number;
}

/** One change of the state: the next record, whether it differs, and what to hand back. */
export interface StateChange<T> {
  next: AlertRecord;
  changed: boolean;
  result: T;
}

/** Where the state lives: a store record, or a local file for store-unreachable. */
export interface AlertStateBackend {
  /** Applies `change` to the current state (again on a conflict) and writes the result when it changed. */
  update<T>(change: (current: AlertRecord) => StateChange<T>, summary: string): Promise<T>;
}

/** The delivery id of an alert: one per (condition, state, decision time), 32 hex. */
export function deliveryIdOf(id: string, state: AlertState, at: number): string {
  return createHash('sha256').update(`${id}\u0000${state}\u0000${at}`).digest('hex').slice(0, 32);
}

/** Options of one plan. */
export interface PlanOptions {
  /** Epoch ms. */
  nowMs: number;
  /** The sinks configured now: new alerts wait for these; a sink no longer configured is forgotten. */
  sinks: readonly SinkName[];
  /** This run's id (the lease owner). */
  runId: string;
  /** Lease length (ms). Default {@link LEASE_MS}. */
  leaseMs?: number;
}

/**
 * The decision of one run, pure: raise what is new, clear what is gone, queue both, drop stale alerts, and
 * lease every queued alert no other run holds.
 */
export function planAlerts(current: AlertRecord, conditions: readonly Condition[], o: PlanOptions): StateChange<AlertPlan> {
  const next: AlertRecord = { active: { ...current.active }, outbox: current.outbox.map((e) => ({ ...e, pending: [...e.pending] })) };
  const holding = new Set(conditions.map((c) => c.id));
  const raised = conditions.filter((c) => !Object.hasOwn(current.active, c.id));
  const cleared = Object.entries(current.active).filter(([id]) => !holding.has(id)).map(([id, c]) => ({ id, kind: c.kind, message: c.message }));
  let changed = raised.length > 0 || cleared.length > 0;
  const queue = (id: string, kind: string, state: AlertState, message: string) => {
    if (o.sinks.length === 0) return;
    next.outbox.push({ id, kind, state, message, at: o.nowMs, deliveryId: deliveryIdOf(id, state, o.nowMs), pending: [...o.sinks], failures: 0 });
  };
  for (const c of cleared) {
    delete next.active[c.id];
    queue(c.id, c.kind, 'cleared', `Cleared: ${c.message}`);
  }
  for (const c of raised) {
    next.active[c.id] = { kind: c.kind, message: c.message, since: o.nowMs };
    queue(c.id, c.kind, 'raised', c.message);
  }
  // Forget sinks no longer configured, and what nobody will take.
  const before = next.outbox.length;
  next.outbox = next.outbox
    .map((e) => ({ ...e, pending: e.pending.filter((s) => o.sinks.includes(s)) }))
    .filter((e) => e.pending.length > 0 && o.nowMs - e.at <= OUTBOX_MAX_AGE_MS);
  const forgotten = before - next.outbox.length;
  const overflow = Math.max(0, next.outbox.length - OUTBOX_MAX);
  if (overflow > 0) next.outbox = next.outbox.slice(overflow);
  const pendingBefore = new Map(current.outbox.map((e) => [e.deliveryId, e.pending.length]));
  const pendingChanged = next.outbox.some((e) => pendingBefore.has(e.deliveryId) && pendingBefore.get(e.deliveryId) !== e.pending.length);
  if (forgotten > 0 || overflow > 0 || pendingChanged) changed = true;
  const claimed: OutboxEntry[] = [];
  for (const e of next.outbox) {
    if (e.lease && e.lease.until > o.nowMs) continue;
    e.lease = { owner: o.runId, until: o.nowMs + (o.leaseMs ?? LEASE_MS) };
    claimed.push({ ...e, pending: [...e.pending] });
    changed = true;
  }
  return { next, changed, result: { raised, cleared, claimed, dropped: forgotten + overflow } };
}

/** What the sinks did with one claimed alert. */
export interface SendResult {
  deliveryId: string;
  /** Sinks that took it. */
  delivered: SinkName[];
  /** Sinks that did not, with why (safe text). */
  failed: Array<{ sink: SinkName; error: string }>;
}

/** Settles a run's sends, pure: delivered sinks leave `pending`, this run's leases end, fully delivered alerts go. */
export function settleAlerts(current: AlertRecord, results: readonly SendResult[], runId: string): StateChange<void> {
  const byId = new Map(results.map((r) => [r.deliveryId, r]));
  let changed = false;
  const outbox: OutboxEntry[] = [];
  for (const e of current.outbox) {
    const r = byId.get(e.deliveryId);
    if (!r || e.lease?.owner !== runId) {
      outbox.push(e);
      continue;
    }
    changed = true;
    const next: OutboxEntry = { ...e, pending: e.pending.filter((s) => !r.delivered.includes(s)), failures: e.failures + r.failed.length };
    delete next.lease;
    const err = r.failed[0]?.error;
    if (err !== undefined) next.lastError = err;
    if (next.pending.length > 0) outbox.push(next);
  }
  return { next: { active: current.active, outbox }, changed, result: undefined };
}

/** The state as a record of the store, written with compare-and-set (shared/callback/transact.ts). */
export function storeAlertBackend(store: Store, clock: () => number = Date.now): AlertStateBackend {
  return {
    update: <T>(change: (current: AlertRecord) => StateChange<T>, summary: string) =>
      transact<AlertRecord, T>({ store, tag: ALERT_TAG }, (current) => {
        const { next, changed, result } = change(normalise(current.record));
        if (!changed) return { kind: 'done', result };
        return { kind: 'commit', next, audit: { at: clock(), activity: 'ops-watch', resultCode: 'alerts', detail: summary.slice(0, 300) }, result };
      }),
  };
}

/** A record as read (absent, or from an older shape) as a full {@link AlertRecord}. */
export function normalise(record: Partial<AlertRecord> | null | undefined): AlertRecord {
  return {
    active: record?.active && typeof record.active === 'object' ? record.active : {},
    outbox: Array.isArray(record?.outbox) ? record.outbox : [],
  };
}
