/**
 * The one read-decide-write sequence every callback and the worker use: round trip 1 reserves the
 * nonce (first attempt only), optionally claims or logs, and reads the record with its version; the
 * caller decides; round trip 2 writes the decision and its audit entry only if the version is
 * unchanged. A conflict (a concurrent call changed the record) reads and decides again.
 * @module
 */
import { ContentionError, InvalidParamError } from '../core/errors';
import type { AuditEntry, BeginOptions, BeginResult, CommitResult, Store, StoredRecord } from '../store/Store';

/**
 * Attempts before a call gives up on a record that keeps changing under it. A burst of distinct changes to
 * one record (fifty authSync calls on one tenant) needs about one attempt per concurrent writer; the
 * request's deadline bounds the whole loop anyway.
 */
export const MAX_CAS_ATTEMPTS = 64;

/** Pause before attempt `n` (ms): none for the first retry, then a jittered wait that grows to ~25 ms. */
function backoffMs(attempt: number): number {
  if (attempt < 2) return 0;
  return Math.random() * Math.min(25, 2 * attempt);
}

/** What a decision asks {@link transact} to do. */
export type Step<R extends StoredRecord, T> =
  /** Write `next` (absent: keep; null: remove) and `audit` if the version is unchanged, then answer. */
  | { kind: 'commit'; next?: R | null; audit: AuditEntry; ttlSeconds?: number; result: T | ((version: number) => Promise<T>) }
  /** Nothing to write here (read-only, or the decision wrote what it needed itself): answer. */
  | { kind: 'done'; result: T };

/** Where and how a transaction starts. */
export interface TxnStart<R extends StoredRecord> {
  store: Store;
  tag: string;
  /** The request's nonce and how long to remember it (s); reserved on the first attempt only. */
  nonce?: { value: string; ttlSeconds: number };
  /** The record to insert if none exists (see Store.begin). Computed per attempt. */
  claim?: () => R;
  /** An audit entry appended by round trip 1 (read-only calls). */
  audit?: AuditEntry;
}

/**
 * Runs `decide` on the current record until its step is written without conflict.
 * A replayed nonce is refused with `000002` before anything is read or written.
 * @throws ContentionError after {@link MAX_CAS_ATTEMPTS} conflicts.
 */
export async function transact<R extends StoredRecord, T>(
  start: TxnStart<R>,
  decide: (current: BeginResult<R>) => Promise<Step<R, T>> | Step<R, T>,
): Promise<T> {
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const pause = backoffMs(attempt);
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    const options: BeginOptions<R> = {};
    if (attempt === 0 && start.nonce) {
      options.nonce = start.nonce.value;
      options.nonceTtlSeconds = start.nonce.ttlSeconds;
    }
    if (start.claim) options.claim = start.claim();
    if (start.audit) options.audit = start.audit;
    const current = await start.store.begin<R>(start.tag, options);
    if (current.nonce === 'replayed') throw new InvalidParamError('nonce has already been used');
    const step = await decide(current);
    if (step.kind === 'done') return step.result;
    const committed = await compareAndSet(start.store, start.tag, current.version, step);
    if (committed.ok) return typeof step.result === 'function' ? (step.result as (v: number) => Promise<T>)(committed.version) : step.result;
  }
  throw new ContentionError(`record ${start.tag} kept changing`);
}

/**
 * Writes `step` on `tag` if the record is still at `expectedVersion` (one round trip). Used by
 * {@link transact}, and directly by a caller that holds a version it wrote itself (provisioning).
 */
export function compareAndSet<R extends StoredRecord>(
  store: Store,
  tag: string,
  expectedVersion: number,
  step: { next?: R | null; audit: AuditEntry; ttlSeconds?: number },
): Promise<CommitResult> {
  return store.commit<R>(tag, {
    expectedVersion,
    audit: step.audit,
    ...(step.next !== undefined ? { record: step.next } : {}),
    ...(step.ttlSeconds !== undefined ? { ttlSeconds: step.ttlSeconds } : {}),
  });
}
