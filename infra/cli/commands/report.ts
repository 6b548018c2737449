/**
 * `kg report [--month YYYY-MM] [--json] [--html FILE] [--now ISO|epoch-ms] [--redis URL]`: the month's
 * failed orders against the delisting line, orders at risk, dial tests, answers, latency, kit failures
 * and usage, read from the configured Redis (shared/ops/report.ts).
 * @module
 */
import { writeFileSync } from 'node:fs';
import { chinaMonth, chinaMonthRange, chinaTime } from '../../../shared/ops/calendar';
import { collectCalls } from '../../../shared/ops/calls';
import { buildMonthReport, DEAD_LETTERS_LISTED, reportRange, type MonthReport, type UsageInput } from '../../../shared/ops/report';
import { headline, reportHtml } from '../../../shared/ops/reportHtml';
import { usageLedgerFor } from '../../../shared/store/usageLedgerFor';
import type { UsageLedger } from '../../../shared/store/UsageLedger';
import { EXIT, parseCliArgs, parseInstant, UsageError, type CliCommand } from '../command';
import { withStoreFromEnv } from '../storeFromEnv';

const usage = `kg report [--month YYYY-MM] [--json] [--html FILE] [--now ISO|epoch-ms] [--redis URL]

The month's report (China time, UTC+8; default the current month): failed orders against the
marketplace's delisting line (more than 5 a month), orders whose retries are still running, dial
tests per day (trading freezes after 5 failing days in a row), answers per activity and code,
latency, the slowest calls, kit sync failures and on-demand usage.

  --json        the whole report as JSON on stdout
  --html FILE   also write it as one self-contained HTML page (charts included)
  --now T       the report as it stood at T (ISO date/time or epoch ms; default now)
`;

function checkMonth(month: string): string {
  try {
    chinaMonthRange(month);
  } catch {
    throw new UsageError(`--month: expected YYYY-MM, got "${month.slice(0, 20)}"`);
  }
  return month;
}

/** The usage ledger's figures (the CLI's store is always Redis, which has a ledger beside it). */
async function usageOf(ledger: UsageLedger): Promise<UsageInput> {
  const [counts, deadLetters] = await Promise.all([ledger.counts(), ledger.deadLetters({ limit: DEAD_LETTERS_LISTED })]);
  return { counts, deadLetters };
}

/** The short summary printed without `--json`. */
export function formatSummary(r: MonthReport): string {
  const lines = [
    `KooGallery report ${r.month} (China time), as of ${chinaTime(r.generatedAt)}`,
    `${r.status.level.toUpperCase()}: ${headline(r)}`,
    ...r.status.reasons.map((t) => `  - ${t}`),
  ];
  for (const o of r.failedOrders.orders) lines.push(`  failed   ${o.orderId} ${o.orderLineId || '-'}  ${o.activity}  ${o.resultCode}  ${chinaTime(o.at)}  ${o.reason || '-'}`);
  for (const o of r.atRisk) lines.push(`  at risk  ${o.orderId} ${o.orderLineId || '-'}  ${o.activity}  ${o.resultCode}  retries end ${chinaTime(o.windowEndsAt)}  ${o.reason || '-'}`);
  const calls = r.perDay.reduce((n, d) => n + d.calls, 0);
  const failures = r.perDay.reduce((n, d) => n + d.failures, 0);
  const dialDays = r.dialTests.days.filter((d) => d.total > 0);
  lines.push(
    `at risk ${r.atRisk.length}, recovered ${r.recovered}`,
    `dial tests: ${dialDays.length} days dialled, ${dialDays.filter((d) => d.failed > 0).length} failing, failing run ${r.dialTests.failingRun} of ${r.dialTests.freezeAfter}`,
    `calls ${calls}, failed answers ${failures}${r.slowest[0] ? `, slowest ${r.slowest[0].ms} ms (${r.slowest[0].activity})` : ''}`,
    `kit sync failures ${r.kitSyncFailures.length}`,
  );
  if (r.usage) lines.push(`usage: pending ${r.usage.pending}, pushed ${r.usage.pushed}, dead ${r.usage.dead}`);
  return `${lines.join('\n')}\n`;
}

export const command: CliCommand = {
  name: 'report',
  summary: "the month's report: failed orders vs the delisting line, dial tests, latency (text, JSON, HTML)",
  usage,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, {
      month: { type: 'string' }, json: { type: 'boolean' }, html: { type: 'string' }, now: { type: 'string' }, redis: { type: 'string' },
    });
    const nowMs = values.now === undefined ? Date.now() : parseInstant(values.now, 'now');
    const month = checkMonth(values.month ?? chinaMonth(nowMs));
    if (values.html === '') throw new UsageError('--html needs a file name');
    const report = await withStoreFromEnv(io.env, values.redis, async (store) => {
      const calls = await collectCalls(store, { ...reportRange(month, nowMs), audits: 'all' });
      return buildMonthReport({ calls, nowMs, month, usage: await usageOf(usageLedgerFor(store)) });
    });
    if (values.html !== undefined) {
      try {
        writeFileSync(values.html, reportHtml(report), 'utf8');
      } catch (err) {
        throw new UsageError(`--html: cannot write ${values.html} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    if (values.json) io.out(`${JSON.stringify(report)}\n`);
    else io.out(formatSummary(report));
    if (values.html !== undefined) {
      const note = `page written to ${values.html}\n`;
      if (values.json) io.err(note);
      else io.out(note);
    }
    return EXIT.ok;
  },
};
