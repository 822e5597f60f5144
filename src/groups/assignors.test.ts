// Examples from ../shared/reference/partitioners.md §9-§10 (Java Javadoc examples, kafkajs spec).
import { describe, expect, it } from 'vitest';
import { ASSIGNORS, type Assignment, type GroupMember } from './assignors.js';

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
