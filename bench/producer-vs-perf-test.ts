// kbench's live producer at full speed vs Kafka's own kafka-producer-perf-test
// (org.apache.kafka.tools.ProducerPerformance, from the same jars as the broker), on the same local
// broker, one after the other, with the same record count and size, acks=all, idempotence and
// linger.ms=5. Writes both throughputs, p99 latencies and their ratios to reports/.
// Usage: npm run bench:producer [-- --records 200000 --record-size 200 --partitions 6]
// Needs a broker (npm run kafka:start, or KBENCH_BROKERS).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/cli/run-cli.js';
import type { RunReport } from '../src/report/schema.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const records = arg('records', 200_000);
const recordSize = arg('record-size', 200);
const partitions = arg('partitions', 6);
const brokers = process.env.KBENCH_BROKERS ?? '127.0.0.1:9092';

async function kbench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: process.env, stderrIsTTY: false, stopRequested: () => false });
  return { code, stdout, stderr };
}

// 1. kbench, --rate max, one producer, one consumer in the group (kbench always measures end to end).
const out = join('reports', 'bench-producer-kbench-run.json');
const k = await kbench(['--brokers', brokers, '--key', 'user_id', '--rate', 'max', '--messages', String(records), '--record-size', String(recordSize),
  '--partitions', String(partitions), '--consumers', '1', '--consumer-rate', '10000000', '--json', '--out', out]);
if (k.code !== 0) throw new Error(`kbench failed: ${k.stderr}`);
const report = JSON.parse(k.stdout) as RunReport;
const kbenchResult = {
  recordsPerSec: report.phases[0].throughput.achievedPerSec,
  p99Ms: report.phases[0].latency.produce.p99,
  p50Ms: report.phases[0].latency.produce.p50,
  maxMs: report.phases[0].latency.produce.max,
};

// 2. ProducerPerformance on a topic of the same shape.
const topic = `kbench-perf-${Date.now()}`;
if ((await kbench(['topic', 'create', topic, '--partitions', String(partitions), '--brokers', brokers])).code !== 0) throw new Error('topic create failed');
const perf = spawnSync('bash', ['scripts/kafka.sh', 'tool', 'org.apache.kafka.tools.ProducerPerformance',
  '--topic', topic, '--num-records', String(records), '--record-size', String(recordSize), '--throughput', '-1',
  '--producer-props', `bootstrap.servers=${brokers}`, 'acks=all', 'enable.idempotence=true', 'linger.ms=5', 'batch.size=262144'], { encoding: 'utf8' });
await kbench(['topic', 'delete', topic, '--brokers', brokers]);
if (perf.status !== 0) throw new Error(`ProducerPerformance failed: ${perf.stderr}`);
const summary = perf.stdout.trim().split('\n').filter((l) => l.includes('records sent')).pop()!;
const m = /records sent, ([\d.]+) records\/sec .*?, ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/.exec(summary);
if (!m) throw new Error(`cannot parse ProducerPerformance output: ${summary}`);
const javaResult = { recordsPerSec: Number(m[1]), p99Ms: Number(m[6]), p50Ms: Number(m[4]), maxMs: Number(m[3]) };

const result = {
  bench: 'producer-vs-perf-test',
  date: new Date().toISOString().slice(0, 10),
  setup: `${records} records of ${recordSize} B, ${partitions} partitions, acks=all, idempotent, linger.ms=5, single local broker (Kafka 4.1.1), 2-core machine`,
  kbench: { ...kbenchResult, notes: 'kafkajs producer, one send in flight, up to 4000 records per send; a 1-member group consumes meanwhile; latency from the moment each record was planned' },
  producerPerformance: { ...javaResult, notes: 'Java producer from kafka-tools 4.1.1, batch.size=262144; latency from send() to callback', summary },
  throughputRatio: Math.round((kbenchResult.recordsPerSec / javaResult.recordsPerSec) * 1000) / 1000,
  p99Ratio: javaResult.p99Ms > 0 ? Math.round((kbenchResult.p99Ms / javaResult.p99Ms) * 1000) / 1000 : null,
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('reports', { recursive: true });
writeFileSync('reports/bench-producer-vs-perf-test.json', JSON.stringify(result, null, 2) + '\n');
