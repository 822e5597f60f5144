// DriverAdmin over kafkajs's admin client. kafkajs answers in strings (offsets) and its own shapes;
// the seam speaks numbers and plain data. Topic IDs need Metadata v10+, which kafkajs does not
// speak: topic-identity.ts asks for them over kafkajs's own connection.
import { AssignerProtocol, type Admin, type Kafka } from 'kafkajs';
import type { CommittedOffset, DriverAdmin, GroupDescription, NewTopic, TopicIds } from '../driver.js';
import { translated } from './errors.js';
import { fetchTopicIds } from './topic-identity.js';

export class KafkajsAdmin implements DriverAdmin {
  constructor(private readonly kafka: Kafka, private readonly admin: Admin) {}

  async describeCluster() {
    const c = await translated(this.admin.describeCluster());
    return { clusterId: c.clusterId, controller: c.controller, brokers: c.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })) };
  }

  listTopics(): Promise<string[]> {
    return translated(this.admin.listTopics());
  }

  createTopics(topics: NewTopic[]): Promise<boolean> {
    return translated(this.admin.createTopics({
      waitForLeaders: false,
      topics: topics.map((t) => ({
        topic: t.topic, numPartitions: t.partitions, replicationFactor: t.replicationFactor,
        ...(t.configs ? { configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })) } : {}),
      })),
    }));
  }

  async createPartitions(topic: string, count: number): Promise<void> {
    await translated(this.admin.createPartitions({ validateOnly: false, topicPartitions: [{ topic, count }] }));
  }

  deleteTopics(topics: string[], timeoutMs: number): Promise<void> {
    return translated(this.admin.deleteTopics({ topics, timeout: timeoutMs }));
  }

  async topicMetadata(topics: string[]) {
    const meta = await translated(this.admin.fetchTopicMetadata({ topics }));
    return meta.topics.map((t) => ({
      topic: t.name,
      partitions: t.partitions.map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] })).sort((a, b) => a.partition - b.partition),
    }));
  }

  topicIds(topics: readonly string[]): Promise<TopicIds> {
    return translated(fetchTopicIds(this.kafka, topics));
  }

  async endOffsets(topic: string) {
    const offsets = await translated(this.admin.fetchTopicOffsets(topic));
    return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) })).sort((a, b) => a.partition - b.partition);
  }

  async listGroups() {
    const { groups } = await translated(this.admin.listGroups());
    return groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType }));
  }

  async describeGroup(groupId: string): Promise<GroupDescription | null> {
    const { groups } = await translated(this.admin.describeGroups([groupId]));
    const g = groups[0];
    if (!g) return null;
    return {
      groupId,
      state: g.state,
      members: g.members.map((m) => ({
        memberId: m.memberId, clientId: m.clientId, host: m.clientHost,
        assignment: m.memberAssignment?.length ? (AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {}) : {},
      })),
    };
  }

  async committedOffsets(groupId: string, topics?: string[]): Promise<CommittedOffset[]> {
    const committed = await translated(this.admin.fetchOffsets({ groupId, ...(topics ? { topics } : {}) }));
    return committed.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.offset) })));
  }

  deleteGroups(groupIds: string[]): Promise<void> {
    return translated(this.admin.deleteGroups(groupIds)).then(() => undefined);
  }

  close(): Promise<void> {
    return this.admin.disconnect().catch(() => undefined);
  }
}
