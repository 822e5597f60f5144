// The consumer group's life over a simulated run with membership changes (--scale-consumers, --kill-consumer),
// planned before the first record: who owns each partition when, and why. Each rebalance uses the assignor's own
// round (src/groups/assignors.ts) with every member's owned partitions and generation.
//
// Semantics (README "Consumer group changes"):
// - a join (scale up) starts a rebalance at once; a clean leave (scale down, the highest-numbered members) commits,
//   stops the member's partitions at once and starts a rebalance;
// - a crash stops the member at once without committing; the group notices after the session timeout and then
//   rebalances; records it processed after its last commit are read again by the partitions' next owners;
// - members commit every auto-commit interval (from their join) and when a rebalance starts (Java's
//   onJoinPrepare commits when auto-commit is on);
// - eager: at the start of a rebalance every member revokes everything; nothing is consumed until the round ends.
//   Cooperative: members keep consuming during the round; at its end they drop what they lost, take what they
//   got, and when the round says so a follow-up round hands over the partitions held back;
// - a rebalance asked for while another runs starts when that one ends; one that would start while a crashed member
//   is still unnoticed waits for its session timeout (the group waits for every known member to rejoin).
import type { GroupChangeRow } from '../../report/schema.js';
import type { GroupChange } from '../../config/run-spec.js';
import { ASSIGNORS, memberId, type AssignorName, type GroupMember, type TopicPartition } from '../../groups/assignors.js';

/** One stretch of a partition's ownership: consumer `owner` (or -1, nobody) during [from, to). `crash`: the stretch
 * ends because its owner crashed at `to`; what it finished after `commitUs` was not committed, and `report` counts
 * the records read again. */
export interface Ownership {
  from: number;
  to: number;
  owner: number;
  crash?: { commitUs: number; report: GroupChangeRow };
}


export interface GroupSchedule {
  ownership: Ownership[][];
  assignments: { atUs: number; owners: Int32Array; reason: string }[];
  changes: GroupChangeRow[];
}

interface Member {
  slot: number;
  id: string;
  joinedUs: number;
  /** In the group as the coordinator sees it (a crashed member stays until its session times out). */
  inGroup: boolean;
  crashedUs: number | null;
  owned: number[];
  generation: number;
  lastCommitUs: number;
}

export interface GroupScheduleInput {
  partitions: number;
  consumers: number;
  slots: number;
  assignor: AssignorName;
  changes: GroupChange[];
  rebalanceUs: number;
  sessionTimeoutUs: number;
  autoCommitIntervalUs: number;
}

const TOPIC = 'topic';
const tps = (ps: number[]): TopicPartition[] => ps.map((partition) => ({ topic: TOPIC, partition }));

