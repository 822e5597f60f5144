// What spreading one run over `kbench worker` processes costs, on one machine: the same workload in
// one process, then coordinated over 1, 2 and 3 worker processes (`kbench --workers N`). On a
// 2-core machine that also runs the broker this shows overhead, not scaling: every extra process
// competes for the same cores. Per configuration and repetition:
//   achieved throughput   acked records/s of the merged report (phases[0].throughput.achievedPerSec:
//                         records acked within the run's --duration window, divided by it), and its
//                         ratio to the single-process runs just before and after it;
//   latency               produce and end-to-end p50/p99 of the merged report;
//   delivery              must be exact (lost 0, duplicated 0, misplaced 0, consumed = acked); the
//                         per-worker rows must add up to the merged counts;
//   coordination          control (coordinator → workers) and results (workers → coordinator) bytes
//                         and bytes/s as the report gives them (model.parameters.coordination), as a
//                         share of the run's own traffic, and results bytes per record.
// Every run is a child process started from dist, like a user's: the single-process run and the
// coordinator with --out, the workers with `worker --once`, started and waited for ("waiting for
// runs") before the coordinator. Every distributed run is bracketed by single-process runs
// (S W1 S W2 S W3 S, then the next repetition in reverse order: W3 S W2 S W1 S), and compared with
// their mean: the machine's other load drifts within a minute, so the baseline is taken around each
// run rather than once per repetition. The single runs also space the distributed ones (see
// lastAnnouncementOpenUntil).
// Writes raw figures and medians to reports/bench-workers-overhead.json.
// Usage: npm run build && npm run bench:workers [-- --reps 2 --duration 10 --rate max]
// Needs a broker (npm run kafka:start, or KBENCH_BROKERS).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSpecOf } from '../src/config/resolve.js';
import type { RunReport, WorkerRow } from '../src/report/schema.js';
import { sliceLayout } from '../src/engines/kafka/kafka-engine.js';
import { createKeySource } from '../src/workload/key-sources.js';
import { createRng } from '../src/workload/rng.js';

const argOf = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const REPS = Number(argOf('reps') ?? 2);
const DURATION_S = Number(argOf('duration') ?? 10);
/** `max` (closed loop: each producer sends as fast as acks allow) or a fixed records/s. */
const RATE = argOf('rate') ?? 'max';
const RECORD_BYTES = 100;
const brokers = process.env.KBENCH_BROKERS ?? '127.0.0.1:9092';
/** The coordinators' --worker-timeout: how long an announcement is open (see lastAnnouncementOpenUntil). */
const WORKER_TIMEOUT_S = 30;
const MAIN = 'dist/src/cli/main.js';

/** The workload every configuration runs: 3 producers and 3 consumers (6 kafkajs clients) on 6
 * partitions. --batch-size 64KiB rather than the default 512 KiB: at --rate max a producer (one
 * request in flight) otherwise sends thousands of records a request, so acks arrive in steps of
 * thousands and the records acked within the window move by whole steps (trial runs on this machine,
 * at ~3,000 records/s: window counts in multiples of 4,096); 64 KiB is ~600 records a request, and
 * the producers' buffers hold less queued work (less produce latency that is only queueing). */
