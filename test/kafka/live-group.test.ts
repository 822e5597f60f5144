// Live consumer-group changes on the real broker: members that join and leave, a member that crashes
// (its thread ended: no commit, no LeaveGroup), and Java's commit schedule behind what is read twice.
// Each expectation follows from the commit schedule and the ledger, not from kbench's prediction.
// Short runs: the crash tests wait out the broker's shortest session (group.min.session.timeout.ms, 6 s),
// side by side.
import { describe, expect, it } from 'vitest';
import type { GroupChangeRow, RunReport } from '../../src/report/schema.js';
import { simReport } from '../helpers.js';
import { brokers } from './helpers.js';

const live = (...argv: string[]) => simReport('--brokers', brokers, '--key', 'user_id', '--partitions', '6', '--consumers', '3', '--rate', '1000', ...argv);
const changesOf = (r: RunReport) => r.model.parameters.groupChanges as GroupChangeRow[];
const member = (r: RunReport, id: string) => r.phases[0].consumers.find((c) => c.id === id)!;

describe.skipIf(!brokers)('live consumer-group changes', () => {
  it('3 → 6 → 3: each change rebalances the group, and the commits before rejoining and leaving read nothing twice', async () => {
    // Commits every minute: within the run, only the commits before a rejoin and before leaving happen.
    const r = await live('--duration', '5s', '--scale-consumers', '6@1s,3@3.5s', '--auto-commit-interval', '60s');
    expect(r.delivery).toMatchObject({ produced: 5000, acked: 5000, consumed: 5000, lost: 0, duplicated: 0, skipped: 0, unconsumed: 0 });
    const [up, down] = changesOf(r);
    expect(up).toMatchObject({ change: 'consumer-4, consumer-5, consumer-6 joined', kind: 'join' });
    expect(down).toMatchObject({ change: 'consumer-6, consumer-5, consumer-4 left', kind: 'leave' });
    for (const g of [up, down]) {
      expect(g.rounds).toBeGreaterThanOrEqual(1); // every member joined again
      expect(g.rebalanceAtMs).toBeGreaterThanOrEqual(g.atMs);
      expect(g.settledAtMs).toBeGreaterThanOrEqual(g.rebalanceAtMs);
      expect(Object.values(g.owned!).flat().sort()).toEqual([0, 1, 2, 3, 4, 5]); // every partition owned, once
    }
    expect(Object.values(up.owned!).map((ps) => ps.length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Object.keys(down.owned!)).toEqual(['consumer-1', 'consumer-2', 'consumer-3']);
    for (const id of ['consumer-4', 'consumer-5', 'consumer-6']) {
      expect(member(r, id).left).toBe('left');
      expect(member(r, id).records).toBeGreaterThan(0); // they joined and read
    }
    // Java's schedule, not one commit per batch: a rejoin and a leave or close each, per member.
    expect(r.model.parameters.consumerCommits as number).toBeLessThanOrEqual(6 * 3);
    expect(r.prediction!.comparison!.find((c) => c.metric === 'duplicated')).toMatchObject({ measured: 0 });
  });

  // The two crash runs mostly wait out a session timeout: they wait together.
  it.concurrent('a crashed member is noticed after the session timeout; with no commit since the start, all it read is read again', async () => {
    const r = await live('--duration', '3s', '--kill-consumer', '2@1.5s', '--session-timeout', '6s', '--auto-commit-interval', '60s');
    const [crash] = changesOf(r);
    expect(crash).toMatchObject({ change: 'consumer-2 crashed', kind: 'crash', members: ['consumer-2'], lastCommitMs: 0 });
    // No LeaveGroup: the group waited for the session to expire (counted from its last heartbeat, at
    // most one heartbeat interval, 500 ms, before the crash).
    expect(crash.rebalanceAtMs - crash.atMs).toBeGreaterThan(5_400);
    expect(crash.rebalanceAtMs - crash.atMs).toBeLessThan(11_000);
    expect(Object.keys(crash.owned!)).toEqual(['consumer-1', 'consumer-3']);
    expect(Object.values(crash.owned!).flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const crashed = member(r, 'consumer-2');
    expect(crashed.left).toBe('crashed');
    expect(crashed.records).toBeGreaterThan(0);
    // Its partitions' committed offsets were still 0: the next owners read everything it had read.
    expect(r.delivery).toMatchObject({ produced: 3000, consumed: 3000, lost: 0, unconsumed: 0, duplicated: crashed.records });
    expect(crash.redelivered).toBe(crashed.records);
  });

  it.concurrent('a member committing every 300 ms: after its crash only what it read since its last commit is read again', async () => {
    const r = await live('--duration', '3s', '--kill-consumer', '2@1.5s', '--session-timeout', '6s', '--auto-commit-interval', '300ms');
    const [crash] = changesOf(r);
    expect(crash.lastCommitMs).toBeGreaterThan(0);
    expect(crash.lastCommitMs).toBeLessThanOrEqual(crash.atMs);
    const crashed = member(r, 'consumer-2');
    expect(r.delivery).toMatchObject({ produced: 3000, consumed: 3000, lost: 0, unconsumed: 0 });
    expect(r.delivery.duplicated).toBe(crash.redelivered);
    // It committed through the run: far less than all it read (about 0.3 s of its ~330 records/s, plus heartbeat slack).
    expect(r.delivery.duplicated).toBeLessThan(crashed.records / 2);
  });
});
