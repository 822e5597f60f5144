// Ownership that cannot be fooled, against the real broker: a topic kbench created, then deleted and
// re-created under the same name by Kafka's own TopicCommand, is not kbench's; the topic IDs kbench
// reads with its raw Metadata request are the ones TopicCommand prints, over every version it speaks
// and over SASL_SSL; a damaged registry record, an old one without an ID, a missing or unreadable
// registry all fail safe, each said in one line.
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver, DriverAdmin } from '../../src/drivers/driver.js';
import { fetchTopicIds } from '../../src/drivers/kafkajs/topic-identity.js';
import { loadDriver } from '../../src/drivers/load.js';
import { deleteTopic, describeTopic, listTopics } from '../../src/engines/kafka/admin.js';
import { DEFAULT_REGISTRY, ensureRegistry, type Registry } from '../../src/engines/kafka/registry.js';
import { ERROR_CODES, EXIT, KbenchError } from '../../src/errors.js';
import { kbench } from '../helpers.js';
import { brokers, kafkaTool, ROOT, uniqueName, waitFor } from './helpers.js';

const B = ['--brokers', brokers];
const created: string[] = [];
let kafka: Kafka;
let admin: Admin;
/** kbench's own clients, for the calls under test (kafkajs's above are the independent check). */
let driver: Driver;
let kbenchAdmin: DriverAdmin;

beforeAll(async () => {
  if (!brokers) return;
  kafka = new Kafka({ brokers: [brokers], clientId: 'kbench-test-ownership', logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  driver = await loadDriver('kafkajs', { brokers: [brokers], connectTimeoutMs: 10_000, clientId: 'kbench-test-ownership' });
  kbenchAdmin = await driver.admin();
});

afterAll(async () => {
  if (!brokers) return;
  for (const t of created) await kbench('topic', 'delete', t, '--force', ...B);
  await admin.disconnect();
  await kbenchAdmin.close();
});

const topicCommand = (...args: string[]) => kafkaTool('org.apache.kafka.tools.TopicCommand', '--bootstrap-server', brokers, ...args);
/** The TopicId kafka-topics --describe prints. */
const theirId = (topic: string) => /\bTopicId: (\S+)/.exec(topicCommand('--describe', '--topic', topic))![1];

async function kbenchTopic(partitions = 1): Promise<string> {
  const topic = uniqueName('kbench-own');
  created.push(topic);
  const r = await kbench('topic', 'create', topic, '--partitions', String(partitions), ...B);
  expect(r.code, r.stderr).toBe(0);
  return topic;
}

const describeJson = async (topic: string) => {
  const r = await kbench('topic', 'describe', topic, '--json', ...B);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { topicId: string | null; ownedByKbench: boolean; ownership: string; ownershipNote?: string };
};

/** Exit 2, exactly one `kbench:` line matching `pattern`, no stack. */
function refusedWith(r: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(EXIT.usage);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n').filter(Boolean), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(/^kbench: /);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at |this is a bug/);
}

/** The KbenchError a call throws: one line, exit 2, KBENCH_NOT_OWNED. */
async function notOwnedError(call: Promise<unknown>): Promise<string> {
  const e = await call.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(KbenchError);
  const k = e as KbenchError;
  expect(k.problems).toHaveLength(1);
  expect(k.exitCode).toBe(EXIT.usage);
  expect(k.code).toBe(ERROR_CODES.notOwned);
  return k.message;
}

async function writeRegistryRecord(registry: string, key: string, value: string): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic: registry, acks: -1, messages: [{ key, value }] });
  } finally {
    await producer.disconnect();
  }
}

describe.skipIf(!brokers)('ownership by topic ID', () => {
  it('a topic deleted and re-created with TopicCommand is not kbench\'s: describe says so, delete and alter without --force are refused, the topic stays', async () => {
    const topic = await kbenchTopic(2);
    const before = await describeJson(topic);
    expect(before).toMatchObject({ ownedByKbench: true, ownership: 'owned' }); // (its ID against TopicCommand's: the next test)

    topicCommand('--delete', '--topic', topic);
    await waitFor(async () => !(await admin.listTopics()).includes(topic), 15_000, `${topic} to be deleted`);
    topicCommand('--create', '--topic', topic, '--partitions', '2', '--replication-factor', '1');
    const now = theirId(topic);
    expect(now).not.toBe(before.topicId);

    const after = await describeJson(topic);
    expect(after).toMatchObject({ topicId: now, ownedByKbench: false, ownership: 'recreated' });
    expect(after.ownershipNote).toBe(`not created by kbench: re-created since kbench created a topic of this name: its topic ID is ${now}, kbench recorded ${before.topicId}`);
    const text = await kbench('topic', 'describe', topic, ...B);
    expect(text.stdout.split('\n')[0]).toBe(`Topic ${topic}: 2 partitions, topic ID ${now} (${after.ownershipNote})`);
    const list = JSON.parse((await kbench('topic', 'list', '--json', ...B)).stdout) as { topic: string; ownedByKbench: boolean }[];
    expect(list.find((t) => t.topic === topic)?.ownedByKbench).toBe(false);

    refusedWith(await kbench('topic', 'delete', topic, ...B), new RegExp(`^kbench: topic ${topic} was not created by kbench \\(re-created since kbench created a topic of this name: its topic ID is ${now}, kbench recorded ${before.topicId}\\); refusing to delete it \\(add --force if you mean it\\)\\n$`));
    refusedWith(await kbench('topic', 'alter', topic, '--partitions', '4', ...B), /refusing to alter it \(add --force/);
    // Still there, still the foreign one, still with its 2 partitions.
    expect(await fetchTopicIds(kafka, [topic])).toEqual({ supported: true, ids: new Map([[topic, now]]) });
    expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions).toHaveLength(2);
  });

  it('the raw Metadata request gets TopicCommand\'s topic ID with v10, v11 and v12; capped below v10 it says it cannot', async () => {
    const topic = await kbenchTopic();
    const expected = theirId(topic);
    const missing = uniqueName('no-such-topic');
    for (const v of [10, 11, 12]) {
      const r = await fetchTopicIds(kafka, [topic, missing], { highestVersion: v });
      expect(r, `v${v}`).toEqual({ supported: true, ids: new Map([[topic, expected], [missing, null]]) });
    }
    const old = await fetchTopicIds(kafka, [topic], { highestVersion: 9 });
    expect(old).toEqual({ supported: false, why: expect.stringMatching(/^the broker does not support Metadata v10\+, which carries topic IDs \(it supports v0–v9\)$/) });
  });

  it('over SASL_SSL (SCRAM-SHA-512): the topic ID comes through kafkajs\'s authenticated TLS connection', async () => {
    const port = Number(brokers.split(':')[1]);
    const secrets = join(process.env.KBENCH_KAFKA_DIR ?? join(ROOT, '.kafka'), 'secrets');
    const S = ['--brokers', `127.0.0.1:${port + 2}`, '--command-config', join(secrets, 'client-sasl-ssl.properties')];
    const topic = uniqueName('kbench-own-sasl');
    created.push(topic);
    const c = await kbench('topic', 'create', topic, '--partitions', '1', ...S);
    expect(c.code, c.stderr).toBe(0);
    const r = await kbench('topic', 'describe', topic, '--json', ...S);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ topicId: theirId(topic), ownedByKbench: true });
  });
});

