// Everyday Kafka tasks through the admin API: topics (create, alter, delete, describe, list) and
// consumer groups (list, describe with offsets, lag and owners). Returns data; the CLI renders it.
import type { Driver, DriverAdmin, PartitionOffsets } from '../../drivers/driver.js';
import { describeError, retrying } from '../../drivers/errors.js';
import { ERROR_CODES, KbenchError, runError, usageError } from '../../errors.js';
import { awaitLeaders } from './await-leaders.js';
import { currentTopicIds, ownershipNote, ownershipOf, ownershipReason, refusal, type Ownership } from './ownership.js';
import { DEFAULT_REGISTRY, markOwned, unmarkOwned, type Registry } from './registry.js';

export interface TopicPartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  earliestOffset: string;
  latestOffset: string;
}

export interface TopicInfo {
  topic: string;
  /** Kafka's topic ID, as kafka-topics --describe prints it; null when the broker cannot tell. */
  topicId: string | null;
  partitions: TopicPartitionInfo[];
  /** Created by kbench: recorded in its registry with the topic's current topic ID. */
  ownedByKbench: boolean;
  /** The verdict's kind ('owned', 'not-recorded', 'recreated', 'no-id', …: see ownership.ts). */
  ownership: Ownership['kind'];
  /** Why kbench does not count the topic as its own, when there is more to say than "it did not
   * create it". */
  ownershipNote?: string;
}

/** Where the admin tasks find kbench's registry; tests give a registry of their own. */
export interface AdminOptions {
  registry?: Registry;
}

async function exists(admin: DriverAdmin, topic: string): Promise<boolean> {
  return (await admin.listTopics()).includes(topic);
}

function kafkaFailure(action: string, e: unknown): Error {
  // createTopics' per-topic errors come gathered in one error (`errors`), whose own type is unset.
  const type = (e as { type?: string })?.type ?? (e as { errors?: { type?: string }[] })?.errors?.[0]?.type;
  if (type === 'TOPIC_ALREADY_EXISTS') return usageError(`${action}: the topic already exists`);
  if (type === 'INVALID_PARTITIONS' || type === 'INVALID_REPLICATION_FACTOR' || type === 'INVALID_TOPIC_EXCEPTION') {
    return usageError(`${action}: ${describeError(e)}`, ERROR_CODES.usage, e);
  }
  return runError(`${action}: ${describeError(e)}`, e);
}

/** Creates the topic and records it as kbench's. Resolves to a note when it could not be recorded
 * (the broker cannot tell topic IDs): the topic then needs --force to be altered or deleted. */
export async function createTopic(driver: Driver, admin: DriverAdmin, topic: string, partitions: number, replicationFactor: number, connectTimeoutMs: number, o: AdminOptions = {}): Promise<{ note: string | null }> {
  const registry = o.registry ?? DEFAULT_REGISTRY;
  if (topic === registry.topic) throw usageError(`${registry.topic} is kbench's own registry; choose another name`);
  if (await exists(admin, topic)) throw usageError(`topic ${topic} already exists; use kbench topic alter or pick another name`);
  // As for a run's own topic (topic-lease.ts): a cluster still getting ready (a freshly formatted
  // broker on a busy machine) is waited for within the connect timeout, not reported at once, and
  // a client library's own wait for leaders (kafkajs's retries only LEADER_NOT_AVAILABLE) is not used.
  const deadline = Date.now() + connectTimeoutMs;
  let created = false;
  try {
    // createTopics answers `false` instead of failing when the topic already exists: someone created
    // it since the check above, and it must not be recorded as kbench's. (An attempt that timed out
    // after the broker created the topic also ends here: unrecorded, which is the safe side.)
    const made = await retrying(() => admin.createTopics([{ topic, partitions, replicationFactor }]), deadline);
    if (!made) throw usageError(`topic ${topic} already exists (created by someone else just now); kbench has not recorded it as its own`);
    created = true;
    await awaitLeaders(admin, topic, partitions, deadline);
  } catch (e) {
    if (created) throw runError(`created topic ${topic}, but its partitions got no leader within ${connectTimeoutMs / 1000} s: ${describeError(e)}`, e);
    if (e instanceof KbenchError) throw e;
    throw kafkaFailure(`cannot create topic ${topic}`, e);
  }
  let marked;
  try {
    marked = await retrying(() => markOwned(driver, admin, topic, deadline, registry), deadline);
  } catch (e) {
    throw runError(`created topic ${topic}, but cannot record it as kbench's in ${registry.topic}: ${describeError(e)}; it needs --force to be altered or deleted`, e);
  }
  return { note: marked.recorded ? null : `topic ${topic} is not recorded as kbench's: ${marked.why}; it needs --force to be altered or deleted` };
}

