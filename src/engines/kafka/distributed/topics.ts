// The topics workers and coordinators talk through. All are kbench's own: created by kbench and
// recorded in its registry like a run's topic. The control topic stays (every run announces itself
// there, and it keeps an hour of history); a run's slices and results topics go with the run.
import type { Driver, DriverAdmin } from '../../../drivers/driver.js';
import { kafkaErrorName, retrying } from '../../../drivers/errors.js';
import { awaitLeaders } from '../await-leaders.js';
import { markOwned, unmarkOwned } from '../registry.js';
import { CONTROL_TOPIC } from './wire.js';

async function createOwned(driver: Driver, admin: DriverAdmin, topic: string, partitions: number, configs: Record<string, string>, deadline: number): Promise<void> {
  let created = false;
  await retrying(async () => {
    try {
      await admin.createTopics([{ topic, partitions, replicationFactor: -1, configs }]);
      created = true;
    } catch (e) {
      // Another worker or coordinator created it first: it is kbench's all the same.
      const errors = (e as { errors?: { type?: string }[] } | null)?.errors;
      if (kafkaErrorName(e) !== 'TOPIC_ALREADY_EXISTS' && !errors?.every((x) => x?.type === 'TOPIC_ALREADY_EXISTS')) throw e;
    }
  }, deadline);
  await awaitLeaders(admin, topic, partitions, deadline);
  if (created) await markOwned(driver, admin, topic, deadline);
}

export async function ensureControlTopic(driver: Driver, admin: DriverAdmin, deadline: number): Promise<void> {
  if ((await admin.listTopics()).includes(CONTROL_TOPIC)) return;
  await createOwned(driver, admin, CONTROL_TOPIC, 1, { 'retention.ms': String(3_600_000) }, deadline);
}

/** A run's slices or results topic: one partition per worker. */
export const createRunTopic = (driver: Driver, admin: DriverAdmin, topic: string, workers: number, deadline: number) =>
  createOwned(driver, admin, topic, workers, { 'retention.ms': String(24 * 3_600_000) }, deadline);

export async function deleteRunTopics(driver: Driver, admin: DriverAdmin, topics: string[], groups: string[]): Promise<void> {
  await admin.deleteGroups(groups).catch(() => undefined);
  const existing = new Set(await admin.listTopics());
  const mine = topics.filter((t) => existing.has(t));
  if (mine.length === 0) return;
  await admin.deleteTopics(mine, 10_000);
  for (const t of mine) await unmarkOwned(driver, admin, t);
}
