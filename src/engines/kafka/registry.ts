// Which topics kbench created. Kafka has no free-form topic metadata, so kbench keeps a small
// compacted topic, `kbench.owned-topics`, with one record per topic it created (key = topic name)
// and a tombstone when it deletes one. kbench alters or deletes a topic only if it is listed there,
// unless the user says --force.
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { awaitLeaders, isRetriable, withTimeout } from './client.js';

export const REGISTRY_TOPIC = 'kbench.owned-topics';

export async function ensureRegistry(admin: Admin): Promise<void> {
  const topics = await admin.listTopics();
  if (topics.includes(REGISTRY_TOPIC)) return;
  await admin
    .createTopics({
      waitForLeaders: false,
      topics: [{ topic: REGISTRY_TOPIC, numPartitions: 1, replicationFactor: -1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    })
    .catch((e: { type?: string }) => {
      if (e?.type !== 'TOPIC_ALREADY_EXISTS') throw e;
    });
  try {
    await awaitLeaders(admin, REGISTRY_TOPIC, 1, Date.now() + 10_000);
  } catch (e) {
    if (!isRetriable(e)) throw e;
    throw new Error(`the registry topic ${REGISTRY_TOPIC} has no leader 10 s after it was created`, { cause: e });
  }
}

async function write(kafka: Kafka, admin: Admin, topic: string, value: string | null): Promise<void> {
  await ensureRegistry(admin);
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true });
  await producer.connect();
  try {
    await producer.send({ topic: REGISTRY_TOPIC, acks: -1, messages: [{ key: topic, value }] });
  } finally {
    await producer.disconnect();
  }
}

export async function markOwned(kafka: Kafka, admin: Admin, topic: string): Promise<void> {
  await write(kafka, admin, topic, JSON.stringify({ createdBy: 'kbench', createdAt: new Date().toISOString() }));
}

export async function unmarkOwned(kafka: Kafka, admin: Admin, topic: string): Promise<void> {
  await write(kafka, admin, topic, null);
}

/** The set of topics kbench created, read from the start of the registry to its current end. */
export async function ownedTopics(kafka: Kafka, admin: Admin): Promise<Set<string>> {
  const topics = await admin.listTopics();
  if (!topics.includes(REGISTRY_TOPIC)) return new Set();
  const ends = await admin.fetchTopicOffsets(REGISTRY_TOPIC);
  const target = new Map(ends.map((o) => [o.partition, BigInt(o.high)]));
  const owned = new Map<string, boolean>();
  if ([...target.values()].every((h) => h === 0n)) return new Set();
  const groupId = `kbench-registry-reader-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: REGISTRY_TOPIC, fromBeginning: true });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const remaining = new Map(target);
        const check = () => { if ([...remaining.values()].every((h) => h <= 0n)) resolve(); };
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              if (message.key) owned.set(message.key.toString(), message.value !== null);
              remaining.set(partition, (target.get(partition) ?? 0n) - BigInt(message.offset) - 1n);
              check();
            },
          })
          .catch(reject);
      }),
      30_000,
      `could not read ${REGISTRY_TOPIC} within 30 s`,
    );
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return new Set([...owned].filter(([, alive]) => alive).map(([t]) => t));
}
