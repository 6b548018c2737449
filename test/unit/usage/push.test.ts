/**
 * runUsagePush's decisions, with a scripted open-API client and the in-memory ledger: a refusal that names no
 * record is narrowed down by halving, MKT.9003 halves the batch size, body-signature and AK/SK refusals stop the
 * run and release the records, a run never starts a push it has no time or lease for, a dry run changes nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  MarketplaceAuthError, MarketplaceBodySignError, MarketplaceError, MarketplaceUnavailableError, MarketplaceValidationError, type AbnormalRecord,
} from '../../../shared/marketplace/errors';
import type { OpenApiAnswer, OpenApiClient, OpenApiRequest } from '../../../shared/marketplace/openApiClient';
import { silentLogger } from '../../../shared/platform/logger';
import { MemoryUsageLedger } from '../../../shared/store/MemoryUsageLedger';
import type { StoredUsage } from '../../../shared/store/UsageLedger';
import { runUsagePush, type UsagePushDeps } from '../../../shared/usage/push';
import { hourOf, usageFingerprint, wireTime } from '../../../shared/usage/record';

const T0 = Date.UTC(2024, 5, 15, 12, 0, 0);
const HOUR = 3_600_000;

/** The records of a push body. */
function snsOf(req: OpenApiRequest): string[] {
  return (JSON.parse(req.body ?? '{}') as { usage_records: Array<{ metering_sn: string }> }).usage_records.map((r) => r.metering_sn);
}

/** A client whose every call is answered by `answer` (throw for a refusal); it records each batch. */
function scripted(answer: (sns: string[], n: number) => AbnormalRecord[] | void, worstCaseMs = 1000): OpenApiClient & { batches: string[][] } {
  const batches: string[][] = [];
  return {
    endpoints: ['https://mkt.example'],
    worstCaseMs,
    batches,
    async call(req): Promise<OpenApiAnswer> {
      const sns = snsOf(req);
      batches.push(sns);
      const abnormal = answer(sns, batches.length) ?? [];
      return { status: 200, json: { error_code: 'MKT.0000' }, abnormal, endpoint: 'https://mkt.example', attempts: 1 };
    },
  };
}

async function ledgerWith(n: number, now = T0): Promise<MemoryUsageLedger> {
  const ledger = new MemoryUsageLedger();
  const entries = Array.from({ length: n }, (_, i) => {
    const usage: StoredUsage = { meteringSn: `sn-${String(i).padStart(4, '0')}`, instanceId: 'inst', usageValue: '1', beginTime: wireTime(now - (i + 2) * 60_000), endTime: wireTime(now - (i + 1) * 60_000), recordedAt: now };
    return { usage, fingerprint: usageFingerprint(usage), hour: hourOf(usage.beginTime) };
  });
  await ledger.add(entries, now - 1);
  return ledger;
}

function deps(ledger: MemoryUsageLedger, client: OpenApiClient, clock = () => T0): UsagePushDeps {
  return { ledger, client, bodyKey: 'k', clock, logger: silentLogger };
}

const totals = async (l: MemoryUsageLedger) => (await l.counts()).reduce((t, r) => ({ pending: t.pending + r.pending, pushed: t.pushed + r.pushed, dead: t.dead + r.dead }), { pending: 0, pushed: 0, dead: 0 });