export function planGroup(o: GroupScheduleInput): GroupSchedule {
  const assignor = ASSIGNORS[o.assignor];
  const cooperative = assignor.rebalance === 'cooperative';
  const ownership: Ownership[][] = Array.from({ length: o.partitions }, () => [{ from: 0, to: Infinity, owner: -1 }]);
  const assignments: GroupSchedule['assignments'] = [];
  const changes: GroupChangeRow[] = [];
  const members: Member[] = [];
  /** The group's view: which member (slot) holds each partition, -1 none. */
  const holder = new Int32Array(o.partitions).fill(-1);
  let generation = 0;

  const effective = (p: number) => {
    const m = holder[p] < 0 ? undefined : members[holder[p]];
    return m && m.crashedUs === null ? m.slot : -1;
  };
  const owners = () => Int32Array.from({ length: o.partitions }, (_, p) => effective(p));
  /** From `at`, partition p is consumed by `owner` (-1: nobody). */
  const setOwner = (p: number, at: number, owner: number) => {
    const list = ownership[p];
    const last = list[list.length - 1];
    if (last.owner === owner) return;
    if (at <= last.from) {
      last.owner = owner;
      return;
    }
    last.to = at;
    list.push({ from: at, to: Infinity, owner });
  };
  /** From `at` on, member `slot` consumes nothing, including what a rebalance already running gives it. A crash
   * marks the stretch it ends (records finished after `crash.commitUs` were not committed). */
  const stopFrom = (slot: number, at: number, crash?: Ownership['crash']) => {
    for (const list of ownership) {
      for (let i = 0; i < list.length; i++) {
        const s = list[i];
        if (s.owner !== slot || s.to <= at) continue;
        if (s.from < at) {
          list.splice(i + 1, 0, { from: at, to: s.to, owner: -1 });
          s.to = at;
          if (crash) s.crash = crash;
        } else s.owner = -1;
      }
    }
    for (const a of assignments) if (a.atUs > at) a.owners = a.owners.map((x) => (x === slot ? -1 : x));
  };
  const commit = (m: Member, at: number) => { if (m.crashedUs === null && at > m.lastCommitUs) m.lastCommitUs = at; };
  const lastCommit = (m: Member, at: number) => {
    // The auto-commit timer restarts at every commit (a rebalance commits too).
    return m.lastCommitUs + Math.floor((at - m.lastCommitUs) / o.autoCommitIntervalUs) * o.autoCommitIntervalUs;
  };

  /** One rebalance: members rejoin at `begin` (committing; eager ones revoke everything), the group completes the join
   * at `start` (later when it waits for a crashed member's session timeout), and each round ends `rebalanceUs` later. */
  const rebalance = (begin: number, start: number, reason: string): { end: number; rounds: number; moved: Set<number> } => {
    const inGroup = members.filter((m) => m.inGroup);
    const moved = new Set<number>();
    const before = Int32Array.from(holder);
    let t = start;
    let rounds = 0;
    for (const m of inGroup) commit(m, begin);
    if (!cooperative) {
      for (let p = 0; p < o.partitions; p++) setOwner(p, begin, -1);
      for (const m of inGroup) m.owned = [];
      holder.fill(-1);
      assignments.push({ atUs: begin, owners: owners(), reason: `eager rebalance (${reason}): every partition revoked` });
    }
    for (;;) {
      rounds++;
      generation++;
      const group: GroupMember[] = inGroup.map((m) => ({ id: m.id, topics: [TOPIC], owned: tps(m.owned), generation: m.generation }));
      const round = assignor.round(group, { [TOPIC]: o.partitions });
      t += o.rebalanceUs;
      holder.fill(-1);
      for (const m of inGroup) {
        m.owned = (round.assignment.get(m.id) ?? []).map((tp) => tp.partition).sort((a, b) => a - b);
        m.generation = generation;
        for (const p of m.owned) holder[p] = m.slot;
      }
      for (let p = 0; p < o.partitions; p++) {
        setOwner(p, t, effective(p));
        if (holder[p] !== before[p]) moved.add(p);
      }
      // Partitions that end with their old holder did not move, even if they waited a round.
      for (const p of [...moved]) if (holder[p] === before[p]) moved.delete(p);
      assignments.push({ atUs: t, owners: owners(), reason: rounds === 1 ? `rebalance (${reason})` : `cooperative follow-up round (${reason})` });
      if (!round.followUp || rounds >= 10) break;
      for (const m of inGroup) commit(m, t);
    }
    return { end: t, rounds, moved };
  };

  // The initial group: one round at 0, already settled when the run starts.
  for (let i = 0; i < o.consumers; i++) members.push({ slot: i, id: memberId(i, o.slots), joinedUs: 0, inGroup: true, crashedUs: null, owned: [], generation: -1, lastCommitUs: 0 });
  {
    generation++;
    const round = assignor.round(members.map((m) => ({ id: m.id, topics: [TOPIC], owned: [] })), { [TOPIC]: o.partitions });
    for (const m of members) {
      m.owned = (round.assignment.get(m.id) ?? []).map((tp) => tp.partition).sort((a, b) => a - b);
      m.generation = generation;
      for (const p of m.owned) holder[p] = m.slot;
    }
    for (let p = 0; p < o.partitions; p++) ownership[p][0].owner = effective(p);
    assignments.push({ atUs: 0, owners: owners(), reason: 'initial assignment' });
  }

  let busyUntil = 0;
  const pending: { at: number; report: GroupChangeRow; atUs: number }[] = [];
  const queue = [...o.changes];
  const startRebalance = (trigger: number) => {
    // Waits for any running rebalance and for crashed members still in the group (their session timeout),
    // taking in the changes that come meanwhile.
    const begin = Math.max(trigger, busyUntil);
    let start = begin;
    for (;;) {
      for (const m of members) if (m.inGroup && m.crashedUs !== null && m.crashedUs <= start) start = Math.max(start, m.crashedUs + o.sessionTimeoutUs);
      if (queue.length && queue[0].atMs * 1000 <= start) { apply(queue.shift()!); continue; }
      break;
    }
    for (const m of members) if (m.inGroup && m.crashedUs !== null && m.crashedUs + o.sessionTimeoutUs <= start) m.inGroup = false;
    const batch = pending.splice(0);
    const { end, rounds, moved } = rebalance(begin, start, batch.map((b) => b.report.change).join('; '));
    busyUntil = end;
    for (const b of batch) {
      b.report.rebalanceAtMs = begin / 1000;
      b.report.settledAtMs = end / 1000;
      b.report.rounds = rounds;
      b.report.partitionsMoved = moved.size;
    }
  };

  function apply(g: GroupChange): void {
    const at = g.atMs * 1000;
    const alive = members.filter((m) => m.inGroup && m.crashedUs === null);
    const report = (change: string, kind: GroupChangeRow['kind'], ids: string[]): GroupChangeRow => {
      const r: GroupChangeRow = { change, kind, members: ids, atMs: g.atMs, rebalanceAtMs: g.atMs, settledAtMs: g.atMs, rounds: 0, partitionsMoved: 0, stoppedPartitionSeconds: 0 };
      changes.push(r);
      return r;
    };
    if (g.kind === 'kill') {
      const m = members[g.member - 1];
      const commitUs = lastCommit(m, at);
      m.crashedUs = at;
      const r = report(`${m.id} crashed`, 'crash', [m.id]);
      r.redelivered = 0;
      r.lastCommitMs = commitUs / 1000;
      stopFrom(m.slot, at, { commitUs, report: r });
      assignments.push({ atUs: at, owners: owners(), reason: `${m.id} crashed: its partitions wait for the session timeout` });
      pending.push({ at: at + o.sessionTimeoutUs, report: r, atUs: at });
    } else if (g.consumers > alive.length) {
      const joined: string[] = [];
      for (let k = alive.length; k < g.consumers; k++) {
        const slot = members.length;
        members.push({ slot, id: memberId(slot, o.slots), joinedUs: at, inGroup: true, crashedUs: null, owned: [], generation: -1, lastCommitUs: at });
        joined.push(members[slot].id);
      }
      pending.push({ at, report: report(`${joined.join(', ')} joined`, 'join', joined), atUs: at });
    } else if (g.consumers < alive.length) {
      const leaving = alive.sort((a, b) => b.slot - a.slot).slice(0, alive.length - g.consumers);
      for (const m of leaving) {
        commit(m, at);
        m.inGroup = false;
        stopFrom(m.slot, at);
        for (const p of m.owned) holder[p] = -1;
        m.owned = [];
      }
      assignments.push({ atUs: at, owners: owners(), reason: `${leaving.map((m) => m.id).join(', ')} left the group` });
      pending.push({ at, report: report(`${leaving.map((m) => m.id).join(', ')} left`, 'leave', leaving.map((m) => m.id)), atUs: at });
    }
  }

  while (queue.length || pending.length) {
    const nextChange = queue.length ? queue[0].atMs * 1000 : Infinity;
    const nextTrigger = pending.length ? Math.max(Math.min(...pending.map((p) => p.at)), busyUntil) : Infinity;
    if (nextChange <= nextTrigger) apply(queue.shift()!);
    else startRebalance(Math.min(...pending.map((p) => p.at)));
  }

  // Partition-seconds without a consuming owner, from each change to its settled group.
  for (const r of changes) {
    const from = r.atMs * 1000;
    const to = r.settledAtMs * 1000;
    let us = 0;
    for (const list of ownership) for (const s of list) if (s.owner < 0) us += Math.max(0, Math.min(s.to, to) - Math.max(s.from, from));
    r.stoppedPartitionSeconds = Math.round(us / 1e4) / 100;
  }
  assignments.sort((a, b) => a.atUs - b.atUs);
  return { ownership, assignments, changes };
}
