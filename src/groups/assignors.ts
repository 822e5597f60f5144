// Consumer-group partition assignors, ported from the client code described in
// ../shared/reference/partitioners.md §9. Members are sorted with JS's default string order,
// which is UTF-16 code-unit order, the same as Java's String.compareTo.

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface GroupMember {
  id: string;
  /** Topics this member subscribes to, in its subscription order. */
  topics: string[];
  /** Partitions it owned before this rebalance (sticky assignors use them). */
  owned?: TopicPartition[];
}

/** Partition count per topic. */
export type TopicMetadata = Record<string, number>;
export type Assignment = Map<string, TopicPartition[]>;

export const ASSIGNOR_NAMES = ['range', 'roundrobin', 'cooperative-sticky', 'kafkajs'] as const;
export type AssignorName = (typeof ASSIGNOR_NAMES)[number];

export interface Assignor {
  name: AssignorName;
  /** The protocol name members advertise in JoinGroup. */
  protocolName: string;
  /** Eager: every member gives up everything before a rebalance. Cooperative: only what moves. */
  rebalance: 'eager' | 'cooperative';
  assign(members: GroupMember[], topics: TopicMetadata): Assignment;
}

/** Member ids kbench gives its consumers: zero-padded so that string order is numeric order. */
export function memberId(i: number, total: number): string {
  return `consumer-${String(i + 1).padStart(String(total).length, '0')}`;
}

const byId = (a: GroupMember, b: GroupMember) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function emptyAssignment(members: GroupMember[]): Assignment {
  return new Map(members.map((m) => [m.id, [] as TopicPartition[]]));
}

/** Java RangeAssignor (non-rack path): per topic, contiguous ranges over the sorted subscribers. */
export const rangeAssignor: Assignor = {
  name: 'range',
  protocolName: 'range',
  rebalance: 'eager',
  assign(members, topics) {
    const out = emptyAssignment(members);
    for (const topic of Object.keys(topics).sort()) {
      const count = topics[topic];
      const subscribers = members.filter((m) => m.topics.includes(topic)).sort(byId);
      if (subscribers.length === 0) continue;
      const quota = Math.floor(count / subscribers.length);
      const extra = count % subscribers.length;
      let next = 0;
      subscribers.forEach((m, i) => {
        const n = quota + (i < extra ? 1 : 0);
        for (let p = next; p < next + n; p++) out.get(m.id)!.push({ topic, partition: p });
        next += n;
      });
    }
    return out;
  },
};

/** Java RoundRobinAssignor: sorted topics, one circular pointer over sorted members that skips non-subscribers. */
export const roundRobinAssignor: Assignor = {
  name: 'roundrobin',
  protocolName: 'roundrobin',
  rebalance: 'eager',
  assign(members, topics) {
    const out = emptyAssignment(members);
    const sorted = [...members].sort(byId);
    if (sorted.length === 0) return out;
    let pointer = 0;
    for (const topic of Object.keys(topics).sort()) {
      if (!sorted.some((m) => m.topics.includes(topic))) continue;
      for (let p = 0; p < topics[topic]; p++) {
        while (!sorted[pointer % sorted.length].topics.includes(topic)) pointer++;
        out.get(sorted[pointer % sorted.length].id)!.push({ topic, partition: p });
        pointer++;
      }
    }
    return out;
  },
};

/** kafkajs RoundRobinAssigner: the leader's topics in subscription order, partition i → sorted member i mod C,
 * no subscription check. The leader is the first member given. Protocol name `RoundRobinAssigner`. */
export const kafkajsRoundRobinAssignor: Assignor = {
  name: 'kafkajs',
  protocolName: 'RoundRobinAssigner',
  rebalance: 'eager',
  assign(members, topics) {
    const out = emptyAssignment(members);
    if (members.length === 0) return out;
    const ids = members.map((m) => m.id).sort();
    const leaderTopics = members[0].topics.filter((t) => t in topics);
    let i = 0;
    for (const topic of leaderTopics) {
      for (let p = 0; p < topics[topic]; p++) out.get(ids[i++ % ids.length])!.push({ topic, partition: p });
    }
    return out;
  },
};