const WORKLOAD = {
  key: 'user_id', partitions: '6', producers: '3', consumers: '3', rate: RATE, duration: `${DURATION_S}s`, recordSize: String(RECORD_BYTES),
  batchSize: '64KiB',
};
const workloadArgs = Object.entries(WORKLOAD).flatMap(([k, v]) => [`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, v]);

/** The 6 clients run in 3 client threads in all (one producer and one consumer each) wherever the
 * split allows: one process --threads 3; one worker --threads 3; three workers --threads 1. Two
 * workers hold 3 clients each (2 producers + 1 consumer, 1 + 2): --threads 2 gives 4 client threads
 * in all (--threads 1 would give 2, crowding 3 clients onto one thread). What the worker runs add
 * is processes: a coordinator (which records every event, as the single process's main thread
 * does), and per worker a main thread that plans every record of the run (sending only its own
 * producers' ones) and packs its events for the results topic. */
const CONFIGS = [
  { name: 'single', workers: 0, threads: 3 },
  { name: 'workers-1', workers: 1, threads: 3 },
  { name: 'workers-2', workers: 2, threads: 2 },
  { name: 'workers-3', workers: 3, threads: 1 },
] as const;
type ConfigName = (typeof CONFIGS)[number]['name'];

/** Client threads in all: each process spreads its clients over at most --threads threads. */
const clientThreads = (cfg: (typeof CONFIGS)[number]) => (cfg.workers === 0 ? [{ producers: [0, 1, 2], consumers: [0, 1, 2] }] : sliceLayout(3, 3, cfg.workers))
  .reduce((s, part) => s + Math.min(cfg.threads, part.producers.length + part.consumers.length), 0);

interface Child {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** When each stderr line arrived (ms since the epoch). */
  lines: { at: number; line: string }[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[]): Child {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const c: Child = { child, stdout: '', stderr: '', lines: [], exited: null as never };
  child.stdout!.on('data', (d) => { c.stdout += d; });
  child.stderr!.on('data', (d) => {
    c.stderr += d;
    for (const line of String(d).split('\n')) if (line.trim()) c.lines.push({ at: Date.now(), line });
  });
  c.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A timeout that does not keep the bench alive once everything else is done. */
const timeout = (ms: number) => new Promise<null>((r) => setTimeout(() => r(null), ms).unref());

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

/** Waits for a child's exit; past the timeout, SIGTERM then SIGKILL, and says so. */
async function finish(c: Child, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }> {
  const done = await Promise.race([c.exited, timeout(timeoutMs)]);
  if (done) return { ...done, killed: false };
  c.child.kill('SIGTERM');
  const termed = await Promise.race([c.exited, timeout(5000)]);
  if (!termed) c.child.kill('SIGKILL');
  return { ...(termed ?? (await c.exited)), killed: true };
}

const tail = (s: string, lines = 6) => s.trim().split('\n').slice(-lines).join('\n');

/** Mean key bytes per record of this workload: the run's key draws replayed with its seed (the
 * same key source as every run, so the same sequence of keys). */
function meanKeyBytes(records: number): number {
  const spec = runSpecOf({ ...WORKLOAD, brokers });
  const keys = createKeySource(spec, createRng(spec.seed).fork('keys'));
  const draw = { keyIndex: 0, entity: 0, seq: 0 };
  let bytes = 0;
  for (let n = 0; n < records; n++) {
    keys.next(draw);
    if (draw.keyIndex >= 0) bytes += Buffer.byteLength(keys.keyText(draw.keyIndex));
  }
  return bytes / Math.max(1, records);
}
const keyBytesCache = new Map<number, number>();

interface Measured {
  config: ConfigName;
  rep: number;
  ok: boolean;
  /** What went wrong (a failed or hung process, inexact delivery, counts that do not add up). */
  /** Its place in the run sequence, and the machine's 1-minute load average when it started. */
  seq: number;
  load1AtStart: number;
  problems: string[];
  /** Odd but not wrong: the measurement stands (delivery exact, counts add up, the broker's log agrees). */
  warnings: string[];
  /** The run's id (its topic's and control messages' suffix), to find it on kbench.control. */
  runId: string | null;
  /** Waited before starting the workers, for the previous run's announcement to close. */
  waitedMs: number;
  /** The coordinator's (or single process's) wall time, from spawn to exit. */
  wallMs: number;
  /** From spawning the workers until all said "waiting for runs"; from the coordinator's exit until all workers exited. */
  workersReadyMs: number | null;
  workersExitMs: number | null;
  setupMs: number | null;
  offeredPerSec: number;
  achievedPerSec: number;
  consumedPerSec: number;
  produceP50Ms: number;
  produceP99Ms: number;
  endToEndP50Ms: number;
  endToEndP99Ms: number;
  delivery: RunReport['delivery'] | null;
  /** Bytes the run itself moved: keys and values of every acked record (produced) plus of every
   * consumed record (consumed). Values are --record-size each; keys replayed (meanKeyBytes). */
  runBytes: number;
  meanKeyBytes: number;
  coordination: {
    controlBytes: number; resultsBytes: number; controlBytesPerSec: number; resultsBytesPerSec: number;
    /** The span the report's bytes/s are over: the run's zero to the end of the coordinator's clean-up, s. */
    spanS: number; runBytesPerSec: number;
    controlShare: number; resultsShare: number; totalShare: number;
    resultsBytesPerRecord: number; resultsBytesPerEvent: number;
  } | null;
  workers: Pick<WorkerRow, 'worker' | 'slice' | 'producers' | 'consumers' | 'sent' | 'acked' | 'consumed' | 'achievedPerSec' | 'clockOffsetMs' | 'clockUncertaintyMs' | 'lostAtMs'>[] | null;
}

/** Until when the previous distributed run's announcement is open (ms since the epoch).
 * A worker replays kbench.control from its beginning when it starts, and may take a finished run's
 * announcement that is still open (joinBy = announce + --worker-timeout) before it reads that run's
 * `end`; it then fails on the run's deleted topics and, busy meanwhile, drops the next run's
 * announcement, whose coordinator waits in vain for it. So workers are started only once the last
 * announcement has closed: it was made before that run's first worker got its slice. */
let lastAnnouncementOpenUntil = 0;

async function runOnce(cfg: (typeof CONFIGS)[number], rep: number, dir: string): Promise<Measured> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const out = join(dir, `${cfg.name}-${rep}.json`);
  const names = Array.from({ length: cfg.workers }, (_, i) => `bw-${rep}-${i + 1}`);
  let waitedMs = 0;
  if (cfg.workers > 0 && Date.now() < lastAnnouncementOpenUntil) {
    waitedMs = lastAnnouncementOpenUntil - Date.now();
    await sleep(waitedMs);
  }
  const spawnedAt = Date.now();
  const workers = names.map((name) => start(['worker', '--brokers', brokers, '--once', '--name', name, '--threads', String(cfg.threads)]));
  if (workers.length > 0 && !(await waitFor(() => workers.every((w) => /waiting for runs/.test(w.stderr)), 30_000))) {
    problems.push(`workers not waiting for runs after 30 s: ${workers.map((w) => tail(w.stderr, 2)).join(' | ')}`);
  }
  const workersReadyMs = workers.length > 0 ? Date.now() - spawnedAt : null;
  const args = ['--brokers', brokers, ...workloadArgs, '--quiet', '--out', out,
    ...(cfg.workers > 0 ? ['--workers', String(cfg.workers), '--worker-timeout', `${WORKER_TIMEOUT_S}s`] : ['--threads', String(cfg.threads)])];
  const started = Date.now();
  const coordinator = start(args);
  const ended = await finish(coordinator, (DURATION_S + WORKER_TIMEOUT_S + 90) * 1000);
  const wallMs = Date.now() - started;
  if (cfg.workers > 0) {
    const sliced = workers.flatMap((w) => w.lines.filter((l) => /, slice \d+:/.test(l.line)).map((l) => l.at));
    lastAnnouncementOpenUntil = (sliced.length ? Math.min(...sliced) : Date.now()) + WORKER_TIMEOUT_S * 1000 + 1000;
  }
  if (ended.killed) problems.push(`\`node ${MAIN} ${args.join(' ')}\` did not exit within ${DURATION_S + WORKER_TIMEOUT_S + 90} s (killed); stderr: ${tail(coordinator.stderr)}`);
  else if (ended.code !== 0) problems.push(`\`node ${MAIN} ${args.join(' ')}\` exited ${ended.code ?? ended.signal}; stderr: ${tail(coordinator.stderr)}`);
  const coordinatorEndedAt = Date.now();
  const workerEnds = await Promise.all(workers.map((w) => finish(w, 20_000)));
  const workersExitMs = workers.length > 0 ? Date.now() - coordinatorEndedAt : null;
  workerEnds.forEach((e, i) => {
    if (e.killed) problems.push(`worker ${names[i]} still running 20 s after the coordinator ended (killed); stderr: ${tail(workers[i].stderr, 3)}`);
    else if (e.code !== 0) problems.push(`worker ${names[i]} exited ${e.code ?? e.signal}; stderr: ${tail(workers[i].stderr, 3)}`);
    else if (!/ done$/m.test(workers[i].stderr)) problems.push(`worker ${names[i]} did not report its run done; stderr: ${tail(workers[i].stderr, 3)}`);
  });
  let r: RunReport;
  try {
    r = JSON.parse(readFileSync(out, 'utf8')) as RunReport;
  } catch {
    // Recorded and left out of the medians; the bench goes on.
    problems.push('no report');
    return {
      config: cfg.name, rep, seq: -1, load1AtStart: NaN, ok: false, problems, warnings, runId: null, waitedMs, wallMs, workersReadyMs, workersExitMs, setupMs: null,
      offeredPerSec: NaN, achievedPerSec: NaN, consumedPerSec: NaN, produceP50Ms: NaN, produceP99Ms: NaN, endToEndP50Ms: NaN, endToEndP99Ms: NaN,
      delivery: null, runBytes: NaN, meanKeyBytes: NaN, coordination: null, workers: null,
    };
  }
  if (r.run.error) problems.push(`run error: ${r.run.error}`);
  const p = r.phases[0];
  const d = r.delivery;
  if (d.lost !== 0 || d.duplicated !== 0 || d.misplaced !== 0 || d.skipped !== 0 || d.consumed !== d.acked || d.acked !== d.produced) {
    problems.push(`delivery not exact: ${JSON.stringify(d)}`);
  }
  // The broker's own count: the topic is new, so its log end offsets add up to what was written.
  const logged = ((r.model.parameters.finalOffsets as { logEndOffset: number }[] | undefined) ?? []).reduce((s, f) => s + f.logEndOffset, 0);
  if (logged !== d.acked) problems.push(`the broker's log holds ${logged} records, the report says ${d.acked} acked`);
  let keyBytes = keyBytesCache.get(d.produced);
  if (keyBytes === undefined) keyBytesCache.set(d.produced, (keyBytes = meanKeyBytes(d.produced)));
  const runBytes = (d.acked + d.consumed) * (RECORD_BYTES + keyBytes);
  let coordination: Measured['coordination'] = null;
  let rows: Measured['workers'] = null;
  if (cfg.workers > 0) {
    const ws = (r.model.parameters.workers as WorkerRow[] | undefined) ?? [];
    rows = ws.map((w) => ({ worker: w.worker, slice: w.slice, producers: w.producers, consumers: w.consumers, sent: w.sent, acked: w.acked, consumed: w.consumed,
      achievedPerSec: w.achievedPerSec, clockOffsetMs: w.clockOffsetMs, clockUncertaintyMs: w.clockUncertaintyMs, lostAtMs: w.lostAtMs }));
    if (ws.length !== cfg.workers || ws.map((w) => w.worker).sort().join() !== names.join()) problems.push(`the report's workers are ${ws.map((w) => w.worker).join(', ')}, not this bench's ${names.join(', ')}`);
    const sum = (k: 'sent' | 'acked' | 'consumed') => ws.reduce((s, w) => s + w[k], 0);
    if (sum('sent') !== d.produced || sum('acked') !== d.acked || sum('consumed') !== d.consumed) {
      problems.push(`per-worker rows (sent ${sum('sent')}, acked ${sum('acked')}, consumed ${sum('consumed')}) do not add up to the merged delivery (${d.produced}, ${d.acked}, ${d.consumed})`);
    }
    // A worker flagged lost although it ran to the end (exit 0, "done", its counts in the merged
    // delivery): when did it finish, against the run's zero? The zero is at least startedAt + setupMs
    // (setup is timed after the topic is created), so `doneBy` is an upper bound of its finish.
    const zeroAtLeast = Date.parse(r.run.startedAt) + ((r.model.parameters.setupMs as number | undefined) ?? 0);
    for (const w of ws.filter((x) => x.lostAtMs !== null)) {
      const i = names.indexOf(w.worker);
      const done = i >= 0 ? workers[i].lines.find((l) => / done$/.test(l.line)) : undefined;
      const doneBy = done ? Math.round(done.at - zeroAtLeast) : null;
      warnings.push(`worker ${w.worker} reported lost at ${w.lostAtMs} ms (report) though it exited 0 after "run … done"` +
        (doneBy !== null ? ` at or before ${doneBy} ms from the run's zero${w.lostAtMs! > doneBy ? ' (so flagged after it had finished)' : ''}` : '') +
        `; its producers' ${w.sent} records are in the merged counts`);
    }
    const c = r.model.parameters.coordination as { controlBytes: number; resultsBytes: number; controlBytesPerSec: number; resultsBytesPerSec: number };
    const spanS = c.resultsBytes / Math.max(1, c.resultsBytesPerSec);
    coordination = {
      ...c, spanS: round(spanS, 2), runBytesPerSec: Math.round(runBytes / spanS),
      controlShare: round(c.controlBytes / runBytes, 6), resultsShare: round(c.resultsBytes / runBytes, 4), totalShare: round((c.controlBytes + c.resultsBytes) / runBytes, 4),
      resultsBytesPerRecord: round(c.resultsBytes / Math.max(1, d.produced), 2),
      // A record is three events (sent, acked, consumed); the results topic also carries answers.
      resultsBytesPerEvent: round(c.resultsBytes / Math.max(1, d.produced + d.acked + d.consumed), 2),
    };
  }
  return {
    config: cfg.name, rep, seq: -1, load1AtStart: NaN, ok: problems.length === 0, problems, warnings, runId: String(r.model.parameters.topic ?? '').split('-').pop() ?? null,
    waitedMs, wallMs, workersReadyMs, workersExitMs,
    setupMs: (r.model.parameters.setupMs as number | undefined) ?? null,
    offeredPerSec: p.throughput.offeredPerSec, achievedPerSec: p.throughput.achievedPerSec, consumedPerSec: p.throughput.consumedPerSec,
    produceP50Ms: p.latency.produce.p50, produceP99Ms: p.latency.produce.p99, endToEndP50Ms: p.latency.endToEnd.p50, endToEndP99Ms: p.latency.endToEnd.p99,
    delivery: d, runBytes: Math.round(runBytes), meanKeyBytes: round(keyBytes, 3), coordination, workers: rows,
  };
}

