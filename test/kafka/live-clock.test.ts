// The run's clock and the consumer group's join events on a real broker: the assignment the group
// settled on before the first record belongs to the run from its zero, so the first seconds' lag is
// credited to the consumers that really own the partitions.
import { describe, expect, it } from 'vitest';
import { runSpecOf } from '../../src/config/resolve.js';
import { createEngine } from '../../src/engines/create-engine.js';
import { buildReport } from '../../src/report/build.js';
import { runWorkload } from '../../src/runner/run-workload.js';
import { createRng } from '../../src/workload/rng.js';
import { brokers } from './helpers.js';

describe.skipIf(!brokers)('live clock and group joins', () => {
  it('the settled join assignment is in force from the run\'s zero; no join is stamped inside the run', async () => {
    const spec = runSpecOf({ brokers, key: 'user_id', partitions: '6', consumers: '3', duration: '2s', rate: '500' });
    const result = await runWorkload(spec, createEngine(spec), createRng(spec.seed));
    expect(result.failure).toBeNull();
    const { recorder } = result;
    const first = recorder.assignments[0];
    expect(first.atUs).toBe(0);
    // Every partition owned, every consumer owning two of the six (range assignor).
    const owners = Array.from(first.owners);
    expect(owners.every((o) => o >= 0)).toBe(true);
    expect([0, 1, 2].map((c) => owners.filter((o) => o === c).length)).toEqual([2, 2, 2]);
    // Nothing rebalanced during the run: the owners at any moment are the ones at zero.
    expect(recorder.assignments.every((a) => a.atUs <= 0 || Array.from(a.owners).join() === owners.join())).toBe(true);
    for (const t of [0, 250_000, 1_000_000, 1_999_999]) expect(Array.from(recorder.ownersAt(t))).toEqual(owners);
    // Per-consumer peak lag in the first second is that of the partitions each consumer owns.
    const lag = recorder.peakLag(0, 1_000_000);
    const own = [0, 1, 2].map((c) => owners.reduce((s, o, p) => (o === c ? s + lag.perPartition[p] : s), 0));
    lag.perConsumer.forEach((l, c) => expect(l).toBeLessThanOrEqual(own[c]));
    const r = buildReport(result, 'test');
    expect(r.delivery).toMatchObject({ produced: 1000, acked: 1000, consumed: 1000, lost: 0, duplicated: 0 });
  }, 90_000);
});
