/**
 * The one read-decide-write sequence every callback and the worker use: round trip 1 reserves the
 * nonce (first attempt only), optionally claims or logs, and reads the record with its version, or, when
 * the call's answer is already stored, returns that answer with the audit entry written (a retry: one round
 * trip in all); the caller decides; round trip 2 writes the decision, its stored answers and its audit entry
 * only if the version is unchanged. A conflict (a concurrent call changed the record) reads and decides again.
 * @module
 */
import { setBounded } from '../core/boundedMap';
import { ContentionError, InvalidParamError } from '../core/errors';
import type { AuditEntry, BeginOptions, BeginResult, CommitOptions, CommitResult, Store, StoredAnswer, StoredRecord } from '../store/Store';

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

/** What a decision writes: the record (absent: keep; null: remove), its audit entry and stored answers. */
export interface Write<R extends StoredRecord> {
  next?: R | null;
  audit: AuditEntry;
  ttlSeconds?: number;
  /** Answers to keep beside the record (see CommitOptions.answers). */
  answers?: Readonly<Record<string, StoredAnswer>>;
  /** Stored answers to drop (see CommitOptions.forget). */
  forget?: readonly string[];
  /** The view of `next` kept beside it (see CommitOptions.view). */
  view?: string;
}

/** What a decision asks {@link transact} to do. */
export type Step<R extends StoredRecord, T> =
  /** Write if the version is unchanged, then answer. */
  | (Write<R> & { kind: 'commit'; result: T | ((version: number) => Promise<T>) })
  /** Nothing to write here (read-only, or the decision wrote what it needed itself): answer. */
  | { kind: 'done'; result: T };

/** Where and how a transaction starts. */
export interface TxnStart<R extends StoredRecord> {
  store: Store;
  tag: string;
  /** The request's nonce and how long to remember it (s); reserved on the first attempt only. */
  nonce?: { value: string; ttlSeconds: number };
  /**
   * The record to insert if none exists (see Store.begin). Computed per attempt, and sent only until an
   * attempt has read a record (after that a record exists: a conflict means someone wrote it).
   */
  claim?: () => R;
  /** An audit entry appended by round trip 1 (read-only calls). */
  audit?: AuditEntry;
  /**
   * The answer this call replays when it is stored (see Store.begin `replay`), probed on every attempt (a
   * concurrent call may have stored it meanwhile); `audit` is computed per attempt. When it is stored,
   * `decide` gets it as `current.answer`, with no record.
   */
  replay?: () => { key: string; audit: Omit<AuditEntry, 'resultCode'> };
  /** Read the record's view when a current one is stored (see Store.begin `view`): `decide` gets it as the record. */
  view?: boolean;
}

/** How many record tags per store {@link transact} remembers as existing (see {@link knownRecords}). */
const KNOWN_RECORDS_MAX = 10_000;

/**
 * Per store, tags this process has seen a record under, newest last. A claim is a whole record (~600 B
 * to build, encode and send) that only a first delivery needs: for a tag seen here, round trip 1 goes
 * without it, and in the rare case the record has gone since (removed, or Redis emptied) the call loses
 * one round trip and claims on the next attempt.
 */
const knownRecords = new WeakMap<Store, Map<string, true>>();

function knownTagsOf(store: Store): Map<string, true> {
  let known = knownRecords.get(store);
  if (known === undefined) {
    known = new Map();
    knownRecords.set(store, known);
  }
  return known;
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
  let seenRecord = false;
  const known = start.claim ? knownTagsOf(start.store) : undefined;
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const pause = backoffMs(attempt);
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    const options: BeginOptions<R> = {};
    if (attempt === 0 && start.nonce) {
      options.nonce = start.nonce.value;
      options.nonceTtlSeconds = start.nonce.ttlSeconds;
    }
    let claimSkipped = false;
    if (start.claim && !seenRecord) {
      if (attempt === 0 && known?.has(start.tag)) claimSkipped = true;
      else options.claim = start.claim();
    }
    if (start.audit) options.audit = start.audit;
    if (start.replay) options.replay = start.replay();
    if (start.view) options.view = true;
    const current = await start.store.begin<R>(start.tag, options);
    if (current.nonce === 'replayed') throw new InvalidParamError('nonce has already been used');
    if (current.record !== null || current.answer !== undefined) {
      if (current.record !== null) seenRecord = true;
      if (known && !known.has(start.tag)) setBounded(known, start.tag, true, KNOWN_RECORDS_MAX);
    } else if (claimSkipped) {
      // The record this process saw is gone: forget it and claim on the next attempt.
      known?.delete(start.tag);
      continue;
    }
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
export function compareAndSet<R extends StoredRecord>(store: Store, tag: string, expectedVersion: number, step: Write<R>): Promise<CommitResult> {
  const options: CommitOptions<R> = { expectedVersion, audit: step.audit };
  if (step.next !== undefined) options.record = step.next;
  if (step.ttlSeconds !== undefined) options.ttlSeconds = step.ttlSeconds;
  if (step.answers !== undefined) options.answers = step.answers;
  if (step.forget !== undefined && step.forget.length > 0) options.forget = step.forget;
  if (step.view !== undefined) options.view = step.view;
  return store.commit<R>(tag, options);
}
