// The rdkafka driver's producer against a real broker: records land at the partition kbench gave and
// at the offsets reported (read back with Kafka's own ConsoleConsumer), overlapping sends of an
// idempotent producer lose and duplicate nothing (broker end offsets), and a dead broker is an error
// within the timeout, not a hang. Needs the native binding (npm run build:native): without it these
// tests are skipped with a message, and fail instead under CI=true when KBENCH_NATIVE=1 says the
// binding was meant to be built.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DriverProducer, DriverProducerOptions, WireRecord } from '../../src/drivers/driver.js';
import { KafkaClientError } from '../../src/drivers/errors.js';
import { isKbenchError } from '../../src/errors.js';
import { bindingBuilt } from '../../src/drivers/rdkafka/binding.js';
import { createDriver } from '../../src/drivers/rdkafka/driver.js';
import { loadDriver } from '../../src/drivers/load.js';
import { ROOT, brokers, kafkaTool, uniqueName } from '../kafka/helpers.js';

const built = bindingBuilt();
if (!built) {
  if (process.env.CI === 'true' && process.env.KBENCH_NATIVE === '1') throw new Error('KBENCH_NATIVE=1: the rdkafka binding should have been built (npm run build:native), but native/build/kbench_rdkafka.node is missing');
  process.stderr.write('\n*** rdkafka driver tests SKIPPED: the native binding is not built (npm run build:native). ***\n\n');
}

const OPTIONS: DriverProducerOptions = { idempotent: true, lingerMs: 5, batchBytes: 16_384, maxInFlight: 5, metadataMaxAgeMs: 30_000 };
const createTopic = (topic: string, partitions: number, bootstrap = brokers) =>
  kafkaTool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', bootstrap, '--create', '--topic', topic, '--partitions', String(partitions));
function endOffsets(topic: string): number[] {
  const out = kafkaTool('org.apache.kafka.tools.GetOffsetShell', '--bootstrap-server', brokers, '--topic', topic);
  const ends: number[] = [];
  for (const line of out.trim().split('\n')) {
    const m = /^(.*):(\d+):(\d+)$/.exec(line.trim());
    if (m && m[1] === topic) ends[Number(m[2])] = Number(m[3]);
  }
  return ends;
}

describe('without the binding', () => {
  it.skipIf(built)('loadDriver refuses rdkafka in one line saying how to build it (exit 2)', async () => {
    const e = await loadDriver('rdkafka', { brokers: ['127.0.0.1:9092'], connectTimeoutMs: 1000 }).catch((x) => x);
    expect(isKbenchError(e)).toBe(true);
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/npm run build:native/);
    expect(e.message).not.toMatch(/\n/);
  });
});

