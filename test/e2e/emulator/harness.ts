/**
 * Shared set-up of the emulator e2e suites: the local server with a known key, and the emulator's
 * options tuned for a local run (short polls; the logic is the same as against a real deployment).
 */
import { startLocalServer, type LocalServer, type LocalServerOptions } from '../../../infra/server/localServer';
import type { SimulationOptions } from '../../../infra/emulator/context';
import type { SimulationReport, StepRecord } from '../../../infra/emulator/report';
import { DEFAULTS } from '../../../infra/emulator/runner';

/** The access key every e2e server is started with (a test value, never a real one). */
export const E2E_KEY = 'e2e-access-key-0001';

/** Starts the local server with {@link E2E_KEY} and `env` on top, and any other server `options`. */
export function startServer(env: Record<string, string> = {}, options: Omit<LocalServerOptions, 'env'> = {}): Promise<LocalServer> {
  return startLocalServer({ ...options, env: { KG_ACCESS_KEY: E2E_KEY, KG_DATA_KEY: Buffer.alloc(32, 7).toString('base64'), ...env } });
}

/** Emulator options for `url`. */
export function emulatorOptions(url: string, overrides: Partial<SimulationOptions> = {}): SimulationOptions {
  return { ...DEFAULTS, url, key: E2E_KEY, pollIntervalMs: 50, pollLimit: 100, ...overrides };
}

/** The failures in a compact form that reads well in an assertion diff. */
export function failuresOf(report: SimulationReport): Array<Pick<StepRecord, 'scenario' | 'step' | 'actual' | 'note'>> {
  return report.failures.map(({ scenario, step, actual, note }) => ({ scenario, step, actual, note }));
}
