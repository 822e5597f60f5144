// DriverAdmin over @platformatic/kafka: its Admin client for connections, group listing and
// describing, and raw requests (wire.ts) where its Admin has no method or drops what kbench needs
// (ISRs, the controller, per-topic partition counts, any group's offsets).
import { Admin, type Broker } from '@platformatic/kafka';
import type { CommittedOffset, DriverAdmin, GroupDescription, GroupListing, NewTopic, PartitionOffsets, TopicIds, TopicMetadata } from '../driver.js';
import { KafkaClientError } from '../errors.js';
import { kafkaTopicId, REQUEST_TIMEOUT_MS } from './options.js';
import { responseOf, translateError } from './error-translation.js';
import { consumerGroupDescribeV0, type DescribedGroup } from './consumer-group-describe.js';
import { closer, request, send } from './wire.js';

const TOPIC_ALREADY_EXISTS = 36;
const EARLIEST = -2n;
const LATEST = -1n;
const GROUP_KEY = 0;

interface RawPartition { partitionIndex: number; leaderId: number; replicaNodes: number[]; isrNodes: number[]; errorCode: number }
interface RawTopic { name: string; topicId: string; errorCode: number; isInternal: boolean; partitions: RawPartition[] }
interface RawMetadata { brokers: { nodeId: number; host: string; port: number }[]; clusterId: string | null; controllerId: number; topics: RawTopic[] }

/** The answer's per-entry error names, for the one error a batch request fails with. */
function entryErrors(e: unknown, entries: (r: any) => { name?: string; errorCode: number; errorMessage?: string | null }[]): { type?: string; message: string }[] | undefined {
  const response = responseOf(e);
  if (!response) return undefined;
  const err = translateError(e);
  const out = entries(response).filter((x) => x.errorCode !== 0).map((x) => ({ type: (err as KafkaClientError).type, message: `${x.name ?? ''}: ${x.errorMessage ?? x.errorCode}` }));
  return out.length ? out : undefined;
}

export class PlatformaticAdmin implements DriverAdmin {
  private readonly closeClient: () => Promise<void>;

  constructor(private readonly client: Admin) {
    this.closeClient = closer(client);
  }

  /** A Metadata round trip for `topics` ([] for none: brokers and controller only). */
  async metadata(topics: string[]): Promise<RawMetadata> {
    try {
      return await request<RawMetadata>(this.client, 'Metadata', null, topics, false, false);
    } catch (e) {
      throw translateError(e, topics.length ? `metadata of ${topics.join(', ')}` : 'cluster metadata');
    }
  }

  private async brokerOf(nodeId: number, md?: RawMetadata): Promise<Broker> {
    const b = (md ?? (await this.metadata([]))).brokers.find((x) => x.nodeId === nodeId);
    if (!b) throw new KafkaClientError({ message: `broker ${nodeId} is not in the cluster's metadata`, kind: 'unavailable', retriable: true });
    return { host: b.host, port: b.port };
  }

  private async coordinator(groupId: string): Promise<Broker> {
    try {
      const r = await request<{ coordinators: { key: string; nodeId: number; host: string; port: number }[] }>(this.client, 'FindCoordinator', null, GROUP_KEY, [groupId]);
      const c = r.coordinators.find((x) => x.key === groupId)!;
      return { host: c.host, port: c.port };
    } catch (e) {
      throw translateError(e, `finding the coordinator of group ${groupId}`);
    }
  }

  async describeCluster() {
    const md = await this.metadata([]);
    return {
      clusterId: md.clusterId ?? '',
      controller: md.controllerId >= 0 ? md.controllerId : null,
      brokers: md.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
    };
  }

  async listTopics(): Promise<string[]> {
    try {
      return await this.client.listTopics({ includeInternals: false });
    } catch (e) {
      throw translateError(e, 'listing topics');
    }
  }

  async createTopics(topics: NewTopic[]): Promise<boolean> {
    const requests = topics.map((t) => ({
      name: t.topic,
      numPartitions: t.partitions,
      replicationFactor: t.replicationFactor,
      assignments: [],
      configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
    }));
    try {
      await request(this.client, 'CreateTopics', null, requests, REQUEST_TIMEOUT_MS, false);
      return true;
    } catch (e) {
      const response = responseOf(e) as { topics: { name: string; errorCode: number; errorMessage: string | null }[] } | undefined;
      const failed = response?.topics.filter((t) => t.errorCode !== 0 && t.errorCode !== TOPIC_ALREADY_EXISTS) ?? [];
      if (response && failed.length === 0) return false;
      const err = translateError(e, `creating topic ${topics.map((t) => t.topic).join(', ')}`);
      if (err instanceof KafkaClientError && response) {
        throw new KafkaClientError({ message: err.message, type: err.type, kind: err.kind, retriable: err.retriable, errors: failed.map((t) => ({ type: err.type, message: `${t.name}: ${t.errorMessage ?? t.errorCode}` })) }, e);
      }
      throw err;
    }
  }

