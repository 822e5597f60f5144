// Producer settings against the real broker: a run with the settings load testers tune completes and
// its report carries them; records compressed with every codec kbench offers are what the broker's own
// Java code reads back (DumpLogSegments decompresses each batch and names its codec), and what Kafka's
// Java producer compresses kbench's codecs read back; --consumers 0 makes a produce-only run.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Kafka } from 'kafkajs';
import { COMPRESSIONS, type Compression } from '../../src/config/producer-settings.js';
import { KAFKAJS_TYPES, registerCodecs } from '../../src/drivers/kafkajs/codecs.js';
import { createKafka } from '../../src/drivers/kafkajs/connect.js';
import type { RunReport } from '../../src/report/schema.js';
import { kbench, simReport } from '../helpers.js';
import { brokers, ROOT, uniqueName } from './helpers.js';

const CODECS = COMPRESSIONS.filter((c) => c !== 'none');
/** The log directory of the broker scripts/kafka.sh runs, in KBENCH_KAFKA_DIR when it names one, as
 * secured.test.ts reads its secrets (absent when the tests use another broker). */
const DATA_DIR = join(process.env.KBENCH_KAFKA_DIR ?? join(ROOT, '.kafka'), 'data');

async function liveReport(...argv: string[]): Promise<RunReport> {
  return simReport('--brokers', brokers, ...argv);
}

