// Simulator speed and memory, measured against a baseline in the same process:
//   baseline   = planning the records alone (key draws, record objects), no engine, no metrics;
//   simulation = the full simulated benchmark (partitioners, queueing model, group, recorder, report).
// Memory: peak heap of a 6-minute run vs a 60-minute run (a ratio near 1 means flat memory).
// Each measurement runs in its own process.
// Usage: npm run bench:sim [-- --minutes 60 --rate 10000]
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseKeySpec } from '../src/config/options.js';
import { runSpecWith } from '../src/config/resolve.js';
import { SimEngine } from '../src/engines/sim/sim-engine.js';
import { buildReport } from '../src/report/build.js';
import { RecordPlanner, runWorkload } from '../src/runner/run-workload.js';
import { createKeySource } from '../src/workload/key-sources.js';
import { createPayloads } from '../src/workload/payload.js';
import { createRng } from '../src/workload/rng.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const minutes = arg('minutes', 60);
const rate = arg('rate', 10_000);

function baseline(minutesToPlan: number): number {
  const spec = runSpecWith({ key: { kind: 'user_id' }, rate, duration: minutesToPlan * 60_000 });
  const rng = createRng(spec.seed);
  const planner = new RecordPlanner(spec, createKeySource(spec, rng.fork('keys')), createPayloads(spec.seed, null));
  const start = performance.now();
  let sink = 0;
  for (let n = 0; n < spec.messages; n++) sink += planner.plan(n).sizeBytes;
  if (sink < 0) console.log(sink);
  return performance.now() - start;
}

async function simulate(minutesToRun: number, key = 'user_id') {
  const spec = runSpecWith({ key: parseKeySpec(key, 'key'), rate, duration: minutesToRun * 60_000, partitions: 12 });
  const rng = createRng(spec.seed);
  let peakHeap = 0;
  const sample = () => { peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed); };
  global.gc?.();
  const start = performance.now();
  const result = await runWorkload(spec, new SimEngine(spec, rng.fork('engine')), rng, { onProgress: sample });
  const report = buildReport(result, 'bench');
  sample();
  return { ms: performance.now() - start, records: spec.messages, peakHeapMB: peakHeap / 1048576, error: report.run.error };
}

// Each measurement runs in a fresh child process, so one's garbage does not slow the next.
const mode = process.argv[process.argv.indexOf('--mode') + 1];
if (process.argv.includes('--mode')) {
  const m = Number(process.argv[process.argv.indexOf('--of') + 1]);
  const out = mode === 'baseline' ? { ms: baseline(m) } : await simulate(m);
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

function child(modeName: string, m: number): { ms: number; records?: number; peakHeapMB?: number; error?: string | null } {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--mode', modeName, '--of', String(m), '--rate', String(rate)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${modeName} ${m} min failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const shortMinutes = Math.max(1, Math.round(minutes / 10));
const baseMs = child('baseline', minutes).ms;
const sim = child('simulate', minutes) as { ms: number; records: number; peakHeapMB: number; error: string | null };
const short = child('simulate', shortMinutes) as { ms: number; records: number; peakHeapMB: number };
const result = {
  bench: 'sim-speed',
  node: process.version,
  workload: `user_id (zipf 0.8, 100000 users), 12 partitions, 3 consumers, ${rate} records/s for ${minutes} min`,
  records: sim.records,
  baselinePlanOnlyMs: Math.round(baseMs),
  simulationMs: Math.round(sim.ms),
  simulationOverBaseline: Math.round((sim.ms / baseMs) * 100) / 100,
  simulatedRecordsPerSec: Math.round(sim.records / (sim.ms / 1000)),
  virtualSecondsPerWallSecond: Math.round((minutes * 60) / (sim.ms / 1000)),
  peakHeapMB: { [`${shortMinutes}min`]: Math.round(short.peakHeapMB), [`${minutes}min`]: Math.round(sim.peakHeapMB) },
  heapLongOverShort: Math.round((sim.peakHeapMB / short.peakHeapMB) * 100) / 100,
  error: sim.error,
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('reports', { recursive: true });
writeFileSync('reports/bench-sim-speed.json', JSON.stringify(result, null, 2) + '\n');
