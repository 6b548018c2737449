/**
 * Runs scenarios one after another against one production URL and collects the report.
 * @module
 */
import { ScenarioAborted, ScenarioContext, type SimulationOptions } from './context';
import { closeIdleConnections } from './httpClient';
import { Marketplace } from './marketplace';
import { buildReport, type SimulationReport, type StepRecord } from './report';
import { SCENARIOS, type ScenarioName } from './scenarios/index';

/** Called after every recorded step (for progress output). */
export type StepListener = (record: StepRecord, done: number) => void;

/** Default settings besides url and key. */
export const DEFAULTS = { concurrency: 20, timeoutMs: 20_000, pollLimit: 20, pollIntervalMs: 500, retries: 5 } as const;

/** Runs `scenarios` in order; never rejects (a crashing scenario becomes a failed step). */
export async function runSimulation(options: SimulationOptions, scenarios: ScenarioName[], onStep?: StepListener): Promise<SimulationReport> {
  const started = new Date();
  const t0 = performance.now();
  const steps: StepRecord[] = [];
  const market = new Marketplace(options.url, options.key, options.timeoutMs);
  for (const name of scenarios) {
    const ctx = new ScenarioContext(name, options, market, (record) => {
      steps.push(record);
      onStep?.(record, steps.length);
    });
    try {
      await SCENARIOS[name](ctx);
    } catch (err) {
      if (!(err instanceof ScenarioAborted)) ctx.fail('scenario', `emulator error: ${(err as Error).message}`);
    }
  }
  closeIdleConnections();
  return buildReport(options.url, started, performance.now() - t0, steps);
}
