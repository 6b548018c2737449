/**
 * How ops-watch delivers: a sink that answers 500 is retried within the run; a sink that hangs is cut off and
 * its alert kept for the next run while the other sink still gets it; nothing is delivered twice; two watch
 * runs at once send each alert once; a hanging sink never holds up a produce callback running at the same
 * time; and no secret reaches the report or the log line.
 */
import { describe, expect, it } from 'vitest';
import { createOpsWatchHandler } from '../../../shared/ops/watchHandler';
import { localContext } from '../../../shared/platform/context';
import { createProduceHandler } from '../../support/handlers';
import { invoke, orderIds, v2Event } from '../../support/produceClient';
import { delivered, FAST, KEY, opsHarness, SMN_AK, SMN_SK, WEBHOOK_SECRET } from './harness';

const MIN = 60_000;
const finding = { kind: 'order-unknown', instanceId: 'i-9', orderId: 'CS-9', detail: 'query order answers MKT.9001' };
const mismatch = { reconcile: async () => ({ checked: 2, findings: [finding], errors: 0 }) };
const clean = { reconcile: async () => ({ checked: 2, findings: [], errors: 0 }) };

describe('ops-watch delivery', () => {
  const h = opsHarness();

  it('retries a sink that answers 500 within the run, and keeps for the next run what a hanging sink did not take', async () => {
    h.webhook.failNext = 2;
    h.smn.mode = 'hang';
    const first = await h.watch({ reconcile: 'force' }, mismatch);
    expect(first.raised).toEqual(['reconcile-mismatch']);
    expect(h.webhook.requests).toBe(3);
    expect(h.webhook.log()).toEqual(['raised reconcile-mismatch']);
    expect(first.sent).toEqual([{ id: 'reconcile-mismatch', state: 'raised', sink: 'webhook' }]);
    expect(first.failed).toEqual([{ id: 'reconcile-mismatch', state: 'raised', sink: 'smn', error: 'smn: no answer in time' }]);
    expect(h.smn.requests).toBe(FAST.attempts);
    h.smn.release();
    h.smn.mode = 'ok';
    h.now += 5 * MIN;
    const second = await h.watch();
    expect(second).toMatchObject({ raised: [], sent: [{ id: 'reconcile-mismatch', state: 'raised', sink: 'smn' }], failed: [] });
    h.now += 5 * MIN;
    expect((await h.watch()).sent).toEqual([]);
    expect(delivered(h)).toEqual(['raised reconcile-mismatch']);
    expect(h.webhook.taken[0]!.deliveryId).toBe(h.smn.taken[0]!.deliveryId);
  });

  it('delivers raise and clear in order, once each, to a sink that was down for several runs', async () => {
    h.smn.mode = 'fail';
    await h.watch({ reconcile: 'force' }, mismatch);
    h.now += 5 * MIN;
    await h.watch();
    h.now += 5 * MIN;
    const cleared = await h.watch({ reconcile: 'force' }, clean);
    expect(cleared.cleared).toEqual(['reconcile-mismatch']);
    expect(h.webhook.log()).toEqual(['raised reconcile-mismatch', 'cleared reconcile-mismatch']);
    expect(h.smn.log()).toEqual([]);
    h.smn.mode = 'ok';
    h.now += 5 * MIN;
    const caughtUp = await h.watch();
    expect(caughtUp.sent.map((s) => `${s.sink} ${s.state}`)).toEqual(['smn raised', 'smn cleared']);
    h.now += 5 * MIN;
    expect((await h.watch()).sent).toEqual([]);
    expect(delivered(h)).toEqual(['raised reconcile-mismatch', 'cleared reconcile-mismatch']);
  });

  it('sends each alert once when two watch runs go at the same time', async () => {
    await h.watch({ reconcile: 'force' }, mismatch);
    h.webhook.taken.length = 0;
    h.smn.taken.length = 0;
    // Both see the condition gone (their reconciliations found nothing) and decide at once.
    h.now += 5 * MIN;
    const runs = await Promise.all([h.watch({ reconcile: 'force' }, clean), h.watch({ reconcile: 'force' }, clean), h.watch({}, clean)]);
    expect(runs.flatMap((r) => r.cleared)).toEqual(['reconcile-mismatch']);
    expect(runs.flatMap((r) => r.sent).length).toBe(2);
    expect(delivered(h)).toEqual(['cleared reconcile-mismatch']);
  });

  it('does not hold up a produce callback while both sinks hang', async () => {
    h.webhook.mode = 'hang';
    h.smn.mode = 'hang';
    const produce = createProduceHandler({ settings: h.settings, store: h.store });
    const slow = { attempts: 3, timeoutMs: 1500, backoffMs: [200] };
    let watchDone = false;
    const watching = h.watch({ reconcile: 'force' }, { ...mismatch, sendPolicy: slow }).then((r) => { watchDone = true; return r; });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const answer = await invoke(produce, v2Event(KEY, { activity: 'newInstance', businessId: 'p1', ...orderIds('HANG') }));
    const tookMs = Date.now() - started;
    expect(answer.json.resultCode).toBe('000000');
    expect(watchDone).toBe(false);
    expect(tookMs).toBeLessThan(1500);
    const report = await watching;
    expect(report.failed.map((f) => f.sink).sort()).toEqual(['smn', 'webhook']);
    h.webhook.release();
    h.smn.release();
  });

  it('logs one line per run from the function, never a secret, and reports a reconciliation it could not run', async () => {
    const lines: string[] = [];
    const handler = createOpsWatchHandler({ settings: h.settings, store: h.store, clock: h.clock, localStatePath: h.statePath, sendPolicy: FAST });
    h.smn.mode = 'fail';
    const report = await handler({ version: 'v2.0', trigger_type: 'TIMER', trigger_name: 'reconcile', user_event: 'reconcile' }, localContext({ log: (l) => lines.push(l), timeoutMs: 300_000 }));
    expect(report).toMatchObject({ store: 'ok', reconcile: { ran: false, reason: expect.stringMatching(/KG_OPENAPI_AK/) } });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'warn', event: 'ops-watch.done', fn: 'ops-watch', store: 'ok', sinks: ['webhook', 'smn'] });
    const quiet = await handler({ trigger_type: 'TIMER', user_event: '' }, localContext({ log: (l) => lines.push(l) }));
    expect(quiet).toMatchObject({ store: 'ok' });
    expect(quiet).not.toHaveProperty('reconcile');
    expect(lines).toHaveLength(2);
    const token = new URL(h.settings.KG_ALERT_WEBHOOK!).searchParams.get('token')!;
    for (const text of [...lines, JSON.stringify(report)]) {
      for (const secret of [WEBHOOK_SECRET, SMN_SK, SMN_AK, token, h.settings.KG_DATA_KEY!]) expect(text).not.toContain(secret);
    }
  });

  it('answers a configuration error with the setting\'s name, and runs with the sink that is right', async () => {
    const lines: string[] = [];
    const settings = { ...h.settings, KG_ALERT_SMN_SK: '' };
    const handler = createOpsWatchHandler({ settings, store: h.store, clock: h.clock, localStatePath: h.statePath, sendPolicy: FAST });
    const report = await handler({}, localContext({ log: (l) => lines.push(l) }));
    expect(report).toMatchObject({ store: 'ok' });
    expect(JSON.parse(lines[0]!)).toMatchObject({ sinks: ['webhook'], errors: [expect.stringMatching(/^missing setting .*KG_ALERT_SMN_SK/)] });
    const broken = createOpsWatchHandler({ settings: { ...h.settings, KG_REDIS_URL: '' }, localStatePath: h.statePath });
    const out: string[] = [];
    expect(await broken({}, localContext({ log: (l) => out.push(l) }))).toEqual({ error: 'ConfigError' });
    expect(JSON.parse(out[0]!)).toMatchObject({ level: 'error', event: 'ops-watch.unavailable', message: expect.stringMatching(/KG_REDIS_URL/) });
  });
});
