// kbench's live producer, on each installed driver, against Kafka's own kafka-producer-perf-test
// (org.apache.kafka.tools.ProducerPerformance 4.4.0, run with Kafka's own JVM options: scripts/kafka.sh
// perf-test), on the same broker, in the same run, with identical producer settings. Repetitions
// alternate the variants, so a slow minute of the machine hits each alike. Per record size, key kind
// and repetition:
//   perf-test              ProducerPerformance (null keys, or --key-distribution random --record-key-range K);
//   <driver> produce-only  kbench --consumers 0 (null keys, or --key user_id --users K --user-dist uniform);
//   <driver> unrecorded    the same with per-record recording off (a bench-only listener that counts acks),
//                          so recorded ÷ unrecorded is what measuring costs;
//   end-to-end             the default driver with a consumer group of one reading meanwhile.
// Every run is checked against the broker: the topic's end offsets must add up to the records sent.
// CPU seconds per million records are the kbench process's own (all its threads), steadier than
// rates on a shared machine. Writes medians, spreads and ratios to reports/bench-producer-vs-perf-test.json.
// Usage: npm run bench:producer [-- --reps 3 --records 400000 --kb-records 150000 --drivers kafkajs,platformatic]
// Needs a broker (npm run kafka:start, or KBENCH_BROKERS).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { DEFAULT_DRIVER, DRIVER_NAMES, type DriverName } from '../src/config/driver-names.js';
import { runSpecOf } from '../src/config/resolve.js';
import { loadDriver } from '../src/drivers/load.js';
import { createEngine } from '../src/engines/create-engine.js';
import type { EngineListener } from '../src/engines/types.js';
import { runWorkload } from '../src/runner/run-workload.js';
import { createRng } from '../src/workload/rng.js';

const argOf = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const arg = (name: string, fallback: number) => Number(argOf(name) ?? fallback);
const REPS = arg('reps', 3);
const PARTITIONS = 6;
const KEYS = 100_000;
const THREADS = availableParallelism();
const brokers = process.env.KBENCH_BROKERS ?? '127.0.0.1:9092';
const SIZES = [
  { bytes: 100, records: arg('records', 400_000) },
  { bytes: 1024, records: arg('kb-records', 150_000) },
];
const KEYINGS = ['null', 'random'] as const;
type Keying = (typeof KEYINGS)[number];
/** The producer settings both sides use, in Kafka's property names and kbench's flags. */
const SETTINGS = { acks: 'all', idempotence: true, lingerMs: 5, batchBytes: 65_536, compression: 'none' } as const;

