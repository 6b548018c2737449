/**
 * Where the basic interfaces keep the answers a retry must get byte for byte: beside the instance record
 * (the store's stored answers, one field each), listed in `record.answered`. A retry then costs one round
 * trip (Store.begin `replay` returns the answer and writes its audit entry), and no call moves answers it
 * does not need: the record read by a mutation or a query holds none.
 *
 * Which answers are kept:
 * - the newInstance answer, as long as the record (a V1 tombstone drops it: it carries credentials);
 * - the answers the record's status holds (a repeated freeze, unfreeze or release, lifecycle settled.ts),
 *   as long as the status: each write that changes it swaps them;
 * - every other answer (refreshInstance, upgradeInstance), until it is older than {@link ANSWER_KEEP_MS}
 *   or {@link ANSWER_CAP} newer ones are kept, whichever comes first. The marketplace retries a renewal for
 *   1 h and an upgrade for 3 h (reference lifecycle.md §4.1), so a retry within its window gets the stored
 *   bytes unless more than {@link ANSWER_CAP} other renewals or upgrades of the same instance were answered
 *   in between (and even then a success is the same bytes: `{"resultCode":"000000","resultMsg":"success"}`,
 *   the renewal being repeated, as the provisioner contract allows).
 *
 * Records written before answers moved beside them hold them in `record.responses`: the lifecycle still
 * replays them from there, and the next write of the record moves them out.
 * @module
 */
import { isNewInstanceKey, isStatusKey } from '../lifecycle/keys';
import { settledAnswers } from '../lifecycle/settled';
import type { Answer, InstanceRecord } from '../lifecycle/types';
import type { StoredAnswer } from '../store/Store';
import { storedResultCode } from './responder';

/** How long an answer other than newInstance's is kept at least, unless crowded out (ms): 24 h. */
export const ANSWER_KEEP_MS = 24 * 3600 * 1000;

/** Most answers other than newInstance's kept beside one record (the oldest go first). */
export const ANSWER_CAP = 16;

/** A record to write, with the answers to store beside it and the stored answers to drop. */
export interface RecordWrite {
  next: InstanceRecord;
  answers?: Record<string, StoredAnswer>;
  forget?: string[];
}

/** An answer to keep under `key`. */
export interface KeptAnswer {
  key: string;
  answer: StoredAnswer;
}

/**
 * What writing `next` (decided on `before`) at `now` (epoch ms) stores beside it: `fresh` (the answer the
 * decision remembers), the answers `next`'s status holds (lifecycle settled.ts, stored as `encode` makes
 * them) in place of those of another status, and any answer `next` still holds in `responses` (an old
 * record's). Answers past the keep rules above are dropped, as is every answer `before` listed and `next`
 * no longer does (a tombstone's).
 */
export function recordWrite(
  before: InstanceRecord | null,
  next: InstanceRecord,
  now: number,
  fresh: KeptAnswer | undefined,
  encode: (answer: Answer) => StoredAnswer,
): RecordWrite {
  const legacy = Object.keys(next.responses);
  const held = settledAnswers(next.status);
  let answered = next.answered;
  let answers: Record<string, StoredAnswer> | undefined;
  const swapHeld = !holdsExactly(answered, held);
  if (legacy.length > 0 || fresh !== undefined || swapHeld) {
    answered = { ...answered };
    answers = {};
    // An old record's answers were given at its last write at the latest.
    const legacyAt = before?.updatedAt ?? now;
    for (const key of legacy) {
      const body = next.responses[key] as string;
      answers[key] = { resultCode: storedResultCode(body), body };
      answered[key] = legacyAt;
    }
    if (swapHeld) {
      for (const key of Object.keys(answered)) if (isStatusKey(key)) delete answered[key];
      for (const kept of held) {
        answers[kept.key] = encode(kept.answer);
        answered[kept.key] = now;
      }
    }
    if (fresh !== undefined) {
      answers[fresh.key] = fresh.answer;
      answered[fresh.key] = now;
    }
    for (const key of evicted(answered, now)) {
      delete answered[key];
      delete answers[key];
    }
  }
  const forget = dropped(before?.answered, answered);
  const out: RecordWrite = { next: answered === next.answered && legacy.length === 0 ? next : withAnswered(next, answered) };
  if (answers !== undefined && Object.keys(answers).length > 0) out.answers = answers;
  if (forget.length > 0) out.forget = forget;
  return out;
}

/** True when the status answers listed in `answered` are exactly `held`'s. */
function holdsExactly(answered: Record<string, number> | undefined, held: ReadonlyArray<{ key: string }>): boolean {
  let listed = 0;
  if (answered !== undefined) for (const key of Object.keys(answered)) if (isStatusKey(key)) listed += 1;
  return listed === held.length && held.every((kept) => answered !== undefined && Object.prototype.hasOwnProperty.call(answered, kept.key));
}

/** `next` with no answers inside and `answered` as given (left out when empty). */
function withAnswered(next: InstanceRecord, answered: Record<string, number> | undefined): InstanceRecord {
  const record: InstanceRecord = { ...next, responses: {} };
  if (answered !== undefined && Object.keys(answered).length > 0) record.answered = answered;
  else delete record.answered;
  return record;
}

/** Keys of `answered` past the keep rules at `now`: too old, or beyond the newest {@link ANSWER_CAP}. */
function evicted(answered: Record<string, number>, now: number): string[] {
  const out: string[] = [];
  const young: Array<[string, number]> = [];
  for (const key of Object.keys(answered)) {
    if (isNewInstanceKey(key) || isStatusKey(key)) continue;
    const at = answered[key] as number;
    if (now - at > ANSWER_KEEP_MS) out.push(key);
    else young.push([key, at]);
  }
  if (young.length > ANSWER_CAP) {
    young.sort((a, b) => b[1] - a[1]);
    for (const [key] of young.slice(ANSWER_CAP)) out.push(key);
  }
  return out;
}

/** Keys listed in `before` and not in `after`. */
function dropped(before: Record<string, number> | undefined, after: Record<string, number> | undefined): string[] {
  if (before === undefined || before === after) return [];
  return Object.keys(before).filter((key) => after === undefined || !Object.prototype.hasOwnProperty.call(after, key));
}
