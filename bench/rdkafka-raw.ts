// The rdkafka driver's producer alone against Kafka's own kafka-producer-perf-test
// (ProducerPerformance of Kafka's newest tools, run as Kafka ships it: scripts/kafka.sh perf-test), on
// the same broker, in the same run, alternating, with the same producer settings on both sides. Per round:
//   perf-test     ProducerPerformance, null keys;
//   perf-test-keys  ProducerPerformance, --key-distribution random --record-key-range (keys are the
//                 integers as text), placed by Java's built-in partitioner (murmur2);
//   rdkafka-null  the driver's producer, null keys, partitions chosen as Java's built-in partitioner
//                 does for them (sticky: the next partition after each batch.size bytes);
//   rdkafka-keys  the driver's producer, keys user-<n> (n uniform in [0, --key-range)), each placed
//                 with Java's murmur2 (toPositive(murmur2(key)) % partitions), hashed per record.
// Every run is checked against the broker: the topic's end offsets (GetOffsetShell) add up to the
// records sent, and every offset the driver reported is accounted for. The Node process's CPU
// (process.cpuUsage: the JS thread and librdkafka's threads) and the JS thread's alone
// (/proc/self/task) are reported per million records.
// Usage: node --import tsx bench/rdkafka-raw.ts [--rounds 3 --records 400000 --bytes 100 --chunk 1000]
// Needs a broker (npm run kafka:start, or KBENCH_BROKERS) and the binding (npm run build:native).
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { DriverProducer, WireRecord } from '../src/drivers/driver.js';
import { createDriver } from '../src/drivers/rdkafka/driver.js';
import { murmur2 } from '../src/partitioners/hashes.js';
import { maskedModulo } from '../src/partitioners/to-partition.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROUNDS = arg('rounds', 3);
const RECORDS = arg('records', 400_000);
const BYTES = arg('bytes', 100);
/** Records per send(): how many records kbench hands the driver at once. */
const CHUNK = arg('chunk', 1000);
/** Records in flight (sent, not yet acknowledged) at most; like Java's buffer.memory (32 MiB). */
const WINDOW = arg('window', 200_000);
const KEY_RANGE = arg('key-range', 10_000);
const PARTITIONS = 6;
const brokers = process.env.KBENCH_BROKERS ?? '127.0.0.1:9092';
const SETTINGS = { acks: 'all', idempotence: true, lingerMs: 5, batchBytes: 65_536, compression: 'none' } as const;

function tool(mainClass: string, ...args: string[]): string {
  const r = spawnSync('bash', ['scripts/kafka.sh', 'tool', mainClass, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${mainClass} failed: ${r.stderr}`);
  return r.stdout;
}
const createTopic = (topic: string) => tool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--create', '--topic', topic, '--partitions', String(PARTITIONS));
const deleteTopic = (topic: string) => tool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--delete', '--topic', topic);
function endOffsets(topic: string): number[] {
  const out = tool('org.apache.kafka.tools.GetOffsetShell', '--bootstrap-server', brokers, '--topic', topic);
  const ends = new Array<number>(PARTITIONS).fill(0);
  for (const line of out.trim().split('\n')) {
    const m = /^(.*):(\d+):(\d+)$/.exec(line.trim());
    if (m && m[1] === topic) ends[Number(m[2])] = Number(m[3]);
  }
  return ends;
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

interface Measured {
  recordsPerSec: number;
  cpuSecPerMillion?: number;
  jsThreadCpuSecPerMillion?: number;
  p50Ms?: number;
  p99Ms?: number;
}

function perfTest(keyed: boolean): Measured {
  const topic = `kbench-rdraw-perf-${Date.now()}`;
  createTopic(topic);
  const perf = spawnSync('bash', ['scripts/kafka.sh', 'perf-test',
    ...(keyed ? ['--key-distribution', 'random', '--record-key-range', String(KEY_RANGE)] : []),
    '--topic', topic, '--num-records', String(RECORDS), '--record-size', String(BYTES), '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${brokers}`, `acks=${SETTINGS.acks}`, `enable.idempotence=${SETTINGS.idempotence}`,
    `linger.ms=${SETTINGS.lingerMs}`, `batch.size=${SETTINGS.batchBytes}`, `compression.type=${SETTINGS.compression}`], { encoding: 'utf8' });
  if (perf.status !== 0) throw new Error(`ProducerPerformance failed: ${perf.stderr}`);
  const ends = endOffsets(topic);
  deleteTopic(topic);
  if (sum(ends) !== RECORDS) throw new Error(`perf-test: end offsets add up to ${sum(ends)}, not ${RECORDS}`);
  const summary = perf.stdout.trim().split('\n').filter((l) => l.includes('records sent')).pop() ?? '';
  const m = /records sent, ([\d.]+) records\/sec .*?, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/.exec(summary);
  if (!m) throw new Error(`cannot parse ProducerPerformance output: ${perf.stdout}`);
  return { recordsPerSec: Number(m[1]), p50Ms: Number(m[2]), p99Ms: Number(m[4]) };
}

