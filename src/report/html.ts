// One self-contained HTML file for a report, or for several reports compared on the same charts.
// Everything is inline (CSS and SVG): the page works offline and fetches nothing.
import * as hdr from 'hdr-histogram-js';
import type { RunReport } from './schema.js';
import { barChart, esc, lineChart, type LineSeries } from './svg.js';

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1340px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.badge{display:inline-block;padding:2px 8px;border-radius:4px;font-weight:600;color:#fff}
.sim{background:#7d5ba6}.live{background:#3a9a5b}.grid-2{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:12px}
svg.chart{width:100%;height:auto;background:#fafafa;border:1px solid #e4e4e4}svg text{font-size:11px;fill:#444}
svg .title{font-size:13px;font-weight:600;fill:#222}svg .grid{stroke:#e6e6e6}svg .marker{stroke:#b8453d;stroke-dasharray:4,3}
svg .marker-label{fill:#b8453d}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
.critical{color:#b8453d}.warn{color:#8c6d31}.info{color:#2f6db5}pre{background:#f4f4f4;padding:8px;overflow:auto;max-height:320px}`;

/** Latency (ms) at increasing percentiles, x on a "nines" scale: 1 = p90, 2 = p99, 3 = p99.9. */
function percentileCurve(encoded: string): [number, number | null][] {
  const h = hdr.decodeFromCompressedBase64(encoded, 64, false);
  if (h.totalCount === 0) return [];
  const points: [number, number | null][] = [];
  for (let nines = 0; nines <= 4.0001; nines += 0.125) {
    const p = 100 * (1 - Math.pow(10, -nines));
    points.push([nines, h.getValueAtPercentile(p) / 1000]);
  }
  return points;
}

const NINES_TICKS = [{ x: 0, label: 'p0' }, { x: 1, label: 'p90' }, { x: 2, label: 'p99' }, { x: 3, label: 'p99.9' }, { x: 4, label: 'p99.99' }];

function label(r: RunReport, i: number, many: boolean): string {
  const s = r.spec;
  const base = `${s.key} p${s.partitions}${s.growTo ? `→${s.growTo}` : ''}`;
  return many ? `#${i + 1} ${base}` : base;
}

function growthMarkers(r: RunReport): { x: number; label: string }[] {
  const growth = r.timeline?.growthAtMs != null ? [{ x: r.timeline.growthAtMs / 1000, label: `growth → ${r.spec.growTo}` }] : [];
  const group = ((r.model.parameters.groupChanges ?? []) as { atMs: number; change: string }[]).map((g) => ({ x: g.atMs / 1000, label: g.change }));
  return [...growth, ...group];
}

function charts(reports: RunReport[]): string {
  const many = reports.length > 1;
  const parts: string[] = [];

  // Partitions: every phase of every report side by side.
  const partitionCharts = reports.flatMap((r, i) => r.phases.map((p) => barChart(
    `Records per partition [${p.name}]${many ? ` ${label(r, i, true)}` : ''} (max/mean ${p.skew.maxMeanRatio})`,
    p.perPartition.map((_, k) => String(k)), [{ name: 'records', values: p.perPartition }], 'records')));
  parts.push(`<h2>Partitions</h2><div class="grid-2">${partitionCharts.join('')}</div>`);

  const consumerCharts = reports.map((r, i) => {
    const last = r.phases[r.phases.length - 1];
    return barChart(`Records per consumer${many ? ` ${label(r, i, true)}` : ''}`, last.consumers.map((c) => c.id.replace('consumer-', 'c')),
      r.phases.map((p) => ({ name: p.name, values: p.consumers.map((c) => c.records) })), 'records');
  });
  parts.push(`<h2>Consumers</h2><div class="grid-2">${consumerCharts.join('')}</div>`);

  const latencySeries = (kind: 'produce' | 'endToEnd'): LineSeries[] => reports.flatMap((r, i) => r.phases.map((p) => ({
    name: `${many ? `#${i + 1} ` : ''}${p.name}`, points: percentileCurve(p.histograms[kind]),
  })));
  parts.push(`<h2>Latency percentiles</h2><div class="grid-2">` +
    lineChart('End-to-end latency by percentile (from intended send time)', latencySeries('endToEnd'), { xLabel: 'percentile', yLabel: 'ms', xTicks: NINES_TICKS }) +
    lineChart('Produce latency by percentile', latencySeries('produce'), { xLabel: 'percentile', yLabel: 'ms', xTicks: NINES_TICKS }) + '</div>');

  // Reports written before time series existed have no timeline: they simply get no "over time" charts.
  const timed = reports.filter((r) => r.timeline);
  if (timed.length === 0) return parts.join('\n');
  const overTime = (pick: (r: RunReport) => (number | null)[], name: string, dashed = false): LineSeries[] => timed.map((r, i) => ({
    name: `${many ? `#${i + 1} ` : ''}${name}`, dashed,
    points: pick(r).map((v, k) => [((k + 1) * r.timeline.bucketMs) / 1000, v] as [number, number | null]),
  }));
  const markers = timed.flatMap(growthMarkers);
  const perSec = (r: RunReport, xs: number[]) => xs.map((v) => v / (r.timeline.bucketMs / 1000));
  parts.push(`<h2>Over time</h2><div class="grid-2">` +
    lineChart('Throughput (records/s)', [...overTime((r) => perSec(r, r.timeline.produced), 'produced'), ...overTime((r) => perSec(r, r.timeline.consumed), 'consumed', true)],
      { xLabel: 'seconds', yLabel: 'records/s', markers }) +
    lineChart('Consumer lag (records not yet consumed)', overTime((r) => r.timeline.lag, 'lag'), { xLabel: 'seconds', yLabel: 'records', markers }) +
    lineChart('Ordering violations per bucket', overTime((r) => r.timeline.violations, 'violations'), { xLabel: 'seconds', yLabel: 'violations', markers }) +
    lineChart('End-to-end latency over time (ms)', [...overTime((r) => r.timeline.endToEndLatency.p50, 'p50'), ...overTime((r) => r.timeline.endToEndLatency.p99, 'p99', true)],
      { xLabel: 'seconds', yLabel: 'ms', markers }) + '</div>');
  return parts.join('\n');
}

function summary(r: RunReport, i: number, many: boolean): string {
  const s = r.spec;
  const rows: [string, string][] = [
    ['engine', r.simulated ? 'simulated (kbench model, virtual time)' : `live Kafka ${(s.brokers ?? []).join(',')}`],
    ['key', r.keys.label],
    ['partitions', s.growTo === null ? String(s.partitions) : `${s.partitions} → ${s.growTo} at ${(s.growAtMs ?? 0) / 1000} s`],
    ['producers', s.producerClients.join(', ')],
    ['load', s.maxRate ? 'as fast as possible' : `${s.rate} records/s for ${s.durationMs / 1000} s`],
    ['group', `${s.consumers} consumers, ${s.assignor}, ${s.consumerRate} records/s each, reset ${s.autoOffsetReset}`],
    ['delivery', Object.entries(r.delivery).map(([k, v]) => `${k} ${v}`).join(', ')],
  ];
  if (r.keyMovement) rows.push(['keys moved', `${(r.keyMovement.fractionKeysMoved * 100).toFixed(1)}% (${(r.keyMovement.fractionTrafficMoved * 100).toFixed(1)}% of traffic; hash % n predicts ${(r.keyMovement.expectedFractionUniform * 100).toFixed(1)}%)`]);
  if (r.run.error) rows.push(['error', r.run.error]);
  const advice = r.advice.map((a) => `<li class="${a.level}"><b>${esc(a.code)}</b>: ${esc(a.message)}</li>`).join('');
  return `<h2>${many ? `#${i + 1} ` : ''}${esc(label(r, i, false))} <span class="badge ${r.simulated ? 'sim' : 'live'}">${r.simulated ? 'SIMULATED' : 'LIVE'}</span></h2>` +
    `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>` +
    (advice ? `<h3>Advice</h3><ul class="advice">${advice}</ul>` : '') +
    `<details><summary>Run spec</summary><pre>${esc(JSON.stringify(r.spec, null, 2))}</pre></details>`;
}

export function renderHtml(reports: RunReport[], title = 'kbench report'): string {
  const many = reports.length > 1;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${esc(title)}</title><style>${CSS}</style></head><body><h1>${esc(title)}</h1>` +
    `<p>${reports.length} report${many ? 's' : ''}, schema ${esc(reports[0]?.schema ?? '')}, made ${esc(reports[0]?.createdAt ?? '')}</p>` +
    reports.map((r, i) => summary(r, i, many)).join('') + charts(reports) + '</body></html>\n';
}
