/**
 * ops-watch end to end on a real Redis, each condition caused by real traffic (produce and kit handlers,
 * usage recording, provision-worker) on an injected clock: it is raised exactly once across repeated runs, to
 * both sinks (the webhook's HMAC and SMN's AK/SK checked by the receivers), and cleared exactly once when its
 * cause goes away.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { newBinding, tenantBody } from '../../../infra/emulator/kitBodies';
import { runProvisionWorker } from '../../../shared/basic/worker';
import { ProvisionerError } from '../../../shared/core/errors';
import type { ProvisionRequest } from '../../../shared/provisioning/Provisioner';
import { usageLedgerFor } from '../../../shared/store/usageLedgerFor';
import { recordUsage } from '../../../shared/usage/recordUsage';
import { countingProvisioner } from '../../support/countingProvisioner';
import { buildDeps, createProduceHandler } from '../../support/handlers';
import { invoke, orderIds, v2Event } from '../../support/produceClient';
import { kitHarness } from '../kit/harness';
import { delivered, KEY, opsHarness } from './harness';

const MIN = 60_000;
const H = 60 * MIN;

/** A provisioner that fails (ProvisionerError, 000005) while `failing`, and can hold provisioning back. */
function switchableProvisioner() {
  const inner = countingProvisioner();
  let release: (() => void) | undefined;
  const p = {
    ...inner,
    failing: true,
    holding: false,
    provision: async (req: ProvisionRequest) => {
      if (p.failing) throw new ProvisionerError('backend down');
      if (p.holding) await new Promise<void>((resolve) => { release = resolve; });
      return inner.provision(req);
    },
    let: () => release?.(),
  };
  return p;
}

