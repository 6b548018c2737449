/**
 * `kg watch --once [--json] [--redis URL] [--reconcile]`: one ops-watch run with the environment's settings
 * (what the deployed `ops-watch` timer does every 5 minutes), printing what it raised and cleared and where the
 * alerts went. It shares the alert state with the deployed function, so an alert one of them sent is not sent
 * again by the other.
 * @module
 */
import { runWatch, type WatchReport } from '../../../shared/ops/watch';
import { buildWatchDeps } from '../../../shared/ops/watchDeps';
import { loadConfig, settingSource } from '../../../shared/platform/config';
import { silentLogger } from '../../../shared/platform/logger';
import { EXIT, parseCliArgs, UsageError, type CliCommand } from '../command';
import { withStoreFromEnv } from '../storeFromEnv';

/** The human form of a report. */
export function formatWatchReport(report: WatchReport, sinkErrors: readonly string[] = []): string {
  const out: string[] = [`store ${report.store}; ${report.conditions.length} condition(s) hold${report.conditions.length > 0 ? `: ${report.conditions.join(', ')}` : ''}`];
  for (const a of report.alerts) out.push(`${a.state.padEnd(7)} ${a.id}: ${a.message}`);
  for (const s of report.sent) out.push(`sent    ${s.state} ${s.id} -> ${s.sink}`);
  for (const f of report.failed) out.push(`FAILED  ${f.state} ${f.id} -> ${f.sink}: ${f.error} (kept; the next run sends it again)`);
  if (report.dropped > 0) out.push(`dropped ${report.dropped} alert(s) no sink took within a day`);
  if (report.reconcile) {
    out.push(report.reconcile.ran
      ? `reconcile: ${report.reconcile.checked} checked, ${report.reconcile.findings} finding(s), ${report.reconcile.errors} query error(s)`
      : `reconcile skipped: ${report.reconcile.reason}`);
  }
  for (const e of [...report.errors, ...sinkErrors]) out.push(`error   ${e}`);
  if (report.alerts.length === 0 && report.sent.length === 0 && report.failed.length === 0) out.push('nothing new');
  return `${out.join('\n')}\n`;
}

export const command: CliCommand = {
  name: 'watch',
  summary: 'run ops-watch once: raise and clear alerts (failed orders, dial tests, usage, kit forwards, Redis)',
  usage: `kg watch --once [--json] [--redis URL] [--reconcile]

Runs one ops-watch, as the deployed timer does every 5 minutes: judges what Redis shows (order lines failed
past their retry window, failed orders this month against KG_ALERT_FAILED_ORDERS, the last two dial tests,
usage waiting more than 2 h for usage-push, failing kit forwards, instances stuck PROVISIONING, the last
reconciliation, Redis itself) and sends each condition once when it appears and once when it clears, to
KG_ALERT_WEBHOOK (KG_ALERT_WEBHOOK_SECRET) and/or the SMN topic KG_ALERT_SMN_TOPIC (KG_ALERT_SMN_AK/SK).
The alert state is the deployed function's: nothing it sent is sent again.
  --once        required: one run, then exit
  --json        print the run's report as JSON
  --redis URL   Redis to read (default KG_REDIS_URL / KG_REDIS_CLUSTER_NODES)
  --reconcile   also run the reconciliation now (needs KG_OPENAPI_AK, KG_OPENAPI_SK)
Exit status: 0 the run completed and every alert was delivered; 1 an alert stays undelivered, a setting is
wrong or Redis could not be read; 2 bad arguments.`,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, { once: { type: 'boolean' }, json: { type: 'boolean' }, redis: { type: 'string' }, reconcile: { type: 'boolean' } });
    if (!values.once) throw new UsageError('kg watch runs one watch: pass --once (the deployed ops-watch runs every 5 minutes)');
    const env = values.redis ? { ...io.env, KG_REDIS_URL: values.redis } : io.env;
    const config = loadConfig(settingSource(env));
    return withStoreFromEnv(io.env, values.redis, async (store) => {
      const { deps, sinkErrors } = buildWatchDeps(config, store, silentLogger);
      const report = await runWatch(deps, Date.now(), { reconcile: values.reconcile ? 'force' : 'off' });
      io.out(values.json ? `${JSON.stringify({ ...report, sinkErrors })}\n` : formatWatchReport(report, sinkErrors));
      const troubled = report.failed.length > 0 || report.errors.length > 0 || sinkErrors.length > 0 || report.store === 'unreachable';
      return troubled ? EXIT.failed : EXIT.ok;
    });
  },
};
