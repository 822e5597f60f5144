// The topics workers and coordinators talk through. All are kbench's own: created by kbench and
// recorded in its registry like a run's topic. The control topic stays (every run announces itself
// there, and it keeps an hour of history); a run's slices and results topics go with the run.
import type { Admin, Kafka } from 'kafkajs';
import { awaitLeaders, retrying } from '../client.js';
import { markOwned, unmarkOwned } from '../registry.js';
import { CONTROL_TOPIC } from './wire.js';

async function createOwned(kafka: Kafka, admin: Admin, topic: string, partitions: number, config: Record<string, string>, deadline: number): Promise<void> {
  let created = false;
  await retrying(async () => {
    try {
      await admin.createTopics({
        waitForLeaders: false,
        topics: [{ topic, numPartitions: partitions, replicationFactor: -1, configEntries: Object.entries(config).map(([name, value]) => ({ name, value })) }],
      });
      created = true;
    } catch (e) {
      // Another worker or coordinator created it first: it is kbench's all the same.
      if ((e as { type?: string })?.type !== 'TOPIC_ALREADY_EXISTS' && !(e as { errors?: { type?: string }[] })?.errors?.every((x) => x?.type === 'TOPIC_ALREADY_EXISTS')) throw e;
    }
  }, deadline);
  await awaitLeaders(admin, topic, partitions, deadline);
  if (created) await markOwned(kafka, admin, topic, deadline);
}

export async function ensureControlTopic(kafka: Kafka, admin: Admin, deadline: number): Promise<void> {
  if ((await admin.listTopics()).includes(CONTROL_TOPIC)) return;
  await createOwned(kafka, admin, CONTROL_TOPIC, 1, { 'retention.ms': String(3_600_000) }, deadline);
}

/** A run's slices or results topic: one partition per worker. */
export const createRunTopic = (kafka: Kafka, admin: Admin, topic: string, workers: number, deadline: number) =>
  createOwned(kafka, admin, topic, workers, { 'retention.ms': String(24 * 3_600_000) }, deadline);

export async function deleteRunTopics(kafka: Kafka, admin: Admin, topics: string[], groups: string[]): Promise<void> {
  await admin.deleteGroups(groups).catch(() => undefined);
  const existing = new Set(await admin.listTopics());
  const mine = topics.filter((t) => existing.has(t));
  if (mine.length === 0) return;
  await admin.deleteTopics({ topics: mine, timeout: 10_000 });
  for (const t of mine) await unmarkOwned(kafka, admin, t);
}
