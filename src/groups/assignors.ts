// Consumer-group partition assignors, ported from the client code described in
// ../shared/reference/partitioners.md §9. Members are sorted with JS's default string order,
// which is UTF-16 code-unit order, the same as Java's String.compareTo. Where Java walks a HashMap
// (cooperative-sticky), the order of `members` is the JoinGroup order the leader fills it in.
// test/assignors-java.test.ts replays rounds computed by kafka-clients itself (test/fixtures/java-assignors).

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
  /** The group generation in which it last got an assignment (Subscription.generationId); absent or negative for a
   * member that never had one. cooperative-sticky uses it when two members claim the same partition. */
  generation?: number;
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
  /** The assignment the group settles on. For cooperative-sticky that is the target: a partition that moves
   * between members reaches its new owner only in the follow-up round (see `round`). */
  assign(members: GroupMember[], topics: TopicMetadata): Assignment;
  /** One rebalance round as the members see it. */
  round(members: GroupMember[], topics: TopicMetadata): RebalanceRound;
}

export interface RebalanceRound {
  /** What each member holds once this round completes. */
  assignment: Assignment;
  /** What the assignor aimed for: `assignment` plus `pending`. */
  target: Assignment;
  /** Cooperative: partitions another member still owns (or that several members claimed), so they are left out of
   * this round and go to `to` in a later one. Always empty for eager assignors. */
  pending: { partition: TopicPartition; to: string }[];
  /** Per member, the partitions it gives up: eager, everything it owned (before joining); cooperative, what it owned
   * and is not assigned. */
  revoked: Map<string, TopicPartition[]>;
  /** Cooperative: some member revoked a partition, so it rejoins and the group rebalances again. Members then report
   * `assignment` as owned, in the new generation. */
  followUp: boolean;
}

/** Member ids kbench gives its consumers: zero-padded so that string order is numeric order. */
export function memberId(i: number, total: number): string {
  return `consumer-${String(i + 1).padStart(String(total).length, '0')}`;
}

const byId = (a: GroupMember, b: GroupMember) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function emptyAssignment(members: GroupMember[]): Assignment {
  return new Map(members.map((m) => [m.id, [] as TopicPartition[]]));
}

/** An eager assignor: members give up everything before they join, and one round settles the group. */
function eager(a: Omit<Assignor, 'round'>): Assignor {
  return { ...a, round: (members, topics) => roundOf(members, a.assign(members, topics), new Map(), false) };
}

/** Java RangeAssignor (non-rack path): per topic, contiguous ranges over the sorted subscribers. */
export const rangeAssignor: Assignor = eager({
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
});

/** Java RoundRobinAssignor: sorted topics, one circular pointer over sorted members that skips non-subscribers. */
export const roundRobinAssignor: Assignor = eager({
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
});

/** kafkajs RoundRobinAssigner: the leader's topics in subscription order, partition i → sorted member i mod C,
 * no subscription check. The leader is the first member given. Protocol name `RoundRobinAssigner`. */
export const kafkajsRoundRobinAssignor: Assignor = eager({
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
});

/** `String.hashCode()` of Java: 31-polynomial over UTF-16 code units, in int32. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The order in which a `java.util.HashMap<String, …>` created with `new HashMap<>()` and filled by `put` in the
 * given order hands its keys back. The table starts at 16 buckets and doubles whenever the size passes 3/4 of it;
 * a key's bucket is `(h ^ (h >>> 16)) & (buckets - 1)`; keys sharing a bucket stay in insertion order (resizing
 * splits a bucket without reordering it). Not modelled: a bucket of 8 or more keys in a table of 64 or more buckets,
 * which Java turns into a tree. */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  let buckets = 16;
  while (keys.length > buckets * 0.75) buckets *= 2;
  const bucketOf = (k: string) => { const h = javaStringHashCode(k); return (h ^ (h >>> 16)) & (buckets - 1); };
  return keys.map((k, i) => ({ k, i, b: bucketOf(k) })).sort((x, y) => x.b - y.b || x.i - y.i).map((x) => x.k);
}

