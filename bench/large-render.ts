// Rendering cost of a large run, against a baseline in the same process: the terminal tables, the
// HTML page and a comparison of a report at the largest partition count kbench takes (10,000; --max
// adds 1,000) as a ratio of the same for a 100-partition report. Rendering shows at most ~30 partition rows and bins chart bars, so
// the ratio should stay far below the 100× growth of the data.
// Usage: npm run build && node dist/bench/large-render.js [--max] [--reps 5]
import { mkdirSync, writeFileSync } from 'node:fs';
import { LIMITS } from '../src/config/options.js';
import { runSpecWith } from '../src/config/resolve.js';
import { SimEngine } from '../src/engines/sim/sim-engine.js';
import { buildReport } from '../src/report/build.js';
import { compareReports, renderComparison } from '../src/report/compare.js';
import { renderHtml } from '../src/report/html.js';
import type { RunReport } from '../src/report/schema.js';
import { renderReport } from '../src/report/table.js';
import { runWorkload } from '../src/runner/run-workload.js';
import { createRng } from '../src/workload/rng.js';

const reps = (() => {
  const i = process.argv.indexOf('--reps');
  return i > 0 ? Number(process.argv[i + 1]) : 5;
})();
const sizes = process.argv.includes('--max') ? [100, 1_000, LIMITS.partitions] : [100, LIMITS.partitions];

async function report(partitions: number): Promise<RunReport> {
  const spec = runSpecWith({ key: { kind: 'user_id' }, partitions, duration: 1000 });
  const rng = createRng(spec.seed);
  return buildReport(await runWorkload(spec, new SimEngine(spec, rng.fork('engine')), rng, {}), 'bench');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

type Timings = { tableMs: number; htmlMs: number; compareMs: number; totalMs: number };

function once(r: RunReport): Timings {
  const t0 = performance.now();
  renderReport(r);
  const t1 = performance.now();
  renderHtml([r]);
  const t2 = performance.now();
  renderComparison(compareReports([{ path: 'a', report: r }, { path: 'b', report: r }]));
  const t3 = performance.now();
  return { tableMs: t1 - t0, htmlMs: t2 - t1, compareMs: t3 - t2, totalMs: t3 - t0 };
}

// Every size is warmed up before any is measured, and the sizes take turns in each round, so the
// baseline is not the one that pays for the JIT (or for another process's burst of CPU).
const reports = new Map<number, RunReport>();
for (const n of sizes) reports.set(n, await report(n));
for (const r of reports.values()) once(r);
const samples = new Map<number, Timings[]>(sizes.map((n) => [n, []]));
for (let i = 0; i < reps; i++) for (const n of sizes) samples.get(n)!.push(once(reports.get(n)!));
const results: Record<string, Timings> = {};
for (const n of sizes) {
  const xs = samples.get(n)!;
  results[n] = { tableMs: median(xs.map((x) => x.tableMs)), htmlMs: median(xs.map((x) => x.htmlMs)), compareMs: median(xs.map((x) => x.compareMs)), totalMs: median(xs.map((x) => x.totalMs)) };
}
const base = results[sizes[0]];
const round = (x: number) => Math.round(x * 100) / 100;
const result = {
  bench: 'large-render',
  node: process.version,
  workload: 'user_id, 1 s at the default rate, rendered as tables, HTML and a two-report comparison',
  reps,
  ms: Object.fromEntries(Object.entries(results).map(([n, m]) => [n, Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round(v)]))])),
  ratioOverBaseline: Object.fromEntries(sizes.slice(1).map((n) => [`${n}/${sizes[0]}`, {
    table: round(results[n].tableMs / base.tableMs),
    html: round(results[n].htmlMs / base.htmlMs),
    total: round(results[n].totalMs / base.totalMs),
  }])),
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('reports', { recursive: true });
writeFileSync('reports/bench-large-render.json', JSON.stringify(result, null, 2) + '\n');
