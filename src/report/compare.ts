// Side-by-side comparison of two or more reports: the first is the baseline, the others show
// their value and the change from it.
import { compactTable } from './table-style.js';
import { ERROR_CODES, shown, usageError } from '../errors.js';
import { INPUT_LIMITS, readInputText } from '../config/input-files.js';
import { ReportShapeError, validateReport } from './validate.js';
import { REPORT_SCHEMA, type PhaseReport, type RunReport } from './schema.js';

export interface ComparedMetric {
  metric: string;
  phase: string;
  /** Which way is better: lower (latency, skew) or higher (throughput). */
  better: 'lower' | 'higher' | 'none';
  values: (number | null)[];
  /** Change of each report from the first, as a ratio (value / baseline); null when undefined. */
  ratios: (number | null)[];
}

export interface Comparison {
  reports: { path: string; label: string }[];
  metrics: ComparedMetric[];
}

/**
 * A report file given to `kbench report` or `kbench compare`, read with the report size limit and
 * checked field by field: anything the renderers would trip over is one usage line (KBENCH_BAD_INPUT)
 * naming the file and the first bad field, e.g. `report "r.json": phases[0].latency.produce.p99 is missing`.
 */
export function loadReport(path: string): RunReport {
  const text = readInputText(path, 'report', INPUT_LIMITS.reportFile);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw usageError(`report ${shown(path)} is not JSON (${(e as Error).message}); give a report written by kbench (reports/*.json)`, ERROR_CODES.badInput, e);
  }
  const isObject = typeof doc === 'object' && doc !== null && !Array.isArray(doc);
  const schema = isObject ? (doc as { schema?: unknown }).schema : undefined;
  if (schema !== REPORT_SCHEMA) {
    // What the document has instead, each value shown once: a string quoted, anything else as JSON.
    const instead = !isObject ? `it is ${doc === null ? 'null' : Array.isArray(doc) ? 'an array' : `a ${typeof doc}`}, not an object`
      : schema === undefined ? 'it has no schema field'
        : typeof schema === 'string' ? `its schema is ${shown(schema)}`
          : `its schema is ${clipped(JSON.stringify(schema))}, not a string`;
    throw usageError(`report ${shown(path)} is not a ${REPORT_SCHEMA} report (${instead})`, ERROR_CODES.badInput);
  }
  try {
    return validateReport(doc);
  } catch (e) {
    if (e instanceof ReportShapeError) throw usageError(`report ${shown(path)}: ${e.message}`, ERROR_CODES.badInput, e);
    throw e;
  }
}

/** JSON text of a value from a document, cut short for a one-line message. */
const clipped = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

const METRICS: { metric: string; better: ComparedMetric['better']; get: (p: PhaseReport) => number }[] = [
  { metric: 'records', better: 'none', get: (p) => p.records },
  { metric: 'maxMeanRatio', better: 'lower', get: (p) => p.skew.maxMeanRatio },
  { metric: 'cv', better: 'lower', get: (p) => p.skew.cv },
  { metric: 'gini', better: 'lower', get: (p) => p.skew.gini },
  { metric: 'hottestShare', better: 'lower', get: (p) => p.skew.hottestShare },
  { metric: 'emptyPartitions', better: 'lower', get: (p) => p.skew.emptyPartitions },
  { metric: 'achievedPerSec', better: 'higher', get: (p) => p.throughput.achievedPerSec },
  { metric: 'consumedPerSec', better: 'higher', get: (p) => p.throughput.consumedPerSec },
  { metric: 'produce.p50', better: 'lower', get: (p) => p.latency.produce.p50 },
  { metric: 'produce.p99', better: 'lower', get: (p) => p.latency.produce.p99 },
  { metric: 'endToEnd.p50', better: 'lower', get: (p) => p.latency.endToEnd.p50 },
  { metric: 'endToEnd.p99', better: 'lower', get: (p) => p.latency.endToEnd.p99 },
  { metric: 'endToEnd.max', better: 'lower', get: (p) => p.latency.endToEnd.max },
  { metric: 'violations', better: 'lower', get: (p) => p.ordering.violations },
  { metric: 'keysAffected', better: 'lower', get: (p) => p.ordering.keysAffected },
  { metric: 'maxConsumerLag', better: 'lower', get: (p) => Math.max(0, ...p.consumers.map((c) => c.maxLag)) },
  { metric: 'skipped', better: 'lower', get: (p) => p.delivery.skipped },
];

export function reportLabel(r: RunReport): string {
  const s = r.spec;
  return `${r.engine} ${s.key} p${s.partitions}${s.growTo ? `→${s.growTo}` : ''} ${s.client}`;
}

export function compareReports(entries: { path: string; report: RunReport }[]): Comparison {
  const phaseNames = [...new Set(entries.flatMap((e) => e.report.phases.map((p) => p.name)))];
  const metrics: ComparedMetric[] = [];
  for (const phase of phaseNames) {
    for (const m of METRICS) {
      const values = entries.map((e) => {
        const ph = e.report.phases.find((p) => p.name === phase);
        return ph ? m.get(ph) : null;
      });
      const base = values[0];
      const ratios = values.map((v) => (v === null || base === null || base === 0 ? null : Math.round((v / base) * 1e4) / 1e4));
      metrics.push({ metric: m.metric, phase, better: m.better, values, ratios });
    }
  }
  const moved = entries.map((e) => e.report.keyMovement?.fractionKeysMoved ?? null);
  if (moved.some((v) => v !== null)) {
    metrics.push({ metric: 'fractionKeysMoved', phase: 'growth', better: 'lower', values: moved,
      ratios: moved.map((v) => (v === null || moved[0] === null || moved[0] === 0 ? null : Math.round((v / moved[0]) * 1e4) / 1e4)) });
  }
  return { reports: entries.map((e) => ({ path: e.path, label: reportLabel(e.report) })), metrics };
}

function delta(value: number | null, base: number | null, better: ComparedMetric['better']): string {
  if (value === null) return '-';
  const shown = Number.isInteger(value) ? value.toLocaleString('en-US') : String(Math.round(value * 1e4) / 1e4);
  if (base === null) return shown;
  const d = value - base;
  if (d === 0) return `${shown} (=)`;
  const rel = base !== 0 ? ` ${d > 0 ? '+' : ''}${((d / Math.abs(base)) * 100).toFixed(1)}% ×${(value / base).toFixed(3)}` : '';
  const verdict = better === 'none' ? '' : (better === 'lower') === d < 0 ? ' better' : ' worse';
  return `${shown} (${d > 0 ? '+' : ''}${Math.round(d * 1e4) / 1e4}${rel}${verdict})`;
}

export function renderComparison(c: Comparison): string {
  const head = ['metric', 'phase', ...c.reports.map((r, i) => `${i === 0 ? 'baseline' : `#${i + 1}`}: ${r.label}`)];
  const t = compactTable(head);
  for (const m of c.metrics) {
    t.push([m.metric, m.phase, ...m.values.map((v, i) => (i === 0 ? (v === null ? '-' : String(v)) : delta(v, m.values[0], m.better)))]);
  }
  return c.reports.map((r, i) => `${i === 0 ? 'baseline' : `#${i + 1}`}: ${r.path}`).join('\n') + '\n' + t.toString() + '\n';
}