/** A Kafka tool from the broker's own jars, as a child process (several run at once); stdin is fed `input`. */
function tool(input: string, mainClass: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(ROOT, 'scripts/kafka.sh'), 'tool', mainClass, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${mainClass} failed (${code}): ${err}`))));
    child.stdin.end(input);
  });
}

/** Each batch's codec and each record's key and value, as DumpLogSegments prints a partition's log. */
function dumpedLog(text: string): Map<string, { codecs: Set<string>; records: string[] }> {
  const logs = new Map<string, { codecs: Set<string>; records: string[] }>();
  let current: { codecs: Set<string>; records: string[] } | undefined;
  for (const line of text.split('\n')) {
    const file = /^Dumping .*\/([^/]+)-0\/\d+\.log$/.exec(line);
    if (file) logs.set(file[1], (current = { codecs: new Set(), records: [] }));
    const codec = / compresscodec: (\w+) /.exec(line);
    if (codec) current?.codecs.add(codec[1]);
    const rec = /^\| offset: .* key: (\S+) payload: (.*)$/.exec(line);
    if (rec) current?.records.push(`${rec[1]}=${rec[2]}`);
  }
  return logs;
}

const records = (codec: string) => Array.from({ length: 20 }, (_, i) => `k${i}=${codec} record ${i} ${'compressible '.repeat(i + 1).trim()}`);

describe.skipIf(!brokers)('producer settings on a real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  const topics: string[] = [];
  beforeAll(async () => {
    await registerCodecs();
    kafka = createKafka({ brokers: [brokers], connectTimeoutMs: 10_000 });
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    if (topics.length) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  async function topicFor(codec: string): Promise<string> {
    const topic = uniqueName(`kbench-test-${codec}`);
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    topics.push(topic);
    return topic;
  }

  /** Everything on a one-partition topic, read by a kafkajs consumer (kbench's codecs decompress). */
  async function readBack(topic: string, expected: number): Promise<string[]> {
    const consumer = kafka.consumer({ groupId: uniqueName('kbench-test-read'), maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`read ${seen.length} of ${expected} records of ${topic}`)), 15_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            seen.push(`${message.key?.toString()}=${message.value?.toString()}`);
            if (seen.length >= expected) { clearTimeout(timer); resolve(); }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  it('a run with --acks 1 --no-idempotent --compression gzip --linger 20ms --batch-size 16384 completes and its report carries them', async () => {
    const r = await liveReport('--acks', '1', '--no-idempotent', '--compression', 'gzip', '--linger', '20ms', '--batch-size', '16384',
      '--partitions', '6', '--duration', '2s', '--rate', '1000');
    expect(r.spec).toMatchObject({ acks: '1', idempotent: false, compression: 'gzip', lingerMs: 20, batchBytes: 16384, maxInFlight: 1 });
    expect(r.delivery).toMatchObject({ produced: 2000, acked: 2000, consumed: 2000, lost: 0, skipped: 0 });
    expect(r.model.notes.join(' ')).toMatch(/non-idempotent kafkajs producers with acks=1, 1 request in flight, linger 20 ms and batches of up to 16384 bytes per partition/);
  });

  it('records compressed by kbench with each codec are what the broker\'s own code reads back, and kafkajs too', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const written = new Map<Compression, string>();
    try {
      for (const codec of CODECS) {
        const topic = await topicFor(codec);
        written.set(codec, topic);
        const messages = records(codec).map((kv) => ({ key: kv.slice(0, kv.indexOf('=')), value: kv.slice(kv.indexOf('=') + 1) }));
        await producer.send({ topic, compression: KAFKAJS_TYPES[codec], messages });
      }
    } finally {
      await producer.disconnect();
    }
    // Each topic read back by a consumer group of its own, side by side.
    const readBacks = await Promise.all([...written].map(([, topic]) => readBack(topic, 20)));
    [...written.keys()].forEach((codec, i) => expect(readBacks[i], codec).toEqual(records(codec)));
    if (!existsSync(DATA_DIR)) return; // another broker: its log files are out of reach
    const files = [...written.values()].map((t) => join(DATA_DIR, `${t}-0`, '00000000000000000000.log')).join(',');
    const logs = dumpedLog(await tool('', 'kafka.tools.DumpLogSegments', '--files', files, '--print-data-log', '--deep-iteration'));
    for (const [codec, topic] of written) {
      expect(logs.get(topic)?.codecs, codec).toEqual(new Set([codec]));
      expect(logs.get(topic)?.records, codec).toEqual(records(codec));
    }
  });

  it('records Kafka\'s Java producer compressed with each codec are read back intact by kbench\'s codecs', async () => {
    const plugIns = CODECS.filter((c) => c !== 'gzip');
    const topics = await Promise.all(plugIns.map((c) => topicFor(`java-${c}`)));
    await Promise.all(plugIns.map((codec, i) => tool(records(codec).join('\n') + '\n', 'org.apache.kafka.tools.ConsoleProducer',
      '--bootstrap-server', brokers, '--topic', topics[i], '--compression-codec', codec,
      '--property', 'parse.key=true', '--property', 'key.separator==', '--producer-property', 'linger.ms=100')));
    const readBacks = await Promise.all(topics.map((t) => readBack(t, 20)));
    for (const [i, codec] of plugIns.entries()) expect(readBacks[i], codec).toEqual(records(codec));
  });

  it('a run with each plug-in codec writes batches in that codec and delivers every record', async () => {
    if (!existsSync(DATA_DIR)) return;
    const codecs = ['snappy', 'lz4', 'zstd'];
    const kept: string[] = [];
    try {
      // The three runs side by side: each has its own topic and group.
      const runs = await Promise.allSettled(codecs.map((codec) => liveReport('--compression', codec, '--partitions', '1', '--duration', '500ms', '--rate', '400', '--keep-topic')));
      for (const run of runs) if (run.status === 'fulfilled') kept.push(String(run.value.model.parameters.topic));
      for (const [i, run] of runs.entries()) {
        if (run.status === 'rejected') throw run.reason;
        expect(run.value.delivery, codecs[i]).toMatchObject({ produced: 200, acked: 200, consumed: 200, lost: 0, duplicated: 0 });
      }
      const logs = dumpedLog(await tool('', 'kafka.tools.DumpLogSegments', '--files', kept.map((t) => join(DATA_DIR, `${t}-0`, '00000000000000000000.log')).join(',')));
      expect(kept.map((t) => [...(logs.get(t)?.codecs ?? [])])).toEqual([['snappy'], ['lz4'], ['zstd']]);
    } finally {
      await Promise.all(kept.map((t) => kbench('topic', 'delete', t, '--brokers', brokers)));
    }
  });

  it('--consumers 0: a produce-only run, no group, produce latency only, nothing unread counted as lost', async () => {
    const r = await liveReport('--consumers', '0', '--partitions', '3', '--duration', '2s', '--rate', '1000', '--keep-topic');
    const topic = String(r.model.parameters.topic);
    try {
      expect(r.delivery).toEqual({ produced: 2000, acked: 2000, consumed: 0, lost: 0, duplicated: 0, skipped: 0, misplaced: 0, unconsumed: 0 });
      expect(r.phases[0].latency.produce.count).toBe(2000);
      expect(r.phases[0].latency.endToEnd.count).toBe(0);
      expect(r.phases[0].consumers).toEqual([]);
      expect(r.model.notes.join(' ')).toMatch(/Produce-only run \(--consumers 0\)/);
      // No group was formed for the run, and the broker holds every record nobody read.
      const group = await admin.describeGroups([String(r.model.parameters.groupId)]);
      expect(group.groups[0].state).toBe('Dead');
      const ends = await admin.fetchTopicOffsets(topic);
      expect(ends.reduce((sum, p) => sum + Number(p.high), 0)).toBe(2000);
    } finally {
      await kbench('topic', 'delete', topic, '--brokers', brokers);
    }
  });

  it('--max-in-flight 4 --no-idempotent --acks 0 --rate max: several sends per producer, every record accounted for', async () => {
    const r = await liveReport('--max-in-flight', '4', '--no-idempotent', '--acks', '0', '--batch-size', '8KiB', '--rate', 'max', '--messages', '5000', '--partitions', '6');
    expect(r.spec).toMatchObject({ maxInFlight: 4, idempotent: false, acks: '0', batchBytes: 8192 });
    expect(r.delivery.acked).toBe(5000);
    // Without acks, nothing confirms a write; on an idle local broker they all arrive, a few may come twice.
    expect(r.delivery.consumed).toBe(5000);
    expect(r.model.notes.join(' ')).toMatch(/acks=0: the broker sends no acknowledgement/);
  });
});