describe('runUsagePush', () => {
  it('sends batches of at most 1,000 and marks them pushed', async () => {
    const ledger = await ledgerWith(2500);
    const client = scripted(() => undefined);
    const report = await runUsagePush(deps(ledger, client));
    expect(client.batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(report).toMatchObject({ requests: 3, largestBatch: 1000, pushed: 2500, deadLettered: 0 });
    expect(report.stopped).toBeUndefined();
    expect(await totals(ledger)).toEqual({ pending: 0, pushed: 2500, dead: 0 });
  });

  it('narrows a refusal that names no record down to that record by halving, and pushes the rest', async () => {
    const ledger = await ledgerWith(1000);
    const client = {
      ...scripted(() => undefined),
      batches: [] as string[][],
      async call(req: OpenApiRequest): Promise<OpenApiAnswer> {
        const sns = snsOf(req);
        client.batches.push(sns);
        if (sns.includes('sn-0617')) throw new MarketplaceValidationError('MKT.9002', 'MKT.9002: invalid usage entities', { httpStatus: 500 });
        return { status: 200, json: {}, abnormal: [], endpoint: 'x', attempts: 1 };
      },
    };
    const report = await runUsagePush(deps(ledger, client));
    expect(report).toMatchObject({ pushed: 999, deadLettered: 1 });
    expect(client.batches.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1000)) + 1);
    expect((await ledger.deadLetters()).map((d) => [d.usage.meteringSn, d.code])).toEqual([['sn-0617', 'MKT.9002']]);
  });

  it('dead-letters the records an answer names (MKT.0000 with abnormal records) and pushes the others', async () => {
    const ledger = await ledgerWith(10);
    const report = await runUsagePush(deps(ledger, scripted(() => [{ meteringSn: 'sn-0003', code: '94060002', message: 'bad value' }, { meteringSn: 'not-ours', code: 'X', message: '' }])));
    expect(report).toMatchObject({ pushed: 9, deadLettered: 1 });
    expect(await ledger.deadLetters()).toMatchObject([{ usage: { meteringSn: 'sn-0003' }, code: '94060002', reason: 'bad value' }]);
  });

  it('halves the batch size for the rest of the run on MKT.9003', async () => {
    const ledger = await ledgerWith(1000);
    const sizes: number[] = [];
    const client = scripted((sns) => {
      sizes.push(sns.length);
      if (sns.length > 300) throw new MarketplaceValidationError('MKT.9003', 'MKT.9003: too many records', { httpStatus: 500 });
    });
    const report = await runUsagePush(deps(ledger, client));
    expect(report.pushed).toBe(1000);
    expect(sizes.slice(0, 3)).toEqual([1000, 500, 250]);
    expect(Math.max(...sizes.slice(3))).toBeLessThanOrEqual(250);
  });

  it.each<[string, MarketplaceError, boolean]>([
    ['MKT.0102 (body signature)', new MarketplaceBodySignError('MKT.0102', 'MKT.0102: invalid body sign', { httpStatus: 400 }), true],
    ['APIGW.0301 (AK/SK)', new MarketplaceAuthError('APIGW.0301', 'APIGW.0301: auth', { httpStatus: 401 }), true],
    ['MKT.0101 (a malformed request, not a record)', new MarketplaceValidationError('MKT.0101', 'MKT.0101: invalid parameter', { httpStatus: 400 }), true],
    ['MKT.0250 after the retries', new MarketplaceUnavailableError('MKT.0250', 'MKT.0250: over limit', { httpStatus: 406 }), false],
    ['an unreachable host after the retries', new MarketplaceUnavailableError('NETWORK', 'unreachable'), false],
  ])('stops on %s and releases the batch for the next run at once', async (_n, error, fatal) => {
    const ledger = await ledgerWith(1500);
    const client = scripted(() => {
      throw error;
    });
    const report = await runUsagePush(deps(ledger, client));
    expect(report.stopped).toMatchObject({ code: error.code, fatal });
    expect(client.batches).toHaveLength(1);
    expect(await totals(ledger)).toEqual({ pending: 1500, pushed: 0, dead: 0 });
    expect(await ledger.claim({ nowMs: T0, leaseUntilMs: T0 + 1, limit: 2000 })).toHaveLength(1500);
  });

  it('starts no push the invocation has no time for, and leases nothing then', async () => {
    const ledger = await ledgerWith(5);
    const client = scripted(() => undefined, 20_000);
    const report = await runUsagePush(deps(ledger, client), { remainingMs: 15_000 });
    expect(report.stopped).toMatchObject({ code: 'TIME', fatal: false });
    expect(client.batches).toEqual([]);
    expect(await ledger.claim({ nowMs: T0, leaseUntilMs: T0 + 1, limit: 10 })).toHaveLength(5);
  });

  it('extends the lease before a push that could outlast it', async () => {
    const ledger = await ledgerWith(4);
    let now = T0;
    const dueDuringPush: number[] = [];
    const client = scripted((_sns, n) => {
      if (n === 1) throw new MarketplaceValidationError('MKT.9002', 'MKT.9002', { httpStatus: 500 });
      return undefined;
    }, 5_000);
    const original = client.call.bind(client);
    client.call = async (req) => {
      const [state] = await ledger.lookup([snsOf(req)[0]!]);
      dueDuringPush.push(state!.atMs - now);
      now += 11_000; // each push takes 11 s: the second would outlast the 15 s lease (5 s worst case + 10 s) without an extension
      return original(req);
    };
    const report = await runUsagePush(deps(ledger, client, () => now));
    expect(report.pushed).toBeGreaterThan(0);
    // Every push started with at least the client's worst case (5 s) of lease left.
    expect(Math.min(...dueDuringPush)).toBeGreaterThanOrEqual(5_000);
  });

  it('dead-letters records whose window closes before the push could land, without sending them', async () => {
    const ledger = new MemoryUsageLedger();
    const old: StoredUsage = { meteringSn: 'old', instanceId: 'i', usageValue: '1', beginTime: wireTime(T0 - 21 * 24 * HOUR + 500), endTime: wireTime(T0 - 20 * 24 * HOUR), recordedAt: T0 };
    await ledger.add([{ usage: old, fingerprint: usageFingerprint(old), hour: hourOf(old.beginTime) }], T0);
    const client = scripted(() => undefined);
    const dry = await runUsagePush(deps(ledger, client), { dryRun: true });
    expect(dry.dryRun).toEqual({ due: 1, expired: 1, batches: 0 });
    expect(await totals(ledger)).toEqual({ pending: 1, pushed: 0, dead: 0 });
    const report = await runUsagePush(deps(ledger, client));
    expect(report).toMatchObject({ expired: 1, deadLettered: 1, requests: 0 });
    expect(client.batches).toEqual([]);
    expect((await ledger.deadLetters())[0]).toMatchObject({ code: 'EXPIRED' });
  });

  it('reports a dry run without leasing or sending', async () => {
    const ledger = await ledgerWith(2001);
    const client = scripted(() => undefined);
    const report = await runUsagePush(deps(ledger, client), { dryRun: true });
    expect(report.dryRun).toEqual({ due: 2001, expired: 0, batches: 3 });
    expect(client.batches).toEqual([]);
    expect(await ledger.peek({ nowMs: T0, limit: 5000 })).toHaveLength(2001);
  });
});
