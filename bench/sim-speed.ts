// Simulator speed and memory, measured against a baseline in the same process:
//   baseline   = planning the records alone (key draws, record objects), no engine, no metrics;
//   simulation = the full simulated benchmark (partitioners, queueing model, group, recorder, report).
// Memory: peak heap of a 6-minute run vs a 60-minute run (a ratio near 1 means flat memory).
// Usage: npm run bench:sim [-- --minutes 60 --rate 10000]
import { writeFileSync, mkdirSync } from 'node:fs';
import { resolveRunSpec } from '../src/config/resolve.js';
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
  const spec = resolveRunSpec({ key: 'user_id', rate, duration: `${minutesToPlan}m` });
  const rng = createRng(spec.seed);
  const planner = new RecordPlanner(spec, createKeySource(spec, rng.fork('keys')), createPayloads(spec.seed, null));
  const start = performance.now();
  let sink = 0;
  for (let n = 0; n < spec.messages; n++) sink += planner.plan(n).sizeBytes;
  if (sink < 0) console.log(sink);
  return performance.now() - start;
}

async function simulate(minutesToRun: number, key = 'user_id') {
  const spec = resolveRunSpec({ key, rate, duration: `${minutesToRun}m`, partitions: 12 });
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

const baseMs = baseline(minutes);
const sim = await simulate(minutes);
const short = await simulate(Math.max(1, Math.round(minutes / 10)));
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
  peakHeapMB: { [`${Math.max(1, Math.round(minutes / 10))}min`]: Math.round(short.peakHeapMB), [`${minutes}min`]: Math.round(sim.peakHeapMB) },
  heapLongOverShort: Math.round((sim.peakHeapMB / short.peakHeapMB) * 100) / 100,
  error: sim.error,
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('reports', { recursive: true });
writeFileSync('reports/bench-sim-speed.json', JSON.stringify(result, null, 2) + '\n');
