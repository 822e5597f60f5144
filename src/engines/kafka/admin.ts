// Everyday Kafka tasks through the admin API: topics (create, alter, delete, describe, list) and
// consumer groups (list, describe with offsets, lag and owners). Returns data; the CLI renders it.
import { AssignerProtocol, type Admin, type Kafka } from 'kafkajs';
import { ERROR_CODES, runError, usageError } from '../../errors.js';
import { describeError } from './client.js';
import { markOwned, ownedTopics, REGISTRY_TOPIC, unmarkOwned } from './registry.js';

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
  partitions: TopicPartitionInfo[];
  /** Listed in kbench's registry of topics it created. */
  ownedByKbench: boolean;
}

async function exists(admin: Admin, topic: string): Promise<boolean> {
  return (await admin.listTopics()).includes(topic);
}

function kafkaFailure(action: string, e: unknown): Error {
  const type = (e as { type?: string })?.type;
  if (type === 'TOPIC_ALREADY_EXISTS') return usageError(`${action}: the topic already exists`);
  if (type === 'INVALID_PARTITIONS' || type === 'INVALID_REPLICATION_FACTOR' || type === 'INVALID_TOPIC_EXCEPTION') {
    return usageError(`${action}: ${describeError(e)}`, ERROR_CODES.usage, e);
  }
  return runError(`${action}: ${describeError(e)}`, e);
}

export async function createTopic(kafka: Kafka, admin: Admin, topic: string, partitions: number, replicationFactor: number): Promise<void> {
  if (topic === REGISTRY_TOPIC) throw usageError(`${REGISTRY_TOPIC} is kbench's own registry; choose another name`);
  if (await exists(admin, topic)) throw usageError(`topic ${topic} already exists; use kbench topic alter or pick another name`);
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor }] });
  } catch (e) {
    throw kafkaFailure(`cannot create topic ${topic}`, e);
  }
  await markOwned(kafka, admin, topic);
}

/** Refuses to touch a topic kbench did not create, unless forced. */
async function assertMayModify(kafka: Kafka, admin: Admin, topic: string, force: boolean, verb: string): Promise<void> {
  if (!(await exists(admin, topic))) throw usageError(`topic ${topic} does not exist (kbench topic list shows the topics)`);
  if (force) return;
  if (!(await ownedTopics(kafka, admin)).has(topic)) {
    throw usageError(`topic ${topic} was not created by kbench; refusing to ${verb} it (add --force if you mean it)`, ERROR_CODES.notOwned);
  }
}

export async function alterTopicPartitions(kafka: Kafka, admin: Admin, topic: string, partitions: number, force: boolean): Promise<{ from: number; to: number }> {
  await assertMayModify(kafka, admin, topic, force, 'alter');
  const current = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length;
  if (partitions < current) {
    throw usageError(`topic ${topic} has ${current} partitions; Kafka cannot decrease a partition count (only increase it, or delete and re-create the topic)`);
  }
  if (partitions === current) throw usageError(`topic ${topic} already has ${current} partitions`);
  try {
    await admin.createPartitions({ validateOnly: false, topicPartitions: [{ topic, count: partitions }] });
  } catch (e) {
    throw kafkaFailure(`cannot add partitions to ${topic}`, e);
  }
  return { from: current, to: partitions };
}

export async function deleteTopic(kafka: Kafka, admin: Admin, topic: string, force: boolean): Promise<void> {
  if (topic === REGISTRY_TOPIC && !force) throw usageError(`${REGISTRY_TOPIC} is kbench's registry; delete it only with --force`, ERROR_CODES.notOwned);
  await assertMayModify(kafka, admin, topic, force, 'delete');
  try {
    await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
  } catch (e) {
    throw kafkaFailure(`cannot delete topic ${topic}`, e);
  }
  if (topic !== REGISTRY_TOPIC) await unmarkOwned(kafka, admin, topic);
}

export async function describeTopic(kafka: Kafka, admin: Admin, topic: string): Promise<TopicInfo> {
  if (!(await exists(admin, topic))) throw usageError(`topic ${topic} does not exist (kbench topic list shows the topics)`);
  const meta = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0];
  const offsets = await admin.fetchTopicOffsets(topic);
  const byPartition = new Map(offsets.map((o) => [o.partition, o]));
  const owned = (await ownedTopics(kafka, admin)).has(topic);
  return {
    topic,
    ownedByKbench: owned,
    partitions: meta.partitions
      .map((p) => ({
        partition: p.partitionId,
        leader: p.leader,
        replicas: [...p.replicas],
        isr: [...p.isr],
        earliestOffset: byPartition.get(p.partitionId)?.low ?? '-',
        latestOffset: byPartition.get(p.partitionId)?.high ?? '-',
      }))
      .sort((a, b) => a.partition - b.partition),
  };
}

export async function listTopics(kafka: Kafka, admin: Admin): Promise<{ topic: string; partitions: number; ownedByKbench: boolean }[]> {
  const names = (await admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
  if (names.length === 0) return [];
  const meta = await admin.fetchTopicMetadata({ topics: names });
  const owned = await ownedTopics(kafka, admin);
  const count = new Map(meta.topics.map((t) => [t.name, t.partitions.length]));
  return names.map((topic) => ({ topic, partitions: count.get(topic) ?? 0, ownedByKbench: owned.has(topic) }));
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

export async function listGroups(admin: Admin): Promise<{ groupId: string; protocolType: string }[]> {
  const { groups } = await admin.listGroups();
  return groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType })).sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
}

/** The rows of `kafka-consumer-groups --describe`: one per partition the group owns or has offsets on. */
export async function describeGroup(admin: Admin, groupId: string): Promise<{ state: string; rows: GroupRow[] }> {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0];
  const committed = await admin.fetchOffsets({ groupId });
  if ((!g || g.state === 'Dead') && committed.every((t) => t.partitions.every((p) => p.offset === '-1'))) {
    throw usageError(`consumer group ${groupId} does not exist (kbench group list shows the groups)`);
  }
  const owner = new Map<string, { consumerId: string; host: string; clientId: string }>();
  for (const m of g?.members ?? []) {
    if (!m.memberAssignment || m.memberAssignment.length === 0) continue;
    const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
    for (const [topic, partitions] of Object.entries(decoded?.assignment ?? {})) {
      for (const p of partitions) owner.set(`${topic}:${p}`, { consumerId: m.memberId, host: m.clientHost, clientId: m.clientId });
    }
  }
  const offsets = new Map<string, number>();
  for (const t of committed) for (const p of t.partitions) if (p.offset !== '-1') offsets.set(`${t.topic}:${p.partition}`, Number(p.offset));
  const topics = new Set([...offsets.keys(), ...owner.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))));
  const rows: GroupRow[] = [];
  for (const topic of [...topics].sort()) {
    let ends: { partition: number; high: string }[];
    try {
      ends = await admin.fetchTopicOffsets(topic);
    } catch {
      continue; // the topic was deleted since the offsets were committed
    }
    for (const e of ends.sort((a, b) => a.partition - b.partition)) {
      const k = `${topic}:${e.partition}`;
      if (!offsets.has(k) && !owner.has(k)) continue;
      const current = offsets.get(k) ?? null;
      const end = Number(e.high);
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