describe.skipIf(!brokers)('a registry that fails safe', () => {
  it('a garbage record and an older kbench\'s record without an ID make only their own topics not kbench\'s', async () => {
    const [garbled, old, fine] = [await kbenchTopic(), await kbenchTopic(), await kbenchTopic()];
    await writeRegistryRecord(DEFAULT_REGISTRY.topic, garbled, '\u0000\u00ff not json');
    await writeRegistryRecord(DEFAULT_REGISTRY.topic, old, JSON.stringify({ createdBy: 'kbench', createdAt: new Date().toISOString() }));

    expect(await describeJson(garbled)).toMatchObject({ ownedByKbench: false, ownership: 'damaged', ownershipNote: 'not treated as created by kbench: its record in kbench.owned-topics is damaged: not JSON' });
    expect(await describeJson(old)).toMatchObject({ ownedByKbench: false, ownership: 'no-id' });
    expect(await describeJson(fine)).toMatchObject({ ownedByKbench: true });

    refusedWith(await kbench('topic', 'delete', garbled, ...B), /^kbench: kbench does not treat topic \S+ as its own \(its record in kbench\.owned-topics is damaged: not JSON\); refusing to delete it \(add --force if you mean it\)\n$/);
    refusedWith(await kbench('topic', 'delete', old, ...B), /\(recorded without a topic ID by an older kbench, so kbench cannot tell it from a topic re-created under its name\); refusing to delete it/);
    expect((await kbench('topic', 'delete', fine, ...B)).code).toBe(0);
    // --force deletes, and its tombstone clears the damaged record along with the topic.
    expect((await kbench('topic', 'delete', garbled, '--force', ...B)).code).toBe(0);
    expect((await admin.listTopics()).includes(old)).toBe(true);
  });

  it('no registry, or one kbench cannot read: kbench owns nothing and says so in one line', async () => {
    // A registry of this test's own (the shared one serves every test on the broker).
    const topic = await kbenchTopic();
    const registry: Registry = { topic: uniqueName('kbench-test-registry'), readTimeoutMs: 30_000 };

    expect(await notOwnedError(deleteTopic(driver, kbenchAdmin, topic, false, { registry })))
      .toBe(`topic ${topic} was not created by kbench (there is no ${registry.topic} on this cluster); refusing to delete it (add --force if you mean it)`);

    await ensureRegistry(kbenchAdmin, registry);
    await writeRegistryRecord(registry.topic, topic, JSON.stringify({ createdBy: 'kbench', topicId: theirId(topic) }));
    expect((await describeTopic(driver, kbenchAdmin, topic, { registry })).ownedByKbench).toBe(true); // the registry itself is sound
    const unreadable: Registry = { ...registry, readTimeoutMs: 0 }; // a read that runs out of time, deterministically
    expect(await notOwnedError(deleteTopic(driver, kbenchAdmin, topic, false, { registry: unreadable })))
      .toBe(`kbench cannot read its registry ${registry.topic} (reading it took longer than 0 s); it treats no topic as its own, so it will not delete ${topic}: add --force if you mean it`);
    const info = await describeTopic(driver, kbenchAdmin, topic, { registry: unreadable });
    expect(info).toMatchObject({ ownedByKbench: false, ownership: 'registry-unreadable' });
    const listed = await listTopics(driver, kbenchAdmin, { registry: unreadable });
    expect(listed.topics.every((t) => !t.ownedByKbench)).toBe(true);
    expect(listed.note).toBe(`kbench cannot read its registry ${registry.topic}: reading it took longer than 0 s; no topic is shown as created by kbench`);
    expect((await admin.listTopics()).includes(topic)).toBe(true);
    await admin.deleteTopics({ topics: [registry.topic] });
  });
});