/** CPU seconds of this process's JS thread (the main thread's task), from /proc. */
function jsThreadCpuSec(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
}

const VALUE = Buffer.alloc(BYTES, 0x61);
const KEYS = Array.from({ length: KEY_RANGE }, (_, n) => Buffer.from(`user-${n}`));

async function rdkafka(keyed: boolean, records = RECORDS): Promise<Measured> {
  const topic = `kbench-rdraw-${keyed ? 'keys' : 'null'}-${Date.now()}`;
  createTopic(topic);
  const driver = createDriver({ brokers: [brokers], connectTimeoutMs: 10_000 });
  const producer: DriverProducer = driver.producer({ idempotent: SETTINGS.idempotence, lingerMs: SETTINGS.lingerMs, batchBytes: SETTINGS.batchBytes, maxInFlight: 5, metadataMaxAgeMs: 300_000 });
  await producer.connect(topic);
  const partitions = producer.partitionCount(topic);
  // What came back, checked after the clock stops (checking costs the JS thread too).
  const acked: { batch: WireRecord[]; offsets: Float64Array }[] = [];
  let rng = 0x9e3779b9;
  let sticky = 0;
  let stickyBytes = 0;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  let failure: unknown = null;
  const sends: Promise<void>[] = [];
  const cpu0 = process.cpuUsage();
  const js0 = jsThreadCpuSec();
  const t0 = performance.now();
  let lastAck = t0;
  for (let sent = 0; sent < records && !failure; ) {
    const n = Math.min(CHUNK, records - sent);
    const batch: WireRecord[] = new Array(n);
    for (let i = 0; i < n; i++) {
      let key: Buffer | null = null;
      let partition: number;
      if (keyed) {
        rng ^= rng << 13; rng ^= rng >>> 17; rng ^= rng << 5;
        key = KEYS[(rng >>> 0) % KEY_RANGE];
        partition = maskedModulo(murmur2(key), partitions);
      } else {
        partition = sticky;
        stickyBytes += BYTES;
        if (stickyBytes >= SETTINGS.batchBytes) { sticky = (sticky + 1) % partitions; stickyBytes = 0; }
      }
      batch[i] = { key, value: VALUE, partition };
    }
    sent += n;
    inFlight += n;
    sends.push(producer.send({ topic, acks: SETTINGS.acks, compression: SETTINGS.compression, records: batch }).then((offsets) => {
      lastAck = performance.now();
      inFlight -= n;
      acked.push({ batch, offsets });
      wake?.();
    }, (e) => { failure = e; inFlight -= n; wake?.(); }));
    if (inFlight >= WINDOW) await new Promise<void>((r) => { wake = () => { if (inFlight < WINDOW || failure) { wake = null; r(); } }; });
  }
  await Promise.all(sends);
  const seconds = (lastAck - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const js = jsThreadCpuSec() - js0;
  await producer.close();
  if (failure) throw failure;
  const ends = endOffsets(topic);
  deleteTopic(topic);
  // The broker has exactly what was sent, and every reported offset is one of them, once.
  if (sum(ends) !== records) throw new Error(`rdkafka: end offsets add up to ${sum(ends)}, not ${records}`);
  const seen = ends.map((end) => new Uint8Array(end));
  for (const { batch, offsets } of acked) {
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i].partition;
      const o = offsets[i];
      if (!(o >= 0 && o < ends[p]) || seen[p][o]) throw new Error(`rdkafka: offset ${o} reported for partition ${p} (end ${ends[p]}) is out of range or reported twice`);
      seen[p][o] = 1;
    }
  }
  const million = records / 1e6;
  return { recordsPerSec: records / seconds, cpuSecPerMillion: (cpu.user + cpu.system) / 1e6 / million, jsThreadCpuSecPerMillion: js / million };
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const VARIANTS = ['perf-test', 'rdkafka-null', 'perf-test-keys', 'rdkafka-keys'] as const;
const results: Record<string, Measured[]> = Object.fromEntries(VARIANTS.map((v) => [v, []]));
// Warm-up (JIT, broker caches, the first producer's start), not counted.
await rdkafka(false, 50_000);
for (let r = 0; r < ROUNDS; r++) {
  for (const v of VARIANTS) {
    const m = v.startsWith('perf-test') ? perfTest(v === 'perf-test-keys') : await rdkafka(v === 'rdkafka-keys');
    results[v].push(m);
    process.stderr.write(`round ${r + 1} ${v}: ${Math.round(m.recordsPerSec)} records/s${m.cpuSecPerMillion !== undefined ? `, ${m.cpuSecPerMillion.toFixed(2)} CPU s/M (JS thread ${m.jsThreadCpuSecPerMillion!.toFixed(2)})` : ''}\n`);
  }
}

