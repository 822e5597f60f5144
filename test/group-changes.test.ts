// Consumer-group changes in the simulator (--scale-consumers, --kill-consumer): rebalances with the assignor's own
// rounds, the lag they cause, and the records a crashed member's successors read again.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kbench, simReport, tempDir } from './helpers.js';
import { planGroup } from '../src/engines/sim/group-schedule.js';
import type { GroupChangeRow, RunReport } from '../src/report/schema.js';

const changesOf = (r: RunReport) => r.model.parameters.groupChanges as GroupChangeRow[];
const lagAt = (r: RunReport, ms: number) => r.timeline.lag[Math.floor(ms / r.timeline.bucketMs)];
// One-second rounds (not the model's measured round) keep the arithmetic below readable.
const base = ['--duration', '40s', '--rate', '2000', '--partitions', '12', '--consumers', '3', '--rebalance-time', '1s'];

describe('scaling the group', () => {
  it('3 → 6 with range: one eager round, every partition stops, consumers 4–6 take partitions', async () => {
    const r = await simReport(...base, '--scale-consumers', '6@20s');
    const [g] = changesOf(r);
    expect(g).toMatchObject({ kind: 'join', members: ['consumer-4', 'consumer-5', 'consumer-6'], atMs: 20000, rebalanceAtMs: 20000, settledAtMs: 21000, rounds: 1 });
    expect(g.partitionsMoved).toBe(10); // range 4,4,4 → 2 each: only p0 and p1 stay with consumer-1
    expect(g.stoppedPartitionSeconds).toBe(12); // 12 partitions × one 1 s round
    const c = r.phases[0].consumers;
    expect(c.map((x) => x.partitions)).toEqual([[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [10, 11]]);
    expect(lagAt(r, 20500)).toBeGreaterThan(1000); // the whole group stood still for a second at 2,000 records/s
    expect(lagAt(r, 25500)).toBeLessThan(100);
    expect(r.delivery).toMatchObject({ lost: 0, duplicated: 0, consumed: r.delivery.acked });
    expect(r.ordering.violations).toBe(0);
    expect(r.advice.map((a) => a.code)).toContain('eager-rebalance');
  });

  it('3 → 6 with cooperative-sticky: fewer partitions move, in a follow-up round, and only they stop', async () => {
    const r = await simReport(...base, '--assignor', 'cooperative-sticky', '--scale-consumers', '6@20s');
    const [g] = changesOf(r);
    expect(g).toMatchObject({ kind: 'join', rebalanceAtMs: 20000, settledAtMs: 22000, rounds: 2 });
    expect(g.partitionsMoved).toBe(6);
    expect(g.stoppedPartitionSeconds).toBe(6); // the six moved partitions wait one round (the follow-up)
    const owned = r.phases[0].consumers.map((x) => x.partitions.length);
    expect(owned).toEqual([2, 2, 2, 2, 2, 2]);
    expect(r.delivery).toMatchObject({ lost: 0, duplicated: 0 });
    const eager = await simReport(...base, '--scale-consumers', '6@20s');
    expect(lagAt(r, 20500)).toBeLessThan(lagAt(eager, 20500) / 2);
  });

  it('6 → 3: the highest-numbered members leave cleanly, nothing is read twice', async () => {
    const r = await simReport(...base, '--consumers', '6', '--scale-consumers', '3@50%');
    const [g] = changesOf(r);
    expect(g).toMatchObject({ kind: 'leave', members: ['consumer-6', 'consumer-5', 'consumer-4'], atMs: 20000, settledAtMs: 21000 });
    const c = r.phases[0].consumers;
    expect(c.slice(3).map((x) => x.left)).toEqual(['left', 'left', 'left']);
    expect(c.slice(0, 3).map((x) => x.partitions.length)).toEqual([4, 4, 4]);
    expect(r.delivery).toMatchObject({ lost: 0, duplicated: 0 });
    expect(r.advice.map((a) => a.code)).not.toContain('idle-consumers');
  });
});

describe('a consumer crashes', () => {
  it('its partitions wait for the session timeout; what it processed since its last commit is read again', async () => {
    const r = await simReport(...base, '--kill-consumer', '2@13s');
    const [g] = changesOf(r);
    // Commits every 5 s from the start: the last one before 13 s is at 10 s; the group notices at 23 s.
    expect(g).toMatchObject({ kind: 'crash', members: ['consumer-2'], atMs: 13000, lastCommitMs: 10000, rebalanceAtMs: 23000, settledAtMs: 24000, rounds: 1 });
    expect(g.redelivered).toBeGreaterThan(0);
    // consumer-2 owned 4 of 12 partitions (about a third of 2,000 records/s) for 3 s after its last commit.
    expect(g.redelivered).toBeGreaterThan(1500);
    expect(g.redelivered).toBeLessThan(2500);
    expect(r.delivery.duplicated).toBe(g.redelivered);
    expect(r.delivery).toMatchObject({ lost: 0, consumed: r.delivery.acked });
    // Redelivered records are duplicates, not ordering violations (as in live runs: the ledger sees them first).
    expect(r.ordering.violations).toBe(0);
    // The lag bump: a third of the traffic piles up for the 10 s session timeout, then drains.
    expect(lagAt(r, 22500)).toBeGreaterThan(5000);
    expect(lagAt(r, 12500)).toBeLessThan(100);
    expect(lagAt(r, 39500)).toBeLessThan(100);
    expect(r.phases[0].consumers[1].left).toBe('crashed');
    expect(r.advice.find((a) => a.code === 'consumer-crashed')?.level).toBe('warn');
    expect(r.model.notes.join(' ')).toMatch(/counted as duplicated, not as ordering violations/);
  });

  it('a shorter session timeout and commit interval shrink the stall and the duplicates', async () => {
    const long = changesOf(await simReport(...base, '--kill-consumer', '2@13s'))[0];
    const short = changesOf(await simReport(...base, '--kill-consumer', '2@13s', '--session-timeout', '3s', '--auto-commit-interval', '1s'))[0];
    expect(short.settledAtMs).toBe(17000);
    expect(short.redelivered!).toBeLessThan(long.redelivered! / 2);
  });

  it('the report text shows the change, the rebalance and the records read again', async () => {
    const r = await kbench(...base, '--kill-consumer', '2@13s', '--out', join(tempDir(), 'r.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Consumer group changes/);
    expect(r.stdout).toMatch(/consumer-2 crashed/);
    expect(r.stdout).toMatch(/\(crashed\)/);
    expect(r.stdout).toMatch(/duplicated [1-9]/);
  });
});

describe('determinism and combinations', () => {
  it('the same seed gives the same report', async () => {
    const argv = [...base, '--assignor', 'cooperative-sticky', '--scale-consumers', '5@10s,2@30s', '--kill-consumer', '1@20s'];
    const strip = (r: RunReport) => ({ ...r, createdAt: '', run: { ...r.run, wallMs: 0, startedAt: '' } });
    expect(strip(await simReport(...argv))).toEqual(strip(await simReport(...argv)));
  });

  it('a crash during a rebalance, and a change while a crash is unnoticed, keep every record', async () => {
    for (const assignor of ['range', 'roundrobin', 'cooperative-sticky', 'kafkajs']) {
      const r = await simReport(...base, '--assignor', assignor, '--scale-consumers', '5@10s,2@25s', '--kill-consumer', '4@10.5s,1@20s', '--rebalance-time', '2s');
      expect(r.delivery.lost).toBe(0);
      expect(r.delivery.consumed).toBe(r.delivery.acked);
      const last = r.phases[0].consumers;
      expect(last.filter((c) => !c.left && c.partitions.length > 0).length).toBe(2);
      expect(last.flatMap((c) => c.partitions).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, p) => p));
    }
  });

  it('cooperative-sticky rounds carry owned partitions and generations, so stable members keep theirs', () => {
    const plan = planGroup({ partitions: 6, consumers: 2, slots: 3, assignor: 'cooperative-sticky', rebalanceUs: 1e6, sessionTimeoutUs: 1e7,
      autoCommitIntervalUs: 5e6, changes: [{ kind: 'scale', atMs: 5000, consumers: 3 }] });
    const owners = plan.assignments.map((a) => Array.from(a.owners));
    expect(owners[0]).toEqual([0, 1, 0, 1, 0, 1]); // Java's sticky assignor with nothing owned: round robin
    // Round 1: consumer-1 and consumer-2 each give up one partition (held back); round 2 hands both to consumer-3.
    expect(owners[1].filter((o) => o === -1)).toHaveLength(2);
    expect(owners[2].filter((o) => o === 2)).toHaveLength(2);
    expect(owners[2].filter((o, p) => o !== owners[0][p])).toHaveLength(2);
  });
});

describe('option errors, one line each', () => {
  const cases: [string[], RegExp][] = [
    [['--scale-consumers', '6'], /--scale-consumers entry "6" is not <consumers>@<time>/],
    [['--scale-consumers', '0@10s'], /--scale-consumers entry <consumers> must be from 1 to 1,000 \(got "0"\)/],
    [['--scale-consumers', '6@200%'], /--scale-consumers entry time percentage must be between 0% and 100%/],
    [['--scale-consumers', '6@2m', '--duration', '1m'], /--scale-consumers 6@2m must fall inside the run/],
    [['--kill-consumer', '4@10s'], /--kill-consumer 4@10s: consumer 4 is not in the group then \(members: 1, 2, 3\)/],
    [['--kill-consumer', '2@10s,2@20s'], /--kill-consumer 2@20s: consumer 2 is not in the group then/],
    [['--scale-consumers', '1@5s', '--kill-consumer', '2@10s'], /consumer 2 is not in the group then \(members: 1\)/],
    [['--kill-consumer', '1@10s', '--consumers', '0'], /--kill-consumer needs a consumer group; --consumers is 0/],
    [['--kill-consumer', '1@10s', '--grow-to', '24'], /--kill-consumer cannot be combined with --grow-to yet/],
    [['--scale-consumers', '6@10s', '--brokers', 'localhost:1', '--workers', '2'], /--scale-consumers cannot be combined with --workers yet/],
    [['--kill-consumer', '1@10s', '--brokers', 'localhost:1', '--grow-to', '24'], /--kill-consumer cannot be combined with --grow-to yet/],
    [['--session-timeout', '0s'], /--session-timeout must be from/],
  ];
  it.each(cases)('%j', async (argv, message) => {
    const r = await kbench('--duration', '30s', ...argv, '--out', join(tempDir(), 'x.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
