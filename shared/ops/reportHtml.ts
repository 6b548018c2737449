/**
 * The month's report as one self-contained HTML page, readable in a minute: the headline (failed orders
 * against the delisting line, red/amber/green), the orders to act on, then the charts and the detail.
 * Inline CSS and inline SVG only; the page's Content-Security-Policy forbids anything else, scripts
 * included, so it opens the same from a mail attachment as from a file. Every value is escaped.
 * @module
 */
import { chinaTime } from './calendar';
import type { MonthReport } from './report';
import { barChart, dayStrip, lineChart, type ChartPoint, type StripState } from './reportCharts';
import { esc } from './reportEscape';

/**
 * The headline sentence.
 * @example headline(report) // '2 of 5 failed orders this month'
 */
export function headline(report: Pick<MonthReport, 'failedOrders' | 'current' | 'month'>): string {
  const { count, limit } = report.failedOrders;
  return `${count} of ${limit} failed orders ${report.current ? 'this month' : `in ${report.month}`}`;
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans","WenQuanYi Micro Hei",sans-serif;color:#1c2530;background:#f4f6f8}
main{max-width:820px;margin:0 auto;padding:16px}
header.headline{border-radius:8px;padding:16px 20px;color:#fff;margin-bottom:16px}
.level-red{background:#c62828}.level-amber{background:#f9a825;color:#1c2530!important}.level-green{background:#2e7d32}
.badge{display:inline-block;font-weight:700;letter-spacing:.08em;border:2px solid currentColor;border-radius:4px;padding:0 6px;font-size:12px}
h1{margin:6px 0 2px;font-size:26px}h2{font-size:17px;margin:0 0 8px}
.sub{margin:0;opacity:.9}.reasons{margin:8px 0 0;padding-left:20px}
.kpis{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0 0}.kpis div{background:rgba(255,255,255,.18);border-radius:6px;padding:4px 10px}
.kpis b{font-size:18px;margin-right:4px}
section{background:#fff;border-radius:8px;padding:14px 16px;margin-bottom:14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #e3e7eb;vertical-align:top}
th{color:#52606d;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.code{font-family:ui-monospace,Menlo,Consolas,monospace}.none{color:#52606d;margin:0}
.chart{display:block;max-width:100%;height:auto;margin:4px 0 10px}.chart .grid{stroke:#e3e7eb}.chart .tick{font-size:10px;fill:#52606d}
.chart .value{font-size:10px;fill:#1c2530}.chart .empty{font-size:13px;fill:#52606d}
.legend{font-size:12px;color:#52606d;margin:0 0 8px}
`;

type Cell = string | number;

/** A table of escaped cells; `numeric` columns are right-aligned. */
function table(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>, numeric: readonly number[] = [], code: readonly number[] = []): string {
  if (rows.length === 0) return '<p class="none">None.</p>';
  const cls = (i: number): string => (numeric.includes(i) ? ' class="num"' : code.includes(i) ? ' class="code"' : '');
  const head = headers.map((h, i) => `<th${numeric.includes(i) ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function section(id: string, title: string, body: string): string {
  return `<section id="${esc(id)}"><h2>${esc(title)}</h2>${body}</section>`;
}

function kpi(value: Cell, label: string): string {
  return `<div><b>${esc(value)}</b>${esc(label)}</div>`;
}

function headerHtml(r: MonthReport): string {
  const calls = r.perDay.reduce((n, d) => n + d.calls, 0);
  const failures = r.perDay.reduce((n, d) => n + d.failures, 0);
  const reasons = r.status.reasons.length > 0 ? `<ul class="reasons">${r.status.reasons.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>` : '';
  return `<header id="headline" class="headline level-${esc(r.status.level)}" data-level="${esc(r.status.level)}">` +
    `<span class="badge">${esc(r.status.level.toUpperCase())}</span><h1>${esc(headline(r))}</h1>` +
    `<p class="sub">${esc(r.month)} · China time (UTC+8) · as of ${esc(chinaTime(r.generatedAt))}</p>${reasons}` +
    `<div class="kpis">${kpi(r.atRisk.length, 'at risk')}${kpi(r.recovered, 'recovered')}` +
    `${kpi(`${r.dialTests.failingRun}/${r.dialTests.freezeAfter}`, 'dial-test failing days')}${kpi(calls, 'calls')}${kpi(failures, 'failed answers')}</div></header>`;
}

function dayPoints(days: readonly string[], tip: (i: number) => string): ChartPoint[] {
  return days.map((day, i) => ({ label: String(Number(day.slice(8, 10))), tip: tip(i) }));
}

function chartsHtml(r: MonthReport): string {
  const days = r.perDay.map((d) => d.day);
  const failures = barChart(
    'failures-chart', 'Failed answers per day',
    dayPoints(days, (i) => `${days[i]}: ${r.perDay[i]?.failures ?? 0} failed of ${r.perDay[i]?.calls ?? 0} calls`),
    r.perDay.map((d) => d.failures), '#c62828',
  );
  const latency = lineChart(
    'latency-chart', 'Latency per day (ms)', dayPoints(days, (i) => days[i] ?? ''),
    [{ name: 'p50', color: '#1565c0', values: r.perDay.map((d) => d.p50) }, { name: 'p99', color: '#ef6c00', values: r.perDay.map((d) => d.p99) }], ' ms',
  );
  const dial = r.dialTests.days;
  const states: StripState[] = dial.map((d) => (d.total === 0 ? 'none' : d.failed > 0 ? 'fail' : 'pass'));
  const strip = dayStrip('dial-strip', 'Dial tests per day', dayPoints(dial.map((d) => d.day), (i) => {
    const d = dial[i];
    return d && d.total > 0 ? `${d.day}: ${d.failed} of ${d.total} failed` : `${d?.day ?? ''}: no dial test recorded`;
  }), states);
  return section('failures-per-day', 'Failed answers per day', failures) +
    section('latency-per-day', 'Latency per day', `<p class="legend">p50 and p99 of every call answered that day (ms).</p>${latency}`) +
    section('dial-tests', `Dial tests (failing run ${r.dialTests.failingRun} of ${r.dialTests.freezeAfter} days before trading freezes)`,
      `<p class="legend">Green: every dial test passed; red: at least one failed; grey: none recorded.</p>${strip}`);
}

function usageHtml(r: MonthReport): string {
  if (!r.usage) return '';
  const u = r.usage;
  const totals = table(['pending', 'pushed', 'dead'], [[u.pending, u.pushed, u.dead]], [0, 1, 2]);
  const dead = u.deadLetters.length === 0 ? '' : `<h2>Dead letters (newest ${u.deadLetters.length})</h2>` + table(
    ['dead since', 'code', 'metering sn', 'instance', 'value', 'reason'],
    u.deadLetters.map((d) => [chinaTime(d.at), d.code, d.usage.meteringSn, d.usage.instanceId, d.usage.usageValue, d.reason]), [4], [1],
  );
  return section('usage', 'On-demand usage', totals + dead);
}

/**
 * The page for `report`.
 * @example writeFileSync('report.html', reportHtml(buildMonthReport({ calls, nowMs: Date.now() })));
 */
export function reportHtml(report: MonthReport): string {
  const r = report;
  const failed = table(
    ['order', 'order line', 'activity', 'code', 'reason', 'first failure', 'attempts'],
    r.failedOrders.orders.map((o) => [o.orderId, o.orderLineId || '-', o.activity, o.resultCode, o.reason || '-', chinaTime(o.at), o.attempts]), [6], [3],
  );
  const atRisk = table(
    ['order', 'order line', 'activity', 'code', 'reason', 'first failure', 'retries end'],
    r.atRisk.map((o) => [o.orderId, o.orderLineId || '-', o.activity, o.resultCode, o.reason || '-', chinaTime(o.at), chinaTime(o.windowEndsAt)]), [], [3],
  );
  const body = [
    headerHtml(r),
    section('failed-orders', `Failed orders (${r.failedOrders.count} of ${r.failedOrders.limit})`, failed),
    section('at-risk', `At risk now (${r.atRisk.length})`, `${atRisk}<p class="legend">${esc(r.recovered)} order lines failed and recovered within their retry window.</p>`),
    chartsHtml(r),
    section('answers', 'Answers per activity and code', table(['activity', 'code', 'calls'], r.answers.map((a) => [a.activity, a.resultCode, a.count]), [2], [1])),
    section('latency', 'Latency per activity (ms)', table(['activity', 'calls', 'p50', 'p99', 'max'], r.latency.map((l) => [l.activity, l.count, l.p50, l.p99, l.max]), [1, 2, 3, 4])),
    section('slowest', 'Slowest calls', table(['at', 'activity', 'ms', 'code', 'order'], r.slowest.map((s) => [chinaTime(s.at), s.activity, s.ms, s.resultCode, s.orderId ?? '-']), [2], [3])),
    section('kit-failures', `Kit sync failures (${r.kitSyncFailures.length})`, table(
      ['at', 'function', 'activity', 'code', 'tenant', 'reason'],
      r.kitSyncFailures.map((k) => [chinaTime(k.at), k.fn, k.activity, k.resultCode, `${k.tenantId ?? '-'}${k.test ? ' (test)' : ''}`, k.reason || '-']), [], [3],
    )),
    usageHtml(r),
  ].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`KooGallery report ${r.month}: ${headline(r)}`)}</title>
<style>${STYLE}</style></head>
<body><main>
${body}
<p class="none">kg report · ${esc(r.month)} · generated ${esc(chinaTime(r.generatedAt))} China time</p>
</main></body></html>
`;
}
