/**
 * The report page: escapes what requests put in it, loads nothing from outside, and carries the
 * headline and the three charts.
 */
import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../../shared/ops/calls';
import { buildMonthReport } from '../../../shared/ops/report';
import { esc } from '../../../shared/ops/reportEscape';
import { headline, reportHtml } from '../../../shared/ops/reportHtml';

const HOSTILE_ORDER = '<img src=x onerror=alert(1)>';
const HOSTILE_REASON = '"</td><script>alert("r")</script>\'';
const t = (iso: string): number => Date.parse(iso);

function calls(): CallEvent[] {
  const base = { fn: 'produce', test: false } as const;
  return [
    { ...base, at: t('2026-10-02T02:00:00Z'), activity: 'newInstance', resultCode: '000001', ok: false, orderId: HOSTILE_ORDER, orderLineId: 'L1', reason: HOSTILE_REASON, ms: 3 },
    { ...base, at: t('2026-10-02T03:00:00Z'), activity: 'newInstance', resultCode: '000100', ok: false, orderId: 'O2', orderLineId: 'O2-1', reason: 'no seats', ms: 250 },
    { ...base, at: t('2026-10-04T03:00:00Z'), activity: 'newInstance', resultCode: '000000', ok: true, orderId: 'O3', orderLineId: 'O3-1', ms: 120 },
    { ...base, at: t('2026-10-05T03:00:00Z'), activity: '<b>act</b>', resultCode: '000000', ok: true, test: true, ms: 1 },
    { ...base, at: t('2026-10-05T04:00:00Z'), activity: 'tenantSync', resultCode: '000001', ok: false, fn: 'tenant-sync', tenantId: '<t>', reason: 'x-sign', ms: 0 },
  ];
}

describe('reportHtml', () => {
  const report = buildMonthReport({ calls: calls(), nowMs: t('2026-10-06T00:00:00Z'), month: '2026-10' });
  const page = reportHtml(report);

  it('escapes every value that came from a request', () => {
    expect(page).not.toMatch(/<script|<img|<b>act|<t>/i);
    expect(page).toContain(esc(HOSTILE_ORDER));
    expect(page).toContain(esc(HOSTILE_REASON));
    expect(page).toContain('&lt;b&gt;act&lt;/b&gt;');
    expect(esc(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('is self-contained: no src or href, no URL but the SVG namespace, a CSP that forbids anything else', () => {
    expect(page).not.toMatch(/<[^>]*\s(src|href)\s*=/i);
    expect(new Set(page.match(/https?:\/\/[^\s"'<>]+/g))).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('leads with the headline and its level, then the charts', () => {
    expect(headline(report)).toBe('2 of 5 failed orders this month');
    expect(page).toContain('<h1>2 of 5 failed orders this month</h1>');
    expect(page).toContain('data-level="amber"');
    for (const id of ['failures-chart', 'latency-chart', 'dial-strip']) expect(page).toContain(`<svg id="${id}"`);
    // Failures on the 2nd (2) and the 5th (1): two bars.
    expect(page.match(/<rect class="bar"/g)).toHaveLength(2);
    expect(page.match(/class="day day-pass"/g)).toHaveLength(1);
  });

  it('names a past month in the headline', () => {
    const past = buildMonthReport({ calls: [], nowMs: t('2026-12-01T00:00:00Z'), month: '2026-10' });
    expect(headline(past)).toBe('0 of 5 failed orders in 2026-10');
    expect(reportHtml(past)).toContain('data-level="green"');
  });
});
