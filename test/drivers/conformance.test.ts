// Every Kafka driver behind kbench's seam (src/drivers/driver.ts) against a real broker. Each check
// compares what the driver did with what the broker says through another means: Kafka's own tools
// (TopicCommand, GetOffsetShell, ConsoleConsumer, ConsumerGroupCommand), run from the broker's jars.
// A driver's own view (its admin, its send() offsets, its events) is only ever the thing under test.
// A driver whose module is not there yet is listed as skipped (CI=true: failed). Drivers that only
// produce are tested by their own file (rdkafka.test.ts).
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveClientSecurity, type ClientSecurity, type SecuritySettings } from '../../src/config/client-security.js';
import { COMPRESSIONS } from '../../src/config/producer-settings.js';
import { DRIVER_NAMES } from '../../src/config/driver-names.js';
import { type ConnectOptions, type ConsumedBatch, type Driver, type DriverAdmin, type DriverConsumer, type DriverConsumerOptions, type DriverName } from '../../src/drivers/driver.js';
import { describeError, isKafkaClientError } from '../../src/drivers/errors.js';
import { loadDriver } from '../../src/drivers/load.js';
import { isKbenchError } from '../../src/errors.js';
import { ASSIGNOR_NAMES, ASSIGNORS } from '../../src/groups/assignors.js';
import { brokers, ROOT, uniqueName, waitFor } from '../kafka/helpers.js';

const port = Number(brokers?.split(':')[1] ?? 9092);
const SASL_SSL = `127.0.0.1:${port + 2}`;
const MTLS = `127.0.0.1:${port + 3}`;
const SECRETS = join(process.env.KBENCH_KAFKA_DIR ?? join(ROOT, '.kafka'), 'secrets');
const PASSWORDS = ['admin-test-only', 'restricted-test-only', 'kbench-test-only'];
const plain = (extra: Partial<ConnectOptions> = {}): ConnectOptions => ({ brokers: [brokers], connectTimeoutMs: 10_000, clientId: 'kbench-conformance', ...extra });

