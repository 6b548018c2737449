/**
 * `kg reconcile [--json] [--redis URL] [--limit N]`: compares every stored instance with what KooGallery's
 * query order says about its order (shared/ops/reconcile.ts) and prints what disagrees. It reports only; it
 * changes no instance.
 * @module
 */
import { DEFAULT_RECONCILE_LIMIT, type ReconcileReport } from '../../../shared/ops/reconcile';
import { reconcileWithOpenApi } from '../../../shared/ops/watchDeps';
import { loadConfig, settingSource } from '../../../shared/platform/config';
import { EXIT, parseCliArgs, parseLimit, type CliCommand } from '../command';
import { withStoreFromEnv } from '../storeFromEnv';

/** The human form of a report: one row per finding, then the counts and any error samples. */
export function formatReport(report: ReconcileReport): string {
  const out: string[] = [];
  if (report.findings.length > 0) {
    const head = ['KIND', 'INSTANCE', 'ORDER', 'DETAIL'] as const;
    const rows = report.findings.map((f) => [f.kind, f.instanceId, f.orderId, f.detail]);
    const width = [0, 1, 2].map((c) => Math.max(head[c]!.length, ...rows.map((r) => r[c]!.length)));
    const line = (cells: readonly string[]) => cells.map((cell, c) => (c < 3 ? cell.padEnd(width[c]!) : cell)).join('  ').trimEnd();
    out.push(line(head), ...rows.map(line));
  }
  const stopped = report.stopped ? `; stopped early (${report.stopped}): not every instance was checked` : '';
  out.push(`checked ${report.checked} instance${report.checked === 1 ? '' : 's'}, ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}, ${report.errors} query error${report.errors === 1 ? '' : 's'}${stopped}`);
  for (const sample of report.errorSamples ?? []) out.push(`  error: ${sample}`);
  return `${out.join('\n')}\n`;
}

export const command: CliCommand = {
  name: 'reconcile',
  summary: 'compare stored instances with their orders (unsubscribed but live, expired not frozen, stuck, unknown)',
  usage: `kg reconcile [--json] [--redis URL] [--limit N]

Reads every instance in Redis (RELEASED tombstones and the seller's test data are skipped) and asks
KooGallery's query order about each ACTIVE or FROZEN one, one query at a time. Reports, and never changes:
  order-unsubscribed-instance-live  the order is an UNSUBSCRIBE order, or it expired more than 15 days (the
                                    longest freeze) plus the grace ago, yet the instance is ACTIVE or FROZEN
  expired-not-frozen                expired more than the grace ago (KG_RECONCILE_GRACE_HOURS, default 24),
                                    still ACTIVE (on-demand orders have no expiry)
  stuck-provisioning                PROVISIONING for longer than KG_STUCK_PROVISIONING_MINUTES (default 30)
  order-unknown                     query order answers "not found" (MKT.9001) for its order or line
Settings: KG_REDIS_URL or KG_REDIS_CLUSTER_NODES (or --redis), KG_OPENAPI_AK, KG_OPENAPI_SK (the seller's
access key), KG_OPENAPI_ENDPOINT. --limit: most instances checked in this run (default 10000).
Exit status: 0 every instance checked and nothing found; 1 findings, or queries that failed (counted, with
samples) or a run cut short, so not everything could be checked; 2 bad arguments.`,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, { json: { type: 'boolean' }, redis: { type: 'string' }, limit: { type: 'string' } });
    const limit = parseLimit(values.limit, DEFAULT_RECONCILE_LIMIT);
    const config = loadConfig(settingSource(io.env));
    const report = await withStoreFromEnv(io.env, values.redis, (store) => reconcileWithOpenApi(config, store, { clock: Date.now, limit }));
    io.out(values.json ? `${JSON.stringify(report)}\n` : formatReport(report));
    return report.findings.length === 0 && report.errors === 0 && report.stopped === undefined ? EXIT.ok : EXIT.failed;
  },
};
