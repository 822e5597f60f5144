// kbench's classic-protocol assignors (exact ports of Java's) as @platformatic/kafka partition
// assigners, so that a live group led by this driver splits partitions as the Java clients would.
// The library calls the assigner on the group leader with the JoinGroup members (in the broker's
// order, their subscriptions decoded) and the metadata of every subscribed topic.
// Type-only imports: this file never loads the library.
import type { ClusterMetadata, ExtendedGroupProtocolSubscription, GroupPartitionsAssigner, GroupPartitionsAssignments, GroupProtocolSubscription } from '@platformatic/kafka';
import type { Assignor, GroupMember, TopicMetadata } from '../../groups/assignors.js';

export function platformaticAssigner(assignor: Assignor): GroupPartitionsAssigner {
  return (_leader: string, members: Map<string, ExtendedGroupProtocolSubscription>, _leaderTopics: Set<string>, metadata: ClusterMetadata): GroupPartitionsAssignments[] => {
    const groupMembers: GroupMember[] = [...members.values()].map((m) => ({ id: m.memberId, topics: m.topics ?? [] }));
    const counts: TopicMetadata = {};
    for (const m of groupMembers) {
      for (const t of m.topics) {
        const known = metadata.topics.get(t);
        if (known) counts[t] = known.partitionsCount;
      }
    }
    const result = assignor.assign(groupMembers, counts);
    return groupMembers.map((m) => {
      const assignments = new Map<string, { topic: string; partitions: number[] }>();
      for (const tp of result.get(m.id) ?? []) {
        let entry = assignments.get(tp.topic);
        if (!entry) assignments.set(tp.topic, (entry = { topic: tp.topic, partitions: [] }));
        entry.partitions.push(tp.partition);
      }
      return { memberId: m.id, assignments };
    });
  };
}

/** What a member advertises in JoinGroup: the assignor's protocol name, with version-0 subscription
 * metadata (topics, no user data), which every Kafka client and the broker's describe decode. */
export function joinProtocols(assignor: Assignor): GroupProtocolSubscription[] {
  return [{ name: assignor.protocolName, version: 0 }];
}
