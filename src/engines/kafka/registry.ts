// Which topics kbench created. Kafka has no free-form topic metadata, so kbench keeps a small
// compacted topic, `kbench.owned-topics`, with one record per topic it created (key = topic name,
// value = JSON with the topic's Kafka topic ID) and a tombstone when it deletes one. A name alone
// proves nothing (anyone may delete a topic and re-create it under the same name), so ownership is
// decided in ownership.ts from a record here AND the topic's current ID on the broker.
//
// Reading is fail-safe: a registry that is missing or cannot be read means "kbench owns nothing",
// said as such; a record that cannot be decoded withdraws ownership from its own topic only (it can
// never grant any: that takes a well-formed record whose ID matches the broker's).
import { randomUUID } from 'node:crypto';
import type { Driver, DriverAdmin } from '../../drivers/driver.js';
import { describeError, isRetriable, KafkaClientError, kafkaErrorName, retrying, withTimeout } from '../../drivers/errors.js';
import { CLIENT_PROFILES } from '../../partitioners/profiles.js';
import { awaitLeaders } from './await-leaders.js';

export const REGISTRY_TOPIC = 'kbench.owned-topics';

/** Where the registry is and how long reading it may take; tests point it at a topic of their own. */
export interface Registry {
  topic: string;
  readTimeoutMs: number;
}
export const DEFAULT_REGISTRY: Registry = { topic: REGISTRY_TOPIC, readTimeoutMs: 30_000 };

/** One topic's latest record: the ID kbench recorded, none (an older kbench wrote no ID), or
 * something kbench cannot decode. */
export type RegistryRecord = { kind: 'id'; topicId: string } | { kind: 'no-id' } | { kind: 'damaged'; why: string };

export type RegistryView =
  | { state: 'read'; records: Map<string, RegistryRecord> }
  | { state: 'missing' }
  | { state: 'unreadable'; why: string };

/** Kafka's text form of a topic ID: 16 bytes as URL-safe base64 without padding. */
const TOPIC_ID = /^[A-Za-z0-9_-]{21}[AQgw]$/;

/** A registry value as kbench writes it. */
export function encodeRecord(topicId: string, createdAt: Date = new Date()): string {
  return JSON.stringify({ createdBy: 'kbench', createdAt: createdAt.toISOString(), topicId });
}

export function parseRecord(value: Buffer): RegistryRecord {
  let v: unknown;
  try {
    v = JSON.parse(value.toString('utf8'));
  } catch {
    return { kind: 'damaged', why: 'not JSON' };
  }
  if (typeof v !== 'object' || v === null || (v as { createdBy?: unknown }).createdBy !== 'kbench') return { kind: 'damaged', why: 'not a record kbench wrote' };
  const topicId = (v as { topicId?: unknown }).topicId;
  if (topicId === undefined) return { kind: 'no-id' };
  if (typeof topicId !== 'string' || !TOPIC_ID.test(topicId)) return { kind: 'damaged', why: 'its topicId is not a Kafka topic ID' };
  return { kind: 'id', topicId };
}

async function registryExists(admin: DriverAdmin, registry: Registry): Promise<boolean> {
  return (await admin.listTopics()).includes(registry.topic);
}

export async function ensureRegistry(admin: DriverAdmin, registry: Registry = DEFAULT_REGISTRY): Promise<void> {
  if (await registryExists(admin, registry)) return;
  await admin
    .createTopics([{ topic: registry.topic, partitions: 1, replicationFactor: -1, configs: { 'cleanup.policy': 'compact' } }])
    .catch((e: unknown) => {
      if (kafkaErrorName(e) !== 'TOPIC_ALREADY_EXISTS') throw e;
    });
  try {
    await awaitLeaders(admin, registry.topic, 1, Date.now() + 10_000);
  } catch (e) {
    if (!isRetriable(e)) throw e;
    throw new Error(`the registry topic ${registry.topic} has no leader 10 s after it was created`, { cause: e });
  }
}

/** Writes `topic`'s record (null: a tombstone) where Java's default partitioner puts its key, so the
 * compacted registry keeps one partition per key whatever client wrote it before. */
async function write(driver: Driver, registry: Registry, topic: string, value: string | null): Promise<void> {
  const producer = driver.producer({ idempotent: true, maxInFlight: 1, metadataMaxAgeMs: 300_000, lingerMs: 0, batchBytes: 16_384 });
  try {
    await producer.connect(registry.topic);
    const key = Buffer.from(topic);
    const partition = CLIENT_PROFILES.java.partitionForKey(key, producer.partitionCount(registry.topic));
    const record = { key, value: value === null ? null : Buffer.from(value), partition };
    await producer.send({ topic: registry.topic, acks: 'all', compression: 'none', records: [record] });
  } finally {
    await producer.close();
  }
}