/** The drivers asked for that load here (an optional one may not be installed). */
async function installedDrivers(): Promise<DriverName[]> {
  const asked = (argOf('drivers')?.split(',') ?? [...DRIVER_NAMES]) as DriverName[];
  const out: DriverName[] = [];
  for (const name of asked) {
    try {
      const driver = await loadDriver(name, { brokers: [brokers], connectTimeoutMs: 5000 });
      inFlight.set(name, Math.min(5, driver.capabilities.maxInFlightIdempotent));
      if (driver.capabilities.nullRecords) nullKeys.add(name);
      libraries.set(name, driver.library);
      out.push(name);
    } catch (e) {
      process.stderr.write(`bench: driver ${name} left out: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  return out;
}

interface Measured {
  recordsPerSec: number;
  produceP50Ms: number | null;
  produceP99Ms: number | null;
  /** CPU seconds of the measuring process per million records (null for perf-test, a separate JVM). */
  cpuSPerMillion: number | null;
  consumedPerSec?: number;
}

const tool = (...args: string[]) => spawnSync('bash', ['scripts/kafka.sh', 'tool', ...args], { encoding: 'utf8' });

/** The records the broker holds in `topic`: the sum of its partitions' end offsets. */
function brokerRecords(topic: string): number {
  const r = tool('org.apache.kafka.tools.GetOffsetShell', '--bootstrap-server', brokers, '--topic', topic, '--time', '-1');
  if (r.status !== 0) throw new Error(`GetOffsetShell failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').reduce((n, line) => n + Number(line.split(':')[2] ?? 0), 0);
}

function perfTest(bytes: number, records: number, keying: Keying): Measured {
  const topic = `kbench-perf-${Date.now()}`;
  tool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--create', '--topic', topic, '--partitions', String(PARTITIONS));
  const keys = keying === 'random' ? ['--key-distribution', 'random', '--record-key-range', String(KEYS)] : [];
  const perf = spawnSync('bash', ['scripts/kafka.sh', 'perf-test',
    '--topic', topic, '--num-records', String(records), '--record-size', String(bytes), '--throughput', '-1', ...keys,
    '--producer-props', `bootstrap.servers=${brokers}`, `acks=${SETTINGS.acks}`, `enable.idempotence=${SETTINGS.idempotence}`,
    `linger.ms=${SETTINGS.lingerMs}`, `batch.size=${SETTINGS.batchBytes}`, `compression.type=${SETTINGS.compression}`], { encoding: 'utf8' });
  const held = perf.status === 0 ? brokerRecords(topic) : -1;
  tool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--delete', '--topic', topic);
  if (perf.status !== 0) throw new Error(`ProducerPerformance failed: ${perf.stderr}`);
  if (held !== records) throw new Error(`ProducerPerformance: the broker holds ${held} records of ${records}`);
  const summary = perf.stdout.trim().split('\n').filter((l) => l.includes('records sent')).pop() ?? '';
  const m = /records sent, ([\d.]+) records\/sec .*?, ([\d.]+) ms 50th, ([\d.]+) ms 95th, ([\d.]+) ms 99th/.exec(summary);
  if (!m) throw new Error(`cannot parse ProducerPerformance output: ${perf.stdout}`);
  return { recordsPerSec: Number(m[1]), produceP50Ms: Number(m[2]), produceP99Ms: Number(m[4]), cpuSPerMillion: null };
}

/** Counts acks, nothing else: a run without per-record recording. */
class CountingListener implements EngineListener {
  ackedRecords = 0;
  lastAckUs = 0;
  sent(): void {}
  acked(_rec: unknown, _partition: number, _offset: number, atUs: number): void {
    this.ackedRecords++;
    if (atUs > this.lastAckUs) this.lastAckUs = atUs;
  }
  consumed(): void {}
  skipped(): void {}
  assigned(): void {}
}

type Mode = 'produce-only' | 'end-to-end' | 'unrecorded';

/** Requests in flight per producer: Java's default 5 (ProducerPerformance's), or the most the driver keeps safe with idempotence. */
const inFlight = new Map<DriverName, number>();
/** Drivers that can write Kafka's null key (the others refuse null-key runs, so they sit out those cells). */
const nullKeys = new Set<DriverName>();
/** Each driver's library and version, as the report names it. */
const libraries = new Map<DriverName, string>();

async function kbench(driver: DriverName, bytes: number, records: number, keying: Keying, mode: Mode): Promise<Measured> {
  // One producer, like ProducerPerformance; the default --threads, so a consumer gets a thread of its own.
  const keys = keying === 'random' ? { key: 'user_id', users: String(KEYS), userDist: 'uniform' } : { key: 'none' };
  const spec = runSpecOf({
    brokers, ...keys, rate: 'max', messages: String(records), recordSize: String(bytes), partitions: String(PARTITIONS),
    producers: '1', threads: String(THREADS), consumers: mode === 'end-to-end' ? '1' : '0', driver, client: 'java',
    acks: SETTINGS.acks, idempotent: String(SETTINGS.idempotence), linger: `${SETTINGS.lingerMs}ms`, batchSize: String(SETTINGS.batchBytes),
    maxInFlight: String(inFlight.get(driver) ?? 1), compression: SETTINGS.compression, drainTimeout: '30s', keepTopic: 'true',
  });
  const counter = new CountingListener();
  const engine = createEngine(spec);
  const cpu = process.cpuUsage();
  const result = await runWorkload(spec, engine, createRng(spec.seed), mode === 'unrecorded' ? { listener: counter } : {});
  const used = process.cpuUsage(cpu);
  const topic = (engine.info.details.topic as string | undefined) ?? '';
  const held = brokerRecords(topic);
  tool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--delete', '--topic', topic);
  if (result.error) throw new Error(`kbench ${driver} ${mode} failed: ${result.error}`);
  if (held !== records) throw new Error(`kbench ${driver} ${mode}: the broker holds ${held} records of ${records}`);
  const cpuSPerMillion = ((used.user + used.system) / 1e6) / (records / 1e6);
  if (mode === 'unrecorded') return { recordsPerSec: counter.ackedRecords / (counter.lastAckUs / 1e6), produceP50Ms: null, produceP99Ms: null, cpuSPerMillion };
  const r = result.recorder;
  const produce = r.phases[0].produceLatency.summary();
  return {
    recordsPerSec: r.totalAcked / (r.lastAckUs / 1e6),
    produceP50Ms: produce.p50,
    produceP99Ms: produce.p99,
    cpuSPerMillion,
    ...(mode === 'end-to-end' ? { consumedPerSec: r.totalConsumed / (r.lastEventUs / 1e6) } : {}),
  };
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[], d = 1) => ({ min: round(Math.min(...xs), d), median: round(median(xs), d), max: round(Math.max(...xs), d) });

const drivers = await installedDrivers();
const defaultDriver = drivers.includes(DEFAULT_DRIVER) ? DEFAULT_DRIVER : drivers[0];
const variantsOf = (keying: Keying) => {
  const ds = drivers.filter((d) => keying !== 'null' || nullKeys.has(d));
  return ['perf-test', ...ds.flatMap((d) => [`${d} produce-only`, `${d} unrecorded`]), 'end-to-end'];
};
const results: Record<string, Record<string, Measured[]>> = {};
for (const size of SIZES) {
  for (const keying of KEYINGS) {
    const cell = `${size.bytes} B, ${keying} keys`;
    const variants = variantsOf(keying);
    results[cell] = Object.fromEntries(variants.map((v) => [v, []]));
    // One warm-up run per driver (JIT, broker caches), not counted.
    for (const d of drivers) if (keying !== 'null' || nullKeys.has(d)) await kbench(d, size.bytes, Math.min(50_000, size.records), keying, 'produce-only');
    for (let rep = 0; rep < REPS; rep++) {
      for (const v of variants) {
        const [d, mode]: [DriverName, Mode] = v === 'end-to-end' ? [defaultDriver, 'end-to-end'] : (v.split(' ') as [DriverName, Mode]);
        const m = v === 'perf-test' ? perfTest(size.bytes, size.records, keying) : await kbench(d, size.bytes, size.records, keying, mode);
        results[cell][v].push(m);
        process.stderr.write(`${cell} rep ${rep + 1} ${v}: ${Math.round(m.recordsPerSec)} records/s${m.cpuSPerMillion === null ? '' : `, ${round(m.cpuSPerMillion, 1)} CPU s per million`}\n`);
      }
    }
  }
}

const cells = Object.entries(results).map(([cell, r]) => {
  const variants = Object.keys(r);
  const here = drivers.filter((d) => r[`${d} produce-only`]);
  const rates = (v: string) => r[v].map((m) => m.recordsPerSec);
  // Ratios per repetition (each pair ran back to back), then their spread.
  const ratio = (a: string, b: string) => spread(r[a].map((m, i) => m.recordsPerSec / r[b][i].recordsPerSec), 3);
  const stat = (v: string, k: 'produceP50Ms' | 'produceP99Ms' | 'cpuSPerMillion') => (r[v][0][k] === null ? null : spread(r[v].map((m) => m[k]!), 2));
  return {
    cell,
    recordsPerSec: Object.fromEntries(variants.map((v) => [v, spread(rates(v))])),
    produceP50Ms: Object.fromEntries(variants.map((v) => [v, stat(v, 'produceP50Ms')])),
    produceP99Ms: Object.fromEntries(variants.map((v) => [v, stat(v, 'produceP99Ms')])),
    cpuSPerMillion: Object.fromEntries(variants.map((v) => [v, stat(v, 'cpuSPerMillion')])),
    endToEndConsumedPerSec: spread(r['end-to-end'].map((m) => m.consumedPerSec!)),
    ratios: {
      ...Object.fromEntries(here.map((d) => [`${d}VsPerfTest`, ratio(`${d} produce-only`, 'perf-test')])),
      ...Object.fromEntries(here.map((d) => [`${d}RecordedVsUnrecorded`, ratio(`${d} produce-only`, `${d} unrecorded`)])),
      endToEndVsPerfTest: ratio('end-to-end', 'perf-test'),
    },
  };
});

const result = {
  bench: 'producer-vs-perf-test',
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; the broker runs on the same machine`,
  repetitions: REPS,
  drivers: Object.fromEntries(libraries),
  settings: {
    both: `acks=${SETTINGS.acks}, enable.idempotence=${SETTINGS.idempotence}, linger.ms=${SETTINGS.lingerMs}, batch.size=${SETTINGS.batchBytes} (per partition on both sides), compression.type=${SETTINGS.compression}, ${PARTITIONS} partitions, single local broker; keyed cells: ${KEYS} random keys (perf-test --key-distribution random --record-key-range ${KEYS}; kbench --key user_id --users ${KEYS} --user-dist uniform)`,
    perfTest: 'one Java KafkaProducer (kafka-tools 4.4.0, kafka-producer-perf-test.sh\'s JVM options), up to 5 requests in flight with idempotence; latency from send() to its callback',
    kbench: `one producer of each driver in a worker thread, the main thread planning and recording, kbench's partitioner (Java's murmur2) choosing every partition; in flight: ${[...inFlight].map(([d, n]) => `${d} ${n}`).join(', ')} (Java's 5, or the most the driver keeps safe with idempotence); latency from each record's planned send time; throughput is acked records over the time from the first record to the last ack`,
    endToEnd: `the ${defaultDriver} driver, with one consumer in the run's group reading meanwhile in a thread of its own (--threads ${THREADS}; all share the machine's cores with the broker)`,
  },
  cells,
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('reports', { recursive: true });
writeFileSync('reports/bench-producer-vs-perf-test.json', JSON.stringify(result, null, 2) + '\n');