  async createPartitions(topic: string, count: number): Promise<void> {
    try {
      // Kafka's controller answers CreatePartitions; any broker forwards it (KIP-590).
      await request(this.client, 'CreatePartitions', null, [{ name: topic, count, assignments: null }], REQUEST_TIMEOUT_MS, false);
    } catch (e) {
      throw translateError(e, `adding partitions to ${topic}`);
    }
  }

  async deleteTopics(topics: string[], timeoutMs: number): Promise<void> {
    try {
      await request(this.client, 'DeleteTopics', null, topics.map((name) => ({ name, topicId: null })), timeoutMs);
    } catch (e) {
      const errors = entryErrors(e, (r) => r.responses);
      const err = translateError(e, `deleting topic ${topics.join(', ')}`);
      if (errors && err instanceof KafkaClientError) throw new KafkaClientError({ message: err.message, type: err.type, kind: err.kind, retriable: err.retriable, errors }, e);
      throw err;
    }
  }

  async topicMetadata(topics: string[]): Promise<TopicMetadata[]> {
    const md = await this.metadata(topics);
    return md.topics.map((t) => ({
      topic: t.name,
      partitions: [...t.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex)
        .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes })),
    }));
  }

  async topicIds(topics: readonly string[]): Promise<TopicIds> {
    const md = await this.metadata([...topics]);
    const ids = new Map<string, string | null>(topics.map((t) => [t, null]));
    let any = false;
    for (const t of md.topics) {
      const id = kafkaTopicId(t.topicId);
      if (id) ids.set(t.name, id);
      any ||= id !== null && id !== undefined;
    }
    // Metadata v10+ carries topic IDs; a broker before Kafka 2.8 sends only zeros.
    if (!any && md.topics.length > 0) return { supported: false, why: 'the broker sends no topic IDs (Kafka before 2.8)' };
    return { supported: true, ids };
  }

  async endOffsets(topic: string): Promise<PartitionOffsets[]> {
    const md = await this.metadata([topic]);
    const t = md.topics[0];
    const byLeader = new Map<number, number[]>();
    for (const p of t.partitions) {
      const list = byLeader.get(p.leaderId) ?? [];
      list.push(p.partitionIndex);
      byLeader.set(p.leaderId, list);
    }
    const out = new Map<number, PartitionOffsets>();
    try {
      await Promise.all([...byLeader].map(async ([leader, partitions]) => {
        const broker = await this.brokerOf(leader, md);
        // One partition once per ListOffsets request: the start and the end take two.
        for (const [timestamp, field] of [[EARLIEST, 'low'], [LATEST, 'high']] as const) {
          const r = await request<{ topics: { partitions: { partitionIndex: number; offset: bigint }[] }[] }>(this.client, 'ListOffsets', broker, -1, 0,
            [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp })) }]);
          for (const p of r.topics[0].partitions) {
            const entry = out.get(p.partitionIndex) ?? { partition: p.partitionIndex, low: 0, high: 0 };
            entry[field] = Number(p.offset);
            out.set(p.partitionIndex, entry);
          }
        }
      }));
    } catch (e) {
      throw translateError(e, `offsets of ${topic}`);
    }
    return [...out.values()].sort((a, b) => a.partition - b.partition);
  }

  async listGroups(): Promise<GroupListing[]> {
    try {
      const groups = await this.client.listGroups({ types: ['classic', 'consumer'] });
      return [...groups.values()].map((g) => ({ groupId: g.id, protocolType: g.protocolType }));
    } catch (e) {
      throw translateError(e, 'listing groups');
    }
  }

  async describeGroup(groupId: string): Promise<GroupDescription | null> {
    // A consumer-protocol group first: the broker answers DescribeGroups for it with GROUP_ID_NOT_FOUND,
    // and ConsumerGroupDescribe for a classic group with GROUP_ID_NOT_FOUND too.
    const modern = await this.describeConsumerGroup(groupId);
    if (modern) return modern;
    let group;
    try {
      group = (await this.client.describeGroups({ groups: [groupId] })).get(groupId);
    } catch (e) {
      const err = translateError(e, `describing group ${groupId}`);
      if (err instanceof KafkaClientError && err.type === 'GROUP_ID_NOT_FOUND') return null;
      throw err;
    }
    if (!group || (stateName(group.state) === 'Dead' && group.members.size === 0)) return null;
    return {
      groupId,
      state: stateName(group.state),
      members: [...group.members.values()].map((m) => ({
        memberId: m.id,
        clientId: m.clientId,
        host: m.clientHost,
        assignment: Object.fromEntries([...(m.assignments?.values() ?? [])].map((a) => [a.topic, [...a.partitions].sort((x, y) => x - y)])),
      })),
    };
  }

  /** The group as ConsumerGroupDescribe tells it, or null when it is not a consumer-protocol group
   * (or the broker predates KIP-848). */
  private async describeConsumerGroup(groupId: string): Promise<GroupDescription | null> {
    const broker = await this.coordinator(groupId);
    let group: DescribedGroup | undefined;
    try {
      group = (await send<{ groups: DescribedGroup[] }>(this.client, consumerGroupDescribeV0, broker, [groupId], false)).groups[0];
    } catch (e) {
      const err = translateError(e, `describing group ${groupId}`);
      if (err instanceof KafkaClientError && ['GROUP_ID_NOT_FOUND', 'UNSUPPORTED_VERSION', 'INVALID_REQUEST'].includes(err.type ?? '')) return null;
      throw err;
    }
    if (!group) return null;
    return {
      groupId,
      state: stateName(group.groupState.toUpperCase()),
      members: group.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        assignment: Object.fromEntries(m.assignment.map((a) => [a.topicName, [...a.partitions].sort((x, y) => x - y)])),
      })),
    };
  }

  async committedOffsets(groupId: string, topics?: string[]): Promise<CommittedOffset[]> {
    let wanted: { name: string; partitionIndexes: number[] }[] | null = null;
    if (topics) {
      const md = await this.metadata(topics);
      wanted = md.topics.map((t) => ({ name: t.name, partitionIndexes: t.partitions.map((p) => p.partitionIndex) }));
    }
    const broker = await this.coordinator(groupId);
    try {
      const r = await request<{ groups: { topics: { name: string; partitions: { partitionIndex: number; committedOffset: bigint }[] }[] }[] }>(this.client, 'OffsetFetch', broker,
        [{ groupId, memberId: null, memberEpoch: -1, topics: wanted }], false);
      const out: CommittedOffset[] = [];
      for (const t of r.groups[0]?.topics ?? []) for (const p of t.partitions) out.push({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset) });
      return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    } catch (e) {
      throw translateError(e, `committed offsets of group ${groupId}`);
    }
  }

  async commitOffsets(groupId: string, offsets: CommittedOffset[]): Promise<void> {
    const topics = new Map<string, { name: string; partitions: { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: null }[] }>();
    for (const o of offsets) {
      const t = topics.get(o.topic) ?? { name: o.topic, partitions: [] };
      t.partitions.push({ partitionIndex: o.partition, committedOffset: BigInt(o.offset), committedLeaderEpoch: -1, committedMetadata: null });
      topics.set(o.topic, t);
    }
    const broker = await this.coordinator(groupId);
    try {
      // Generation -1 and no member: an admin's commit, which the broker takes for an empty group only.
      await request(this.client, 'OffsetCommit', broker, groupId, -1, '', null, [...topics.values()]);
    } catch (e) {
      throw translateError(e, `committing offsets of group ${groupId}`);
    }
  }

  async deleteGroups(groupIds: string[]): Promise<void> {
    try {
      await this.client.deleteGroups({ groups: groupIds });
    } catch (e) {
      throw translateError(e, `deleting group ${groupIds.join(', ')}`);
    }
  }

  async close(): Promise<void> {
    await this.closeClient().catch(() => undefined);
  }
}

/** Kafka's state names (Stable, PreparingRebalance, …): the library upper-cases the broker's. */
export function stateName(s: string): string {
  const known = ['Stable', 'Empty', 'Dead', 'PreparingRebalance', 'CompletingRebalance', 'Assigning', 'Reconciling', 'NotReady', 'Unknown'];
  return known.find((k) => k.toUpperCase() === s.replace(/_/g, '')) ?? s;
}
