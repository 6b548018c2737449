/**
 * `kg usage record|push|status|dead-letters|requeue`: on-demand usage by hand, against the configured Redis.
 * @module
 */
import { readFileSync } from 'node:fs';
import { createLogger } from '../../../shared/platform/logger';
import { localContext } from '../../../shared/platform/context';
import { usageLedgerFor } from '../../../shared/store/usageLedgerFor';
import type { UsageCount } from '../../../shared/store/UsageLedger';
import { buildUsagePushDeps } from '../../../shared/usage/pushHandler';
import { runUsagePush, type UsagePushReport } from '../../../shared/usage/push';
import { isoOfWire } from '../../../shared/usage/record';
import { ingestUsage, MAX_RECORDS_PER_CALL } from '../../../shared/usage/recordUsage';
import { EXIT, parseCliArgs, parseLimit, UsageError, type CliCommand, type CliIo } from '../command';
import { withStoreFromEnv } from '../storeFromEnv';

const usage = `kg usage <command> [options]      (Redis from KG_REDIS_URL / KG_REDIS_CLUSTER_NODES, or --redis URL)

  record --file F|-     store usage records: a JSON array (or {"records": [...]}) of
                        {instanceId, meteringSn?, usageValue, beginTime, endTime, relatePkgInstance?}
                        with ISO-8601 UTC times. Checked as the open API checks them; stored once per
                        meteringSn (generated from instance and times when absent). Exit 0 only when every
                        record was stored (or already was); otherwise each refused record with its reason.
  push [--dry-run]      run usage-push once now (KG_OPENAPI_AK, KG_OPENAPI_SK, KG_ACCESS_KEY); --dry-run
                        only counts what is due. Exit 1 when the open API stopped the run.
  status [--instance ID] pending, pushed and dead-lettered records per instance and hour (UTC)
  dead-letters [--limit N]
                        records the open API refused (or that left the 21-day window), newest first
  requeue SN [SN...] | --all
                        send dead letters again (after fixing their cause)

  --json                machine-readable output (record, push, status, dead-letters)
`;

/** Reads a file, or stdin for `-`. */
async function readInput(io: CliIo, file: string): Promise<string> {
  if (file === '-') return (await io.readStdin()).toString('utf8');
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function recordsFrom(text: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError('--file: not valid JSON');
  }
  const records = Array.isArray(parsed) ? parsed : (parsed as { records?: unknown } | null)?.records;
  if (!Array.isArray(records)) throw new UsageError('--file: expected a JSON array of records, or {"records": [...]}');
  if (records.length > MAX_RECORDS_PER_CALL) throw new UsageError(`--file: at most ${MAX_RECORDS_PER_CALL} records per run (split the file)`);
  return records;
}

/** `yyyyMMddHH` -> `yyyy-MM-ddTHH:00Z`. */
function hourText(hour: string): string {
  return `${hour.slice(0, 4)}-${hour.slice(4, 6)}-${hour.slice(6, 8)}T${hour.slice(8, 10)}:00Z`;
}

/** The status table. */
function formatCounts(rows: UsageCount[]): string {
  if (rows.length === 0) return 'no usage recorded\n';
  const width = Math.max(8, ...rows.map((r) => r.instanceId.length));
  const lines = [`${'instance'.padEnd(width)}  hour (UTC)         pending  pushed    dead`];
  const total = { pending: 0, pushed: 0, dead: 0 };
  for (const r of rows) {
    lines.push(`${r.instanceId.padEnd(width)}  ${hourText(r.hour)}  ${String(r.pending).padStart(7)}  ${String(r.pushed).padStart(6)}  ${String(r.dead).padStart(6)}`);
    total.pending += r.pending;
    total.pushed += r.pushed;
    total.dead += r.dead;
  }
  lines.push(`${'total'.padEnd(width)}  ${''.padEnd(17)}  ${String(total.pending).padStart(7)}  ${String(total.pushed).padStart(6)}  ${String(total.dead).padStart(6)}`);
  return `${lines.join('\n')}\n`;
}

function formatPush(r: UsagePushReport): string {
  if (r.dryRun) return `dry run: ${r.dryRun.due} records due, ${r.dryRun.expired} past the 21-day window (would be dead-lettered), ${r.dryRun.batches} pushes of at most 1000\n`;
  const lines = [`pushed ${r.pushed}, dead-lettered ${r.deadLettered} (${r.expired} past the 21-day window), ${r.requests} requests, largest batch ${r.largestBatch}`];
  if (r.stopped) lines.push(`${r.stopped.fatal ? 'STOPPED' : 'stopped'}: ${r.stopped.code}: ${r.stopped.reason}`);
  return `${lines.join('\n')}\n`;
}

const SUBCOMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  async record(args, io) {
    const { values } = parseCliArgs(args, { file: { type: 'string' }, json: { type: 'boolean' }, redis: { type: 'string' } });
    if (values.file === undefined || values.file === '') throw new UsageError('missing --file F (or - for stdin)');
    const records = recordsFrom(await readInput(io, values.file));
    return withStoreFromEnv(io.env, values.redis, async (store) => {
      const result = await ingestUsage({ store, ledger: usageLedgerFor(store), clock: Date.now }, records);
      if (values.json) io.out(`${JSON.stringify(result)}\n`);
      else {
        io.out(`stored ${result.stored}, duplicates ${result.duplicates}, refused ${result.refused.length} of ${records.length}\n`);
        for (const r of result.refused) io.out(`  refused #${r.index}${r.meteringSn ? ` (${r.meteringSn})` : ''}: ${r.reason}\n`);
      }
      return result.refused.length === 0 ? EXIT.ok : EXIT.failed;
    });
  },

  async push(args, io) {
    const { values } = parseCliArgs(args, { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' }, redis: { type: 'string' } });
    return withStoreFromEnv(io.env, values.redis, async (store) => {
      const context = localContext({ log: (line) => io.err(`${line}\n`) });
      // Settings from this command's environment (the process's, or a test's).
      const deps = buildUsagePushDeps(undefined, { settings: { ...io.env }, store }, createLogger(context.getLogger(), 'warn', { fn: 'kg usage push' }));
      const report = await runUsagePush(deps, { dryRun: values['dry-run'] === true });
      io.out(values.json ? `${JSON.stringify(report)}\n` : formatPush(report));
      const marketplaceStop = report.stopped && !['TIME', 'MAX_REQUESTS'].includes(report.stopped.code);
      return marketplaceStop ? EXIT.failed : EXIT.ok;
    });
  },

  async status(args, io) {
    const { values } = parseCliArgs(args, { instance: { type: 'string' }, json: { type: 'boolean' }, redis: { type: 'string' } });
    return withStoreFromEnv(io.env, values.redis, async (store) => {
      const rows = (await usageLedgerFor(store).counts()).filter((r) => values.instance === undefined || r.instanceId === values.instance);
      io.out(values.json ? `${JSON.stringify(rows)}\n` : formatCounts(rows));
      return EXIT.ok;
    });
  },

  async 'dead-letters'(args, io) {
    const { values } = parseCliArgs(args, { limit: { type: 'string' }, json: { type: 'boolean' }, redis: { type: 'string' } });
    const limit = parseLimit(values.limit, 200);
    return withStoreFromEnv(io.env, values.redis, async (store) => {
      const list = await usageLedgerFor(store).deadLetters({ limit });
      if (values.json) io.out(`${JSON.stringify(list)}\n`);
      else if (list.length === 0) io.out('no dead letters\n');
      else {
        for (const d of list) {
          const u = d.usage;
          io.out(`${new Date(d.at).toISOString()}  ${d.code}  ${u.meteringSn}  ${u.instanceId}  ${isoOfWire(u.beginTime)}..${isoOfWire(u.endTime)}  ${u.usageValue}  ${d.reason}\n`);
        }
      }
      return EXIT.ok;
    });
  },

  async requeue(args, io) {
    const { values, positionals } = parseCliArgs(args, { all: { type: 'boolean' }, redis: { type: 'string' } }, true);
    if (values.all !== true && positionals.length === 0) throw new UsageError('name the metering_sn(s) to send again, or --all');
    return withStoreFromEnv(io.env, values.redis, async (store) => {
      const ledger = usageLedgerFor(store);
      const sns = values.all ? (await ledger.deadLetters({ limit: 1_000_000 })).map((d) => d.usage.meteringSn) : positionals;
      const n = await ledger.requeue(sns, Date.now());
      io.out(`requeued ${n} of ${sns.length}\n`);
      return EXIT.ok;
    });
  },
};

export const command: CliCommand = {
  name: 'usage',
  summary: 'on-demand usage: record, push, status, dead letters',
  usage,
  run: async (args, io) => {
    const [sub, ...rest] = args;
    if (sub === undefined) throw new UsageError('missing sub-command: record, push, status, dead-letters or requeue');
    const run = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (!run) throw new UsageError(`unknown sub-command "${sub}" (record, push, status, dead-letters, requeue)`);
    return run(rest, io);
  },
};
