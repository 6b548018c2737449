/**
 * A custom provisioner as a merchant writes one (public API types only) whose first `provision` attempt
 * per instance outlives its lease: it waits until its `signal` aborts (the attempt's lease ended) and then
 * fails, so `newInstance` answers `000004` and only `provision-worker` can finish the instance. Later
 * attempts succeed after `laterDelayMs` (ms). Every call is recorded with the phase the test is in, so a
 * test can tell which function made it.
 */
import { randomBytes } from 'node:crypto';
import type { ProvisionedApp, Provisioner } from '../../shared';
import type { WorkerHandler, WorkerReport } from '../../shared';
import { localContext } from '../../shared/platform/context';

/** One recorded provisioner call. */
export interface RecordedCall {
  step: string;
  instanceId: string;
  /** What the test said was running (`produce`, `worker`, ...) when the call started. */
  phase: string;
  signal?: AbortSignal;
}

export interface LeaseOutlivingProvisioner extends Provisioner {
  calls: RecordedCall[];
  /** Set by the test before each invocation. */
  phase: string;
  /** What each successful provision returned, by instanceId. */
  apps: Map<string, ProvisionedApp>;
}

/** Longest the first attempt waits for its signal before failing anyway (ms), so no timer outlives a test. */
const SAFETY_MS = 20_000;

export function leaseOutlivingProvisioner(options: { name: string; laterDelayMs: number }): LeaseOutlivingProvisioner {
  const attempts = new Map<string, number>();
  const p: LeaseOutlivingProvisioner = {
    name: options.name,
    calls: [],
    phase: 'unset',
    apps: new Map(),
    async provision(req) {
      p.calls.push({ step: 'provision', instanceId: req.instanceId, phase: p.phase, ...(req.signal ? { signal: req.signal } : {}) });
      const attempt = (attempts.get(req.instanceId) ?? 0) + 1;
      attempts.set(req.instanceId, attempt);
      if (attempt === 1) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, SAFETY_MS);
          req.signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
        });
        throw new Error(`${options.name}: first attempt for ${req.instanceId} outlived its lease`);
      }
      await new Promise((r) => setTimeout(r, options.laterDelayMs));
      const app: ProvisionedApp = {
        frontEndUrl: `https://${options.name}.example/login?i=${req.instanceId}`,
        userName: `${options.name}-admin`,
        password: randomBytes(12).toString('base64url'),
      };
      p.apps.set(req.instanceId, app);
      return app;
    },
    async renew(req) { p.calls.push({ step: 'renew', instanceId: req.instanceId, phase: p.phase }); },
    async upgrade(req) { p.calls.push({ step: 'upgrade', instanceId: req.instanceId, phase: p.phase }); },
    async freeze(req) { p.calls.push({ step: 'freeze', instanceId: req.instanceId, phase: p.phase }); },
    async unfreeze(req) { p.calls.push({ step: 'unfreeze', instanceId: req.instanceId, phase: p.phase }); },
    async release(req) { p.calls.push({ step: 'release', instanceId: req.instanceId, phase: p.phase }); },
    async checkChange(req) { p.calls.push({ step: 'checkChange', instanceId: req.instanceId, phase: p.phase }); return { allowed: true }; },
  };
  return p;
}

/**
 * Waits until the first attempt's signal aborted (its lease ended), then invokes the worker as an
 * asynchronous invocation would (`{ instanceId }`) until it reports a final code for the instance
 * (it reports `leased` while the lease has not quite ended in the store's view).
 */
export async function finishWithWorker(worker: WorkerHandler, provisioner: LeaseOutlivingProvisioner, instanceId: string): Promise<WorkerReport> {
  const deadline = Date.now() + 10_000;
  const first = provisioner.calls.find((c) => c.step === 'provision' && c.instanceId === instanceId);
  while (first?.signal && !first.signal.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  let report: WorkerReport | { error: string } = { error: 'not run' };
  while (Date.now() < deadline) {
    report = await worker({ instanceId }, localContext({ requestId: 'worker-test' }));
    if ('error' in report) throw new Error(`provision-worker failed: ${report.error}`);
    if (report.results[instanceId] !== 'leased') return report;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`provision-worker never took ${instanceId} over: ${JSON.stringify(report)}`);
}
