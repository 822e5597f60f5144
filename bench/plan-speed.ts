// `kbench plan` speed: the wall time of the command as a user runs it (a fresh `node` process, startup
// included), for the README's 15-row plan (3 keys × 5 counts, the baseline) and a 50-row plan
// (5 keys × 10 counts, the one that must finish within 5 s on the 2-core development machine). Each
// row simulates 10 s at 10,000 records/s: 100,000 records, so 1.5 M and 5 M records in all.
// Every run of a case must print the same table (the plan is deterministic for its seed).
// Usage: npm run bench:plan [-- --runs 5 --before path/to/other/dist/src/cli/main.js]
//   --before: another build (e.g. the code before a change), timed the same way in the same run, its
//   runs alternating with this build's so that both see the same load on a shared machine; each case
//   must print the same table from both builds.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const runs = Number(arg('runs') ?? 3);
const cli = join(dirname(fileURLToPath(import.meta.url)), '../src/cli/main.js');
const before = arg('before') === undefined ? null : resolve(arg('before')!);
const TARGET_MS = 5000;

const CASES = [
  { name: 'baseline: 15 rows', keys: 'country,user_id,none', partitions: '3,6,12,24,48' },
  { name: '50 rows', keys: 'country,user_id,none,device_id,order_id', partitions: '3,6,12,24,48,64,96,128,192,256' },
];

// The child's CPU time (all its threads: JIT and GC helpers too), written to stderr as it exits: on a
// shared machine the wall time depends on the others' load, the CPU time much less.
const REPORT_CPU = 'data:text/javascript,' + encodeURIComponent(
  "process.on('exit', () => { const c = process.cpuUsage(); process.stderr.write(`\\nKBENCH_CPU_MS=${Math.round((c.user + c.system) / 1000)}\\n`); });");

function timeOnce(main: string, args: string[]): { ms: number; cpuMs: number; stdout: string } {
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--import', REPORT_CPU, main, 'plan', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`kbench plan ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const cpu = /KBENCH_CPU_MS=(\d+)/.exec(r.stderr);
  if (!cpu) throw new Error(`kbench plan ${args.join(' ')}: no CPU time reported (${r.stderr})`);
  return { ms, cpuMs: Number(cpu[1]), stdout: r.stdout };
}

/** Linux's CPU pressure, the share of the last minute some task waited for a CPU: how contended the
 * machine was (null where /proc/pressure is missing). */
function cpuPressure(): number | null {
  if (!existsSync('/proc/pressure/cpu')) return null;
  const m = /some avg10=[\d.]+ avg60=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
  return m ? Number(m[1]) : null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const ratio = (then: number[], now: number[]) => Math.round((median(then) / median(now)) * 10) / 10;
const summary = (times: number[]) => ({ median: Math.round(median(times)), min: Math.round(Math.min(...times)), max: Math.round(Math.max(...times)), runs: times.map(Math.round) });

const loadBefore = loadavg()[0];
const pressureBefore = cpuPressure();
const cases = CASES.map((c) => {
  const args = ['--key', c.keys, '--partitions', c.partitions];
  const times: number[] = [];
  const cpu: number[] = [];
  const beforeTimes: number[] = [];
  const beforeCpu: number[] = [];
  let table: string | null = null;
  const same = (stdout: string, who: string) => {
    if (table !== null && stdout !== table) throw new Error(`${c.name}: ${who} printed another table than the first run`);
    table = stdout;
  };
  for (let i = 0; i < runs; i++) {
    const now = timeOnce(cli, args);
    same(now.stdout, 'this build');
    times.push(now.ms);
    cpu.push(now.cpuMs);
    if (before !== null) {
      const then = timeOnce(before, args);
      same(then.stdout, 'the --before build');
      beforeTimes.push(then.ms);
      beforeCpu.push(then.cpuMs);
    }
  }
  const rows = c.keys.split(',').length * c.partitions.split(',').length;
  return {
    case: c.name,
    command: `kbench plan ${args.join(' ')}`,
    rows,
    simulatedRecords: rows * 100_000,
    wallMs: summary(times),
    cpuMs: summary(cpu),
    ...(before !== null ? {
      beforeWallMs: summary(beforeTimes),
      beforeCpuMs: summary(beforeCpu),
      speedup: { wall: ratio(beforeTimes, times), cpu: ratio(beforeCpu, cpu) },
    } : {}),
  };
});
const fifty = cases[1].wallMs.median;
const result = {
  bench: 'plan-speed',
  node: process.version,
  ...(before !== null ? { before } : {}),
  cores: availableParallelism(),
  // The machine is shared: its 1-minute load average and CPU pressure (% of time some task waited for a
  // CPU, last minute), before and after the runs, say how busy it was.
  loadAverage1m: { before: Math.round(loadBefore * 100) / 100, after: Math.round(loadavg()[0] * 100) / 100 },
  cpuPressureSomeAvg60: { before: pressureBefore, after: cpuPressure() },
  cases,
  fiftyRowsTargetMs: TARGET_MS,
  fiftyRowsWithinTarget: fifty <= TARGET_MS,
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('reports', { recursive: true });
writeFileSync('reports/bench-plan-speed.json', JSON.stringify(result, null, 2) + '\n');
