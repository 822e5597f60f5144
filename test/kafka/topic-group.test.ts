// The everyday Kafka tasks, checked against Kafka's own tools (TopicCommand, ConsumerGroupCommand)
// from the same jars as the broker.
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { partitionKeys } from '../../src/cli/commands/partition.js';
import { CLIENT_NAMES } from '../../src/partitioners/profiles.js';
import { kbench } from '../helpers.js';
import { brokers, kafkaTool, uniqueName, waitFor } from './helpers.js';

const created: string[] = [];
const B = ['--brokers', brokers];

afterAll(async () => {
  for (const t of created) await kbench('topic', 'delete', t, '--force', ...B);
});

async function createTopic(partitions: number): Promise<string> {
  const topic = uniqueName('kbench-test');
  created.push(topic);
  const r = await kbench('topic', 'create', topic, '--partitions', String(partitions), ...B);
  expect(r.code).toBe(0);
  return topic;
}

/** `Topic: t  Partition: 0  Leader: 1  Replicas: 1  Isr: 1` lines of TopicCommand --describe. */
function parseTopicCommand(out: string) {
  return out.split('\n').filter((l) => /\bPartition: \d+/.test(l)).map((l) => {
    const field = (name: string) => new RegExp(`${name}: ([^\\t]*)`).exec(l)![1].trim();
    return { partition: Number(field('Partition')), leader: Number(field('Leader')), replicas: field('Replicas').split(',').map(Number), isr: field('Isr').split(',').map(Number) };
  }).sort((a, b) => a.partition - b.partition);
}

/** The table of ConsumerGroupCommand --describe, as rows keyed by its column names. */
function parseGroupCommand(out: string): Record<string, string>[] {
  const lines = out.split('\n').filter((l) => l.trim() !== '');
  const head = lines.findIndex((l) => l.startsWith('GROUP'));
  const cols = lines[head].trim().split(/\s+/);
  return lines.slice(head + 1).map((l) => Object.fromEntries(l.trim().split(/\s+/).map((v, i) => [cols[i], v])));
}

