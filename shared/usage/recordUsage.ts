/**
 * Recording usage: each record is checked (see record.ts), its instance looked up (known, not failed, not
 * released; on-demand as far as the order query says), and the valid ones are stored in the
 * usage ledger, idempotently by `meteringSn`, before anything is acknowledged.
 * @module
 */
import type { InstanceRecord } from '../lifecycle/types';
import { instanceTag } from '../store/keys';
import type { Store } from '../store/Store';
import type { LedgerEntry, UsageLedger } from '../store/UsageLedger';
import { usageLedgerFor } from '../store/usageLedgerFor';
import { normalizeUsage, UsageRecordProblem, type NormalizedUsage, type UsageRecordInput } from './record';

/** Most records in one ingestion call. */
export const MAX_RECORDS_PER_CALL = 10_000;

/** Charging modes whose instances are billed from pushed usage. */
export const ON_DEMAND_MODES: ReadonlySet<string> = new Set(['ON_DEMAND', 'ON_DEMAND_PKG']);

/** One refused record. */
export interface UsageRefusal {
  /** Position in the input (0-based). */
  index: number;
  meteringSn?: string;
  /** `<field>: <rule>`; never the received value. */
  reason: string;
}

/** What one ingestion call did. Every record is in exactly one of stored, duplicates, refused. */
export interface UsageIngestResult {
  /** Records stored now. */
  stored: number;
  /** Records stored before with the same content (nothing changed). */
  duplicates: number;
  refused: UsageRefusal[];
  /** The sn of each input record, in input order (null when the record was refused before it had one). */
  meteringSns: Array<string | null>;
}

/** Where ingestion reads instances and writes usage. */
export interface UsageIngestDeps {
  store: Store;
  ledger: UsageLedger;
  /** Epoch ms. */
  clock: () => number;
}

/** When the instance was released (epoch ms), from its history. */
function releasedAt(record: InstanceRecord): number | undefined {
  for (let i = record.history.length - 1; i >= 0; i--) {
    const h = record.history[i];
    if (h?.to === 'RELEASED') return h.at;
  }
  return undefined;
}

/**
 * Why an instance cannot carry a record beginning at `beginMs`, or undefined when it can. A released
 * instance still takes usage of periods that began before its release (the last, partial hour is billable;
 * refusing it would lose revenue), none after.
 */
function instanceProblem(record: InstanceRecord | null, beginMs: number): string | undefined {
  if (!record) return 'instanceId: no such instance (it must come from a newInstance this kit answered)';
  if (record.status === 'FAILED') return 'instanceId: its provisioning failed; it has no usage';
  if (record.status === 'RELEASED' && beginMs >= (releasedAt(record) ?? 0)) return 'instanceId: the instance was released before this period began';
  const mode = record.order?.chargingMode;
  if (mode !== undefined && !ON_DEMAND_MODES.has(mode)) return `instanceId: not an on-demand instance (the order says ${mode})`;
  return undefined;
}

/**
 * Checks and stores records (at most {@link MAX_RECORDS_PER_CALL}). Refused records change nothing; the
 * others are stored (or found stored) before this resolves.
 * @throws StoreUnavailableError when the store cannot be read or written (then nothing was acknowledged).
 */
export async function ingestUsage(deps: UsageIngestDeps, inputs: readonly unknown[]): Promise<UsageIngestResult> {
  if (inputs.length > MAX_RECORDS_PER_CALL) throw new RangeError(`at most ${MAX_RECORDS_PER_CALL} records per call`);
  const now = deps.clock();
  const refused: UsageRefusal[] = [];
  const meteringSns: Array<string | null> = inputs.map(() => null);
  const valid: Array<{ index: number; n: NormalizedUsage }> = [];
  inputs.forEach((input, index) => {
    try {
      const n = normalizeUsage(input, now);
      meteringSns[index] = n.entry.usage.meteringSn;
      valid.push({ index, n });
    } catch (err) {
      if (!(err instanceof UsageRecordProblem)) throw err;
      const sn = (input as { meteringSn?: unknown } | null)?.meteringSn;
      refused.push({ index, ...(typeof sn === 'string' && sn !== '' && sn.length <= 64 ? { meteringSn: sn } : {}), reason: err.message });
    }
  });

  const ids = [...new Set(valid.map((v) => v.n.entry.usage.instanceId))];
  const records = new Map<string, InstanceRecord | null>();
  if (ids.length > 0) {
    const read = await deps.store.read<InstanceRecord>(ids.map(instanceTag));
    ids.forEach((id, i) => records.set(id, read[i]?.record ?? null));
  }
  const accepted: Array<{ index: number; entry: LedgerEntry }> = [];
  for (const { index, n } of valid) {
    const problem = instanceProblem(records.get(n.entry.usage.instanceId) ?? null, n.beginMs);
    if (problem) refused.push({ index, meteringSn: n.entry.usage.meteringSn, reason: problem });
    else accepted.push({ index, entry: n.entry });
  }

  let stored = 0;
  let duplicates = 0;
  if (accepted.length > 0) {
    const outcomes = await deps.ledger.add(accepted.map((a) => a.entry), now);
    outcomes.forEach((outcome, i) => {
      const a = accepted[i]!;
      if (outcome === 'stored') stored++;
      else if (outcome === 'duplicate') duplicates++;
      else refused.push({ index: a.index, meteringSn: a.entry.usage.meteringSn, reason: 'meteringSn: already recorded with different content (instance, value, times or package)' });
    });
  }
  refused.sort((a, b) => a.index - b.index);
  return { stored, duplicates, refused, meteringSns };
}

/** A record {@link recordUsage} refused; `reason` says which field broke which rule. */
export class UsageRefusedError extends Error {
  override name = 'UsageRefusedError';
  readonly reason: string;
  readonly meteringSn: string | undefined;
  constructor(reason: string, meteringSn?: string) {
    super(`usage record refused: ${reason}`);
    this.reason = reason;
    this.meteringSn = meteringSn;
  }
}

/** What {@link recordUsage} stored. */
export interface RecordedUsage {
  meteringSn: string;
  /** True when the same record was stored before (nothing changed). */
  duplicate: boolean;
}

/**
 * Records one on-demand usage record for `usage-push` to send: checked as the open API will check it, its
 * instance looked up, stored in Redis idempotently by `meteringSn` before this resolves. Recording the same
 * record again is harmless (`duplicate: true`); the same sn with other content is refused.
 * @param store the store the functions use (`openStore()`).
 * @param options.now the time of recording (epoch ms); default now.
 * @throws UsageRefusedError naming the field and the rule; StoreUnavailableError when Redis cannot be reached.
 * @example
 * const store = openStore();
 * const { meteringSn } = await recordUsage(store, {
 *   instanceId, usageValue: 12.5, beginTime: '2024-01-01T00:00:00Z', endTime: '2024-01-01T01:00:00Z',
 * });
 * await store.close();
 */
export async function recordUsage(store: Store, record: UsageRecordInput, options: { now?: number } = {}): Promise<RecordedUsage> {
  const now = options.now;
  const result = await ingestUsage({ store, ledger: usageLedgerFor(store), clock: now === undefined ? Date.now : () => now }, [record]);
  const refusal = result.refused[0];
  if (refusal) throw new UsageRefusedError(refusal.reason, refusal.meteringSn);
  return { meteringSn: result.meteringSns[0] as string, duplicate: result.duplicates === 1 };
}
