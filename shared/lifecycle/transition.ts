/**
 * The one way a decision changes a record: a copy with the patch applied, a history entry appended
 * and `updatedAt` set. The input record is never mutated.
 * @module
 */
import type { HistoryEntry, InstanceRecord, InstanceStatus } from './types';

/**
 * Most history entries a record keeps: the oldest are dropped, so a record renewed for years stays the
 * same size; the audit log (one entry per call) keeps the trail.
 */
export const HISTORY_CAP = 20;

/** What happened, for the history entry. `from` is taken from the record. */
export interface Change {
  activity: string;
  to: InstanceStatus;
  orderId?: string;
  orderLineId?: string;
  scene?: string;
  expireTime?: string;
}

/** Builds a history entry, leaving out fields that are absent. `at` is epoch ms. */
export function historyEntry(at: number, from: InstanceStatus | null, change: Change): HistoryEntry {
  const entry: HistoryEntry = { at, activity: change.activity, from, to: change.to };
  if (change.orderId !== undefined) entry.orderId = change.orderId;
  if (change.orderLineId !== undefined) entry.orderLineId = change.orderLineId;
  if (change.scene !== undefined) entry.scene = change.scene;
  if (change.expireTime !== undefined) entry.expireTime = change.expireTime;
  return entry;
}

/**
 * A new record: `record` with `patch` applied, status `change.to`, one more history entry (the oldest
 * dropped past {@link HISTORY_CAP}) and `updatedAt = now` (epoch ms).
 */
export function applyChange(
  record: InstanceRecord,
  change: Change,
  now: number,
  patch: Partial<InstanceRecord> = {},
): InstanceRecord {
  return {
    ...record,
    ...patch,
    status: change.to,
    updatedAt: now,
    history: appendHistory(record.history, historyEntry(now, record.status, change)),
  };
}

/** `history` with `entry` appended, keeping the newest {@link HISTORY_CAP} entries. */
function appendHistory(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  const kept = history.length >= HISTORY_CAP ? history.slice(history.length - HISTORY_CAP + 1) : history.slice();
  kept.push(entry);
  return kept;
}
