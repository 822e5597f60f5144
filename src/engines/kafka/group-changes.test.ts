// The live group-change rows from the members' reports, fed by hand: when the rebalance began and
// settled, what stood still, what moved, and what a crash had read again.
import { describe, expect, it } from 'vitest';
import { memberChanges } from '../../config/run-spec.js';
import { memberId } from '../../groups/assignors.js';
import { LiveGroupChanges } from './group-changes.js';

const id = (c: number) => memberId(c, 4);

describe('live group-change rows', () => {
  it('a crash: the survivors rejoin after the session timeout, its partitions stood still until then, its duplicates are counted', () => {
    const [crash] = memberChanges({ consumers: 2, groupChanges: [{ kind: 'kill', atMs: 1000, member: 2 }] });
    const log = new LiveGroupChanges(2, id);
    const row = log.begin(crash, 1_000_000, Int32Array.from([0, 0, 1, 1]), (c) => (c === 1 ? 400_000 : undefined));
    expect(row).toMatchObject({ change: 'consumer-2 crashed', kind: 'crash', members: ['consumer-2'], redelivered: 0, lastCommitMs: 400 });
    log.rebalancing(0, [0, 1], 7_000_000); // consumer-1 is told to rejoin: its partitions stop too
    log.joined(0, [0, 1, 2, 3], 7_500_000, Int32Array.from([0, 0, 0, 0]));
    log.duplicate(2, 7_600_000); // read again on the crashed member's partition
    log.duplicate(0, 7_600_000); // not its partition: another cause
    log.duplicate(3, 900_000); // before the crash: another cause
    // Partitions 2 and 3 stood still 6.5 s each, 0 and 1 for 0.5 s each.
    expect(row).toMatchObject({ rebalanceAtMs: 7000, settledAtMs: 7500, rounds: 1, partitionsMoved: 2, stoppedPartitionSeconds: 14, redelivered: 1, owned: { 'consumer-1': [0, 1, 2, 3] } });
  });

  it('a join settles when every member, old and new, has joined; a further round moves it on', () => {
    const [join] = memberChanges({ consumers: 1, groupChanges: [{ kind: 'scale', atMs: 1000, consumers: 2 }] });
    expect(join.slots).toEqual([1]);
    const log = new LiveGroupChanges(1, id);
    const row = log.begin(join, 1_000_000, Int32Array.from([0, 0]), () => undefined);
    log.rebalancing(0, [0, 1], 1_200_000);
    log.joined(0, [0], 1_400_000, Int32Array.from([0, 0]));
    expect(row.rounds).toBe(0); // consumer-2 has not joined yet
    log.joined(1, [1], 1_401_000, Int32Array.from([0, 1]));
    expect(row).toMatchObject({ rebalanceAtMs: 1200, settledAtMs: 1401, rounds: 1, partitionsMoved: 1, stoppedPartitionSeconds: 0.4, owned: { 'consumer-1': [0], 'consumer-2': [1] } });
    log.joined(0, [0], 2_000_000, Int32Array.from([0, 1]));
    log.joined(1, [1], 2_000_000, Int32Array.from([0, 1]));
    expect(row).toMatchObject({ settledAtMs: 2000, rounds: 2 });
  });

  it('who each change concerns: new slots join, the highest-numbered leave, a killed member keeps its slot', () => {
    const changes = memberChanges({ consumers: 3, groupChanges: [
      { kind: 'scale', atMs: 1, consumers: 5 }, { kind: 'kill', atMs: 2, member: 2 }, { kind: 'scale', atMs: 3, consumers: 2 }, { kind: 'scale', atMs: 4, consumers: 2 }, { kind: 'scale', atMs: 5, consumers: 3 },
    ] });
    expect(changes.map((m) => [m.kind, m.slots])).toEqual([['join', [3, 4]], ['crash', [1]], ['leave', [4, 3]], ['join', [5]]]);
  });
});