const tpKey = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;
const byTopicThenPartition = (a: TopicPartition, b: TopicPartition) =>
  (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0) || a.partition - b.partition;
const byPartitionThenTopic = (a: TopicPartition, b: TopicPartition) =>
  a.partition - b.partition || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0);
/** Subscription.generationId: a negative generation is sent as none, and none counts as -1. */
const generationOf = (m: GroupMember) => (m.generation === undefined || m.generation < 0 ? -1 : m.generation);

/** One round of Java's CooperativeStickyAssignor when every member subscribes to the same topics
 * (AbstractStickyAssignor's "constrained" builder, no racks). Members are visited in Java HashMap order of their ids,
 * `members` being the JoinGroup order. Returns the target assignment and the partitions held back from their new owner. */
function cooperativeStickyTarget(members: GroupMember[], topics: TopicMetadata): { target: Assignment; pending: Map<string, string> } {
  const target = emptyAssignment(members);
  const pending = new Map<string, string>(); // tpKey → the member the partition is meant for
  if (members.length === 0) return { target, pending };
  const order = javaHashMapOrder(members.map((m) => m.id));
  const member = new Map(members.map((m) => [m.id, m]));

  // Java compares each subscription with the first non-empty one it saw, as sets.
  let first: Set<string> | null = null;
  for (const id of order) {
    const t = new Set(member.get(id)!.topics);
    if (first === null || first.size === 0) first = t;
    else if (t.size !== first.size || [...t].some((x) => !first!.has(x))) {
      throw new Error('cooperative-sticky: members subscribe to different topics; Java\'s general-case sticky builder is not modelled');
    }
  }
  // Topics with metadata and at least one partition that someone subscribes to.
  const counts = new Map<string, number>();
  for (const m of members) for (const t of m.topics) if ((topics[t] ?? 0) > 0) counts.set(t, topics[t]);

  // Who still owns what. A partition claimed by two members: the newer generation keeps it; in the same generation
  // it is taken from both and remembered as multiply claimed, so nobody keeps it. The walk is in HashMap order, which
  // decides the outcome when three or more members claim one partition.
  const owned = new Map<string, TopicPartition[]>();
  const claimant = new Map<string, string>();
  const claimedTwice = new Set<string>();
  const drop = (id: string, key: string) => {
    const list = owned.get(id)!;
    const i = list.findIndex((tp) => tpKey(tp) === key);
    if (i >= 0) list.splice(i, 1);
  };
  for (const id of order) {
    const m = member.get(id)!;
    const list: TopicPartition[] = [];
    owned.set(id, list);
    for (const tp of m.owned ?? []) {
      // A partition beyond the topic's count cannot be owned (Kafka never shrinks a topic); Java would keep it.
      if (!counts.has(tp.topic) || tp.partition >= counts.get(tp.topic)!) continue;
      const key = tpKey(tp);
      const other = claimant.get(key);
      if (other === undefined) {
        list.push(tp);
        claimant.set(key, id);
      } else if (generationOf(m) === generationOf(member.get(other)!)) {
        claimedTwice.add(key);
        drop(other, key);
        claimant.set(key, id);
      } else if (generationOf(m) > generationOf(member.get(other)!)) {
        list.push(tp);
        drop(other, key);
        claimant.set(key, id);
      }
    }
  }

  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const minQuota = Math.floor(total / members.length);
  const maxQuota = Math.ceil(total / members.length);
  const expectedOver = total % members.length; // members that end with maxQuota (0 when the quotas are equal)
  let currentOver = 0;
  const giveUp = new Map<string, string>(); // tpKey → the owner that does not keep it
  const kept = new Set<string>();
  const under: string[] = []; // below minQuota
  let exactlyMin: string[] = []; // at minQuota, may still take one more
  for (const id of order) {
    const mine = owned.get(id)!.slice().sort(byPartitionThenTopic).filter((tp) => !claimedTwice.has(tpKey(tp)));
    const keep = (n: number) => {
      for (const tp of mine.slice(0, n)) { target.get(id)!.push(tp); kept.add(tpKey(tp)); }
      for (const tp of mine.slice(n)) giveUp.set(tpKey(tp), id);
    };
    if (mine.length < minQuota) {
      keep(mine.length);
      under.push(id);
    } else if (mine.length >= maxQuota && currentOver < expectedOver) {
      currentOver++;
      if (currentOver === expectedOver) exactlyMin = [];
      keep(maxQuota);
    } else {
      keep(minQuota);
      if (currentOver < expectedOver) exactlyMin.push(id);
    }
  }

  // The rest, in topic then partition order, round-robin over the sorted members below minQuota, then one each to
  // the sorted members at exactly minQuota.
  const unassigned: TopicPartition[] = [];
  for (const t of [...counts.keys()].sort()) {
    for (let p = 0; p < counts.get(t)!; p++) if (!kept.has(tpKey({ topic: t, partition: p }))) unassigned.push({ topic: t, partition: p });
  }
  under.sort();
  exactlyMin.sort();
  let next = 0; // position of a Java iterator over `under`: the member after the last one handed out
  for (const tp of unassigned) {
    let chosen: string;
    let fromUnder = true;
    if (next < under.length) chosen = under[next++];
    else if (under.length === 0 && exactlyMin.length === 0) throw new Error('cooperative-sticky: no member can take another partition');
    else if (under.length === 0) { chosen = exactlyMin.shift()!; fromUnder = false; }
    else { next = 0; chosen = under[next++]; }
    const list = target.get(chosen)!;
    list.push(tp);
    const key = tpKey(tp);
    if ((giveUp.has(key) && giveUp.get(key) !== chosen) || claimedTwice.has(key)) pending.set(key, chosen);
    if (list.length === minQuota) {
      if (fromUnder) under.splice(--next, 1);
      exactlyMin.push(chosen);
    } else if (list.length === maxQuota) currentOver++;
  }
  if (under.length > 0) {
    if (currentOver !== expectedOver) throw new Error('cooperative-sticky: fewer members above minQuota than expected and no partitions left');
    for (const id of under) if (target.get(id)!.length !== minQuota) throw new Error(`cooperative-sticky: ${id} does not reach minQuota`);
  }
  for (const list of target.values()) list.sort(byTopicThenPartition);
  return { target, pending };
}

