/**
 * The `kg report` page in a real browser: headless Chromium from Debian's `chromium` package, driven by
 * playwright-core, opens the page from a file and shows the headline and its three charts at a real size,
 * with no request but the file itself and no console error (the page's CSP would report any script or
 * outside resource). The page and a full-page screenshot go to test-results/report/report.html and
 * test-results/report/report-page.png.
 *
 * /usr/bin/chromium missing is a failure, not a skip: `.ci/run` installs it (apt-get install chromium).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../../shared/ops/calls';
import { buildMonthReport } from '../../../shared/ops/report';
import { reportHtml } from '../../../shared/ops/reportHtml';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = resolve(__dirname, '../../../test-results/report');

/** An instant of October 2026, China time. */
const cn = (day: number, hh: number, mm = 0): number => Date.UTC(2026, 9, day, hh - 8, mm);
const NOW = cn(20, 18);

/** Twenty days of traffic: orders every day with varied latency, failures on some days, dial tests, kit syncs. */
function month(): CallEvent[] {
  const calls: CallEvent[] = [];
  for (let day = 1; day <= 20; day++) {
    for (let k = 0; k < 6; k++) {
      calls.push({ at: cn(day, 8 + k * 2), activity: k % 3 === 0 ? 'queryInstance' : 'newInstance', resultCode: '000000', ok: true, fn: 'produce', test: false, orderId: `CS26${day}${k}`, orderLineId: `CS26${day}${k}-000001`, ms: 40 + ((day * 37 + k * 91) % 400) });
    }
    if (day % 4 === 0) calls.push({ at: cn(day, 11, 30), activity: 'newInstance', resultCode: '000100', ok: false, fn: 'produce', test: false, orderId: `CSFAIL${day}`, orderLineId: `CSFAIL${day}-000001`, reason: 'no seats <left>', ms: 1800 });
    if (day !== 12) {
      for (const hh of [9, 21]) calls.push({ at: cn(day, hh), activity: 'queryInstance', resultCode: day >= 17 && hh === 9 ? '000001' : '000000', ok: !(day >= 17 && hh === 9), fn: 'produce', test: true, ms: 5 });
    }
  }
  calls.push({ at: cn(20, 17), activity: 'newInstance', resultCode: '000005', ok: false, fn: 'produce', test: false, orderId: 'CSRISK', orderLineId: 'CSRISK-000001', reason: 'backend down', ms: 4600 });
  calls.push({ at: cn(9, 10), activity: 'tenantSync', resultCode: '000001', ok: false, fn: 'tenant-sync', test: false, reason: 'x-sign does not match any configured key', ms: 0 });
  return calls.sort((a, b) => a.at - b.at);
}

describe('the report page in headless Chromium', () => {
  let browser: Browser | undefined;
  const file = resolve(SHOTS, 'report.html');

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const report = buildMonthReport({ calls: month(), nowMs: NOW, month: '2026-10', usage: { counts: [{ instanceId: 'i-1', hour: '2026101000', pending: 2, pushed: 40, dead: 0 }], deadLetters: [] } });
    writeFileSync(file, reportHtml(report), 'utf8');
    // A missing browser fails the test below (never a skip): CI installs it.
    if (existsSync(CHROMIUM)) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the headline and the charts at a real size, loading nothing else', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: this test needs Debian's chromium package (apt-get install -y chromium; .ci/run installs it)`);
    if (!browser) throw new Error('set-up failed');
    const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
    try {
      const page = await context.newPage();
      const url = pathToFileURL(file).toString();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(url);

      const header = page.locator('#headline');
      // Failed orders on the 4th, 8th, 12th, 16th and 20th: at the line, so red.
      expect(await header.getAttribute('data-level')).toBe('red');
      expect(await page.locator('h1').textContent()).toBe('5 of 5 failed orders this month');
      expect(await header.isVisible()).toBe(true);
      expect(await page.title()).toContain('KooGallery report 2026-10');

      for (const id of ['failures-chart', 'latency-chart', 'dial-strip']) {
        const box = await page.locator(`svg#${id}`).boundingBox();
        expect(box, id).not.toBeNull();
        expect(box!.width, id).toBeGreaterThan(300);
        expect(box!.height, id).toBeGreaterThan(30);
      }
      // Failures on the 4th, 8th, 9th (kit), 12th, 16th and every day from the 17th: one bar each.
      const bars = page.locator('svg#failures-chart rect.bar');
      expect(await bars.count()).toBe(9);
      const bar = await bars.first().boundingBox();
      expect(bar!.width).toBeGreaterThan(0);
      expect(bar!.height).toBeGreaterThan(0);
      expect(await page.locator('svg#latency-chart polyline.line').count()).toBe(2);
      expect((await page.locator('svg#latency-chart polyline.line').first().boundingBox())!.width).toBeGreaterThan(300);
      expect(await page.locator('svg#dial-strip rect.day').count()).toBe(20);
      expect(await page.locator('svg#dial-strip rect.day-fail').count()).toBe(4);
      expect(await page.locator('svg#dial-strip rect.day-none').count()).toBe(1);
      expect(await page.locator('#failed-orders tbody tr').count()).toBe(5);
      expect(await page.locator('#failed-orders').textContent()).toContain('no seats <left>');

      expect(requests).toEqual([url]);
      expect(problems).toEqual([]);
      await page.screenshot({ path: resolve(SHOTS, 'report-page.png'), fullPage: true });
    } finally {
      await context.close();
    }
  }, 60_000);
});
