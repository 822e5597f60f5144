// --threads: producers and consumers spread over worker threads, one report. Whatever the thread
// count, the same workload gives the same placement, exact delivery, and per-key ordering judged
// over the whole group; the broker's own logs are the independent side of each count.
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/schema.js';
import { loadDriver } from '../../src/drivers/load.js';
import { kbench as kbenchDefault } from '../helpers.js';
import { brokers, LIVE_DRIVERS, onDriver } from './helpers.js';

const brokerLog = (r: RunReport) => (r.model.parameters.finalOffsets as { logEndOffset: number }[]).map((l) => l.logEndOffset);

// Once per driver, the drivers' copies side by side (each run has its own topic and group, and is
// mostly its duration); within one driver's copy the runs go one after another, as they always have.
describe.skipIf(!brokers).each(LIVE_DRIVERS)('--threads on a real broker (driver %s)', { concurrent: true }, (driver) => {
  const { report, kbench } = onDriver(driver);
  const live = (...argv: string[]) => report('--brokers', brokers, ...argv);

  it.sequential('1 and 3 threads: the same per-partition counts, equal to the broker\'s logs, and exact delivery', async () => {
    const args = ['--key', 'user_id', '--partitions', '4', '--producers', '2', '--consumers', '2', '--duration', '2s', '--rate', '1500'];
    // The two runs side by side: each has its own topic and group.
    const [one, three] = await Promise.all([live(...args, '--threads', '1'), live(...args, '--threads', '3')]);
    expect(one.model.parameters.threads).toBe(1);
    expect(three.model.parameters.threads).toBe(3);
    for (const r of [one, three]) expect(r.model.parameters.driver).toBe(driver);
    for (const r of [one, three]) {
      expect(r.delivery).toEqual({ produced: 3000, acked: 3000, consumed: 3000, lost: 0, duplicated: 0, skipped: 0, misplaced: 0, unconsumed: 0 });
      expect(brokerLog(r)).toEqual(r.phases[0].perPartition);
      expect(r.phases[0].latency.endToEnd.count).toBe(3000);
      // Both consumers read (each has partitions of its own).
      expect(r.phases[0].consumers.every((c) => c.records > 0)).toBe(true);
    }
    // Same seed, same keys, same partitioners: placement does not depend on the thread count.
    expect(three.phases[0].perPartition).toEqual(one.phases[0].perPartition);
  });

  it.sequential('ordering is judged per entity across members in different threads', async () => {
    // Null keys: the sticky partitioner spreads each user's events over the partitions, which two
    // members in two threads read concurrently, so a user's later event is often read first.
    const args = ['--key', 'none', '--users', '50', '--partitions', '4', '--duration', '3s', '--rate', '2000', '--consumers', '2', '--threads', '2'];
    if (!(await loadDriver(driver, { brokers: [brokers], connectTimeoutMs: 5000 })).capabilities.nullRecords) {
      // A driver that cannot write a null key refuses null-key runs before anything connects.
      const refused = await kbench('--brokers', '127.0.0.1:1', ...args);
      expect(refused.code).toBe(2);
      expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^kbench: null keys cannot be written by the \w+ driver/)]);
      return;
    }
    const r = await live(...args);
    expect(r.model.parameters.threads).toBe(2);
    expect(r.delivery).toMatchObject({ produced: 6000, consumed: 6000, lost: 0, duplicated: 0, misplaced: 0 });
    expect(r.ordering.violations).toBeGreaterThan(0);
    expect(r.ordering.keysAffected).toBeGreaterThan(0);
  });

  it.sequential('growth 3 → 6 over 2 threads: delivery exact and every partition\'s count equal to its log', async () => {
    const r = await live('--key', 'user_id', '--users', '300', '--partitions', '3', '--grow-to', '6', '--duration', '6s', '--rate', '800',
      '--consumers', '2', '--threads', '2', '--metadata-refresh', '1s', '--auto-offset-reset', 'earliest');
    expect(r.delivery).toMatchObject({ lost: 0, duplicated: 0, skipped: 0, misplaced: 0 });
    expect(r.delivery.consumed).toBe(r.delivery.produced);
    expect(brokerLog(r)).toEqual(r.phases[1].perPartition.map((n, p) => n + (r.phases[0].perPartition[p] ?? 0)));
    expect(r.phases[1].perPartition.slice(3).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});

describe.skipIf(!brokers)('--threads on a real broker', () => {
  it('--threads 0 is refused before anything connects', async () => {
    const r = await kbenchDefault('--brokers', '127.0.0.1:1', '--threads', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--threads must be from 1 to \d+/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
