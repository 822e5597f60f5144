// Small SVG chart builders for the HTML report: bars and lines, drawn on the server so the page needs
// no script and no network. Pure: data in, markup out.

export const PALETTE = ['#2f6db5', '#e07b39', '#3a9a5b', '#b8453d', '#7d5ba6', '#8c6d31', '#d45d9b', '#5f7f8f'];

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const W = 640;
const H = 260;
const M = { top: 28, right: 16, bottom: 40, left: 64 };

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmt(v: number): string {
  if (Math.abs(v) >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (Math.abs(v) >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}

function frame(title: string, yMax: number, yLabel: string, body: string, xAxis: string): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = M.top + (1 - f) * (H - M.top - M.bottom);
    return `<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" class="grid"/><text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${fmt(yMax * f)}</text>`;
  }).join('');
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>` +
    `<text x="${W / 2}" y="16" text-anchor="middle" class="title">${esc(title)}</text>${ticks}` +
    `<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">${esc(yLabel)}</text>${xAxis}${body}</svg>`;
}

export interface BarSeries {
  name: string;
  values: number[];
}

/** A bar chart draws at most this many groups; more labels are binned (see binBars). */
export const MAX_BARS = 200;

/**
 * Consecutive labels merged into at most `maxBars` bins ("0–49"), each bin's bar the largest value in
 * it, so a hot partition still stands out among 100,000. Returns the input when it already fits.
 */
export function binBars(labels: string[], series: BarSeries[], maxBars = MAX_BARS): { labels: string[]; series: BarSeries[]; per: number } {
  if (labels.length <= maxBars) return { labels, series, per: 1 };
  const per = Math.ceil(labels.length / maxBars);
  const bins = Math.ceil(labels.length / per);
  const binned = Array.from({ length: bins }, (_, b) => {
    const last = Math.min(labels.length, (b + 1) * per) - 1;
    return last > b * per ? `${labels[b * per]}–${labels[last]}` : labels[b * per];
  });
  return {
    labels: binned,
    per,
    series: series.map((s) => ({
      name: s.name,
      values: Array.from({ length: bins }, (_, b) => {
        let m = 0;
        const end = Math.min(labels.length, (b + 1) * per);
        for (let i = b * per; i < end; i++) m = Math.max(m, s.values[i] ?? 0);
        return m;
      }),
    })),
  };
}

/** Grouped bars: one group per label, one bar per series; more than MAX_BARS groups are binned (max per bin). */
export function barChart(title: string, allLabels: string[], allSeries: BarSeries[], yLabel: string): string {
  const { labels, series, per } = binBars(allLabels, allSeries);
  if (per > 1) title = `${title} — each bar the largest of ${per}`;
  let top = 0;
  for (const s of series) for (const v of s.values) if (v > top) top = v;
  const yMax = niceMax(top);
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const group = plotW / Math.max(1, labels.length);
  const bar = Math.max(1, (group * 0.8) / Math.max(1, series.length));
  let body = '';
  labels.forEach((label, i) => {
    series.forEach((s, k) => {
      const v = s.values[i] ?? 0;
      const h = (v / yMax) * plotH;
      const x = M.left + i * group + group * 0.1 + k * bar;
      body += `<rect x="${x.toFixed(1)}" y="${(M.top + plotH - h).toFixed(1)}" width="${(bar - 0.5).toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[k % PALETTE.length]}"><title>${esc(`${s.name} ${label}: ${v}`)}</title></rect>`;
    });
  });
  const every = Math.ceil(labels.length / 24);
  const xAxis = labels.map((l, i) => (i % every === 0 ? `<text x="${(M.left + i * group + group / 2).toFixed(1)}" y="${H - M.bottom + 14}" text-anchor="middle">${esc(l)}</text>` : '')).join('');
  return frame(title, yMax, yLabel, body + legend(series.map((s) => s.name)), xAxis);
}

export interface LineSeries {
  name: string;
  points: [number, number | null][];
  dashed?: boolean;
}

/** Lines over a numeric x axis; null y values break the line. `markers` draw labelled vertical lines. */
export function lineChart(title: string, series: LineSeries[], o: { xLabel: string; yLabel: string; markers?: { x: number; label: string }[]; xTicks?: { x: number; label: string }[] }): string {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const xMin = Math.min(...xs, 0);
  const xMax = Math.max(...xs, xMin + 1);
  const yMax = niceMax(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p[1] ?? 0))));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const X = (x: number) => M.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const Y = (y: number) => M.top + plotH - (y / yMax) * plotH;
  let body = '';
  series.forEach((s, k) => {
    let d = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (y === null) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${X(x).toFixed(1)},${Y(y).toFixed(1)}`;
      pen = true;
    }
    body += `<path d="${d}" fill="none" stroke="${PALETTE[k % PALETTE.length]}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5,3"' : ''}><title>${esc(s.name)}</title></path>`;
  });
  for (const m of o.markers ?? []) {
    body += `<line x1="${X(m.x)}" x2="${X(m.x)}" y1="${M.top}" y2="${M.top + plotH}" class="marker"/><text x="${X(m.x) + 4}" y="${M.top + 12}" class="marker-label">${esc(m.label)}</text>`;
  }
  const ticks = o.xTicks ?? [0, 0.25, 0.5, 0.75, 1].map((f) => ({ x: xMin + f * (xMax - xMin), label: fmt(xMin + f * (xMax - xMin)) }));
  const xAxis = ticks.map((t) => `<text x="${X(t.x).toFixed(1)}" y="${H - M.bottom + 14}" text-anchor="middle">${esc(t.label)}</text>`).join('') +
    `<text x="${M.left + plotW / 2}" y="${H - 6}" text-anchor="middle">${esc(o.xLabel)}</text>`;
  return frame(title, yMax, o.yLabel, body + legend(series.map((s) => s.name)), xAxis);
}

function legend(names: string[]): string {
  if (names.length < 2) return '';
  return names.map((n, k) => `<rect x="${M.left + 6 + k * 150}" y="${M.top + 2}" width="10" height="10" fill="${PALETTE[k % PALETTE.length]}"/><text x="${M.left + 20 + k * 150}" y="${M.top + 11}">${esc(n.slice(0, 22))}</text>`).join('');
}