/** Refuses to touch a topic kbench did not create, unless forced. */
async function assertMayModify(driver: Driver, admin: DriverAdmin, topic: string, force: boolean, verb: string, registry: Registry): Promise<void> {
  if (!(await exists(admin, topic))) throw usageError(`topic ${topic} does not exist (kbench topic list shows the topics)`);
  if (force) return;
  const verdict = (await ownershipOf(driver, admin, [topic], registry)).get(topic)!;
  if (verdict.kind !== 'owned') throw refusal(topic, verb, verdict, registry);
}

export async function alterTopicPartitions(driver: Driver, admin: DriverAdmin, topic: string, partitions: number, force: boolean, o: AdminOptions = {}): Promise<{ from: number; to: number }> {
  await assertMayModify(driver, admin, topic, force, 'alter', o.registry ?? DEFAULT_REGISTRY);
  const current = (await admin.topicMetadata([topic]))[0].partitions.length;
  if (partitions < current) {
    throw usageError(`topic ${topic} has ${current} partitions; Kafka cannot decrease a partition count (only increase it, or delete and re-create the topic)`);
  }
  if (partitions === current) throw usageError(`topic ${topic} already has ${current} partitions`);
  try {
    await admin.createPartitions(topic, partitions);
  } catch (e) {
    throw kafkaFailure(`cannot add partitions to ${topic}`, e);
  }
  return { from: current, to: partitions };
}

export async function deleteTopic(driver: Driver, admin: DriverAdmin, topic: string, force: boolean, o: AdminOptions = {}): Promise<void> {
  const registry = o.registry ?? DEFAULT_REGISTRY;
  if (topic === registry.topic && !force) throw usageError(`${registry.topic} is kbench's registry; delete it only with --force`, ERROR_CODES.notOwned);
  await assertMayModify(driver, admin, topic, force, 'delete', registry);
  try {
    await admin.deleteTopics([topic], 30_000);
  } catch (e) {
    throw kafkaFailure(`cannot delete topic ${topic}`, e);
  }
  if (topic !== registry.topic) await unmarkOwned(driver, admin, topic, registry);
}

export async function describeTopic(driver: Driver, admin: DriverAdmin, topic: string, o: AdminOptions = {}): Promise<TopicInfo> {
  const registry = o.registry ?? DEFAULT_REGISTRY;
  if (!(await exists(admin, topic))) throw usageError(`topic ${topic} does not exist (kbench topic list shows the topics)`);
  const meta = (await admin.topicMetadata([topic]))[0];
  const offsets = await admin.endOffsets(topic);
  const byPartition = new Map<number, PartitionOffsets>(offsets.map((o) => [o.partition, o]));
  const ids = await currentTopicIds(admin, [topic]);
  const verdict = (await ownershipOf(driver, admin, [topic], registry, ids)).get(topic)!;
  const note = ownershipNote(verdict, registry);
  return {
    topic,
    topicId: ids.supported ? (ids.ids.get(topic) ?? null) : null,
    ownedByKbench: verdict.kind === 'owned',
    ownership: verdict.kind,
    ...(note ? { ownershipNote: note } : {}),
    partitions: meta.partitions
      .map((p) => {
        // TopicInfo's offsets are text ('-' where the broker gave none), as its JSON always had them.
        const o = byPartition.get(p.partition);
        return {
          partition: p.partition,
          leader: p.leader,
          replicas: [...p.replicas],
          isr: [...p.isr],
          earliestOffset: o ? String(o.low) : '-',
          latestOffset: o ? String(o.high) : '-',
        };
      })
      .sort((a, b) => a.partition - b.partition),
  };
}