/** Kafka's tool `mainClass`, asynchronously (a driver's group members keep heartbeating meanwhile). */
function tool(mainClass: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(ROOT, 'scripts/kafka.sh'), 'tool', mainClass, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${mainClass} ${args.join(' ')} failed (${code}): ${err}`))));
  });
}

/** Log end offsets by topic and partition, from GetOffsetShell, for every topic matching `regex`. */
async function brokerEndOffsets(regex: string): Promise<Map<string, number[]>> {
  const out = await tool('org.apache.kafka.tools.GetOffsetShell', '--bootstrap-server', brokers, '--topic-partitions', regex);
  const ends = new Map<string, number[]>();
  for (const line of out.split('\n')) {
    const m = /^(.+):(\d+):(-?\d+)$/.exec(line.trim());
    if (!m) continue;
    const list = ends.get(m[1]) ?? [];
    list[Number(m[2])] = Number(m[3]);
    ends.set(m[1], list);
  }
  return ends;
}
const sum = (xs: number[] | undefined) => (xs ?? []).reduce((s, x) => s + x, 0);

/** Every record of `topic` as Kafka's console consumer reads it: partition, offset, key, value. */
async function brokerRecords(topic: string, count: number): Promise<{ partition: number; offset: number; key: string; value: string }[]> {
  const out = await tool('org.apache.kafka.tools.consumer.ConsoleConsumer', '--bootstrap-server', brokers, '--topic', topic, '--from-beginning',
    '--max-messages', String(count), '--timeout-ms', '15000', '--property', 'print.partition=true', '--property', 'print.offset=true', '--property', 'print.key=true');
  return out.split('\n').map((l) => /^Partition:(\d+)\tOffset:(\d+)\t(.*?)\t(.*)$/.exec(l)).filter((m) => m !== null)
    .map((m) => ({ partition: Number(m![1]), offset: Number(m![2]), key: m![3], value: m![4] }));
}

/** ConsumerGroupCommand's committed offsets (CURRENT-OFFSET) of `group`, by topic and partition. */
async function brokerCommitted(group: string): Promise<Map<string, number>> {
  const out = await tool('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', '--bootstrap-server', brokers, '--describe', '--group', group);
  const lines = out.split('\n').filter((l) => l.trim() !== '');
  const head = lines.findIndex((l) => l.startsWith('GROUP'));
  const cols = lines[head].trim().split(/\s+/);
  const committed = new Map<string, number>();
  for (const l of lines.slice(head + 1)) {
    const row = Object.fromEntries(l.trim().split(/\s+/).map((v, i) => [cols[i], v]));
    if (row['CURRENT-OFFSET'] && row['CURRENT-OFFSET'] !== '-') committed.set(`${row.TOPIC}:${row.PARTITION}`, Number(row['CURRENT-OFFSET']));
  }
  return committed;
}

function security(s: SecuritySettings): ClientSecurity {
  const problems: string[] = [];
  const out = resolveClientSecurity(s, (p) => problems.push(p));
  if (problems.length || !out) throw new Error(problems.join('; '));
  return out;
}
const SCRAM = (password: string): SecuritySettings => ({
  securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', saslUsername: 'admin', saslPassword: password,
  sslTruststoreLocation: join(SECRETS, 'ca.pem'), sslTruststoreType: 'PEM',
});
const MTLS_SETTINGS: SecuritySettings = {
  securityProtocol: 'SSL', sslTruststoreLocation: join(SECRETS, 'ca.pem'), sslTruststoreType: 'PEM',
  sslKeystoreLocation: join(SECRETS, 'client.p12'), sslKeystoreType: 'PKCS12', sslKeystorePassword: 'kbench-test-only',
};

/** Every message in `e`'s chain of causes, for checking that none carries a secret. */
function messages(e: unknown): string {
  const out: string[] = [];
  for (let err = e as { message?: string; cause?: unknown } | undefined, i = 0; err && i < 10; err = err.cause as typeof err, i++) out.push(String(err.message ?? err));
  return `${out.join('\n')}\n${describeError(e)}`;
}

/** The driver, or why it cannot be loaded here (its module or its library is not installed). */
async function loadable(name: DriverName): Promise<Driver | string> {
  try {
    return await loadDriver(name, plain());
  } catch (e) {
    if (isKbenchError(e) && /is not installed|is not built/.test(e.message)) return e.message;
    throw e;
  }
}

const availability = new Map<DriverName, Driver | string>();
for (const name of DRIVER_NAMES) availability.set(name, brokers ? await loadable(name) : 'no broker');

for (const name of DRIVER_NAMES) {
  const loaded = availability.get(name)!;
  // A driver that only produces (rdkafka) has its own suite, test/drivers/rdkafka.test.ts; this one
  // needs a driver's admin client and consumers as well. Its absence is rdkafka.test.ts's to report.
  if (typeof loaded === 'string' ? name === 'rdkafka' : !loaded.capabilities.roles.includes('consumer')) continue;
  const missing = typeof loaded === 'string' ? loaded : null;
  if (missing && brokers) {
    describe(`driver ${name}`, () => {
      if (process.env.CI === 'true') it('loads', () => { throw new Error(`CI=true requires every driver to be conformance-tested: ${missing}`); });
      else {
        process.stderr.write(`\n*** driver conformance for ${name} SKIPPED: ${missing} ***\n\n`);
        it.skip(`${name}: SKIPPED (${missing})`, () => undefined);
      }
    });
    continue;
  }
  const claims = typeof loaded === 'string' ? null : loaded.capabilities;
  describe.skipIf(!brokers)(`driver ${name}`, () => {
    let driver: Driver;
    let admin: DriverAdmin;
    const prefix = `conf-${name}-${uniqueName('t').slice(2)}`;
    const topics: string[] = [];
    const newTopic = async (partitions: number) => {
      const topic = `${prefix}-${topics.length}`;
      topics.push(topic);
      expect(await admin.createTopics([{ topic, partitions, replicationFactor: 1 }])).toBe(true);
      await waitFor(async () => (await admin.topicMetadata([topic]).catch(() => []))[0]?.partitions.every((p) => p.leader >= 0) ?? false, 10_000, `leaders of ${topic}`);
      return topic;
    };
    const values = (n: number, tag: string) => Array.from({ length: n }, (_, i) => Buffer.from(`${tag}-${i}`));
    // Records without a key, where the driver can write Kafka's null key (one that cannot refuses it; tested below).
    const keyless = claims?.nullRecords === false ? Buffer.from('no-key') : null;

    beforeAll(async () => {
      driver = await loadDriver(name, plain());
      admin = await driver.admin();
    });
    afterAll(async () => {
      if (admin && topics.length) await admin.deleteTopics(topics, 10_000).catch(() => undefined);
      await admin?.close();
    });

    it('admin: create, metadata, topic IDs as TopicCommand prints them, grow, end offsets, delete', async () => {
      const topic = await newTopic(2);
      expect(await admin.createTopics([{ topic, partitions: 2, replicationFactor: 1 }])).toBe(false);
      expect(await admin.listTopics()).toContain(topic);
      await admin.createPartitions(topic, 5);
      const ids = await admin.topicIds([topic]);
      const described = await tool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--describe', '--topic', topic);
      expect(ids.supported).toBe(true);
      expect(ids.supported && ids.ids.get(topic)).toBe(/TopicId: (\S+)/.exec(described)![1]);
      const theirs = described.split('\n').filter((l) => /\tPartition: \d+/.test(l)).map((l) => ({
        partition: Number(/Partition: (\d+)/.exec(l)![1]), leader: Number(/Leader: (-?\d+)/.exec(l)![1]),
        replicas: /Replicas: ([\d,]+)/.exec(l)![1].split(',').map(Number), isr: /Isr: ([\d,]+)/.exec(l)![1].split(',').map(Number),
      }));
      expect(theirs).toHaveLength(5);
      expect((await admin.topicMetadata([topic]))[0].partitions).toEqual(theirs);
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.map((b) => `${b.host}:${b.port}`)).toContain(brokers);
      expect(await admin.endOffsets(topic)).toEqual([0, 1, 2, 3, 4].map((partition) => ({ partition, low: 0, high: 0 })));

      const doomed = `${prefix}-doomed`;
      expect(await admin.createTopics([{ topic: doomed, partitions: 1, replicationFactor: 1 }])).toBe(true);
      await admin.deleteTopics([doomed], 10_000);
      await waitFor(async () => !(await tool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--list')).split('\n').includes(doomed), 15_000, `${doomed} gone`);
    });

    it('produce with explicit partitions: each record is on its partition at the offset send() returned (read back by Kafka\'s console consumer)', async () => {
      const topic = await newTopic(4);
      const p = driver.producer({ idempotent: false, lingerMs: 0, batchBytes: 1 << 20, maxInFlight: 1, metadataMaxAgeMs: 30_000 });
      await p.connect(topic);
      expect(p.partitionCount(topic)).toBe(4);
      const sent: { partition: number; offset: number; key: string; value: string }[] = [];
      for (let s = 0; s < 4; s++) {
        // An uneven, interleaved spread: the offsets are per partition, in the request's order.
        const records = values(30, `s${s}`).map((value, i) => ({ key: Buffer.from(`k${(i * 7 + s) % 11}`), value, partition: (i * i + s) % 4 }));
        const offsets = await p.send({ topic, acks: 'all', compression: 'none', records });
        expect(offsets).toHaveLength(records.length);
        records.forEach((r, i) => sent.push({ partition: r.partition, offset: offsets[i], key: r.key.toString(), value: r.value.toString() }));
      }
      await p.close();
      const read = await brokerRecords(topic, sent.length);
      const byValue = (xs: typeof sent) => [...xs].sort((a, b) => (a.value < b.value ? -1 : 1));
      expect(byValue(read)).toEqual(byValue(sent));
    });

    it('a null key and a null value (a tombstone) are Kafka\'s null on the broker, or refused in one line where the driver cannot write them', async () => {
      const topic = await newTopic(1);
      const p = driver.producer({ idempotent: true, lingerMs: 0, batchBytes: 1 << 20, maxInFlight: 1, metadataMaxAgeMs: 30_000 });
      await p.connect(topic);
      const records = [{ key: null, value: Buffer.from('keyless'), partition: 0 }, { key: Buffer.from('gone'), value: null, partition: 0 }];
      const outcome = await p.send({ topic, acks: 'all', compression: 'none', records }).then(() => null, (e: unknown) => e);
      await p.close();
      if (!driver.capabilities.nullRecords) {
        expect(isKafkaClientError(outcome) && !String((outcome as Error).message).includes('\n') && /null/.test(String((outcome as Error).message)), String(outcome)).toBe(true);
        expect(sum((await brokerEndOffsets(topic)).get(topic))).toBe(0); // nothing written otherwise
        return;
      }
      expect(outcome).toBeNull();
      // ConsoleConsumer prints Kafka's null as "null", an empty key or value as nothing.
      const read = await brokerRecords(topic, 2);
      expect(read.map((r) => [r.key, r.value])).toEqual([['null', 'keyless'], ['gone', 'null']]);
    });

    it('acks all, 1 and 0, and every compression it claims: the broker\'s log holds every record (GetOffsetShell); unclaimed codecs are refused', async () => {
      const cases: { acks: 'all' | '1' | '0'; compression: (typeof COMPRESSIONS)[number] }[] = [
        { acks: 'all', compression: 'none' }, { acks: '1', compression: 'none' }, { acks: '0', compression: 'none' },
        ...driver.capabilities.compressions.filter((c) => c !== 'none').map((compression) => ({ acks: 'all' as const, compression })),
      ];
      const expected = new Map<string, number[]>();
      for (const c of cases) {
        const topic = await newTopic(3);
        // A broker drops acks=0 writes to a partition it does not lead yet (just created) without a
        // word, as to any partition: one acknowledged record each first, so the check is of the codec
        // and acks. Idempotent, so that a retry through the new leaders' first moments writes nothing
        // twice (a client may retry a whole request, as kafkajs does, and without idempotence that
        // duplicates the partitions that had succeeded: at least once, as Kafka promises).
        const ready = driver.producer({ idempotent: true, lingerMs: 0, batchBytes: 1 << 20, maxInFlight: 1, metadataMaxAgeMs: 30_000 });
        await ready.connect(topic);
        await ready.send({ topic, acks: 'all', compression: 'none', records: [0, 1, 2].map((partition) => ({ key: keyless, value: Buffer.from('ready'), partition })) });
        await ready.close();
        const p = driver.producer({ idempotent: false, lingerMs: 0, batchBytes: 1 << 20, maxInFlight: 1, metadataMaxAgeMs: 30_000 });
        await p.connect(topic);
        const counts = [1, 1, 1];
        for (let s = 0; s < 3; s++) {
          const records = values(50, `${c.compression}-${s}`).map((value, i) => ({ key: keyless, value, partition: (i + s) % 3 }));
          for (const r of records) counts[r.partition]++;
          const offsets = await p.send({ topic, acks: c.acks, compression: c.compression, records });
          if (c.acks === '0') expect([...offsets].every((o) => o === -1)).toBe(true);
          else expect([...offsets].every((o) => o >= 0)).toBe(true);
        }
        await p.close();
        expected.set(topic, counts);
      }
      const ends = await brokerEndOffsets(`${prefix}-.*`);
      for (const [topic, counts] of expected) expect(ends.get(topic), topic).toEqual(counts);
      // Codecs it does not claim are refused in one line, not sent otherwise.
      const unclaimed = COMPRESSIONS.filter((c) => !driver.capabilities.compressions.includes(c));
      if (unclaimed.length) {
        const topic = [...expected.keys()][0];
        const p = driver.producer({ idempotent: false, lingerMs: 0, batchBytes: 1 << 20, maxInFlight: 1, metadataMaxAgeMs: 30_000 });
        await p.connect(topic);
        for (const compression of unclaimed) {
          const e = await p.send({ topic, acks: 'all', compression, records: [{ key: keyless, value: Buffer.from('x'), partition: 0 }] }).then(() => null, (x) => x);
          expect(isKbenchError(e) && !e.message.includes('\n') && e.message.includes(compression), `${compression}: ${e}`).toBe(true);
        }
        await p.close();
        expect(sum((await brokerEndOffsets(topic)).get(topic))).toBe(153);
      }
    });

    it('idempotent, with as many sends overlapping as it claims safe: the log holds exactly the records sent, none lost or doubled', async () => {
      const topic = await newTopic(3);
      const window = driver.capabilities.maxInFlightIdempotent;
      const p = driver.producer({ idempotent: true, lingerMs: 0, batchBytes: 1 << 20, maxInFlight: window, metadataMaxAgeMs: 30_000 });
      await p.connect(topic);
      // Batches of equal size per partition: a second batch numbered like the first is what a broker
      // drops silently as a duplicate, so this is the pattern that loses records when overlap is unsafe.
      const sends = 300;
      const perSend = 40;
      const inFlight = new Set<Promise<unknown>>();
      for (let s = 0; s < sends; s++) {
        while (inFlight.size >= window) await Promise.race(inFlight);
        const records = values(perSend, `i${s}`).map((value) => ({ key: keyless, value, partition: s % 3 }));
        const sent: Promise<unknown> = p.send({ topic, acks: 'all', compression: 'none', records }).finally(() => inFlight.delete(sent));
        inFlight.add(sent);
      }
      await Promise.all(inFlight);
      await p.close();
      const ends = await brokerEndOffsets(topic);
      expect(ends.get(topic)).toEqual([100, 100, 100].map((n) => n * perSend));
      const read = await brokerRecords(topic, sends * perSend);
      const seen = new Set(read.map((r) => r.value));
      expect(seen.size).toBe(sends * perSend);
      expect(read).toHaveLength(sends * perSend);
      // More sends in flight than it claims safe is refused in one line, never silently unsafe.
      const over = (() => {
        try {
          driver.producer({ idempotent: true, lingerMs: 0, batchBytes: 1 << 20, maxInFlight: window + 1, metadataMaxAgeMs: 30_000 });
          return null;
        } catch (e) {
          return e;
        }
      })();
      if (over) expect(isKbenchError(over) && !String((over as Error).message).includes('\n')).toBe(true);
    }, 60_000);

    it('partitionCount learns a partition increase (by Kafka\'s TopicCommand) within metadataMaxAgeMs', async () => {
      const topic = await newTopic(2);
      const maxAge = 1000;
      const p = driver.producer({ idempotent: false, lingerMs: 0, batchBytes: 1 << 20, maxInFlight: 1, metadataMaxAgeMs: maxAge });
      await p.connect(topic);
      expect(p.partitionCount(topic)).toBe(2);
      await tool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--alter', '--topic', topic, '--partitions', '4');
      await waitFor(() => p.partitionCount(topic) === 4, maxAge + 2000, 'the new partition count');
      const offsets = await p.send({ topic, acks: 'all', compression: 'none', records: [{ key: keyless, value: Buffer.from('new'), partition: 3 }] });
      await p.close();
      expect((await brokerEndOffsets(topic)).get(topic)).toEqual([0, 0, 0, offsets[0] + 1]);
    });

    /** A group member that records what it reads and what it is told. */
    function member(o: Partial<DriverConsumerOptions> & Pick<DriverConsumerOptions, 'groupId' | 'topics'>) {
      const c: DriverConsumer = driver.consumer({ protocol: 'classic', fromBeginning: true, autoCommit: { intervalMs: 500 }, autoResolve: true, restartOnFailure: () => true, maxWaitMs: 100, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 300, ...o });
      const m = { c, read: [] as { partition: number; offset: number; value: string }[], assigned: null as Record<string, number[]> | null, events: [] as string[], crashes: [] as unknown[] };
      c.on('assigned', (a) => { m.assigned = a; m.events.push('assigned'); });
      c.on('rebalancing', () => m.events.push('rebalancing'));
      c.on('fetched', () => m.events.push('fetched'));
      c.on('committed', () => m.events.push('committed'));
      c.on('crashed', (e) => m.crashes.push(e));
      const run = () => c.run(async (b: ConsumedBatch) => { for (const r of b.records) m.read.push({ partition: b.partition, offset: r.offset, value: r.value!.toString() }); });
      return { ...m, run, get state() { return m; } };
    }

    async function produce(topic: string, partitions: number, n: number, tag: string): Promise<void> {
      const p = driver.producer({ idempotent: false, lingerMs: 0, batchBytes: 1 << 20, maxInFlight: 1, metadataMaxAgeMs: 30_000 });
      await p.connect(topic);
      await p.send({ topic, acks: 'all', compression: 'none', records: values(n, tag).map((value, i) => ({ key: keyless, value, partition: i % partitions })) });
      await p.close();
    }

    for (const protocol of ['classic', 'consumer'] as const) {
      it.skipIf(!claims?.groupProtocols.includes(protocol))(`${protocol} protocol: a 2-member group reads every record once; assignments match describeGroup; committed offsets after close are what was processed`, async () => {
        const topic = await newTopic(6);
        const groupId = uniqueName(`${prefix}-g-${protocol}`);
        const opts = protocol === 'classic' ? { protocol, assignor: ASSIGNORS.range } : { protocol, remoteAssignor: 'uniform' };
        const a = member({ groupId, topics: [topic], ...opts });
        const b = member({ groupId, topics: [topic], ...opts });
        await a.run();
        await waitFor(() => (a.state.assigned?.[topic]?.length ?? 0) === 6, 15_000, 'the first member owning every partition');
        await b.run();
        const owned = () => [...(a.state.assigned?.[topic] ?? []), ...(b.state.assigned?.[topic] ?? [])].sort((x, y) => x - y);
        await waitFor(() => JSON.stringify(owned()) === '[0,1,2,3,4,5]' && (b.state.assigned?.[topic]?.length ?? 0) > 0 && (a.state.assigned?.[topic]?.length ?? 0) > 0, 20_000, 'both members owning a disjoint share');
        if (protocol === 'classic') {
          expect(a.state.events).toContain('rebalancing');
          // kbench's range assignor: 3 + 3, contiguous.
          expect([a.state.assigned![topic], b.state.assigned![topic]].map((x) => x.length)).toEqual([3, 3]);
        }
        await waitFor(async () => (await admin.describeGroup(groupId))?.state === 'Stable', 15_000, 'a stable group');
        const described = (await admin.describeGroup(groupId))!;
        expect(described.members.map((m) => m.assignment[topic] ?? []).sort()).toEqual([a.state.assigned![topic], b.state.assigned![topic]].sort());
        await produce(topic, 6, 600, 'g');
        await waitFor(() => a.state.read.length + b.state.read.length >= 600, 20_000, 'every record read');
        expect(a.state.events).toContain('fetched');
        await a.c.close();
        await b.c.close();
        const all = [...a.state.read, ...b.state.read];
        expect(all).toHaveLength(600);
        expect(new Set(all.map((r) => r.value)).size).toBe(600);
        for (const [m, name] of [[a, 'a'], [b, 'b']] as const) expect(m.state.read.every((r) => m.state.assigned![topic].includes(r.partition)), name).toBe(true);
        const processed = new Map<string, number>();
        for (const r of all) processed.set(`${topic}:${r.partition}`, Math.max(processed.get(`${topic}:${r.partition}`) ?? 0, r.offset + 1));
        expect(await brokerCommitted(groupId)).toEqual(processed);
        expect(a.state.crashes).toEqual([]);
        expect(b.state.crashes).toEqual([]);
        expect(await admin.describeGroup(groupId).then((g) => g?.members.length ?? 0)).toBe(0);
      }, 60_000);
    }

    for (const protocol of ['classic', 'consumer'] as const) {
      it.skipIf(!claims?.groupProtocols.includes(protocol))(`${protocol} protocol: partitions added by TopicCommand --alter are assigned to the group within metadataMaxAgeMs and a rebalance, and read from the earliest`, async () => {
        const topic = await newTopic(2);
        const groupId = uniqueName(`${prefix}-g-grow-${protocol}`);
        const maxAge = 1000;
        const opts = protocol === 'classic' ? { protocol, assignor: ASSIGNORS.range } : { protocol, remoteAssignor: 'uniform' };
        const a = member({ groupId, topics: [topic], metadataMaxAgeMs: maxAge, ...opts });
        const b = member({ groupId, topics: [topic], metadataMaxAgeMs: maxAge, ...opts });
        const owned = () => JSON.stringify([...(a.state.assigned?.[topic] ?? []), ...(b.state.assigned?.[topic] ?? [])].sort((x, y) => x - y));
        await a.run();
        await b.run();
        await waitFor(() => owned() === '[0,1]' && (a.state.assigned?.[topic]?.length ?? 0) > 0 && (b.state.assigned?.[topic]?.length ?? 0) > 0, 20_000, 'both members owning one of the 2 partitions');
        await produce(topic, 2, 20, 'before');
        await waitFor(() => a.state.read.length + b.state.read.length >= 20, 15_000, 'the records before the growth');
        // Kafka's own tool grows the topic, so that only the group's metadata refresh can tell the members.
        await tool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--alter', '--topic', topic, '--partitions', '4');
        // Records on the new partitions before any member owns them: no committed offset, so fromBeginning
        // (auto.offset.reset=earliest) must start them at 0, not at their end.
        const p = driver.producer({ idempotent: false, lingerMs: 0, batchBytes: 1 << 20, maxInFlight: 1, metadataMaxAgeMs: maxAge });
        await p.connect(topic);
        await waitFor(() => p.partitionCount(topic) === 4, maxAge + 3000, 'the producer seeing 4 partitions');
        await p.send({ topic, acks: 'all', compression: 'none', records: values(40, 'after').map((value, i) => ({ key: keyless, value, partition: i % 4 })) });
        await p.close();
        // metadataMaxAgeMs to notice, then a rebalance; the consumer protocol's broker tells members at
        // their next heartbeat (group.consumer.heartbeat.interval.ms, 5 s by default).
        await waitFor(() => owned() === '[0,1,2,3]', protocol === 'classic' ? maxAge + 10_000 : 15_000, 'the 2 new partitions assigned');
        await waitFor(() => a.state.read.length + b.state.read.length >= 60, 15_000, 'every record read');
        await a.c.close();
        await b.c.close();
        const all = [...a.state.read, ...b.state.read];
        expect(all).toHaveLength(60);
        expect(new Set(all.map((r) => r.value)).size).toBe(60);
        expect(all.filter((r) => r.partition >= 2).map((r) => r.offset).sort((x, y) => x - y)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9]);
        expect(a.state.crashes).toEqual([]);
        expect(b.state.crashes).toEqual([]);
      }, 60_000);
    }

    it('a member starts from the committed offset, else from the earliest (fromBeginning) or the latest; commit() commits the next offset to read', async () => {
      const topic = await newTopic(2);
      await produce(topic, 2, 20, 'c');
      const groupId = uniqueName(`${prefix}-g-commit`);
      // Committed with Kafka's own tool: the group's offset exists before any member of the driver joins.
      await tool('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', '--bootstrap-server', brokers, '--group', groupId, '--reset-offsets', '--topic', `${topic}:0`, '--to-offset', '7', '--execute');
      const m = member({ groupId, topics: [topic], autoCommit: false, autoResolve: false });
      await m.run();
      await waitFor(() => m.state.read.some((r) => r.partition === 0) && m.state.read.some((r) => r.partition === 1), 15_000, 'both partitions read');
      expect(Math.min(...m.state.read.filter((r) => r.partition === 0).map((r) => r.offset))).toBe(7);
      expect(Math.min(...m.state.read.filter((r) => r.partition === 1).map((r) => r.offset))).toBe(0);
      await m.c.commit([{ topic, partition: 1, offset: 4 }]);
      expect(m.state.events).toContain('committed');
      await m.c.close();
      expect(await brokerCommitted(groupId)).toEqual(new Map([[`${topic}:0`, 7], [`${topic}:1`, 4]]));
      expect(await admin.committedOffsets(groupId, [topic])).toEqual([{ topic, partition: 0, offset: 7 }, { topic, partition: 1, offset: 4 }]);
      const late = member({ groupId: uniqueName(`${prefix}-g-late`), topics: [topic], fromBeginning: false });
      await late.run();
      await waitFor(() => late.state.events.includes('fetched'), 15_000, 'the first fetch');
      await produce(topic, 2, 4, 'late');
      await waitFor(() => late.state.read.length >= 4, 15_000, 'the new records');
      await late.c.close();
      expect(late.state.read.map((r) => r.value).sort()).toEqual(['late-0', 'late-1', 'late-2', 'late-3']);
    }, 60_000);

    it('refuses what it says it cannot do, in one line: assignors it cannot run', () => {
      for (const a of ASSIGNOR_NAMES) {
        const can = driver.capabilities.classicAssignors?.includes(a) ?? true;
        let refused: unknown = null;
        try {
          driver.consumer({ groupId: 'g', topics: ['t'], protocol: 'classic', assignor: ASSIGNORS[a], fromBeginning: true, autoCommit: false, autoResolve: true, restartOnFailure: () => false });
        } catch (e) {
          refused = e;
        }
        if (can) expect(refused, a).toBeNull();
        else expect(isKbenchError(refused) && !(refused as Error).message.includes('\n') && (refused as Error).message.includes(a), `${a}: ${refused}`).toBe(true);
      }
    });

    it('a dead broker address, or one that never answers, fails within connectTimeoutMs with a Kafka or kbench error', async () => {
      const silent: Server = createServer(() => undefined);
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const silentPort = (silent.address() as { port: number }).port;
      try {
        for (const address of ['127.0.0.1:1', `127.0.0.1:${silentPort}`]) {
          const started = Date.now();
          const d = await loadDriver(name, plain({ brokers: [address], connectTimeoutMs: 2000, rideThroughMs: 1000 }));
          const e = await d.admin().then((x) => x.close().then(() => null), (x) => x);
          expect(isKafkaClientError(e) || isKbenchError(e), `${address}: ${e}`).toBe(true);
          expect(Date.now() - started, address).toBeLessThan(2000 + 3000);
          expect(describeError(e), address).toContain(address.split(':')[1]);
        }
      } finally {
        silent.close();
      }
    });

    it('SASL_SSL with SCRAM-SHA-512 and mTLS: admin, produce (end offsets by GetOffsetShell); a wrong password is one line naming authentication, with no secret', async () => {
      const topic = await newTopic(1);
      for (const [address, sec] of [[SASL_SSL, security(SCRAM('admin-test-only'))], [MTLS, security(MTLS_SETTINGS)]] as const) {
        const d = await loadDriver(name, plain({ brokers: [address], security: sec }));
        const a = await d.admin();
        expect(await a.listTopics()).toContain(topic);
        await a.close();
        const p = d.producer({ idempotent: false, lingerMs: 0, batchBytes: 1 << 20, maxInFlight: 1, metadataMaxAgeMs: 30_000 });
        await p.connect(topic);
        await p.send({ topic, acks: 'all', compression: 'none', records: values(5, address).map((value) => ({ key: keyless, value, partition: 0 })) });
        await p.close();
      }
      expect((await brokerEndOffsets(topic)).get(topic)).toEqual([10]);
      const wrong = await loadDriver(name, plain({ brokers: [SASL_SSL], security: security(SCRAM('wrong-admin-test-only')), connectTimeoutMs: 5000 }));
      const started = Date.now();
      const e = await wrong.admin().then((x) => x.close().then(() => null), (x) => x);
      expect(Date.now() - started).toBeLessThan(5000 + 3000);
      expect(isKafkaClientError(e) || isKbenchError(e), String(e)).toBe(true);
      const line = describeError(e);
      expect(line.split('\n')).toHaveLength(1);
      expect(line).toMatch(/authentication/i);
      for (const secret of [...PASSWORDS, 'wrong-admin-test-only']) expect(messages(e)).not.toContain(secret);
    });
  });
}
