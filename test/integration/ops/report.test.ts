/**
 * `kg report` on a month of real traffic: the produce and kit handlers, built as deployed, answer a
 * planned October 2026 (China time) on a spawned redis-server, with an injected clock so each call lands on
 * its planned instant and each provisioner step takes its planned latency. The traffic has successes,
 * failures recovered within their retry window (one across midnight, one renewal), failures never
 * recovered (a refusing provisioner, bad signatures, a success that came too late, a renewal that
 * broke), one failure whose window is still open, the tail of a line that started failing in September,
 * dial tests failing on some days, kit sync failures and usage in the ledger. Every figure of
 * `kg report --json` is checked against what the plan says it must be, computed here from the plan.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../infra/cli/command';
import { command } from '../../../infra/cli/commands/report';
import { kitPayload, signKitRequest } from '../../../infra/emulator/kitSigner';
import { kitHandler } from '../../../shared/handlers';
import { defineMerchant } from '../../../shared/merchant';
import type { ApigEvent } from '../../../shared/platform/apig';
import { loadConfig } from '../../../shared/platform/config';
import { localContext } from '../../../shared/platform/context';
import { createGenerateProvisioner } from '../../../shared/provisioning/generateProvisioner';
import { refuse, type Provisioner } from '../../../shared/provisioning/Provisioner';
import { createStore } from '../../../shared/store/createStore';
import { usageLedgerFor } from '../../../shared/store/usageLedgerFor';
import type { LedgerEntry } from '../../../shared/store/UsageLedger';
import { createProduceHandler, type Handler } from '../../support/handlers';
import { invoke, v2Event } from '../../support/produceClient';
import { startRedis, type RedisServer } from '../../support/redis';
import { captureIo } from '../../support/simulateCli';

const KEY = 'report-access-key-0001';
const WRONG_KEY = 'a-key-the-marketplace-never-bound';
const KIT_KEY = 'report-kit-key-0001';
const H = 3_600_000;

/** An instant of October 2026 (or around it) in China time (UTC+8). */
const cn = (day: number, hh: number, mm = 0): number => Date.UTC(2026, 9, day, hh - 8, mm);
const NOW = cn(25, 14);
const DAYS = Array.from({ length: 25 }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}`);
const dayOf = (ms: number): string => new Date(ms + 8 * H).toISOString().slice(0, 10);

/** What the marketplace's retry policy gives each activity (lifecycle.md §4.1). */
const WINDOW: Record<string, number> = { newInstance: 3 * H, refreshInstance: H };

// The failure stream's reason for each kind of failure: what the merchant's `refuse` said, and the
// verifier's safe text for a signature made with another key.
const REFUSAL = 'no seats left in this region';
const SIGNATURE = 'signature does not match any configured key';
const KIT_SIGNATURE = 'x-sign does not match any configured key';

type Sender = 'produce' | 'tenantSync' | 'authSync';

/** One call of the plan. */
interface Planned {
  at: number;
  sender: Sender;
  /** Built when sent (a later call names an instance an earlier answer created). */
  body: () => Record<string, unknown>;
  wrongKey?: boolean;
  /** How long the provisioner step takes (ms): the call's latency. */
  latency: number;
  /** How the provisioner step ends. */
  step?: 'refuse' | 'throw';
  /** The answer the plan expects. */
  code: string;
  /** The failure stream's reason (failures only). */
  reason?: string;
  /** The activity and function the report names. */
  activity: string;
  fn: string;
  test: boolean;
  /** The order line (a key of LINES) the call belongs to. */
  line?: string;
  /** Remember the answer's instanceId under this name. */
  save?: string;
}

/** The order lines that fail at least once, and the state the plan gives each at NOW. */
const LINES: Record<string, { state: 'failed' | 'recovered' | 'at-risk' | 'september'; orderId: string; orderLineId: string; activity: string }> = {};
const plan: Planned[] = [];
const instances = new Map<string, string>();
const inst = (name: string): string => instances.get(name) ?? `missing-${name}`;

function line(id: string, state: (typeof LINES)[string]['state'], activity = 'newInstance'): { orderId: string; orderLineId: string } {
  const orderId = `CS2610${id}${randomBytes(3).toString('hex').toUpperCase()}`;
  LINES[id] = { state, orderId, orderLineId: `${orderId}-000001`, activity };
  return { orderId, orderLineId: `${orderId}-000001` };
}

function newInstance(at: number, order: { orderId: string; orderLineId: string }, over: Partial<Planned> = {}): void {
  plan.push({
    at, sender: 'produce', latency: 0, code: '000000', activity: 'newInstance', fn: 'produce', test: false,
    body: () => ({ activity: 'newInstance', businessId: randomBytes(6).toString('hex'), ...order }), ...over,
  });
}

function refresh(at: number, instance: string, order: { orderId: string; orderLineId: string }, over: Partial<Planned> = {}): void {
  plan.push({
    at, sender: 'produce', latency: 0, code: '000000', activity: 'refreshInstance', fn: 'produce', test: false,
    body: () => ({ activity: 'refreshInstance', instanceId: inst(instance), ...order, scene: 'RENEWAL', expireTime: '20271231235959' }), ...over,
  });
}

function plain(at: number, activity: string, body: () => Record<string, unknown>, over: Partial<Planned> = {}): void {
  plan.push({ at, sender: 'produce', latency: 0, code: '000000', activity, fn: 'produce', test: false, body, ...over });
}

// Orders created without trouble, each with its provisioning time (ms); some queried, one frozen and unfrozen.
const OK_LATENCY = [120, 340, 80, 900, 150, 60, 410, 230, 95, 1250];
const OK_DAYS = [1, 2, 4, 7, 10, 13, 16, 19, 22, 24];
OK_DAYS.forEach((day, i) => {
  const order = { orderId: `CS2610OK${i}${randomBytes(3).toString('hex').toUpperCase()}`, orderLineId: '' };
  order.orderLineId = `${order.orderId}-000001`;
  newInstance(cn(day, 9 + (i % 5), 15), order, { latency: OK_LATENCY[i] as number, save: `ok${i}` });
  if (i % 2 === 0) plain(cn(day, 15, 5), 'queryInstance', () => ({ activity: 'queryInstance', instanceId: inst(`ok${i}`) }));
});
plain(cn(8, 10), 'updateInstanceStatus', () => ({ activity: 'updateInstanceStatus', instanceId: inst('ok3'), status: 'FREEZE' }), { latency: 45 });
plain(cn(9, 10), 'updateInstanceStatus', () => ({ activity: 'updateInstanceStatus', instanceId: inst('ok3'), status: 'UNFREEZE' }), { latency: 55 });
// A failure that names no order: not an order line.
plain(cn(11, 16), 'releaseInstance', () => ({ activity: 'releaseInstance', instanceId: `never-created-${randomBytes(4).toString('hex')}` }), { code: '000003', reason: 'instance is invalid' });

// Recovered: a bad signature retried an hour later; one across midnight; a renewal whose provisioner broke once.
const r1 = line('R1', 'recovered');
newInstance(cn(3, 10), r1, { wrongKey: true, code: '000001', reason: SIGNATURE, line: 'R1' });
newInstance(cn(3, 11), r1, { latency: 200, line: 'R1' });
const r2 = line('R2', 'recovered');
newInstance(cn(8, 23, 30), r2, { wrongKey: true, code: '000001', reason: SIGNATURE, line: 'R2' });
newInstance(cn(9, 0, 30), r2, { wrongKey: true, code: '000001', reason: SIGNATURE, line: 'R2' });
newInstance(cn(9, 1), r2, { latency: 500, line: 'R2' });
const r3 = line('R3', 'recovered', 'refreshInstance');
refresh(cn(12, 9), 'ok1', r3, { latency: 30, step: 'throw', code: '000005', reason: 'other inner error', line: 'R3' });
refresh(cn(12, 9, 40), 'ok1', r3, { latency: 70, line: 'R3' });

// Failed: refused (the marketplace's retries replay the refusal), bad signatures only, a success after the
// 3 h window, a renewal that broke and was never retried.
// A replayed refusal, and a renewal whose provisioner threw, give no reason of their own: the failure stream
// keeps the answer's resultMsg, what the marketplace was told.
const f1 = line('F1', 'failed');
newInstance(cn(5, 10), f1, { latency: 250, step: 'refuse', code: '000100', reason: REFUSAL, line: 'F1' });
newInstance(cn(5, 11), f1, { code: '000100', reason: REFUSAL, line: 'F1' });
newInstance(cn(5, 12), f1, { code: '000100', reason: REFUSAL, line: 'F1' });
const f2 = line('F2', 'failed');
newInstance(cn(15, 10), f2, { wrongKey: true, code: '000001', reason: SIGNATURE, line: 'F2' });
newInstance(cn(15, 11), f2, { wrongKey: true, code: '000001', reason: SIGNATURE, line: 'F2' });
const f3 = line('F3', 'failed');
newInstance(cn(18, 10), f3, { wrongKey: true, code: '000001', reason: SIGNATURE, line: 'F3' });
newInstance(cn(18, 13, 30), f3, { latency: 300, line: 'F3' });
const f4 = line('F4', 'failed', 'refreshInstance');
refresh(cn(20, 9), 'ok2', f4, { latency: 40, step: 'throw', code: '000005', reason: 'other inner error', line: 'F4' });

// At risk at NOW (14:00 on the 25th): failed at 13:00, the marketplace retries until 16:00.
const ar = line('AR', 'at-risk');
newInstance(cn(25, 13), ar, { wrongKey: true, code: '000001', reason: SIGNATURE, line: 'AR' });

// Started failing at 22:30 on 30 September and never recovered: September's failed order, not October's,
// though two of its attempts were answered in October.
const sept = line('SEPT', 'september');
newInstance(cn(0, 22, 30), sept, { wrongKey: true, code: '000001', reason: SIGNATURE, line: 'SEPT' });
newInstance(cn(1, 0, 30), sept, { wrongKey: true, code: '000001', reason: SIGNATURE, line: 'SEPT' });
newInstance(cn(1, 1, 15), sept, { wrongKey: true, code: '000001', reason: SIGNATURE, line: 'SEPT' });

// Dial tests at 09:00 and 21:00, none on the 23rd; the listed runs are signed with a key the marketplace never bound.
const DIAL_FAILS = new Set(['6@21', '20@9', '20@21', '21@9', '22@21', '24@9', '25@9']);
for (let day = 1; day <= 25; day++) {
  for (const hh of [9, 21]) {
    if (day === 23 || cn(day, hh) > NOW) continue;
    const failing = DIAL_FAILS.has(`${day}@${hh}`);
    const query = hh === 9;
    const debugOrder = `CS2210181819${randomBytes(3).toString('hex').toUpperCase()}`;
    plan.push({
      at: cn(day, hh), sender: 'produce', latency: 0, test: true, fn: 'produce', wrongKey: failing,
      code: failing ? '000001' : '000000', ...(failing ? { reason: SIGNATURE } : {}), activity: query ? 'queryInstance' : 'newInstance',
      body: () => (query
        ? { activity: 'queryInstance', instanceId: randomBytes(16).toString('hex'), testFlag: '1' }
        : { activity: 'newInstance', businessId: 'dial', orderId: debugOrder, orderLineId: `${debugOrder}-000001`, testFlag: '1' }),
    });
  }
}

// The kit: a tenant synced, then two syncs signed with the wrong key.
const TENANT = randomBytes(16).toString('hex');
const tenantBody = (): Record<string, unknown> => ({ instanceId: '', orderId: '', tenantId: TENANT, tenantCode: 'reportco', name: '报告测试', domainName: 'https://reportco.example.com', flag: 1, testFlag: 0, timeStamp: '20261002100000000' });
plan.push({ at: cn(2, 10), sender: 'tenantSync', latency: 0, code: '000000', activity: 'tenantSync', fn: 'tenant-sync', test: false, body: tenantBody });
plan.push({ at: cn(4, 10), sender: 'tenantSync', latency: 0, code: '000001', reason: KIT_SIGNATURE, activity: 'tenantSync', fn: 'tenant-sync', test: false, body: tenantBody, wrongKey: true });
plan.push({
  at: cn(16, 10), sender: 'authSync', latency: 0, code: '000001', reason: KIT_SIGNATURE, activity: 'authSync', fn: 'auth-sync', test: false, wrongKey: true,
  body: () => ({ instanceId: '', tenantId: TENANT, appId: 'app', userList: [{ userName: 'u1', name: 'U' }], currentSyncTime: '20261016100000000', flag: 1, testFlag: 0, timeStamp: '20261016100000000' }),
});
plan.sort((a, b) => a.at - b.at);

/** When the call's answer was recorded: after its provisioner step. */
const doneAt = (p: Planned): number => p.at + p.latency;
const inOctober = (p: Planned): boolean => doneAt(p) >= cn(1, 0) && doneAt(p) < cn(32, 0);
const ok = (p: Planned): boolean => p.code === '000000';

/** Nearest-rank percentile, as the report documents it. */
function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] as number;
}

function kitEvent(name: 'tenantSync' | 'authSync', body: Record<string, unknown>, key: string, timestamp: string): ApigEvent {
  const nonce = randomBytes(32).toString('hex').toUpperCase();
  return {
    httpMethod: 'POST', path: `/produceAPI/v2/${name}`,
    headers: { 'content-type': 'application/json;charset=UTF-8', 'x-sign': signKitRequest({ key, nonce, timestamp, payload: kitPayload(body) }), 'x-timestamp': timestamp, 'x-nonce': nonce },
    queryStringParameters: {}, body: Buffer.from(JSON.stringify(body), 'utf8').toString('base64'), isBase64Encoded: true, requestContext: { requestId: randomBytes(8).toString('hex') },
  };
}

describe('kg report on a month of traffic', () => {
  let redis: RedisServer;
  let now = 0;
  let dir = '';
  const answered: Array<{ planned: Planned; code: string }> = [];

  beforeAll(async () => {
    redis = await startRedis({ appendonly: false });
    dir = mkdtempSync(join(tmpdir(), 'kg-report-'));
    const clock = (): number => now;
    let current: Planned | undefined;
    // The built-in provisioner, taking each call's planned time and ending as planned.
    const inner = createGenerateProvisioner({ KG_FRONTEND_URL_TEMPLATE: 'https://app.test/login?i={instanceId}' });
    const step = async <T>(run: () => Promise<T>): Promise<T | ReturnType<typeof refuse>> => {
      now += current?.latency ?? 0;
      if (current?.step === 'refuse') return refuse('000100', REFUSAL);
      if (current?.step === 'throw') throw new Error('backend down');
      return run();
    };
    const provisioner: Provisioner = {
      name: 'planned',
      provision: (r) => step(() => inner.provision(r)),
      renew: async (r) => { await step(() => inner.renew(r)); },
      upgrade: async (r) => { await step(() => inner.upgrade(r)); },
      freeze: async (r) => { await step(() => inner.freeze(r)); },
      unfreeze: async (r) => { await step(() => inner.unfreeze(r)); },
      release: async (r) => { await step(() => inner.release(r)); },
      checkChange: (r) => inner.checkChange(r),
    };
    const settings = { KG_ACCESS_KEY: KEY, KG_KIT_ACCESS_KEY: KIT_KEY, KG_DATA_KEY: randomBytes(32).toString('base64'), KG_REDIS_URL: redis.url };
    const produce = createProduceHandler({ settings, provisioner, clock });
    const kitMerchant = defineMerchant({}, { settings, clock });
    const kit: Record<'tenantSync' | 'authSync', Handler> = { tenantSync: kitHandler(kitMerchant, 'tenantSync'), authSync: kitHandler(kitMerchant, 'authSync') };

    for (const p of plan) {
      now = p.at;
      current = p;
      const body = p.body();
      if (p.sender === 'produce') {
        const answer = await invoke(produce, v2Event(p.wrongKey ? WRONG_KEY : KEY, body, { timestamp: String(p.at) }));
        answered.push({ planned: p, code: answer.json.resultCode });
        if (p.save && typeof answer.json.instanceId === 'string') instances.set(p.save, answer.json.instanceId);
      } else {
        const res = await kit[p.sender](kitEvent(p.sender, body, p.wrongKey ? WRONG_KEY : KIT_KEY, String(p.at)), localContext({ requestId: 'r' }));
        answered.push({ planned: p, code: (JSON.parse(res.body) as { resultCode: string }).resultCode });
      }
    }

    // Usage: three records; one pushed, one dead-lettered, one still pending.
    const store = createStore(loadConfig((k) => ({ KG_REDIS_URL: redis.url })[k as 'KG_REDIS_URL']));
    try {
      const ledger = usageLedgerFor(store);
      const entry = (sn: string): LedgerEntry => ({
        usage: { meteringSn: sn, instanceId: inst('ok0'), usageValue: '2.5', beginTime: '20261010T000000Z', endTime: '20261010T010000Z', recordedAt: Date.now() },
        fingerprint: sn.padEnd(64, '0').slice(0, 64).replace(/[^0-9a-f]/g, 'a'), hour: '2026101000',
      });
      expect(await ledger.add([entry('sn-pushed'), entry('sn-dead'), entry('sn-pending')], Date.now())).toEqual(['stored', 'stored', 'stored']);
      await ledger.settle({ nowMs: Date.now(), pushed: ['sn-pushed'], dead: [{ meteringSn: 'sn-dead', code: 'MKT.9002', reason: 'instance not found' }] });
    } finally {
      await store.close();
    }
  }, 120_000);

  afterAll(async () => {
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answered every planned call with the planned code', () => {
    expect(answered.filter((a) => a.code !== a.planned.code).map((a) => `${new Date(a.planned.at).toISOString()} ${a.planned.activity}: ${a.code} != ${a.planned.code}`)).toEqual([]);
    expect(answered).toHaveLength(plan.length);
  });

  it('reports every figure of the month as the plan says', async () => {
    const html = join(dir, 'report.html');
    const out = captureIo({ KG_REDIS_URL: redis.url });
    expect(await command.run(['--month', '2026-10', '--json', '--now', String(NOW), '--html', html], out)).toBe(0);
    expect(out.stderr).toBe(`page written to ${html}\n`);
    const report = JSON.parse(out.stdout) as Record<string, unknown>;
    const october = plan.filter(inOctober);

    // The order lines, from the states the plan gives them.
    const failuresOf = (id: string): Planned[] => plan.filter((p) => p.line === id && !ok(p));
    const asOrder = (id: string): Record<string, unknown> => {
      const l = LINES[id]!;
      const failures = failuresOf(id);
      const last = failures[failures.length - 1]!;
      return { orderId: l.orderId, orderLineId: l.orderLineId, activity: l.activity, resultCode: last.code, reason: last.reason, at: doneAt(failures[0]!), attempts: failures.length };
    };
    const ids = (state: string): string[] => Object.keys(LINES).filter((id) => LINES[id]!.state === state);
    const failed = ids('failed').map(asOrder).sort((a, b) => (a.at as number) - (b.at as number));
    expect(failed).toHaveLength(4);
    expect(report.failedOrders).toEqual({ count: 4, limit: 5, orders: failed });
    expect(report.atRisk).toEqual(ids('at-risk').map((id) => ({ ...asOrder(id), windowEndsAt: doneAt(failuresOf(id)[0]!) + WINDOW[LINES[id]!.activity]! })));
    expect(report.recovered).toBe(ids('recovered').length);

    // Dial tests: per day, and the run (25th, 24th, [23rd silent], 22nd, 21st, 20th; the 19th passed).
    const dialDays = DAYS.map((day) => {
      const tests = october.filter((p) => p.test && dayOf(doneAt(p)) === day);
      return { day, total: tests.length, failed: tests.filter((p) => !ok(p)).length };
    });
    expect(report.dialTests).toEqual({ days: dialDays, failingRun: 5, freezeAfter: 5 });

    // Answers per activity and code.
    const answers = new Map<string, number>();
    for (const p of october) answers.set(`${p.activity} ${p.code}`, (answers.get(`${p.activity} ${p.code}`) ?? 0) + 1);
    expect(report.answers).toEqual([...answers.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, count]) => {
      const [activity, resultCode] = k.split(' ');
      return { activity, resultCode, count };
    }));

    // Latency: every call has one (the provisioner step's, or 0).
    const activities = [...new Set(october.map((p) => p.activity))].sort();
    expect(report.latency).toEqual(activities.map((activity) => {
      const ms = october.filter((p) => p.activity === activity).map((p) => p.latency);
      return { activity, count: ms.length, p50: nearestRank(ms, 50), p99: nearestRank(ms, 99), max: Math.max(...ms) };
    }));
    expect(report.slowest).toEqual([...october].sort((a, b) => b.latency - a.latency || doneAt(a) - doneAt(b)).slice(0, 10).map((p) => {
      const orderId = p.body().orderId;
      return { at: doneAt(p), activity: p.activity, ms: p.latency, resultCode: p.code, ...(typeof orderId === 'string' && orderId ? { orderId } : {}) };
    }));
    expect((report.slowest as Array<{ ms: number }>)[0]!.ms).toBe(1250);

    // Per day, for the charts.
    expect(report.perDay).toEqual(DAYS.map((day) => {
      const calls = october.filter((p) => dayOf(doneAt(p)) === day);
      const ms = calls.map((p) => p.latency);
      return { day, calls: calls.length, failures: calls.filter((p) => !ok(p)).length, p50: ms.length ? nearestRank(ms, 50) : null, p99: ms.length ? nearestRank(ms, 99) : null };
    }));

    // Kit sync failures.
    expect(report.kitSyncFailures).toEqual(october.filter((p) => p.fn !== 'produce' && !ok(p)).map((p) => ({ fn: p.fn, activity: p.activity, resultCode: p.code, reason: p.reason, at: doneAt(p) })));
    expect(report.kitSyncFailures).toHaveLength(2);

    // Usage.
    expect(report.usage).toEqual({
      pending: 1, pushed: 1, dead: 1,
      deadLetters: [expect.objectContaining({ code: 'MKT.9002', reason: 'instance not found', usage: expect.objectContaining({ meteringSn: 'sn-dead', instanceId: inst('ok0') }) })],
    });

    // The headline: 4 of 5 (amber), one at risk that would not cross the line (amber), dial tests one day
    // past the red line (red: trading freezes after 5), a dead letter (amber).
    expect(report).toMatchObject({ month: '2026-10', generatedAt: NOW, current: true });
    expect(report.status).toEqual({ level: 'red', reasons: [expect.stringMatching(/^dial tests failing 5 days/), expect.stringMatching(/^4 failed orders/), expect.stringMatching(/^1 order at risk/), expect.stringMatching(/^1 usage record/)] });

    // The page says the same.
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<h1>4 of 5 failed orders this month</h1>');
    const failedSection = page.slice(page.indexOf('<section id="failed-orders">'), page.indexOf('<section id="at-risk">'));
    for (const id of ids('failed')) expect(failedSection).toContain(LINES[id]!.orderId);
    for (const id of [...ids('recovered'), ...ids('september'), ...ids('at-risk')]) expect(failedSection).not.toContain(LINES[id]!.orderId);
    expect(page).toContain(LINES.AR!.orderId);
  });

  it('prints a short summary by default', async () => {
    const out = captureIo({ KG_REDIS_URL: redis.url });
    expect(await command.run(['--month', '2026-10', '--now', new Date(NOW).toISOString()], out)).toBe(0);
    const text = out.stdout;
    expect(text).toContain('KooGallery report 2026-10 (China time), as of 2026-10-25 14:00:00');
    expect(text).toContain('RED: 4 of 5 failed orders this month');
    for (const id of ['F1', 'F2', 'F3', 'F4', 'AR']) expect(text).toContain(LINES[id]!.orderId);
    expect(text).toContain('at risk 1, recovered 3');
    expect(text).toContain('failing run 5 of 5');
    expect(text).toContain('kit sync failures 2');
    expect(text).toContain('usage: pending 1, pushed 1, dead 1');
    expect(text).not.toContain(KEY);
  });

  it('reports a past month as it ended: September has its one failed order, with no day after the 30th', async () => {
    const out = captureIo({ KG_REDIS_URL: redis.url });
    expect(await command.run(['--month', '2026-09', '--json', '--now', String(NOW), '--redis', redis.url], out)).toBe(0);
    const report = JSON.parse(out.stdout) as { current: boolean; failedOrders: { orders: Array<{ orderId: string; attempts: number }> }; perDay: Array<{ day: string; calls: number }> };
    expect(report.current).toBe(false);
    // Read from 3 h before September only: the line's three attempts all count.
    expect(report.failedOrders.orders).toEqual([expect.objectContaining({ orderId: LINES.SEPT!.orderId, attempts: 3 })]);
    expect(report.perDay).toHaveLength(30);
    expect(report.perDay.filter((d) => d.calls > 0)).toEqual([{ day: '2026-09-30', calls: 1, failures: 1, p50: 0, p99: 0 }]);
  });

  it.each([[['--month', '2026-13']], [['--month', 'October']], [['--now', 'yesterday-ish']], [['--bogus']], [['--html', '']]])('refuses %j as a usage error', async (args) => {
    await expect(command.run(args, captureIo({ KG_REDIS_URL: redis.url }))).rejects.toThrow(UsageError);
  });

  it('asks for Redis when none is configured', async () => {
    await expect(command.run(['--json'], captureIo({}))).rejects.toThrow(/KG_REDIS_URL/);
  });
});