function roundOf(members: GroupMember[], target: Assignment, pending: Map<string, string>, cooperative: boolean): RebalanceRound {
  const assignment: Assignment = new Map([...target].map(([id, tps]) => [id, tps.filter((tp) => !pending.has(tpKey(tp)))]));
  const pendingList = [...target].flatMap(([to, tps]) => tps.filter((tp) => pending.has(tpKey(tp))).map((partition) => ({ partition, to })));
  const revoked = new Map<string, TopicPartition[]>();
  for (const m of members) {
    const now = new Set((assignment.get(m.id) ?? []).map(tpKey));
    const seen = new Set<string>();
    const lost = (m.owned ?? []).filter((tp) => {
      const key = tpKey(tp);
      if (seen.has(key)) return false;
      seen.add(key);
      return !cooperative || !now.has(key);
    });
    revoked.set(m.id, lost.sort(byTopicThenPartition));
  }
  return { assignment, target, pending: pendingList, revoked, followUp: cooperative && [...revoked.values()].some((l) => l.length > 0) };
}

/** Java CooperativeStickyAssignor (kafka-clients 4.1, checked against it by test/assignors-java.test.ts) for groups
 * whose members all subscribe to the same topics; throws otherwise. `assign` returns the target; `round` also says
 * which partitions wait for the follow-up round. */
export const cooperativeStickyAssignor: Assignor = {
  name: 'cooperative-sticky',
  protocolName: 'cooperative-sticky',
  rebalance: 'cooperative',
  assign(members, topics) {
    return cooperativeStickyTarget(members, topics).target;
  },
  round(members, topics) {
    const { target, pending } = cooperativeStickyTarget(members, topics);
    return roundOf(members, target, pending, true);
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
