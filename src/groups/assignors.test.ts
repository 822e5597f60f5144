// Examples from ../shared/reference/partitioners.md §9-§10 (Java Javadoc examples, kafkajs spec).
import { describe, expect, it } from 'vitest';
import { ASSIGNORS, javaHashMapOrder, javaStringHashCode, type Assignment, type GroupMember, type TopicPartition } from './assignors.js';

const flat = (a: Assignment) =>
  Object.fromEntries([...a].map(([id, tps]) => [id, tps.map((tp) => `${tp.topic}p${tp.partition}`)]));
const members = (ids: string[], topics: string[]): GroupMember[] => ids.map((id) => ({ id, topics }));

describe('range', () => {
  it('Javadoc: C0,C1 on t0,t1 with 3 partitions each', () => {
    expect(flat(ASSIGNORS.range.assign(members(['C0', 'C1'], ['t0', 't1']), { t0: 3, t1: 3 }))).toEqual({
      C0: ['t0p0', 't0p1', 't1p0', 't1p1'],
      C1: ['t0p2', 't1p2'],
    });
  });
  it('§10.3: A,B on 3 then 6 partitions moves old partition 2 from B to A', () => {
    const ab = members(['A', 'B'], ['t']);
    expect(flat(ASSIGNORS.range.assign(ab, { t: 3 }))).toEqual({ A: ['tp0', 'tp1'], B: ['tp2'] });
    expect(flat(ASSIGNORS.range.assign(ab, { t: 6 }))).toEqual({ A: ['tp0', 'tp1', 'tp2'], B: ['tp3', 'tp4', 'tp5'] });
  });
});

describe('roundrobin (Java)', () => {
  it('Javadoc: identical subscriptions', () => {
    expect(flat(ASSIGNORS.roundrobin.assign(members(['C0', 'C1'], ['t0', 't1']), { t0: 3, t1: 3 }))).toEqual({
      C0: ['t0p0', 't0p2', 't1p1'],
      C1: ['t0p1', 't1p0', 't1p2'],
    });
  });
  it('Javadoc: heterogeneous subscriptions skip non-subscribers', () => {
    const m: GroupMember[] = [
      { id: 'C0', topics: ['t0'] },
      { id: 'C1', topics: ['t0', 't1'] },
      { id: 'C2', topics: ['t0', 't1', 't2'] },
    ];
    expect(flat(ASSIGNORS.roundrobin.assign(m, { t0: 1, t1: 2, t2: 3 }))).toEqual({
      C0: ['t0p0'],
      C1: ['t1p0'],
      C2: ['t1p1', 't2p0', 't2p1', 't2p2'],
    });
  });
});

describe('kafkajs RoundRobinAssigner', () => {
  it('kafkajs spec: 4 members, topic-A(14) + topic-B(5)', () => {
    const m = members(['member-3', 'member-1', 'member-4', 'member-2'], ['topic-A', 'topic-B']);
    const a = ASSIGNORS.kafkajs.assign(m, { 'topic-A': 14, 'topic-B': 5 });
    expect(flat(a)).toEqual({
      'member-1': ['topic-Ap0', 'topic-Ap4', 'topic-Ap8', 'topic-Ap12', 'topic-Bp2'],
      'member-2': ['topic-Ap1', 'topic-Ap5', 'topic-Ap9', 'topic-Ap13', 'topic-Bp3'],
      'member-3': ['topic-Ap2', 'topic-Ap6', 'topic-Ap10', 'topic-Bp0', 'topic-Bp4'],
      'member-4': ['topic-Ap3', 'topic-Ap7', 'topic-Ap11', 'topic-Bp1'],
    });
    expect(ASSIGNORS.kafkajs.protocolName).toBe('RoundRobinAssigner');
  });
  it('§10.3: one topic 3 → 6', () => {
    const ab = members(['A', 'B'], ['t']);
    expect(flat(ASSIGNORS.kafkajs.assign(ab, { t: 3 }))).toEqual({ A: ['tp0', 'tp2'], B: ['tp1'] });
    expect(flat(ASSIGNORS.kafkajs.assign(ab, { t: 6 }))).toEqual({ A: ['tp0', 'tp2', 'tp4'], B: ['tp1', 'tp3', 'tp5'] });
  });
});

