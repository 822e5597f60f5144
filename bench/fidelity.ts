// The simulator's fidelity: fixed scenarios run live on the local broker, each report carrying the
// simulator's prediction for the same workload with the default model (models/local-broker.json,
// measured on that broker by kbench calibrate). Per scenario and metric: predicted, measured, ratio
// (measured ÷ predicted, from the report's prediction.comparison), and whether it meets its target:
// placement (records per partition), skew and key movement exact; end-to-end p50 and p99 within
// ±25 %; peak lag and ordering violations within a factor of 2.
// Usage: npm run build && npm run bench:fidelity [-- --brokers 127.0.0.1:9092]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PredictionRow } from '../src/report/prediction.js';
import type { RunReport } from '../src/report/schema.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const brokers = arg('brokers') ?? '127.0.0.1:9092';
const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '../src/cli/main.js');
const out = join(here, '../../reports/bench-fidelity.json');

const COMMON = ['--duration', '8s', '--rate', '2000', '--seed', '1'];
const SCENARIOS: { name: string; args: string[] }[] = [
  { name: 'user_id keys', args: ['--key', 'user_id', '--partitions', '6', '--consumers', '3'] },
  { name: 'country keys', args: ['--key', 'country', '--partitions', '12', '--consumers', '3'] },
  { name: 'null keys', args: ['--key', 'none', '--partitions', '6', '--consumers', '3'] },
  { name: 'device_id keys', args: ['--key', 'device_id', '--partitions', '6', '--consumers', '3'] },
  { name: 'growth 3 → 12, latest', args: ['--key', 'user_id', '--partitions', '3', '--grow-to', '12', '--consumers', '3', '--metadata-refresh', '1s', '--auto-offset-reset', 'latest'] },
  { name: 'growth 3 → 12, earliest', args: ['--key', 'user_id', '--partitions', '3', '--grow-to', '12', '--consumers', '3', '--metadata-refresh', '1s', '--auto-offset-reset', 'earliest'] },
  { name: 'hot key saturating its partition', args: ['--key', 'fixed:tenant-1', '--partitions', '6', '--consumers', '3', '--consumer-rate', '1500'] },
  { name: 'a consumer that falls behind', args: ['--key', 'user_id', '--partitions', '6', '--consumers', '1', '--consumer-rate', '1200'] },
  { name: 'consumers scaling 3 → 6', args: ['--key', 'user_id', '--partitions', '12', '--consumers', '3', '--scale-consumers', '6@4s'] },
];

type Target = 'exact' | '±25%' | '×2' | 'none';
const TARGETS: Record<string, Target> = {
  maxMeanRatio: 'exact', hottestShare: 'exact', emptyPartitions: 'exact', fractionKeysMoved: 'exact',
  'endToEnd.p50': '±25%', 'endToEnd.p99': '±25%', peakLag: '×2', violations: '×2',
};

function meets(target: Target, row: PredictionRow): boolean | null {
  if (target === 'none') return null;
  if (row.predicted === null || row.measured === null) return null;
  if (target === 'exact') return Math.abs(row.measured - row.predicted) <= 1e-9 * Math.max(1, Math.abs(row.predicted));
  if (row.predicted === 0) return row.measured === 0 ? true : target === '×2' ? row.measured <= 2 : false;
  const r = row.measured / row.predicted;
  return target === '±25%' ? r >= 0.75 && r <= 1.25 : r >= 0.5 && r <= 2;
}

const results = [];
const dir = mkdtempSync(join(tmpdir(), 'kbench-fidelity-'));
const load = [loadavg()[0]];
for (const s of SCENARIOS) {
  const file = join(dir, 'r.json');
  const argv = [cli, '--brokers', brokers, ...COMMON, ...s.args, '--quiet', '--out', file];
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    results.push({ scenario: s.name, command: `kbench ${argv.slice(1).join(' ')}`, error: r.stderr.trim().split('\n').pop() });
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as RunReport & { prediction?: { comparison?: PredictionRow[]; phases: { name: string; perPartition: number[] }[] } };
  const rows = (report.prediction?.comparison ?? []).map((row) => {
    const target = TARGETS[row.metric] ?? 'none';
    return { ...row, target, meets: meets(target, row) };
  });
  // Placement: every phase's records per partition, predicted and as the broker acked them.
  const placement = report.phases.map((p) => {
    const predicted = report.prediction?.phases.find((q) => q.name === p.name)?.perPartition ?? null;
    return { phase: p.name, exact: predicted !== null && JSON.stringify(predicted) === JSON.stringify(p.perPartition) };
  });
  results.push({ scenario: s.name, command: `kbench ${argv.slice(1, -2).join(' ')}`, delivery: report.delivery, placement, rows });
  process.stderr.write(`${s.name}: ${rows.filter((x) => x.meets === false).map((x) => `${x.metric}[${x.phase}] ${x.ratio}`).join(', ') || 'all targets met'}\n`);
}
load.push(loadavg()[0]);

// One line per scenario and metric with a target, for the README.
const lines = ['| scenario | placement | metric | phase | predicted | measured | ratio | target | met |', '|---|---|---|---|---|---|---|---|---|'];
for (const r of results) {
  if (!('rows' in r)) {
    lines.push(`| ${r.scenario} | error: ${r.error} | | | | | | | |`);
    continue;
  }
  const placed = r.placement!.every((p) => p.exact) ? 'exact' : 'differs';
  for (const row of r.rows!.filter((x) => x.target !== 'none')) {
    const v = (x: number | null) => (x === null ? '-' : String(Math.round(x * 1000) / 1000));
    lines.push(`| ${r.scenario} | ${placed} | ${row.metric} | ${row.phase} | ${v(row.predicted)} | ${v(row.measured)} | ${row.ratio === null ? '-' : row.ratio.toFixed(2)} | ${row.target} | ${row.meets === null ? '-' : row.meets ? 'yes' : '**no**'} |`);
  }
}
writeFileSync(out, JSON.stringify({ bench: 'fidelity', date: new Date().toISOString(), brokers, model: 'models/local-broker.json (default)', loadAverage: load, results, table: lines }, null, 2) + '\n');
process.stdout.write(lines.join('\n') + '\n');
process.stderr.write(`written to ${out}\n`);