describe.skipIf(!brokers)('topics', () => {
  it('create, then describe agrees with TopicCommand; earliest/latest offsets follow what was produced', async () => {
    const topic = await createTopic(4);
    expect((await kbench('produce', '--topic', topic, '--key', 'user_id', '--messages', '20', ...B)).code).toBe(0);
    const mine = JSON.parse((await kbench('topic', 'describe', topic, '--json', ...B)).stdout);
    expect(mine.ownedByKbench).toBe(true);
    const theirs = parseTopicCommand(kafkaTool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--describe', '--topic', topic));
    expect(mine.partitions.map(({ partition, leader, replicas, isr }: never) => ({ partition, leader, replicas, isr }))).toEqual(theirs);
    const total = mine.partitions.reduce((s: number, p: { latestOffset: string }) => s + Number(p.latestOffset), 0);
    expect(total).toBe(20);
    expect(mine.partitions.every((p: { earliestOffset: string }) => p.earliestOffset === '0')).toBe(true);
  });

  it('alter adds partitions; asking to decrease is a clear error', async () => {
    const topic = await createTopic(3);
    const down = await kbench('topic', 'alter', topic, '--partitions', '2', ...B);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/^kbench: topic .* has 3 partitions; Kafka cannot decrease a partition count/);
    expect((await kbench('topic', 'alter', topic, '--partitions', '6', ...B)).code).toBe(0);
    expect(parseTopicCommand(kafkaTool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--describe', '--topic', topic))).toHaveLength(6);
  });

  it('never alters or deletes a topic kbench did not create, unless --force', async () => {
    const foreign = uniqueName('not-kbench');
    kafkaTool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--create', '--topic', foreign, '--partitions', '2', '--replication-factor', '1');
    const del = await kbench('topic', 'delete', foreign, ...B);
    expect(del.code).toBe(2);
    expect(del.stderr).toMatch(/was not created by kbench; refusing to delete it \(add --force/);
    const alter = await kbench('topic', 'alter', foreign, '--partitions', '4', ...B);
    expect(alter.code).toBe(2);
    expect(kafkaTool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--list')).toContain(foreign);
    expect((await kbench('topic', 'delete', foreign, '--force', ...B)).code).toBe(0);
    await waitFor(() => !kafkaTool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, '--list').split('\n').includes(foreign), 20_000, 'deletion');
  });

  it('delete and re-create a topic kbench made', async () => {
    const topic = await createTopic(2);
    expect((await kbench('topic', 'delete', topic, ...B)).code).toBe(0);
    await waitFor(async () => !JSON.parse((await kbench('topic', 'list', '--json', ...B)).stdout).some((t: { topic: string }) => t.topic === topic), 20_000, 'deletion');
    expect((await kbench('topic', 'create', topic, '--partitions', '5', ...B)).code).toBe(0);
    const list = JSON.parse((await kbench('topic', 'list', '--json', ...B)).stdout);
    expect(list.find((t: { topic: string }) => t.topic === topic)).toEqual({ topic, partitions: 5, ownedByKbench: true });
  });
});

describe.skipIf(!brokers)('where records land', () => {
  it('for every record, the broker stored it in the partition `kbench partition` predicts, for every client profile', async () => {
    for (const client of CLIENT_NAMES) {
      const topic = await createTopic(7); // not a power of two: platformatic's unsigned hash differs from Java's here
      const produced = JSON.parse((await kbench('produce', '--topic', topic, '--key', 'user_id', '--messages', '200', '--client', client, '--json', ...B)).stdout) as { key: string; partition: number; offset: number }[];
      const predicted = partitionKeys(produced.map((r) => r.key), 7, [client]);
      expect(produced.map((r) => r.partition)).toEqual(predicted.map((p) => p.partition));
      // …and the broker agrees: read everything back and compare partition by (key, offset).
      const group = uniqueName('kbench-test-group');
      const consumed = JSON.parse((await kbench('consume', '--topic', topic, '--group', group, '--from-beginning', '--messages', '200', '--idle', '10s', '--json', ...B)).stdout) as { partition: number; offset: number; key: string }[];
      expect(consumed).toHaveLength(200);
      const stored = new Map(consumed.map((c) => [`${c.partition}:${c.offset}`, c.key]));
      for (const r of produced) expect(stored.get(`${r.partition}:${r.offset}`)).toBe(r.key);
    }
  }, 120_000);

  it('--partition n sends everything to n', async () => {
    const topic = await createTopic(3);
    const rows = JSON.parse((await kbench('produce', '--topic', topic, '--messages', '30', '--partition', '2', '--json', ...B)).stdout);
    expect(new Set(rows.map((r: { partition: number }) => r.partition))).toEqual(new Set([2]));
  });
});

describe.skipIf(!brokers)('consumer groups', () => {
  it('group delete removes an empty group (checked with Kafka\'s own tool) and says so when there is none', async () => {
    const topic = await createTopic(1);
    expect((await kbench('produce', '--topic', topic, '--messages', '5', ...B)).code).toBe(0);
    const group = uniqueName('kbench-test-delete');
    expect((await kbench('consume', '--topic', topic, '--group', group, '--from-beginning', '--messages', '5', '--idle', '10s', '--json', ...B)).code).toBe(0);
    const listed = () => kafkaTool('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', '--bootstrap-server', brokers, '--list').split('\n');
    expect(listed()).toContain(group);
    const r = await kbench('group', 'delete', group, ...B);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Deleted consumer group ${group}\n`);
    expect(listed()).not.toContain(group);
    const again = await kbench('group', 'delete', group, ...B);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`kbench: there is no consumer group ${group}\n`);
  });

  it('describe matches ConsumerGroupCommand: offsets, log-end offsets, lag, and owners of a live group', async () => {
    const topic = await createTopic(3);
    expect((await kbench('produce', '--topic', topic, '--key', 'country', '--messages', '60', ...B)).code).toBe(0);
    const group = uniqueName('kbench-test-group');
    // Read 25 records and commit, then produce 15 more so there is lag.
    expect((await kbench('consume', '--topic', topic, '--group', group, '--from-beginning', '--messages', '25', '--idle', '10s', '--json', ...B)).code).toBe(0);
    expect((await kbench('produce', '--topic', topic, '--key', 'country', '--messages', '15', ...B)).code).toBe(0);

    const compare = async () => {
      const mine = JSON.parse((await kbench('group', 'describe', group, '--json', ...B)).stdout);
      const theirs = parseGroupCommand(kafkaTool('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', '--bootstrap-server', brokers, '--describe', '--group', group));
      const dash = (v: unknown) => (v === null ? '-' : String(v));
      expect(mine.partitions.map((r: Record<string, unknown>) => ({
        GROUP: r.group, TOPIC: r.topic, PARTITION: String(r.partition), 'CURRENT-OFFSET': dash(r.currentOffset),
        'LOG-END-OFFSET': String(r.logEndOffset), LAG: dash(r.lag), 'CONSUMER-ID': dash(r.consumerId), HOST: dash(r.host), 'CLIENT-ID': dash(r.clientId),
      }))).toEqual(theirs.sort((a, b) => Number(a.PARTITION) - Number(b.PARTITION)));
      return mine;
    };
    const idle = await compare();
    // The group committed exactly the 25 records it read (partitions it never read have no row, as in Kafka's tool).
    expect(idle.partitions.reduce((s: number, r: { currentOffset: number }) => s + r.currentOffset, 0)).toBe(25);

    // With a member running, both tools name the same owner, host and client id.
    const kafka = new Kafka({ brokers: [brokers], clientId: 'kbench-test-owner', logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: group, heartbeatInterval: 500 });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => { joined = true; });
    await consumer.connect();
    await consumer.subscribe({ topic });
    await consumer.run({ autoCommit: false, eachMessage: async () => { await consumer.pause([{ topic }]); } });
    try {
      await waitFor(() => joined, 30_000, 'the consumer to join');
      const live = await compare();
      expect(live.partitions.every((r: { clientId: string }) => r.clientId === 'kbench-test-owner')).toBe(true);
    } finally {
      await consumer.disconnect();
    }
    const list = JSON.parse((await kbench('group', 'list', '--json', ...B)).stdout);
    expect(list.map((g: { groupId: string }) => g.groupId)).toContain(group);
  }, 90_000);

  it('a group that does not exist is a clear error', async () => {
    const r = await kbench('group', 'describe', uniqueName('no-such-group'), ...B);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kbench: consumer group .* does not exist/);
  });
});
