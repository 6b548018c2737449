/**
 * The built-in `generate` provisioner with call counting and an optional delay (ms) per step, so tests
 * can observe "called exactly once" and drive the 000004 path. A real provisioner, not a stub.
 */
import { createGenerateProvisioner } from '../../shared/provisioning/generateProvisioner';
import type { Provisioner, ProvisionedApp, ProvisionRequest } from '../../shared/provisioning/Provisioner';

export interface CountingProvisioner extends Provisioner {
  calls: Record<string, number>;
  provisioned: Map<string, ProvisionedApp>;
  /** Delay of the next provision calls (ms). */
  delayMs: number;
}

export function countingProvisioner(delayMs = 0): CountingProvisioner {
  const inner = createGenerateProvisioner({ KG_FRONTEND_URL_TEMPLATE: 'https://app.test/login?i={instanceId}' });
  const calls: Record<string, number> = {};
  const count = (step: string) => { calls[step] = (calls[step] ?? 0) + 1; };
  const p: CountingProvisioner = {
    name: 'counting',
    calls,
    provisioned: new Map(),
    delayMs,
    async provision(req: ProvisionRequest) {
      count('provision');
      if (p.delayMs > 0) await new Promise((r) => setTimeout(r, p.delayMs));
      const app = await inner.provision(req);
      if (!('refused' in app)) p.provisioned.set(req.instanceId, app);
      return app;
    },
    renew: async (r) => { count('renew'); return inner.renew(r); },
    upgrade: async (r) => { count('upgrade'); return inner.upgrade(r); },
    freeze: async (r) => { count('freeze'); return inner.freeze(r); },
    unfreeze: async (r) => { count('unfreeze'); return inner.unfreeze(r); },
    release: async (r) => { count('release'); return inner.release(r); },
    checkChange: async (r) => { count('checkChange'); return inner.checkChange(r); },
  };
  return p;
}
