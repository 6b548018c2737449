/**
 * The report page's charts as inline SVG: no script, no external resource, a fixed size so they print
 * and screenshot the same everywhere. Every label and tooltip is escaped.
 * @module
 */
import { esc } from './reportEscape';

/** One bar or point of a chart. */
export interface ChartPoint {
  /** The x-axis label (a day of the month). */
  label: string;
  /** Tooltip text. */
  tip: string;
}

const WIDTH = 760;
const HEIGHT = 200;
const PAD = { left: 64, right: 10, top: 14, bottom: 24 } as const;
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;

/** Rounds to 0.1 px so the markup stays short. */
function px(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function open(id: string, title: string, height = HEIGHT): string {
  return `<svg id="${esc(id)}" class="chart" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>`;
}

/** Axes, the y scale (0, half, max) and the day labels under each band. */
function frame(labels: readonly string[], max: number, unit: string): string {
  const parts: string[] = [];
  for (const f of [0, 0.5, 1]) {
    const y = PAD.top + PLOT_H * (1 - f);
    const value = f === 0.5 && max < 2 ? '' : `${Math.round(max * f)}${unit}`;
    parts.push(`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${px(y)}" y2="${px(y)}" class="grid"/>`);
    if (value) parts.push(`<text x="${PAD.left - 4}" y="${px(y + 3)}" text-anchor="end" class="tick">${esc(value)}</text>`);
  }
  const band = labels.length > 0 ? PLOT_W / labels.length : PLOT_W;
  labels.forEach((label, i) => {
    parts.push(`<text x="${px(PAD.left + band * (i + 0.5))}" y="${HEIGHT - 8}" text-anchor="middle" class="tick">${esc(label)}</text>`);
  });
  return parts.join('');
}

function empty(text: string): string {
  return `<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle" class="empty">${esc(text)}</text>`;
}

/**
 * A bar per point, from zero; a bar of value 0 is not drawn, its label stays.
 * @example barChart('failures-chart', 'Failures per day', [{ label: '1', tip: '2026-10-01: 2 failures' }], [2], '#c62828')
 */
export function barChart(id: string, title: string, points: readonly ChartPoint[], values: readonly number[], color: string): string {
  if (points.length === 0) return `${open(id, title)}${empty('no days yet')}</svg>`;
  const max = Math.max(1, ...values);
  const band = PLOT_W / points.length;
  const bars = points.map((p, i) => {
    const v = values[i] ?? 0;
    if (v <= 0) return '';
    const h = (PLOT_H * v) / max;
    const x = PAD.left + band * i + band * 0.15;
    const y = PAD.top + PLOT_H - h;
    return `<rect class="bar" x="${px(x)}" y="${px(y)}" width="${px(band * 0.7)}" height="${px(h)}" fill="${esc(color)}"><title>${esc(p.tip)}</title></rect>` +
      `<text x="${px(x + band * 0.35)}" y="${px(y - 3)}" text-anchor="middle" class="value">${esc(v)}</text>`;
  });
  return `${open(id, title)}${frame(points.map((p) => p.label), max, '')}${bars.join('')}</svg>`;
}

/** One line of a {@link lineChart}: null values leave a gap. */
export interface ChartSeries {
  name: string;
  color: string;
  values: ReadonlyArray<number | null>;
}

/**
 * Lines over the points (gaps where a value is null), a dot per value, and a legend.
 * @example lineChart('latency-chart', 'Latency per day (ms)', points, [{ name: 'p50', color: '#1565c0', values: [120, null, 90] }], ' ms')
 */
export function lineChart(id: string, title: string, points: readonly ChartPoint[], series: readonly ChartSeries[], unit: string): string {
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  if (points.length === 0 || all.length === 0) return `${open(id, title)}${empty('no latency recorded yet')}</svg>`;
  const max = Math.max(1, ...all);
  const band = PLOT_W / points.length;
  const xOf = (i: number): number => PAD.left + band * (i + 0.5);
  const yOf = (v: number): number => PAD.top + PLOT_H * (1 - v / max);
  const drawn = series.map((s) => {
    const runs: string[][] = [[]];
    const dots: string[] = [];
    s.values.forEach((v, i) => {
      if (v === null) {
        runs.push([]);
        return;
      }
      runs[runs.length - 1]?.push(`${px(xOf(i))},${px(yOf(v))}`);
      dots.push(`<circle class="dot" cx="${px(xOf(i))}" cy="${px(yOf(v))}" r="3" fill="${esc(s.color)}"><title>${esc(`${points[i]?.tip ?? ''} ${s.name} ${v}${unit}`)}</title></circle>`);
    });
    const lines = runs.filter((r) => r.length > 1).map((r) => `<polyline class="line" points="${r.join(' ')}" fill="none" stroke="${esc(s.color)}" stroke-width="2"/>`);
    return lines.join('') + dots.join('');
  });
  const legend = series.map((s, i) => {
    const x = WIDTH - PAD.right - 70 * (series.length - i);
    return `<rect x="${x}" y="2" width="10" height="10" fill="${esc(s.color)}"/><text x="${x + 14}" y="11" class="tick">${esc(s.name)}</text>`;
  });
  return `${open(id, title)}${frame(points.map((p) => p.label), max, unit)}${drawn.join('')}${legend.join('')}</svg>`;
}

/** The state of one day in a {@link dayStrip}. */
export type StripState = 'pass' | 'fail' | 'none';

const STRIP_COLOR: Readonly<Record<StripState, string>> = { pass: '#2e7d32', fail: '#c62828', none: '#cfd8dc' };
const CELL = 20;
const STRIP_HEIGHT = 44;

/**
 * A square per day: green passed, red failed, grey no record.
 * @example dayStrip('dial-strip', 'Dial tests per day', [{ label: '1', tip: '2026-10-01: 2 of 2 passed' }], ['pass'])
 */
export function dayStrip(id: string, title: string, points: readonly ChartPoint[], states: readonly StripState[]): string {
  if (points.length === 0) return `${open(id, title, STRIP_HEIGHT)}<text x="${WIDTH / 2}" y="26" text-anchor="middle" class="empty">no days yet</text></svg>`;
  const step = Math.min(CELL + 4, (WIDTH - 8) / points.length);
  const cells = points.map((p, i) => {
    const state = states[i] ?? 'none';
    const x = 4 + step * i;
    return `<rect class="day day-${state}" x="${px(x)}" y="2" width="${px(step - 4)}" height="${CELL}" rx="3" fill="${STRIP_COLOR[state]}"><title>${esc(p.tip)}</title></rect>` +
      `<text x="${px(x + (step - 4) / 2)}" y="${CELL + 16}" text-anchor="middle" class="tick">${esc(p.label)}</text>`;
  });
  return `${open(id, title, STRIP_HEIGHT)}${cells.join('')}</svg>`;
}