function round(x: number, d = 3) {
  return Math.round(x * 10 ** d) / 10 ** d;
}
/** The median (the mean of the middle two for an even count). */
function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const spread = (xs: number[], d = 1) => (xs.length ? { min: round(Math.min(...xs), d), median: round(median(xs), d), max: round(Math.max(...xs), d) } : null);

const dir = mkdtempSync(join(tmpdir(), 'kbench-bench-workers-'));
const loadBefore = loadavg().map((x) => round(x, 2));
const benchStarted = Date.now();
const runs: Measured[] = [];
try {
  // One short single-process run first, not counted (broker caches, the first topic creations).
  const warm = start(['--brokers', brokers, ...workloadArgs.map((a) => (a === `${DURATION_S}s` ? '2s' : a)), '--threads', '3', '--quiet', '--out', join(dir, 'warm-up.json')]);
  const warmStarted = Date.now();
  await finish(warm, 60_000);
  process.stderr.write(`warm-up (2 s, single process, not counted): ${round((Date.now() - warmStarted) / 1000, 1)} s\n`);
  const single = CONFIGS[0];
  const distributed = CONFIGS.slice(1);
  const sequence: { cfg: (typeof CONFIGS)[number]; rep: number }[] = [{ cfg: single, rep: 1 }];
  for (let rep = 1; rep <= REPS; rep++) {
    for (const cfg of rep % 2 === 1 ? distributed : [...distributed].reverse()) sequence.push({ cfg, rep }, { cfg: single, rep });
  }
  for (const [seq, { cfg, rep }] of sequence.entries()) {
    const load1 = round(loadavg()[0], 2);
    const m = await runOnce(cfg, rep, dir);
    m.seq = seq;
    m.load1AtStart = load1;
    if (m.waitedMs > 0) process.stderr.write(`  (waited ${round(m.waitedMs / 1000, 1)} s for the previous announcement to close)\n`);
    runs.push(m);
    const c = m.coordination;
    process.stderr.write(`#${seq} rep ${rep} ${cfg.name} (load ${load1}): ${Math.round(m.achievedPerSec)} acked records/s, produce p50 ${m.produceP50Ms} ms, lost ${m.delivery?.lost}` +
      `${c ? `, control ${c.controlBytesPerSec} B/s, results ${c.resultsBytesPerSec} B/s (${round(c.totalShare * 100, 2)}% of run traffic)` : ''}, ${Math.round(m.wallMs / 1000)} s` +
      `${m.workersReadyMs === null ? '' : ` (workers ready in ${round(m.workersReadyMs / 1000, 1)} s, exited ${round(m.workersExitMs! / 1000, 1)} s after)`}` +
      `${m.ok ? '' : `\n  PROBLEMS: ${m.problems.join('\n  ')}`}${m.warnings.length ? `\n  warnings: ${m.warnings.join('\n  ')}` : ''}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** A run's throughput over the mean of the good single-process runs right before and after it in
 * the sequence (one of them if the other failed); a single run's own ratio is 1. */
function ratioToSingle(m: Measured): number | null {
  if (m.config === 'single') return 1;
  const around = [runs.find((b) => b.seq === m.seq - 1), runs.find((b) => b.seq === m.seq + 1)].filter((b): b is Measured => !!b && b.config === 'single' && b.ok);
  return around.length ? m.achievedPerSec / (around.reduce((s, b) => s + b.achievedPerSec, 0) / around.length) : null;
}

const perConfig = CONFIGS.map((cfg) => {
  const mine = runs.filter((m) => m.config === cfg.name && m.ok);
  const of = (f: (m: Measured) => number | null | undefined, d = 1) => spread(mine.map(f).filter((x): x is number => typeof x === 'number'), d);
  const ratios = mine.map(ratioToSingle);
  return {
    config: cfg.name,
    processes: cfg.workers === 0 ? 'one kbench process' : `a coordinator and ${cfg.workers} kbench worker process${cfg.workers > 1 ? 'es' : ''}`,
    threadsPerProcess: cfg.threads,
    clientThreads: clientThreads(cfg),
    goodRuns: mine.length,
    achievedPerSec: of((m) => m.achievedPerSec),
    ratioToSingle: spread(ratios.filter((x): x is number => x !== null), 3),
    offeredPerSec: of((m) => m.offeredPerSec),
    consumedPerSec: of((m) => m.consumedPerSec),
    produceP50Ms: of((m) => m.produceP50Ms),
    produceP99Ms: of((m) => m.produceP99Ms),
    endToEndP50Ms: of((m) => m.endToEndP50Ms),
    endToEndP99Ms: of((m) => m.endToEndP99Ms),
    lost: mine.reduce((s, m) => s + m.delivery!.lost, 0),
    controlBytesPerSec: of((m) => m.coordination?.controlBytesPerSec, 0),
    resultsBytesPerSec: of((m) => m.coordination?.resultsBytesPerSec, 0),
    runBytesPerSec: of((m) => m.coordination?.runBytesPerSec, 0),
    controlSharePct: of((m) => (m.coordination ? m.coordination.controlShare * 100 : null), 4),
    resultsSharePct: of((m) => (m.coordination ? m.coordination.resultsShare * 100 : null), 2),
    totalSharePct: of((m) => (m.coordination ? m.coordination.totalShare * 100 : null), 2),
    resultsBytesPerRecord: of((m) => m.coordination?.resultsBytesPerRecord, 2),
    resultsBytesPerEvent: of((m) => m.coordination?.resultsBytesPerEvent, 2),
    wallS: of((m) => m.wallMs / 1000),
    workersReadyS: of((m) => (m.workersReadyMs === null ? null : m.workersReadyMs / 1000)),
    workersExitS: of((m) => (m.workersExitMs === null ? null : m.workersExitMs / 1000)),
  };
});

const result = {
  bench: 'workers-overhead',
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; the broker and every kbench process run on the same machine`,
  loadAverage: { before: loadBefore, after: loadavg().map((x) => round(x, 2)), note: '1/5/15-minute load averages: anything above the core count means other work shared the cores' },
  repetitions: REPS,
  singleRuns: runs.filter((m) => m.config === 'single').length,
  benchSeconds: Math.round((Date.now() - benchStarted) / 1000),
  workload: `kbench ${workloadArgs.join(' ')} (acks=all, idempotent, linger 5 ms: the other producer settings at their defaults), broker ${brokers}`,
  sequence: 'S W1 S W2 S W3 S, then W3 S W2 S W1 S for the next repetition (S: single process); load1AtStart per run is the machine\'s 1-minute load average when it started',
  fairness: 'The same 6 kafkajs clients (3 producers, 3 consumers) in every configuration, and 3 client threads in all wherever the split allows: single process --threads 3; 1 worker --threads 3; 3 workers --threads 1 each; 2 workers --threads 2 each (4 client threads: each worker holds 3 clients). What the worker runs add is processes: the coordinator records every event as the single process\'s main thread does, and each worker\'s main thread plans every record of the run (sending only its producers\' ones) and packs its events (lz4 columns) for the results topic, which the coordinator reads and unpacks. Each process is a fresh `node dist/src/cli/main.js`.',
  definitions: {
    achievedPerSec: 'phases[0].throughput.achievedPerSec of the merged report: records acked within the --duration window ÷ the window (closed loop at --rate max: the producers\' buffers bound what is still queued at the end)',
    ratioToSingle: 'achievedPerSec ÷ the mean achievedPerSec of the single-process runs right before and after it in the sequence (runs[].seq)',
    latency: 'phases[0].latency (ms from each record\'s planned send time): produce = to its ack, endToEnd = to its consumption',
    runBytes: 'bytes of the run itself: key + value of every acked record (produced) plus key + value of every consumed record; values are --record-size (100 B); keys are the run\'s user ids, their mean length replayed from the run\'s seed; no Kafka framing (record and batch headers, requests)',
    coordination: 'model.parameters.coordination: control = the coordinator\'s messages on kbench.control (announce, pings, setup, run, close, end), results = every message the workers sent up (hello, pongs, answers, event batches), each counted as value + key + headers; the bytes/s are over the run\'s zero to the end of the coordinator\'s clean-up (spanS, longer than --duration: drain and close), and runBytesPerSec is the run\'s traffic over the same span',
    shares: 'coordination bytes ÷ runBytes (time-free: both over the whole run)',
    resultsBytesPerRecord: 'resultsBytes ÷ records produced (each record is 3 events: sent, acked, consumed; resultsBytesPerEvent divides by those)',
  },
  workerStarts: `Workers are started only once the previous distributed run's announcement has closed (coordinators run with --worker-timeout ${WORKER_TIMEOUT_S}s; waitedMs per run): a worker replays kbench.control from its beginning and can take a finished run's announcement that is still open before it reads that run's end, then drops the new run's announcement while it fails on the old run's deleted topics.`,
  perConfig,
  runs,
  problems: runs.filter((m) => !m.ok).map((m) => ({ config: m.config, rep: m.rep, problems: m.problems })),
  warnings: runs.filter((m) => m.warnings.length).map((m) => ({ config: m.config, rep: m.rep, warnings: m.warnings })),
};
mkdirSync('reports', { recursive: true });
writeFileSync('reports/bench-workers-overhead.json', JSON.stringify(result, null, 2) + '\n');

// A compact table: medians (min–max for throughput) over the good runs.
const f = (x: number | null | undefined, d = 0) => (x === null || x === undefined ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const rows = perConfig.map((c) => [
  c.config, `${c.goodRuns}/${runs.filter((m) => m.config === c.config).length}`,
  c.achievedPerSec ? `${f(c.achievedPerSec.median)} (${f(c.achievedPerSec.min)}–${f(c.achievedPerSec.max)})` : '–',
  c.ratioToSingle ? f(c.ratioToSingle.median, 2) : '–',
  `${f(c.produceP50Ms?.median)}/${f(c.produceP99Ms?.median)}`,
  `${f(c.endToEndP50Ms?.median)}/${f(c.endToEndP99Ms?.median)}`,
  String(c.lost),
  f(c.controlBytesPerSec?.median), f(c.resultsBytesPerSec?.median),
  c.totalSharePct ? `${f(c.controlSharePct?.median, 3)}% + ${f(c.resultsSharePct?.median, 1)}%` : '–',
  f(c.resultsBytesPerRecord?.median, 1),
]);
const head = ['config', 'runs', 'acked rec/s', 'vs single', 'produce p50/p99 ms', 'e2e p50/p99 ms', 'lost', 'control B/s', 'results B/s', 'share ctl+res', 'results B/rec'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`${result.workload}\n${REPS} repetitions, each distributed run between two single-process runs; medians (throughput: median (min–max); vs single: median of each run's ratio to the single runs around it); load average before ${loadBefore.join(' ')}, after ${result.loadAverage.after.join(' ')}`);
console.log(line(head));
for (const r of rows) console.log(line(r));
if (result.problems.length) console.log(`\nPROBLEMS (runs left out of the medians):\n${result.problems.map((p) => `  ${p.config} rep ${p.rep}: ${p.problems.join('; ')}`).join('\n')}`);
if (result.warnings.length) console.log(`\nWarnings (runs kept):\n${result.warnings.map((p) => `  ${p.config} rep ${p.rep}: ${p.warnings.join('; ')}`).join('\n')}`);
console.log('Written to reports/bench-workers-overhead.json');