const rounds = Array.from({ length: ROUNDS }, (_, r) => ({
  round: r + 1,
  perfTest: Math.round(results['perf-test'][r].recordsPerSec),
  rdkafkaNull: Math.round(results['rdkafka-null'][r].recordsPerSec),
  perfTestKeys: Math.round(results['perf-test-keys'][r].recordsPerSec),
  rdkafkaKeys: Math.round(results['rdkafka-keys'][r].recordsPerSec),
  nullVsPerfTest: round(results['rdkafka-null'][r].recordsPerSec / results['perf-test'][r].recordsPerSec),
  keysVsPerfTestKeys: round(results['rdkafka-keys'][r].recordsPerSec / results['perf-test-keys'][r].recordsPerSec),
  cpuSecPerMillion: { null: round(results['rdkafka-null'][r].cpuSecPerMillion!, 2), keys: round(results['rdkafka-keys'][r].cpuSecPerMillion!, 2) },
  jsThreadCpuSecPerMillion: { null: round(results['rdkafka-null'][r].jsThreadCpuSecPerMillion!, 2), keys: round(results['rdkafka-keys'][r].jsThreadCpuSecPerMillion!, 2) },
}));
const med = (k: keyof (typeof rounds)[number]) => median(rounds.map((x) => x[k] as number));
const result = {
  bench: 'rdkafka-raw',
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; the broker runs on the same machine`,
  library: createDriver({ brokers: [brokers], connectTimeoutMs: 1000 }).library,
  settings: `${RECORDS} records of ${BYTES} B, ${PARTITIONS} partitions, acks=${SETTINGS.acks}, enable.idempotence=${SETTINGS.idempotence}, linger.ms=${SETTINGS.lingerMs}, batch.size=${SETTINGS.batchBytes}, compression.type=${SETTINGS.compression}, max.in.flight 5; the driver gets ${CHUNK} records per send(), at most ${WINDOW} in flight; keys: user-<n>, n < ${KEY_RANGE}, murmur2`,
  rounds,
  medians: {
    perfTest: med('perfTest'), rdkafkaNull: med('rdkafkaNull'), perfTestKeys: med('perfTestKeys'), rdkafkaKeys: med('rdkafkaKeys'),
    nullVsPerfTest: med('nullVsPerfTest'), keysVsPerfTestKeys: med('keysVsPerfTestKeys'),
    cpuSecPerMillion: { null: median(rounds.map((x) => x.cpuSecPerMillion.null)), keys: median(rounds.map((x) => x.cpuSecPerMillion.keys)) },
    jsThreadCpuSecPerMillion: { null: median(rounds.map((x) => x.jsThreadCpuSecPerMillion.null)), keys: median(rounds.map((x) => x.jsThreadCpuSecPerMillion.keys)) },
  },
  perfTestLatencyMs: { null: results['perf-test'].map((m) => ({ p50: m.p50Ms, p99: m.p99Ms })), keys: results['perf-test-keys'].map((m) => ({ p50: m.p50Ms, p99: m.p99Ms })) },
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('reports', { recursive: true });
writeFileSync('reports/bench-rdkafka-raw.json', JSON.stringify(result, null, 2) + '\n');
