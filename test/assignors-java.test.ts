// kbench's assignors against Kafka's own (kafka-clients, the version scripts/kafka.sh runs): every round in
// test/fixtures/java-assignors/assignor-scenarios.json was computed by RangeAssignor, RoundRobinAssignor and
// CooperativeStickyAssignor from the same inputs (see that folder's README.md to regenerate it). Each round is
// replayed on its own: the members (in JoinGroup order), what they own, their generation, the topics.
// All comparisons are exact: which member gets which partition, and for cooperative-sticky which partitions are held
// back for the follow-up round. Java's only order dependence here, its HashMap iteration over member ids, is
// deterministic for a given insertion order and is modelled (javaHashMapOrder), so no case is compared loosely.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ASSIGNORS, type Assignment, type GroupMember, type TopicPartition } from '../src/groups/assignors.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = join(ROOT, 'test/fixtures/java-assignors');

interface FixtureMember { id: string; topics?: string[]; generation?: number; owned?: string }
interface FixtureRound {
  note: string;
  topics: Record<string, number>;
  subscription?: string[];
  members: FixtureMember[];
  cooperativeSticky?: { assignment: string[]; pending: string[] } | { error: string };
  range: string[];
  roundrobin: string[];
}
interface Fixture { kafkaClients: string; seed: number; scenarios: { name: string; kind: string; rounds: FixtureRound[] }[] }

const fixture = JSON.parse(readFileSync(join(DIR, 'assignor-scenarios.json'), 'utf8')) as Fixture;

/** "t:0-3,7;u:1" → partitions. */
function parseSet(text: string | undefined): TopicPartition[] {
  if (!text) return [];
  return text.split(';').flatMap((part) => {
    const colon = part.lastIndexOf(':');
    const topic = part.slice(0, colon);
    return part.slice(colon + 1).split(',').flatMap((run) => {
      const [a, b = a] = run.split('-').map(Number);
      return Array.from({ length: b - a + 1 }, (_, i) => ({ topic, partition: a + i }));
    });
  });
}

const show = (tps: TopicPartition[]) => tps.map((tp) => `${tp.topic}-${tp.partition}`).sort();

function membersOf(r: FixtureRound): GroupMember[] {
  return r.members.map((m) => ({
    id: m.id,
    topics: m.topics ?? r.subscription!,
    owned: parseSet(m.owned),
    ...(m.generation === undefined ? {} : { generation: m.generation }),
  }));
}

function expected(r: FixtureRound, sets: string[]): Record<string, string[]> {
  return Object.fromEntries(r.members.map((m, i) => [m.id, show(parseSet(sets[i]))]));
}

function actual(r: FixtureRound, a: Assignment): Record<string, string[]> {
  return Object.fromEntries(r.members.map((m) => [m.id, show(a.get(m.id) ?? [])]));
}

const label = (name: string, i: number, r: FixtureRound) => `${name} round ${i + 1} (${r.note})`;

it('the fixture comes from the kafka-clients version scripts/kafka.sh runs, and has the promised cases', () => {
  const pom = readFileSync(join(ROOT, 'kafka/pom.xml'), 'utf8');
  expect(fixture.kafkaClients).toBe(/<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)![1]);
  expect(fixture.scenarios.length).toBeGreaterThanOrEqual(300);
  const notes = fixture.scenarios.flatMap((s) => s.rounds.map((r) => r.note));
  for (const what of ['join ', 'leave ', 'crash ', 'grows', 'comes back with its stale partitions', 'same generation', 'older generation', 'follow-up'])
    expect(notes.some((n) => n.includes(what)), what).toBe(true);
  const sticky = fixture.scenarios.flatMap((s) => s.rounds).filter((r) => r.cooperativeSticky && 'pending' in r.cooperativeSticky);
  expect(sticky.some((r) => 'pending' in r.cooperativeSticky! && r.cooperativeSticky.pending.some((p) => p !== ''))).toBe(true);
});

describe.each(['range', 'roundrobin'] as const)('%s equals Java on every round', (name) => {
  it.each(fixture.scenarios.map((s) => [s.name, s] as const))('%s', (_, s) => {
    s.rounds.forEach((r, i) => {
      expect(actual(r, ASSIGNORS[name].assign(membersOf(r), r.topics)), label(s.name, i, r)).toEqual(expected(r, r[name]));
    });
  });
});

describe('cooperative-sticky equals Java on every round (assignment, and partitions held back for the follow-up)', () => {
  const withSticky = fixture.scenarios.filter((s) => s.rounds.some((r) => r.cooperativeSticky));
  it.each(withSticky.map((s) => [s.name, s] as const))('%s', (_, s) => {
    s.rounds.forEach((r, i) => {
      const java = r.cooperativeSticky!;
      const members = membersOf(r);
      if ('error' in java) {
        expect(() => ASSIGNORS['cooperative-sticky'].round(members, r.topics), label(s.name, i, r)).toThrow();
        return;
      }
      const round = ASSIGNORS['cooperative-sticky'].round(members, r.topics);
      expect(actual(r, round.assignment), label(s.name, i, r)).toEqual(expected(r, java.assignment));
      const pending = Object.fromEntries(r.members.map((m) => [m.id, show(round.pending.filter((p) => p.to === m.id).map((p) => p.partition))]));
      expect(pending, `${label(s.name, i, r)}: pending`).toEqual(expected(r, java.pending));
      // the target is what assign() gives: this round's assignment plus what is held back
      const target = Object.fromEntries(r.members.map((m, k) => [m.id, show([...parseSet(java.assignment[k]), ...parseSet(java.pending[k])])]));
      expect(actual(r, ASSIGNORS['cooperative-sticky'].assign(members, r.topics)), `${label(s.name, i, r)}: target`).toEqual(target);
      // the harness runs a follow-up round only when some member had to revoke a partition
      if (s.rounds[i + 1]?.note === 'follow-up after revocation') expect(round.followUp, `${label(s.name, i, r)}: followUp`).toBe(true);
    });
  });
});
