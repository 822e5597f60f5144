// kbench's live producer at full speed against Kafka's own kafka-producer-perf-test
// (org.apache.kafka.tools.ProducerPerformance, from the same jars as the broker), on the same broker,
// in the same run, with the same producer settings on both sides. Repetitions are interleaved, so a
// slow minute of the machine hits every variant alike. Per record size and repetition:
//   perf-test     ProducerPerformance, produce only;
//   produce-only  kbench --consumers 0;
//   end-to-end    kbench with a consumer group reading meanwhile;
//   unrecorded    kbench --consumers 0 with per-record recording off (only counts: a bench-only
//                 listener), so recorded ÷ unrecorded is what measuring costs.
// Writes medians, spreads and ratios to reports/bench-producer-vs-perf-test.json.
// Usage: npm run bench:producer [-- --reps 3 --records 400000 --kb-records 150000]
// Needs a broker (npm run kafka:start, or KBENCH_BROKERS).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { runSpecOf } from '../src/config/resolve.js';
import { createEngine } from '../src/engines/create-engine.js';
import type { EngineListener } from '../src/engines/types.js';
import { runWorkload } from '../src/runner/run-workload.js';
import { createRng } from '../src/workload/rng.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REPS = arg('reps', 3);
const PARTITIONS = 6;
const THREADS = availableParallelism();
const brokers = process.env.KBENCH_BROKERS ?? '127.0.0.1:9092';
/** Record sizes and how many records a run sends (each run lasts seconds at kbench's rate). */
const SIZES = [
  { bytes: 100, records: arg('records', 400_000) },
  { bytes: 1024, records: arg('kb-records', 150_000) },
];
/** The producer settings both sides use, in Kafka's property names and kbench's flags. */
const SETTINGS = { acks: 'all', idempotence: true, lingerMs: 5, batchBytes: 262_144, compression: 'none' } as const;

interface Measured {
  recordsPerSec: number;
  produceP50Ms: number | null;
  produceP99Ms: number | null;
  consumedPerSec?: number;
}