/** Every topic but Kafka's internal ones, with whether kbench created it; `note` says, once for the
 * whole list, that ownership could not be judged at all (kbench cannot read its registry). */
export async function listTopics(driver: Driver, admin: DriverAdmin, o: AdminOptions = {}): Promise<{ topics: TopicListing[]; note: string | null }> {
  const registry = o.registry ?? DEFAULT_REGISTRY;
  const names = (await admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
  if (names.length === 0) return { topics: [], note: null };
  const meta = await admin.topicMetadata(names);
  const verdicts = await ownershipOf(driver, admin, names, registry);
  const count = new Map(meta.map((t) => [t.topic, t.partitions.length]));
  const whole = [...verdicts.values()].find((v) => v.kind === 'registry-unreadable');
  return {
    topics: names.map((topic) => ({ topic, partitions: count.get(topic) ?? 0, ownedByKbench: verdicts.get(topic)!.kind === 'owned' })),
    note: whole?.kind === 'registry-unreadable' ? `${ownershipReason(whole, registry)}; no topic is shown as created by kbench` : null,
  };
}

export interface TopicListing {
  topic: string;
  partitions: number;
  ownedByKbench: boolean;
}

export interface GroupRow {
  group: string;
  topic: string;
  partition: number;
  currentOffset: number | null;
  logEndOffset: number;
  lag: number | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

export async function listGroups(admin: DriverAdmin): Promise<{ groupId: string; protocolType: string }[]> {
  const groups = await admin.listGroups();
  return groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType })).sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
}

/** The rows of `kafka-consumer-groups --describe`: one per partition the group owns or has offsets on. */
export async function describeGroup(admin: DriverAdmin, groupId: string): Promise<{ state: string; rows: GroupRow[] }> {
  const g = await admin.describeGroup(groupId);
  const committed = await admin.committedOffsets(groupId);
  if ((!g || g.state === 'Dead') && committed.every((p) => p.offset === -1)) {
    throw usageError(`consumer group ${groupId} does not exist (kbench group list shows the groups)`);
  }
  const owner = new Map<string, { consumerId: string; host: string; clientId: string }>();
  for (const m of g?.members ?? []) {
    for (const [topic, partitions] of Object.entries(m.assignment)) {
      for (const p of partitions) owner.set(`${topic}:${p}`, { consumerId: m.memberId, host: m.host, clientId: m.clientId });
    }
  }
  const offsets = new Map<string, number>();
  for (const p of committed) if (p.offset !== -1) offsets.set(`${p.topic}:${p.partition}`, p.offset);
  const topics = new Set([...offsets.keys(), ...owner.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))));
  const rows: GroupRow[] = [];
  for (const topic of [...topics].sort()) {
    let ends: PartitionOffsets[];
    try {
      ends = await admin.endOffsets(topic);
    } catch {
      continue; // the topic was deleted since the offsets were committed
    }
    for (const e of ends.sort((a, b) => a.partition - b.partition)) {
      const k = `${topic}:${e.partition}`;
      if (!offsets.has(k) && !owner.has(k)) continue;
      const current = offsets.get(k) ?? null;
      const end = e.high;
      const o = owner.get(k);
      rows.push({
        group: groupId, topic, partition: e.partition, currentOffset: current, logEndOffset: end,
        lag: current === null ? null : end - current,
        consumerId: o?.consumerId ?? null, host: o?.host ?? null, clientId: o?.clientId ?? null,
      });
    }
  }
  return { state: g?.state ?? 'Empty', rows };
}
