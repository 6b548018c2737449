/**
 * `usage-push`: sends recorded usage to the open API, exactly once per `meteringSn` as the marketplace counts it.
 *
 * - Records are leased in batches of at most 1,000 (the API's limit); a lease outlasts the longest a send can
 *   take (every attempt on every host timing out, plus the pauses), and no send starts unless the lease covers
 *   it, so two pushers never send one record at once. A pusher that dies leaves its records leased: they come
 *   due when the lease ends and the next run sends them again, which the marketplace dedups by `metering_sn`.
 * - A record is marked pushed only after `MKT.0000`. Records the answer names as refused, and records whose
 *   beginTime leaves the 21-day window before the push could land, go to the dead letters with the reason;
 *   the rest of their batch is sent again. A validation refusal that names no record is narrowed down by
 *   halving the batch; `MKT.9003` halves the batch size for the rest of the run.
 * - `MKT.0102` (body signature) and AK/SK or rights refusals stop the run and are logged at error; network
 *   errors, 5xx and `MKT.0250` are retried by the client and, when they persist, stop the run. Records of a
 *   stopped run are released at once, so the next run (the timer's, or `kg usage push` after a fix) takes them.
 * @module
 */
import {
  MarketplaceAuthError, MarketplaceBodySignError, MarketplaceError, MarketplaceNotFoundError, MarketplaceValidationError,
} from '../marketplace/errors';
import type { OpenApiClient } from '../marketplace/openApiClient';
import { MAX_USAGE_RECORDS_PER_PUSH, pushUsageData, type UsageWireRecord } from '../marketplace/usageData';
import type { Logger } from '../platform/logger';
import type { DeadVerdict, StoredUsage, UsageLedger } from '../store/UsageLedger';
import { parseUsageTime, USAGE_WINDOW_MS, wireTime } from './record';

/** What a push run works with. */
export interface UsagePushDeps {
  ledger: UsageLedger;
  client: OpenApiClient;
  /** The basic-interface key (the newest of KG_ACCESS_KEY): the usage body signature's key. */
  bodyKey: string;
  /** Epoch ms. */
  clock: () => number;
  logger: Logger;
  /** How long settled records are kept (KG_RETAIN_USAGE_PUSHED_DAYS / _DEAD_DAYS); default 35 and 90 days. */
  retention?: UsageRetention;
}

/** How long settled usage records are kept (ms). */
export interface UsageRetention {
  pushedMs: number;
  deadMs: number;
}

const DAY_MS = 24 * 3600 * 1000;

/** The usage retention the settings ask for. */
export function usageRetentionOf(config: { KG_RETAIN_USAGE_PUSHED_DAYS: number; KG_RETAIN_USAGE_DEAD_DAYS: number }): UsageRetention {
  return { pushedMs: config.KG_RETAIN_USAGE_PUSHED_DAYS * DAY_MS, deadMs: config.KG_RETAIN_USAGE_DEAD_DAYS * DAY_MS };
}

/** Options of one run. */
export interface UsagePushOptions {
  /** Time the invocation has left (ms); no send starts that could outlast it. Default: no limit. */
  remainingMs?: number;
  /** Records per push (1..1000). Default 1000. */
  batchSize?: number;
  /** How long a batch is leased (ms). Default: the client's worst case + 10 s; never less than what one send needs. */
  leaseMs?: number;
  /** Most pushes (HTTP requests) in one run. Default 500. */
  maxRequests?: number;
  /** Count what would be sent; lease, send and change nothing. */
  dryRun?: boolean;
}

/** Why a run stopped before the ledger ran dry. */
export interface PushStop {
  /** The marketplace's code (`MKT.0102`, `APIGW.0301`, `MKT.0250`, `NETWORK`, ...) or ours (`TIME`, `LEASE`, `MAX_REQUESTS`). */
  code: string;
  reason: string;
  /** True for refusals only a person can fix (body signature, AK/SK, rights); logged at error. */
  fatal: boolean;
}

/** What one run did. */
export interface UsagePushReport {
  /** Pushes (HTTP requests, retries inside the client not counted) made. */
  requests: number;
  /** The largest number of records in one push. */
  largestBatch: number;
  /** Records marked pushed. */
  pushed: number;
  /** Records dead-lettered (refused by the marketplace or past the 21-day window). */
  deadLettered: number;
  /** Of those, records past the window (never sent). */
  expired: number;
  /** Settled records dropped after their retention (KG_RETAIN_USAGE_PUSHED_DAYS 35, KG_RETAIN_USAGE_DEAD_DAYS 90 by default). */
  swept: number;
  stopped?: PushStop;
  /** Dry run: what would be sent now. */
  dryRun?: { due: number; expired: number; batches: number };
}

/** Margin kept on every lease and time check (ms). */
export const PUSH_MARGIN_MS = 2_000;

/** Pushed records are kept this long for `kg usage status` and sn dedup (ms): beyond the 21-day window. */
export const PUSHED_RETENTION_MS = 35 * 24 * 3600 * 1000;

/** Dead letters are kept this long (ms). */
export const DEAD_RETENTION_MS = 90 * 24 * 3600 * 1000;