export type MarkOutcome = { recorded: true; topicId: string } | { recorded: false; why: string };

/** Records `topic`, which kbench has just created, with its current topic ID. A broker that cannot
 * tell topic IDs gets no record (one without an ID would never count as kbench's anyway). The
 * broker may not list a topic for a moment after creating it: that is waited for until `deadline`. */
export async function markOwned(driver: Driver, admin: DriverAdmin, topic: string, deadline: number, registry: Registry = DEFAULT_REGISTRY): Promise<MarkOutcome> {
  const ids = await retrying(async () => {
    const r = await admin.topicIds([topic]);
    if (r.supported && !r.ids.get(topic)) {
      throw new KafkaClientError({ message: `the broker does not list ${topic} yet`, type: 'UNKNOWN_TOPIC_OR_PARTITION', kind: 'unavailable', retriable: true });
    }
    return r;
  }, deadline);
  if (!ids.supported) return { recorded: false, why: ids.why };
  const topicId = ids.ids.get(topic)!;
  await ensureRegistry(admin, registry);
  await write(driver, registry, topic, encodeRecord(topicId));
  return { recorded: true, topicId };
}

/** Tombstones `topic`'s record after kbench deleted the topic. Best effort: a stale record can never
 * match a later topic's ID, so failing here leaves nothing unsafe (and a missing registry is not
 * created just to hold a tombstone). */
export async function unmarkOwned(driver: Driver, admin: DriverAdmin, topic: string, registry: Registry = DEFAULT_REGISTRY): Promise<void> {
  try {
    if (await registryExists(admin, registry)) await write(driver, registry, topic, null);
  } catch {
    // see above
  }
}

/** Every topic's latest record, read from the start of the registry to its current end; or why it
 * cannot be had. Never throws. */
export async function readRegistry(driver: Driver, admin: DriverAdmin, registry: Registry = DEFAULT_REGISTRY): Promise<RegistryView> {
  try {
    if (!(await registryExists(admin, registry))) return { state: 'missing' };
    return { state: 'read', records: await readRecords(driver, admin, registry) };
  } catch (e) {
    return { state: 'unreadable', why: describeError(e) };
  }
}

async function readRecords(driver: Driver, admin: DriverAdmin, registry: Registry): Promise<Map<string, RegistryRecord>> {
  // Every step is bounded by one deadline (a step with no time left is not started), and the
  // consumer is always closed (a read that timed out must not leave a consumer running).
  const deadline = Date.now() + registry.readTimeoutMs;
  const tooLong = `reading it took longer than ${registry.readTimeoutMs / 1000} s`;
  const bounded = <T>(step: () => Promise<T>): Promise<T> => {
    const left = deadline - Date.now();
    return left > 0 ? withTimeout(step(), left, tooLong) : Promise.reject(new Error(tooLong));
  };
  const ends = await bounded(() => admin.endOffsets(registry.topic));
  const target = new Map(ends.map((o) => [o.partition, o.high]));
  const latest = new Map<string, Buffer | null>();
  if ([...target.values()].some((h) => h > 0)) {
    const groupId = `kbench-registry-reader-${randomUUID()}`;
    const consumer = driver.consumer({
      groupId, topics: [registry.topic], protocol: 'classic', fromBeginning: true, autoCommit: false, autoResolve: true,
      restartOnFailure: (e) => isRetriable(e),
    });
    try {
      // Joining, subscribing and reading to the end are one step: the consumer's run() does all three.
      await bounded(() => new Promise<void>((resolve, reject) => {
        const remaining = new Map(target);
        const check = () => { if ([...remaining.values()].every((h) => h <= 0)) resolve(); };
        // A consumer that cannot go on (records it cannot decode, a denied read) crashes: that ends
        // the read at once instead of at the deadline.
        consumer.on('crashed', (error) => reject(error));
        consumer
          .run(async ({ partition, records }) => {
            for (const r of records) {
              if (r.key) latest.set(r.key.toString(), r.value);
              remaining.set(partition, (target.get(partition) ?? 0) - r.offset - 1);
              check();
            }
          })
          .catch(reject);
      }));
    } finally {
      await withTimeout(consumer.close(), 5000, 'disconnect timed out').catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  }
  const records = new Map<string, RegistryRecord>();
  for (const [topic, value] of latest) if (value !== null) records.set(topic, parseRecord(value));
  return records;
}