describe.skipIf(!built || !brokers)('the rdkafka driver against a broker', () => {
  const producers: DriverProducer[] = [];
  const newProducer = (o: Partial<DriverProducerOptions> = {}, bootstrap = brokers, connect: { connectTimeoutMs?: number; rideThroughMs?: number } = {}) => {
    const p = createDriver({ brokers: [bootstrap], connectTimeoutMs: connect.connectTimeoutMs ?? 10_000, rideThroughMs: connect.rideThroughMs }).producer({ ...OPTIONS, ...o });
    producers.push(p);
    return p;
  };
  afterAll(async () => {
    await Promise.all(producers.map((p) => p.close()));
  });

  it('says which library it is and what it can do', async () => {
    const d = await loadDriver('rdkafka', { brokers: [brokers], connectTimeoutMs: 1000 });
    expect(d.library).toMatch(/^librdkafka \d+\.\d+\.\d+/);
    expect(d.capabilities).toMatchObject({ batching: 'library', maxInFlightIdempotent: 5 });
    await expect(d.admin()).rejects.toThrow(/produces only/);
  });

  it('puts each record at the partition given, at the offset reported, with its key, value and headers', async () => {
    const topic = uniqueName('rdkafka-place');
    createTopic(topic, 3);
    const p = newProducer();
    await p.connect(topic);
    expect(p.partitionCount(topic)).toBe(3);
    // Partitions out of order, null and empty keys, headers on some: 2 sends, the second overlapping the first.
    const records = (from: number): WireRecord[] => Array.from({ length: 20 }, (_, j) => {
      const i = from + j;
      return { partition: [2, 0, 1, 1, 2][i % 5], key: i % 4 === 0 ? null : Buffer.from(`key-${i}`), value: Buffer.from(`value-${i}`),
        ...(i % 3 === 0 ? { headers: { h: Buffer.from(`hv-${i}`), seq: Buffer.from(String(i)) } } : {}) };
    });
    const sent = [...records(0), ...records(20)];
    const [a, b] = await Promise.all([
      p.send({ topic, acks: 'all', compression: 'none', records: sent.slice(0, 20) }),
      p.send({ topic, acks: 'all', compression: 'none', records: sent.slice(20) }),
    ]);
    const offsets = [...a, ...b];
    const out = kafkaTool('org.apache.kafka.tools.consumer.ConsoleConsumer', '--bootstrap-server', brokers, '--topic', topic, '--from-beginning',
      '--max-messages', String(sent.length), '--timeout-ms', '20000',
      '--property', 'print.partition=true', '--property', 'print.offset=true', '--property', 'print.key=true', '--property', 'print.headers=true',
      '--property', 'key.separator=|', '--property', 'headers.separator=,', '--property', 'null.literal=<null>');
    // Lines: Partition:P|Offset:O|headers|key|value
    const got = new Map<string, { partition: number; offset: number; key: string; headers: string }>();
    for (const line of out.trim().split('\n')) {
      const m = /^Partition:(\d+)\|Offset:(\d+)\|(.*)\|(.*)\|(value-\d+)$/.exec(line);
      if (m) got.set(m[5], { partition: Number(m[1]), offset: Number(m[2]), headers: m[3], key: m[4] });
    }
    expect(got.size).toBe(sent.length);
    sent.forEach((r, i) => {
      const g = got.get(r.value!.toString())!;
      expect(g.partition).toBe(r.partition);
      expect(g.offset).toBe(offsets[i]);
      expect(g.key).toBe(r.key ? r.key.toString() : '<null>');
      if (r.headers) expect(g.headers).toBe(`h:hv-${i},seq:${i}`);
    });
  });

  it('loses and duplicates nothing across overlapping sends of an idempotent producer', async () => {
    const topic = uniqueName('rdkafka-overlap');
    createTopic(topic, 6);
    const p = newProducer({ lingerMs: 2, batchBytes: 65_536 });
    await p.connect(topic);
    const value = Buffer.alloc(100, 0x62);
    const sends = 40;
    const perSend = 2500;
    const batches: WireRecord[][] = Array.from({ length: sends }, (_, s) =>
      Array.from({ length: perSend }, (_, i) => ({ partition: (s * 7 + i) % 6, key: i % 2 ? Buffer.from(`user-${i}`) : null, value })));
    const results = await Promise.all(batches.map((records) => p.send({ topic, acks: 'all', compression: 'none', records })));
    const ends = endOffsets(topic);
    expect(ends.reduce((x, y) => x + y, 0)).toBe(sends * perSend);
    const seen = ends.map((end) => new Uint8Array(end));
    results.forEach((offsets, s) => batches[s].forEach((r, i) => {
      const o = offsets[i];
      expect(o >= 0 && o < ends[r.partition] && seen[r.partition][o] === 0).toBe(true);
      seen[r.partition][o] = 1;
    }));
  });

  it('waits out a full librdkafka queue instead of failing the send', async () => {
    const topic = uniqueName('rdkafka-full');
    createTopic(topic, 3);
    process.env.KBENCH_RDKAFKA_CONFIG = 'queue.buffering.max.messages=500';
    let p: DriverProducer;
    try {
      p = newProducer();
      await p.connect(topic);
    } finally {
      delete process.env.KBENCH_RDKAFKA_CONFIG;
    }
    const value = Buffer.from('full');
    const batches = Array.from({ length: 4 }, (_, s) => Array.from({ length: 1000 }, (_, i) => ({ partition: (s + i) % 3, key: null, value })));
    const results = await Promise.all(batches.map((records) => p.send({ topic, acks: 'all', compression: 'none', records })));
    expect(results.every((o) => o.every((x) => x >= 0))).toBe(true);
    expect(endOffsets(topic).reduce((x, y) => x + y, 0)).toBe(4000);
  });

  it('refuses a partition the topic does not have, naming it, without a hang', async () => {
    const topic = uniqueName('rdkafka-nopart');
    createTopic(topic, 2);
    const p = newProducer({}, brokers, { rideThroughMs: 5000 });
    await p.connect(topic);
    const started = Date.now();
    const e = await p.send({ topic, acks: 'all', compression: 'none', records: [{ partition: 7, key: null, value: Buffer.from('x') }] }).catch((x) => x);
    expect(e).toBeInstanceOf(KafkaClientError);
    expect(e.type).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('fails to connect within the timeout when nothing listens, or the broker never answers', async () => {
    // Nothing listening: a closed port.
    const closed = await new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const port = (s.address() as { port: number }).port; s.close(() => resolve(port)); }); });
    let started = Date.now();
    let e = await newProducer({}, `127.0.0.1:${closed}`, { connectTimeoutMs: 3000 }).connect('any').catch((x) => x);
    expect(e).toBeInstanceOf(KafkaClientError);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(e.message).toMatch(/Connection refused|_TRANSPORT|_TIMED_OUT/);
    // A "broker" that accepts connections and never answers.
    const sockets: Socket[] = [];
    const silent: Server = await new Promise((resolve) => { const s = createServer((c) => sockets.push(c)).listen(0, '127.0.0.1', () => resolve(s)); });
    try {
      started = Date.now();
      e = await newProducer({}, `127.0.0.1:${(silent.address() as { port: number }).port}`, { connectTimeoutMs: 3000 }).connect('any').catch((x) => x);
      expect(e).toBeInstanceOf(KafkaClientError);
      expect(e.kind === 'timeout' || e.kind === 'connection').toBe(true);
      expect(Date.now() - started).toBeLessThan(8000);
    } finally {
      for (const c of sockets) c.destroy();
      silent.close();
    }
  });

  describe('with a broker of its own that dies mid-run', () => {
    let dir = '';
    afterAll(() => {
      if (!dir) return;
      try { process.kill(Number(readFileSync(join(dir, 'broker.pid'), 'utf8')), 'SIGKILL'); } catch { /* not running */ }
      rmSync(dir, { recursive: true, force: true });
    });

    it('rejects the sends in flight within the delivery timeout, naming the failure', async () => {
      const port = 21_000 + 10 * Math.floor(Math.random() * 1000);
      dir = mkdtempSync(join(tmpdir(), 'kbench-rdkafka-broker-'));
      const secrets = join(process.env.KBENCH_KAFKA_DIR ?? join(ROOT, '.kafka'), 'secrets');
      if (existsSync(join(secrets, '.generated'))) cpSync(secrets, join(dir, 'secrets'), { recursive: true });
      const env = { ...process.env, KBENCH_KAFKA_DIR: dir, KBENCH_KAFKA_PORT: String(port), KBENCH_KAFKA_CONTROLLER_PORT: String(port + 1) };
      const started = spawnSync('bash', [join(ROOT, 'scripts/kafka.sh'), 'start'], { env, encoding: 'utf8' });
      expect(started.status, started.stderr).toBe(0);
      const bootstrap = `127.0.0.1:${port}`;
      const topic = uniqueName('rdkafka-dies');
      createTopic(topic, 2, bootstrap);
      const p = newProducer({}, bootstrap, { rideThroughMs: 4000 });
      await p.connect(topic);
      const value = Buffer.from('v');
      await p.send({ topic, acks: 'all', compression: 'none', records: [{ partition: 0, key: null, value }, { partition: 1, key: null, value }] });
      process.kill(Number(readFileSync(join(dir, 'broker.pid'), 'utf8')), 'SIGKILL');
      const t0 = Date.now();
      const e = await p.send({ topic, acks: 'all', compression: 'none', records: [{ partition: 0, key: null, value }] }).catch((x) => x);
      expect(e).toBeInstanceOf(KafkaClientError);
      expect(e.message).toMatch(/_MSG_TIMED_OUT/);
      expect(Date.now() - t0).toBeLessThan(10_000);
    }, 90_000);
  });
});