function perfTest(bytes: number, records: number): Measured {
  const topic = `kbench-perf-${Date.now()}`;
  spawnSync('bash', ['scripts/kafka.sh', 'tool', 'org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--create', '--topic', topic, '--partitions', String(PARTITIONS)], { encoding: 'utf8' });
  const perf = spawnSync('bash', ['scripts/kafka.sh', 'tool', 'org.apache.kafka.tools.ProducerPerformance',
    '--topic', topic, '--num-records', String(records), '--record-size', String(bytes), '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${brokers}`, `acks=${SETTINGS.acks}`, `enable.idempotence=${SETTINGS.idempotence}`,
    `linger.ms=${SETTINGS.lingerMs}`, `batch.size=${SETTINGS.batchBytes}`, `compression.type=${SETTINGS.compression}`], { encoding: 'utf8' });
  spawnSync('bash', ['scripts/kafka.sh', 'tool', 'org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--delete', '--topic', topic], { encoding: 'utf8' });
  if (perf.status !== 0) throw new Error(`ProducerPerformance failed: ${perf.stderr}`);
  const summary = perf.stdout.trim().split('\n').filter((l) => l.includes('records sent')).pop() ?? '';
  const m = /records sent, ([\d.]+) records\/sec .*?, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/.exec(summary);
  if (!m) throw new Error(`cannot parse ProducerPerformance output: ${perf.stdout}`);
  return { recordsPerSec: Number(m[1]), produceP50Ms: Number(m[2]), produceP99Ms: Number(m[4]) };
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

async function kbench(bytes: number, records: number, mode: 'produce-only' | 'end-to-end' | 'unrecorded'): Promise<Measured> {
  // Null keys, like ProducerPerformance's records; one producer, like ProducerPerformance; the
  // default --threads, so a consumer gets a thread of its own.
  const spec = runSpecOf({
    brokers, key: 'none', rate: 'max', messages: String(records), recordSize: String(bytes), partitions: String(PARTITIONS),
    producers: '1', threads: String(THREADS), consumers: mode === 'end-to-end' ? '1' : '0',
    acks: SETTINGS.acks, idempotent: String(SETTINGS.idempotence), linger: `${SETTINGS.lingerMs}ms`, batchSize: String(SETTINGS.batchBytes),
    compression: SETTINGS.compression, drainTimeout: '30s',
  });
  const counter = new CountingListener();
  const result = await runWorkload(spec, createEngine(spec), createRng(spec.seed), mode === 'unrecorded' ? { listener: counter } : {});
  if (result.error) throw new Error(`kbench ${mode} failed: ${result.error}`);
  if (mode === 'unrecorded') return { recordsPerSec: counter.ackedRecords / (counter.lastAckUs / 1e6), produceP50Ms: null, produceP99Ms: null };
  const r = result.recorder;
  const produce = r.phases[0].produceLatency.summary();
  return {
    recordsPerSec: r.totalAcked / (r.lastAckUs / 1e6),
    produceP50Ms: produce.p50,
    produceP99Ms: produce.p99,
    ...(mode === 'end-to-end' ? { consumedPerSec: r.totalConsumed / (r.lastEventUs / 1e6) } : {}),
  };
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[], d = 1) => ({ min: round(Math.min(...xs), d), median: round(median(xs), d), max: round(Math.max(...xs), d) });

const VARIANTS = ['perf-test', 'produce-only', 'end-to-end', 'unrecorded'] as const;
const results: Record<string, Record<string, Measured[]>> = {};
for (const size of SIZES) {
  results[size.bytes] = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  // One warm-up kbench run (JIT, broker caches), not counted.
  await kbench(size.bytes, Math.min(50_000, size.records), 'produce-only');
  for (let rep = 0; rep < REPS; rep++) {
    for (const v of VARIANTS) {
      const m = v === 'perf-test' ? perfTest(size.bytes, size.records) : await kbench(size.bytes, size.records, v);
      results[size.bytes][v].push(m);
      process.stderr.write(`${size.bytes} B rep ${rep + 1} ${v}: ${Math.round(m.recordsPerSec)} records/s\n`);
    }
  }
}

const perSize = SIZES.map(({ bytes, records }) => {
  const r = results[bytes];
  const rates = (v: string) => r[v].map((m) => m.recordsPerSec);
  // Ratios per repetition (each pair ran back to back), then their spread.
  const ratio = (a: string, b: string) => spread(r[a].map((m, i) => m.recordsPerSec / r[b][i].recordsPerSec), 3);
  const lat = (v: string, k: 'produceP50Ms' | 'produceP99Ms') => (r[v][0][k] === null ? null : spread(r[v].map((m) => m[k]!)));
  return {
    recordBytes: bytes,
    records,
    recordsPerSec: Object.fromEntries(VARIANTS.map((v) => [v, spread(rates(v))])),
    produceP50Ms: Object.fromEntries(VARIANTS.map((v) => [v, lat(v, 'produceP50Ms')])),
    produceP99Ms: Object.fromEntries(VARIANTS.map((v) => [v, lat(v, 'produceP99Ms')])),
    endToEndConsumedPerSec: spread(r['end-to-end'].map((m) => m.consumedPerSec!)),
    ratios: {
      produceOnlyVsPerfTest: ratio('produce-only', 'perf-test'),
      endToEndVsPerfTest: ratio('end-to-end', 'perf-test'),
      recordedVsUnrecorded: ratio('produce-only', 'unrecorded'),
    },
  };
});

const result = {
  bench: 'producer-vs-perf-test',
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; the broker runs on the same machine`,
  repetitions: REPS,
  settings: {
    both: `acks=${SETTINGS.acks}, enable.idempotence=${SETTINGS.idempotence}, linger.ms=${SETTINGS.lingerMs}, batch.size=${SETTINGS.batchBytes}, compression.type=${SETTINGS.compression}, ${PARTITIONS} partitions, null keys, single local broker`,
    perfTest: 'one Java KafkaProducer (kafka-tools, same jars as the broker): batch.size is per partition, up to 5 requests in flight with idempotence; latency from send() to its callback',
    kbench: `one kafkajs producer (with kbench's byte-identical fast path for kafkajs's produce encoding) in a worker thread, the main thread planning and recording: --batch-size counts all partitions of one request, 1 request in flight (kafkajs's idempotent producer allows no more); latency from each record's planned send time; throughput is acked records over the time from the first record to the last ack`,
    endToEnd: `the same, with one consumer in the run's group reading meanwhile in a thread of its own (--threads ${THREADS}; all share the machine's cores with the broker)`,
  },
  perSize,
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('reports', { recursive: true });
writeFileSync('reports/bench-producer-vs-perf-test.json', JSON.stringify(result, null, 2) + '\n');