describe('ops-watch conditions from real traffic', () => {
  const h = opsHarness({ KG_ALERT_FAILED_ORDERS: '2', KG_PROVISION_BUDGET_MS: '100' });

  function produce(provisioner: ReturnType<typeof switchableProvisioner>) {
    const handler = createProduceHandler({ settings: h.settings, store: h.store, clock: h.clock, provisioner });
    return (body: Record<string, unknown>) => invoke(handler, v2Event(KEY, body, { timestamp: String(h.now) }));
  }

  it('raises order-failed and failed-orders-threshold once when the windows close, and clears them once in the next month', async () => {
    // 2030-05-30 00:00 China time.
    h.now = Date.UTC(2030, 4, 29, 16, 0);
    const provisioner = switchableProvisioner();
    const call = produce(provisioner);
    const a = orderIds('OFA');
    const b = orderIds('OFB');
    expect((await call({ activity: 'newInstance', businessId: 'a1', ...a })).json.resultCode).toBe('000005');
    expect((await call({ activity: 'newInstance', businessId: 'b1', ...b })).json.resultCode).toBe('000005');
    // Inside the 3 h window: at risk, not failed yet.
    expect((await h.watch()).conditions).toEqual([]);
    h.now += H;
    expect((await call({ activity: 'newInstance', businessId: 'a2', ...a })).json.resultCode).not.toBe('000000');
    h.now += 2 * H + MIN;
    const ids = [`order-failed:${a.orderId}/${a.orderLineId}/newInstance`, `order-failed:${b.orderId}/${b.orderLineId}/newInstance`, 'failed-orders-threshold'].sort();
    const first = await h.watch();
    // B never got a retry: its claim is still PROVISIONING with a queued job, which is stuck too.
    expect(first.raised.sort()).toEqual([...ids, 'provisioning-stuck'].sort());
    expect(first.failed).toEqual([]);
    expect(delivered(h).sort()).toEqual([...ids, 'provisioning-stuck'].map((id) => `raised ${id}`).sort());
    expect(h.webhook.taken.find((t) => t.id === 'failed-orders-threshold')!.message).toMatch(/^2 failed order\(s\) in 2030-05/);
    for (let i = 0; i < 3; i++) {
      h.now += 5 * MIN;
      expect(await h.watch()).toMatchObject({ raised: [], cleared: [], sent: [] });
    }
    // A success after the window does not take the failed order back.
    provisioner.failing = false;
    expect((await call({ activity: 'newInstance', businessId: 'a3', ...a })).json.resultCode).toBe('000000');
    h.now += 5 * MIN;
    expect(await h.watch()).toMatchObject({ raised: [], cleared: [] });
    expect(delivered(h)).toHaveLength(4);
    // 2030-06-01 00:10 China time: a new month.
    h.now = Date.UTC(2030, 4, 31, 16, 10);
    const next = await h.watch();
    expect(next.cleared.sort()).toEqual(ids);
    expect(next.conditions).toEqual(['provisioning-stuck']);
    h.now += 5 * MIN;
    expect(await h.watch()).toMatchObject({ raised: [], cleared: [], sent: [] });
    expect(delivered(h).filter((l) => l.startsWith('cleared')).sort()).toEqual(ids.map((id) => `cleared ${id}`).sort());
  });

  it('raises dial-tests-failing after two failed dial tests and clears it when one passes', async () => {
    const provisioner = switchableProvisioner();
    provisioner.failing = false;
    const handler = createProduceHandler({ settings: h.settings, store: h.store, clock: h.clock, provisioner });
    // The saved debug case, replayed by the marketplace; signed with a key that is no longer bound (000001).
    const line = orderIds('DIAL');
    const dial = (key: string, businessId: string) => invoke(handler, v2Event(key, { activity: 'newInstance', businessId, testFlag: '1', ...line }, { timestamp: String(h.now) }));
    expect((await dial('an-old-unbound-key-0001', 'd1')).json.resultCode).toBe('000001');
    expect((await h.watch()).conditions).toEqual([]);
    h.now += 12 * H;
    expect((await dial('an-old-unbound-key-0001', 'd2')).json.resultCode).toBe('000001');
    expect((await h.watch()).raised).toEqual(['dial-tests-failing']);
    h.now += MIN;
    expect((await h.watch()).raised).toEqual([]);
    h.now += 12 * H;
    expect((await dial(KEY, 'd3')).json.resultCode).toBe('000000');
    expect((await h.watch()).cleared).toEqual(['dial-tests-failing']);
    h.now += MIN;
    expect((await h.watch()).cleared).toEqual([]);
    // Dial tests are no orders.
    expect(delivered(h)).toEqual(['raised dial-tests-failing', 'cleared dial-tests-failing']);
  });

  it('raises usage-push-stuck for usage pending more than 2 h and clears it once the record is pushed', async () => {
    const provisioner = switchableProvisioner();
    provisioner.failing = false;
    const created = await produce(provisioner)({ activity: 'newInstance', businessId: 'u1', ...orderIds('USG') });
    const instanceId = created.json.instanceId as string;
    const begin = new Date(h.now - H).toISOString().replace(/\.\d{3}/, '');
    const end = new Date(h.now - MIN).toISOString().replace(/\.\d{3}/, '');
    const { meteringSn } = await recordUsage(h.store, { instanceId, usageValue: 2, beginTime: begin, endTime: end }, { now: h.now });
    const ledger = usageLedgerFor(h.store);
    h.now += 2 * H - 10 * MIN;
    // A push that fails makes its records due again at once (shared/usage/push.ts): the due time stays fresh.
    expect(await ledger.claim({ nowMs: h.now, leaseUntilMs: h.now + 5 * MIN, limit: 10 })).toHaveLength(1);
    await ledger.reschedule([meteringSn], h.now);
    h.now += 9 * MIN;
    expect((await h.watch()).conditions).toEqual([]);
    h.now += 2 * MIN;
    const raised = await h.watch();
    expect(raised.raised).toEqual(['usage-push-stuck']);
    expect(h.webhook.taken[0]!.message).toContain(meteringSn);
    h.now += 5 * MIN;
    expect((await h.watch()).raised).toEqual([]);
    // What usage-push does when the open API answers MKT.0000.
    await ledger.settle({ nowMs: h.now, pushed: [meteringSn], dead: [] });
    expect((await h.watch()).cleared).toEqual(['usage-push-stuck']);
    expect((await h.watch()).cleared).toEqual([]);
    expect(delivered(h)).toEqual(['raised usage-push-stuck', 'cleared usage-push-stuck']);
  });

  it('raises provisioning-stuck for a queued instance PROVISIONING past the limit, cleared once provision-worker finishes it', async () => {
    const provisioner = switchableProvisioner();
    provisioner.failing = false;
    provisioner.holding = true;
    const line = orderIds('STK');
    const answer = await produce(provisioner)({ activity: 'newInstance', businessId: 's1', ...line });
    expect(answer.json.resultCode).toBe('000004');
    h.now += 29 * MIN;
    expect((await h.watch()).conditions).toEqual([]);
    h.now += 2 * MIN;
    const raised = await h.watch();
    expect(raised.raised).toEqual(['provisioning-stuck']);
    expect(h.smn.taken[0]!.message).toContain(line.orderId);
    // The first attempt never comes back; provision-worker takes the job over and finishes it.
    provisioner.holding = false;
    const worker = await runProvisionWorker(buildDeps(undefined, { settings: h.settings, store: h.store, clock: h.clock, provisioner }));
    expect(Object.values(worker.results)).toEqual(['000000']);
    h.now += MIN;
    expect((await h.watch()).cleared).toEqual(['provisioning-stuck']);
    expect(delivered(h)).toEqual(['raised provisioning-stuck', 'cleared provisioning-stuck']);
    provisioner.let();
  });

  it('raises kit-forward-failing after three forwards failed within the hour and clears it when one goes through', async () => {
    const backend = { ok: false };
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(backend.ok ? 204 : 500).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kit`;
      const kit = kitHarness({ store: h.store, settings: { ...h.settings, KG_KIT_FORWARD_URL: url, KG_KIT_FORWARD_SECRET: 'fwd-secret-1', KG_KIT_FORWARD_TIMEOUT_MS: '500' } });
      const binding = newBinding('inst-kitfwd', 'CS-kitfwd', 0);
      // The marketplace retries the refused tenantSync; each retry forwards the stored state again.
      for (let i = 0; i < 2; i++) expect((await kit.call('tenantSync', tenantBody(binding, 1))).json.resultCode).toBe('000005');
      h.now = Date.now();
      expect((await h.watch()).conditions).toEqual([]);
      expect((await kit.call('tenantSync', tenantBody(binding, 1))).json.resultCode).toBe('000005');
      h.now = Date.now();
      expect((await h.watch()).raised).toEqual(['kit-forward-failing']);
      h.now = Date.now();
      expect((await h.watch()).raised).toEqual([]);
      backend.ok = true;
      expect((await kit.call('tenantSync', tenantBody(binding, 1))).json.resultCode).toBe('000000');
      h.now = Date.now();
      expect((await h.watch()).cleared).toEqual(['kit-forward-failing']);
      expect(delivered(h)).toEqual(['raised kit-forward-failing', 'cleared kit-forward-failing']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('raises reconcile-mismatch after a reconciliation with findings and clears it after one without', async () => {
    const findings = [{ kind: 'expired-not-frozen', instanceId: 'i-1', orderId: 'CS-R1', detail: 'expired 3 days ago, still ACTIVE' }];
    const withFindings = { reconcile: async () => ({ checked: 4, findings, errors: 0 }) };
    const report = await h.watch({ reconcile: 'force' }, withFindings);
    expect(report.reconcile).toEqual({ ran: true, checked: 4, findings: 1, errors: 0 });
    expect(report.raised).toEqual(['reconcile-mismatch']);
    expect(h.webhook.taken[0]!.message).toMatch(/expired-not-frozen i-1 order CS-R1/);
    // Later runs (no reconciliation) keep it raised, without a new alert.
    h.now += 5 * MIN;
    expect(await h.watch({ reconcile: 'off' })).toMatchObject({ raised: [], cleared: [], conditions: ['reconcile-mismatch'] });
    const clean = await h.watch({ reconcile: 'force' }, { reconcile: async () => ({ checked: 4, findings: [], errors: 0 }) });
    expect(clean.cleared).toEqual(['reconcile-mismatch']);
    expect(delivered(h)).toEqual(['raised reconcile-mismatch', 'cleared reconcile-mismatch']);
  });

  it('runs the reconciliation once a day from 02:00 China time, and says when it is skipped', async () => {
    let runs = 0;
    const counting = { reconcile: async () => { runs++; return { checked: 1, findings: [], errors: 0 }; } };
    h.now = Date.UTC(2030, 4, 20, 17, 55); // 01:55 China time
    expect((await h.watch({ reconcile: 'due' }, counting)).reconcile).toBeUndefined();
    h.now += 10 * MIN;
    expect((await h.watch({ reconcile: 'due' }, counting)).reconcile).toMatchObject({ ran: true });
    for (let i = 0; i < 3; i++) {
      h.now += 5 * MIN;
      expect((await h.watch({ reconcile: 'due' }, counting)).reconcile).toBeUndefined();
    }
    expect(runs).toBe(1);
    h.now += 24 * H;
    const skipped = await h.watch({ reconcile: 'due' });
    expect(skipped.reconcile).toEqual({ ran: false, reason: expect.stringMatching(/KG_OPENAPI_AK/) });
    h.now += 5 * MIN;
    expect((await h.watch({ reconcile: 'due' })).reconcile).toBeUndefined();
  });
});