describe('cooperative-sticky', () => {
  it('§9.4: fresh group A,B on 3 partitions, then growth to 6 moves nothing', () => {
    const ab = members(['A', 'B'], ['t']);
    const first = ASSIGNORS['cooperative-sticky'].assign(ab, { t: 3 });
    expect(flat(first)).toEqual({ A: ['tp0', 'tp2'], B: ['tp1'] });
    const owned = ab.map((m) => ({ ...m, owned: first.get(m.id) }));
    expect(flat(ASSIGNORS['cooperative-sticky'].assign(owned, { t: 6 }))).toEqual({
      A: ['tp0', 'tp2', 'tp3'],
      B: ['tp1', 'tp4', 'tp5'],
    });
  });
  it('a new member takes partitions only from members above quota', () => {
    const before = new Map([['A', [0, 1, 2, 3]], ['B', [4, 5]]]);
    const m: GroupMember[] = [
      { id: 'A', topics: ['t'], owned: before.get('A')!.map((p) => ({ topic: 't', partition: p })) },
      { id: 'B', topics: ['t'], owned: before.get('B')!.map((p) => ({ topic: 't', partition: p })) },
      { id: 'C', topics: ['t'] },
    ];
    const after = flat(ASSIGNORS['cooperative-sticky'].assign(m, { t: 6 }));
    expect(after.B).toEqual(['tp4', 'tp5']);
    expect(after.A).toEqual(['tp0', 'tp1']);
    expect(after.C).toEqual(['tp2', 'tp3']);
  });
  it('every partition assigned exactly once with more members than partitions', () => {
    const a = ASSIGNORS['cooperative-sticky'].assign(members(['a', 'b', 'c', 'd', 'e'], ['t']), { t: 3 });
    const all = [...a.values()].flat().map((tp) => tp.partition).sort();
    expect(all).toEqual([0, 1, 2]);
  });
});

