// kbench's assignors as kafkajs partition assigners, so a live group splits partitions exactly as the
// Java clients would. kafkajs speaks only the eager protocol, so cooperative-sticky is simulator-only.
import { AssignerProtocol, type Assigner, type PartitionAssigner } from 'kafkajs';
import type { Assignor } from '../../groups/assignors.js';

export function kafkajsAssigner(assignor: Assignor): PartitionAssigner {
  return ({ cluster }) => {
    const a: Assigner = {
      name: assignor.protocolName,
      version: 0,
      async assign({ members, topics }) {
        const groupMembers = members.map((m) => ({
          id: m.memberId,
          topics: AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? topics,
        }));
        const partitionCounts = Object.fromEntries(topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).length]));
        const result = assignor.assign(groupMembers, partitionCounts);
        return groupMembers.map((m) => {
          const assignment: Record<string, number[]> = {};
          for (const tp of result.get(m.id) ?? []) (assignment[tp.topic] ??= []).push(tp.partition);
          return { memberId: m.id, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }) };
        });
      },
      protocol({ topics }) {
        return { name: assignor.protocolName, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
      },
    };
    return a;
  };
}