/** Java CooperativeStickyAssignor, ConstrainedAssignmentBuilder (all members subscribe to the same topics).
 * Existing owners keep up to their quota; the rest fills members below quota in sorted order.
 * Caveat (reference §9.4): Java walks members in HashMap order when deciding who may keep maxQuota;
 * this port walks them in sorted order, which only matters when several members own more than minQuota. */
export const cooperativeStickyAssignor: Assignor = {
  name: 'cooperative-sticky',
  protocolName: 'cooperative-sticky',
  rebalance: 'cooperative',
  assign(members, topics) {
    const out = emptyAssignment(members);
    if (members.length === 0) return out;
    const subscribed = Object.keys(topics).filter((t) => members.some((m) => m.topics.includes(t))).sort();
    const all: TopicPartition[] = [];
    for (const topic of subscribed) for (let p = 0; p < topics[topic]; p++) all.push({ topic, partition: p });
    const total = all.length;
    const minQuota = Math.floor(total / members.length);
    const maxQuota = Math.ceil(total / members.length);
    const expectedOver = total % members.length;
    let currentOver = 0;
    const kept = new Set<string>();
    const tpKey = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;
    let under: string[] = [];
    let exactlyMin: string[] = [];
    const claimed = new Set<string>();
    for (const m of [...members].sort(byId)) {
      // A partition claimed twice in the same generation is dropped from both (treated as unowned).
      const owned = (m.owned ?? [])
        .filter((tp) => tp.topic in topics && tp.partition < topics[tp.topic] && subscribed.includes(tp.topic))
        .filter((tp) => { const k = tpKey(tp); if (claimed.has(k)) return false; claimed.add(k); return true; })
        .sort((a, b) => a.partition - b.partition || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
      const keep = (tps: TopicPartition[]) => { for (const tp of tps) { out.get(m.id)!.push(tp); kept.add(tpKey(tp)); } };
      if (owned.length < minQuota) {
        keep(owned);
        under.push(m.id);
      } else if (owned.length >= maxQuota && currentOver < expectedOver) {
        keep(owned.slice(0, maxQuota));
        currentOver++;
        if (currentOver === expectedOver) exactlyMin = [];
      } else {
        keep(owned.slice(0, minQuota));
        if (currentOver < expectedOver) exactlyMin.push(m.id);
      }
    }
    const unassigned = all.filter((tp) => !kept.has(tpKey(tp)));
    under.sort();
    exactlyMin.sort();
    let cursor = 0; // iterator position over `under`
    for (const tp of unassigned) {
      let chosen: string;
      if (cursor < under.length) chosen = under[cursor];
      else if (under.length === 0 && exactlyMin.length === 0) throw new Error('cooperative-sticky: no member can take another partition');
      else if (under.length === 0) chosen = exactlyMin.shift()!;
      else { cursor = 0; chosen = under[0]; }
      const list = out.get(chosen)!;
      list.push(tp);
      if (list.length === minQuota && under[cursor] === chosen) {
        under.splice(cursor, 1); // iterator.remove(): the cursor now points at the next member
        exactlyMin.push(chosen);
      } else {
        if (under[cursor] === chosen) cursor++;
        if (list.length === maxQuota) currentOver++;
      }
    }
    for (const list of out.values()) list.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0) || a.partition - b.partition);
    return out;
  },
};

export const ASSIGNORS: Record<AssignorName, Assignor> = {
  range: rangeAssignor,
  roundrobin: roundRobinAssignor,
  'cooperative-sticky': cooperativeStickyAssignor,
  kafkajs: kafkajsRoundRobinAssignor,
};

export function isAssignorName(name: string): name is AssignorName {
  return (ASSIGNOR_NAMES as readonly string[]).includes(name);
}