// Membership changes, as Java's CooperativeStickyAssignor handles them (the values below are also rounds of
// test/fixtures/java-assignors/assignor-scenarios.json, computed by kafka-clients).
describe('cooperative-sticky membership changes', () => {
  const sticky = ASSIGNORS['cooperative-sticky'];
  const t = (...ps: number[]): TopicPartition[] => ps.map((partition) => ({ topic: 't', partition }));
  const m = (id: string, generation: number | undefined, owned: TopicPartition[]): GroupMember =>
    ({ id, topics: ['t'], owned, ...(generation === undefined ? {} : { generation }) });
  const pending = (r: ReturnType<typeof sticky.round>) => r.pending.map((p) => `${p.partition.topic}p${p.partition.partition}→${p.to}`);

  it('join: what moves to the new member is revoked first and handed over in a follow-up round', () => {
    const first = sticky.round([m('A', 3, t(0, 1, 2, 3)), m('B', 3, t(4, 5)), m('C', undefined, [])], { t: 6 });
    expect(flat(first.assignment)).toEqual({ A: ['tp0', 'tp1'], B: ['tp4', 'tp5'], C: [] });
    expect(pending(first)).toEqual(['tp2→C', 'tp3→C']);
    expect(flat(first.revoked)).toEqual({ A: ['tp2', 'tp3'], B: [], C: [] });
    expect(first.followUp).toBe(true);
    expect(flat(first.target)).toEqual({ A: ['tp0', 'tp1'], B: ['tp4', 'tp5'], C: ['tp2', 'tp3'] });
    const again = sticky.round([...first.assignment].map(([id, owned]) => m(id, 4, owned)), { t: 6 });
    expect(flat(again.assignment)).toEqual({ A: ['tp0', 'tp1'], B: ['tp4', 'tp5'], C: ['tp2', 'tp3'] });
    expect(again.followUp).toBe(false);
  });

  it('leave or crash: nobody owns the departed member\'s partitions, so they are assigned in the same round', () => {
    const r = sticky.round([m('B', 5, t(3, 4)), m('C', 5, t(5, 6))], { t: 7 });
    expect(flat(r.assignment)).toEqual({ B: ['tp0', 'tp2', 'tp3', 'tp4'], C: ['tp1', 'tp5', 'tp6'] });
    expect(r.pending).toEqual([]);
    expect(r.followUp).toBe(false);
  });

  it('two members claiming a partition in the same generation both lose it; its new owner waits a round', () => {
    const r = sticky.round([m('A', 3, t(0, 1, 2)), m('B', 3, t(0, 3, 4)), m('C', 3, t(5))], { t: 6 });
    expect(flat(r.assignment)).toEqual({ A: ['tp1', 'tp2'], B: ['tp3', 'tp4'], C: ['tp5'] });
    expect(pending(r)).toEqual(['tp0→C']);
    expect(flat(r.revoked)).toEqual({ A: ['tp0'], B: ['tp0'], C: [] });
    // even a claimer that gets it back must first let go of it
    const back = sticky.round([m('A', 2, t(0)), m('B', 2, t(0, 1, 2, 3))], { t: 4 });
    expect(flat(back.assignment)).toEqual({ A: [], B: ['tp1', 'tp2'] });
    expect(pending(back)).toEqual(['tp0→A', 'tp3→A']);
  });

  it('claims in different generations: the newer generation keeps the partition (no generation counts as -1)', () => {
    const r = sticky.round([m('A', 3, t(0, 1, 2)), m('B', 2, t(0, 3, 4)), m('C', 3, t(5))], { t: 6 });
    expect(flat(r.assignment)).toEqual({ A: ['tp0', 'tp1'], B: ['tp3', 'tp4'], C: ['tp5'] });
    expect(pending(r)).toEqual(['tp2→C']);
    expect(flat(r.revoked)).toEqual({ A: ['tp2'], B: ['tp0'], C: [] });
    const none = sticky.round([m('A', 7, t(0, 1)), m('B', undefined, t(1, 2, 3))], { t: 4 });
    expect(flat(none.assignment)).toEqual({ A: ['tp0', 'tp1'], B: ['tp2', 'tp3'] });
    expect(none.followUp).toBe(true); // B gives up its stale claim on p1, so it rejoins
  });

  it('members with different subscriptions are not modelled', () => {
    expect(() => sticky.assign([{ id: 'A', topics: ['t'] }, { id: 'B', topics: ['t', 'u'] }], { t: 2, u: 2 })).toThrow(/different topics/);
  });

  it('eager assignors: one round, every owned partition revoked before joining', () => {
    const r = ASSIGNORS.range.round([m('A', 1, t(0, 1)), m('B', 1, t(2))], { t: 3 });
    expect(flat(r.assignment)).toEqual({ A: ['tp0', 'tp1'], B: ['tp2'] });
    expect(flat(r.revoked)).toEqual({ A: ['tp0', 'tp1'], B: ['tp2'] });
    expect(r.followUp).toBe(false);
  });

  it('Java HashMap order: String.hashCode buckets, insertion order within a bucket', () => {
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('Aa')).toBe(javaStringHashCode('BB'));
    expect(javaHashMapOrder(['BB', 'Aa', 'C'])).toEqual(['BB', 'Aa', 'C']);
    expect(javaHashMapOrder(['Aa', 'BB', 'C'])).toEqual(['Aa', 'BB', 'C']);
    expect(javaHashMapOrder(['C', 'B', 'A'])).toEqual(['A', 'B', 'C']);
  });
});