/** Most records a dry run reads. */
const DRY_RUN_LIMIT = 100_000;

/** Code of a record dead-lettered because its beginTime left the 21-day window. */
export const EXPIRED_CODE = 'EXPIRED';

/** Codes whose refusal is about records (narrowed down to the record); others are about the request. */
const PER_RECORD_CODES = new Set(['MKT.0100', 'MKT.9001', 'MKT.9002', 'MKT.9004', 'MKT.9005']);

/** The wire form of a stored record, reported at `recordTime` (a wire time). */
export function toWire(u: StoredUsage, recordTime: string): UsageWireRecord {
  return {
    instance_id: u.instanceId,
    metering_sn: u.meteringSn,
    usage_value: u.usageValue,
    begin_time: u.beginTime,
    end_time: u.endTime,
    record_time: recordTime,
    ...(u.relatePkgInstance !== undefined ? { relate_pkg_instance: u.relatePkgInstance } : {}),
  };
}

/** True when `u` may reach the marketplace after its 21-day window (`landBy` = latest arrival, epoch ms). */
function expiresBefore(u: StoredUsage, landByMs: number): boolean {
  return parseUsageTime(u.beginTime, 'beginTime') < landByMs - USAGE_WINDOW_MS;
}

/** Runs one push: batches until the ledger has nothing due, the time runs out, or the marketplace stops us. */
export async function runUsagePush(deps: UsagePushDeps, options: UsagePushOptions = {}): Promise<UsagePushReport> {
  const { ledger, client, clock, logger } = deps;
  const worst = client.worstCaseMs;
  const report: UsagePushReport = { requests: 0, largestBatch: 0, pushed: 0, deadLettered: 0, expired: 0, swept: 0 };
  let size = Math.max(1, Math.min(MAX_USAGE_RECORDS_PER_PUSH, Math.floor(options.batchSize ?? MAX_USAGE_RECORDS_PER_PUSH)));
  const leaseMs = Math.max(options.leaseMs ?? worst + 10_000, worst + 2 * PUSH_MARGIN_MS);
  const endsAt = clock() + (options.remainingMs ?? Number.POSITIVE_INFINITY) - PUSH_MARGIN_MS;
  const maxRequests = options.maxRequests ?? 500;

  if (options.dryRun) {
    const now = clock();
    const due = await ledger.peek({ nowMs: now, limit: DRY_RUN_LIMIT });
    const expired = due.filter((u) => expiresBefore(u, now + worst)).length;
    report.dryRun = { due: due.length, expired, batches: Math.ceil((due.length - expired) / size) };
    return report;
  }

  const stop = (s: PushStop): void => {
    report.stopped = s;
    const fields = { code: s.code, reason: s.reason, pushed: report.pushed, deadLettered: report.deadLettered };
    if (s.fatal) logger.error('usage.push_stopped', fields);
    else logger.warn('usage.push_stopped', fields);
  };

  const settle = async (pushed: readonly string[], dead: readonly DeadVerdict[]): Promise<void> => {
    if (pushed.length === 0 && dead.length === 0) return;
    const moved = await ledger.settle({ nowMs: clock(), pushed, dead });
    report.pushed += moved.pushed;
    report.deadLettered += moved.dead;
  };

  for (;;) {
    const now = clock();
    if (now + worst > endsAt) {
      stop({ code: 'TIME', reason: 'the invocation has too little time left for another push', fatal: false });
      break;
    }
    if (report.requests >= maxRequests) {
      stop({ code: 'MAX_REQUESTS', reason: `${maxRequests} pushes in one run`, fatal: false });
      break;
    }
    let leaseUntil = now + leaseMs;
    const claimed = await ledger.claim({ nowMs: now, leaseUntilMs: leaseUntil, limit: size });
    if (claimed.length === 0) break;

    // Records that could land after their window closes are refused by the API (MKT.9004): never send them.
    const landBy = now + worst;
    const expired = claimed.filter((u) => expiresBefore(u, landBy));
    if (expired.length > 0) {
      await settle([], expired.map((u) => ({ meteringSn: u.meteringSn, code: EXPIRED_CODE, reason: 'beginTime is more than 21 days before the push; the open API refuses it (MKT.9004)' })));
      report.expired += expired.length;
    }
    const expiredSet = new Set(expired);
    const open = claimed.filter((u) => !expiredSet.has(u));
    /** Unsettled records of this batch. */
    const unsettled = new Set(open.map((u) => u.meteringSn));

    /** Sends `group`; false when the run must stop (the stop is recorded). */
    const send = async (group: StoredUsage[]): Promise<boolean> => {
      if (report.requests >= maxRequests) {
        stop({ code: 'MAX_REQUESTS', reason: `${maxRequests} pushes in one run`, fatal: false });
        return false;
      }
      let at = clock();
      if (at + worst > endsAt) {
        stop({ code: 'TIME', reason: 'the invocation has too little time left for another push', fatal: false });
        return false;
      }
      if (leaseUntil - at < worst + PUSH_MARGIN_MS) {
        // Extend while we still hold the lease; past it another pusher may have the records.
        if (leaseUntil - at < PUSH_MARGIN_MS) {
          stop({ code: 'LEASE', reason: 'the batch lease ran out before the push (a paused process?)', fatal: false });
          return false;
        }
        leaseUntil = at + leaseMs;
        await ledger.reschedule([...unsettled], leaseUntil);
        at = clock();
      }
      const recordTime = wireTime(Math.floor(at / 1000) * 1000);
      report.requests++;
      report.largestBatch = Math.max(report.largestBatch, group.length);
      try {
        const answer = await pushUsageData(client, deps.bodyKey, group.map((u) => toWire(u, recordTime)), { now: clock });
        const inGroup = new Set(group.map((u) => u.meteringSn));
        const refused = answer.abnormal.filter((a) => inGroup.has(a.meteringSn));
        const refusedSns = new Set(refused.map((a) => a.meteringSn));
        await settle(group.map((u) => u.meteringSn).filter((sn) => !refusedSns.has(sn)), refused.map((a) => ({ meteringSn: a.meteringSn, code: a.code, reason: a.message || 'refused by the open API' })));
        for (const u of group) unsettled.delete(u.meteringSn);
        logger.debug('usage.pushed', { records: group.length, refused: refused.length, attempts: answer.attempts });
        return true;
      } catch (err) {
        if (!(err instanceof MarketplaceError)) throw err;
        return handleRefusal(group, err);
      }
    };

    const handleRefusal = async (group: StoredUsage[], err: MarketplaceError): Promise<boolean> => {
      if (err instanceof MarketplaceBodySignError) {
        stop({ code: err.code, reason: `the open API refused the usage body signature: check that KG_ACCESS_KEY starts with the key bound in the seller console (${err.message})`, fatal: true });
        return false;
      }
      if (err instanceof MarketplaceAuthError) {
        stop({ code: err.code, reason: `the open API refused our AK/SK or rights: check KG_OPENAPI_AK, KG_OPENAPI_SK and the clock (${err.message})`, fatal: true });
        return false;
      }
      if (err.retryable) {
        stop({ code: err.code, reason: `the open API is unavailable; the records stay pending for the next run (${err.message})`, fatal: false });
        return false;
      }
      if (err.code === 'MKT.9003' && group.length > 1) {
        size = Math.max(1, Math.min(size, Math.floor(group.length / 2)));
        logger.warn('usage.batch_too_large', { records: group.length, nextSize: size });
        return sendInChunks(group);
      }
      const perRecord = err instanceof MarketplaceValidationError || err instanceof MarketplaceNotFoundError ? PER_RECORD_CODES.has(err.code) : false;
      if (!perRecord) {
        stop({ code: err.code, reason: `the open API refused the push itself; the records stay pending (${err.message})`, fatal: true });
        return false;
      }
      const inGroup = new Map(group.map((u) => [u.meteringSn, u]));
      const named = err.abnormal.filter((a) => inGroup.has(a.meteringSn));
      if (named.length > 0) {
        await settle([], named.map((a) => ({ meteringSn: a.meteringSn, code: a.code || err.code, reason: a.message || err.message })));
        for (const a of named) unsettled.delete(a.meteringSn);
        const namedSns = new Set(named.map((a) => a.meteringSn));
        const rest = group.filter((u) => !namedSns.has(u.meteringSn));
        return rest.length === 0 ? true : send(rest);
      }
      if (group.length === 1) {
        const only = group[0] as StoredUsage;
        await settle([], [{ meteringSn: only.meteringSn, code: err.code, reason: err.message }]);
        unsettled.delete(only.meteringSn);
        return true;
      }
      return sendHalves(group);
    };

    /** Sends `group` in pieces of the current batch size (which may shrink on the way). */
    const sendInChunks = async (group: StoredUsage[]): Promise<boolean> => {
      let rest = group;
      while (rest.length > 0) {
        const piece = rest.slice(0, size);
        rest = rest.slice(size);
        if (!(await send(piece))) return false;
      }
      return true;
    };

    const sendHalves = async (group: StoredUsage[]): Promise<boolean> => {
      const half = Math.ceil(group.length / 2);
      return (await send(group.slice(0, half))) && send(group.slice(half));
    };

    if (!(await sendInChunks(open))) {
      // Whatever this batch did not settle is due again at once for the next run.
      await ledger.reschedule([...unsettled], clock());
      break;
    }
  }

  // Retention: up to 10 x 1,000 settled records a run (1.4 million a day on the 10-minute timer).
  const now = clock();
  const keep = deps.retention ?? { pushedMs: PUSHED_RETENTION_MS, deadMs: DEAD_RETENTION_MS };
  for (let i = 0; i < 10; i++) {
    const swept = await ledger.sweep({ pushedBeforeMs: now - keep.pushedMs, deadBeforeMs: now - keep.deadMs, limit: 1000 });
    report.swept += swept;
    if (swept < 1000) break;
  }
  logger.info('usage.push_done', {
    requests: report.requests, pushed: report.pushed, deadLettered: report.deadLettered, expired: report.expired, largestBatch: report.largestBatch,
    ...(report.stopped ? { stopped: report.stopped.code } : {}),
  });
  return report;
}
