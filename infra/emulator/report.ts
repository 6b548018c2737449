/**
 * What a simulation found: one record per request, a summary per scenario, and the two ways to show
 * them (a text table for people, one JSON document for machines). Reports never hold the access key
 * or any credential value.
 * @module
 */

/** One request the emulator sent and what it made of the answer. */
export interface StepRecord {
  scenario: string;
  step: string;
  /** Result codes the specification allows here. */
  expected: string[];
  /** The `resultCode` that came back, if any. */
  actual?: string;
  /** HTTP status; 0 when nothing came back. */
  httpStatus: number;
  /** Round trip (ms). */
  latencyMs: number;
  pass: boolean;
  /** Set when the step was not sent (an option it needs was not given); `note` says why. */
  skipped?: boolean;
  /** Why it failed (or was skipped), in a few words per problem; empty when it passed. */
  note: string;
}

/** Per-scenario figures. */
export interface ScenarioSummary {
  scenario: string;
  steps: number;
  passed: number;
  failed: number;
  /** Median latency (ms). */
  p50Ms: number;
  /** Slowest request (ms). */
  maxMs: number;
  /** Steps not sent (not counted in `steps`); present only when some were skipped. */
  skipped?: number;
}

/** The whole run. */
export interface SimulationReport {
  url: string;
  /** ISO-8601 start time. */
  startedAt: string;
  /** Wall time of the whole run (ms). */
  durationMs: number;
  ok: boolean;
  scenarios: ScenarioSummary[];
  steps: StepRecord[];
  failures: StepRecord[];
}

/** The p-th percentile (0-100) by nearest rank; 0 for no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

/** Groups steps by scenario, in first-seen order. */
export function summarize(steps: StepRecord[]): ScenarioSummary[] {
  const order: string[] = [];
  const byScenario = new Map<string, StepRecord[]>();
  for (const s of steps) {
    if (!byScenario.has(s.scenario)) {
      byScenario.set(s.scenario, []);
      order.push(s.scenario);
    }
    byScenario.get(s.scenario)?.push(s);
  }
  return order.map((scenario) => {
    const all = byScenario.get(scenario) ?? [];
    const list = all.filter((s) => !s.skipped);
    const skipped = all.length - list.length;
    // Records that are not one request's answer (httpStatus 0, latency 0) stay out of the latency figures.
    const latencies = list.filter((s) => s.httpStatus !== 0 || s.latencyMs > 0).map((s) => s.latencyMs);
    const passed = list.filter((s) => s.pass).length;
    const row: ScenarioSummary = { scenario, steps: list.length, passed, failed: list.length - passed, p50Ms: percentile(latencies, 50), maxMs: latencies.length ? Math.max(...latencies) : 0 };
    if (skipped > 0) row.skipped = skipped;
    return row;
  });
}

/** Assembles the final report from the recorded steps. */
export function buildReport(url: string, startedAt: Date, durationMs: number, steps: StepRecord[]): SimulationReport {
  const failures = steps.filter((s) => !s.pass);
  const ok = failures.length === 0 && steps.some((s) => !s.skipped);
  return { url, startedAt: startedAt.toISOString(), durationMs: Math.round(durationMs), ok, scenarios: summarize(steps), steps, failures };
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')).join('\n');
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

/** The human-readable report: a summary table, then each failure in detail. */
export function formatReport(report: SimulationReport): string {
  const rows = [['scenario', 'steps', 'passed', 'failed', 'p50', 'max']];
  for (const s of report.scenarios) rows.push([s.scenario, String(s.steps), String(s.passed), String(s.failed), ms(s.p50Ms), ms(s.maxMs)]);
  const skipped = report.steps.filter((s) => s.skipped);
  const total = report.steps.length - skipped.length;
  const failed = report.failures.length;
  const lines = [`KooGallery emulator against ${report.url}`, '', table(rows), ''];
  if (failed === 0) {
    lines.push(total === 0 ? 'FAIL: no step ran' : `PASS: ${total} steps, all as the specification expects (${(report.durationMs / 1000).toFixed(1)} s)`);
  } else {
    lines.push(`FAIL: ${failed} of ${total} steps did not answer as the specification expects`, '');
    for (const f of report.failures) {
      const got = f.actual ?? (f.httpStatus === 0 ? 'no answer' : 'no resultCode');
      lines.push(`  [${f.scenario}] ${f.step}`, `      expected ${f.expected.join(' or ')}, got ${got} (HTTP ${f.httpStatus}, ${ms(f.latencyMs)})`, `      ${f.note}`);
    }
  }
  if (skipped.length > 0) {
    lines.push('', `SKIPPED: ${skipped.length} steps not sent`);
    for (const s of skipped) lines.push(`  [${s.scenario}] ${s.step}: ${s.note}`);
  }
  return `${lines.join('\n')}\n`;
}
