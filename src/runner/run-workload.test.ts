// The runner keeps what stopped a run as it was thrown, so the CLI can tell a bug from a user error,
// and keeps what the recorder gathered until then. A stub engine stands in for the system under test:
// this tests the runner, not an engine.
import { describe, expect, it } from 'vitest';
import { runSpecOf } from '../config/resolve.js';
import { createSimEngine } from '../engines/sim/sim-engine.js';
import type { Engine, EngineListener, PlannedRecord } from '../engines/types.js';
import { KbenchError, usageError } from '../errors.js';
import { createRng } from '../workload/rng.js';
import { runWorkload } from './run-workload.js';

/** An engine in virtual time that acks and consumes every record at once, and throws on record `failAt`. */
function stubEngine(failAt: number, thrown: () => unknown): Engine & { closed: boolean } {
  let listener!: EngineListener;
  let now = 0;
  return {
    closed: false,
    info: { name: 'sim', simulated: true, details: {}, notes: [], mayDuplicate: false },
    clock: { nowUs: () => now, waitUntil: (us) => { now = Math.max(now, us); return undefined; } },
    async start(l) { listener = l; },
    send(rec: PlannedRecord) {
      if (rec.n === failAt) throw thrown();
      listener.sent(rec);
      listener.acked(rec, 0, rec.n, rec.intendedUs + 10);
      listener.consumed(rec, 0, 0, rec.n, rec.intendedUs + 20);
    },
    growPartitions() {},
    async drain() {},
    async close() { this.closed = true; },
  };
}

const spec = runSpecOf({ key: 'country', partitions: '1', duration: '1s', rate: '1000', consumers: '1' });

describe('runWorkload failures', () => {
  it('a bug in the engine (TypeError) is kept as thrown, with the partial data', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'partition')");
    const engine = stubEngine(100, () => bug);
    const r = await runWorkload(spec, engine, createRng(1));
    expect(r.failure).toBe(bug);
    expect(r.failure).not.toBeInstanceOf(KbenchError);
    expect(r.error).toBe(bug.message);
    expect(r.recorder.totalProduced).toBe(100);
    expect(r.recorder.totalConsumed).toBe(100);
    expect(engine.closed).toBe(true);
  });

  it('a usage error found mid-run keeps its KbenchError and exit code 2', async () => {
    let thrown: KbenchError | null = null;
    const engine = stubEngine(250, () => (thrown = usageError('--partition 7 does not exist on a 1-partition topic')));
    const r = await runWorkload(spec, engine, createRng(1));
    expect(r.failure).toBeInstanceOf(KbenchError);
    expect(r.failure).toBe(thrown);
    expect((r.failure as KbenchError).exitCode).toBe(2);
    expect(r.error).toMatch(/--partition 7 does not exist/);
    expect(r.recorder.totalAcked).toBe(250);
  });

  it('a run that completes has no failure', async () => {
    const r = await runWorkload(spec, stubEngine(-1, () => null), createRng(1));
    expect(r.failure).toBeNull();
    expect(r.error).toBeNull();
    expect(r.recorder.totalConsumed).toBe(1000);
  });
});

describe('a lean recorder (kbench plan\'s rows)', () => {
  it('records every counter, flow, end-to-end histogram and assignment as the full recorder does; the rest stays empty', async () => {
    // Growth (two phases, rebalances, records skipped on new partitions) with consumers lagging behind hot
    // users (ordering violations after growth), as in test/sim-behaviour.test.ts.
    const grown = runSpecOf({ key: 'user_id', partitions: '3', growTo: '12', growAt: '2s', duration: '4s', metadataRefresh: '0s', consumerRate: '3500', autoOffsetReset: 'latest' });
    const run = (lean: boolean) => runWorkload(grown, createSimEngine(grown), createRng(grown.seed), { leanRecorder: lean });
    const full = (await run(false)).recorder;
    const lean = (await run(true)).recorder;
    expect([full.totalViolations > 0, full.totalSkipped > 0]).toEqual([true, true]); // the case exercises what lean skips
    const { violations: _v, ...kept } = full.series;
    const flowsOf = (r: typeof full) => [...Array.from({ length: 2 * 12 }, (_, s) => s), ...Object.values(kept)].map((s) => Array.from(r.flows.row(s)));
    expect(lean.flows.buckets).toBe(full.flows.buckets);
    expect(flowsOf(lean)).toEqual(flowsOf(full));
    expect(lean.assignments).toEqual(full.assignments);
    for (const window of [[0, 2e6], [2e6, Infinity], [0, Infinity]]) expect(lean.peakLag(window[0], window[1])).toEqual(full.peakLag(window[0], window[1]));
    expect([lean.totalProduced, lean.totalAcked, lean.totalConsumed, lean.totalSkipped, lean.lastEventUs, lean.lastAckUs, lean.afterGrowth])
      .toEqual([full.totalProduced, full.totalAcked, full.totalConsumed, full.totalSkipped, full.lastEventUs, full.lastAckUs, full.afterGrowth]);
    lean.phases.forEach((ph, i) => {
      const f = full.phases[i];
      expect([ph.records, ph.bytes, ph.acked, ph.consumed, ph.skipped, ph.ackedInWindow, ph.consumedInWindow, Array.from(ph.perPartition), Array.from(ph.consumerRecords)])
        .toEqual([f.records, f.bytes, f.acked, f.consumed, f.skipped, f.ackedInWindow, f.consumedInWindow, Array.from(f.perPartition), Array.from(f.consumerRecords)]);
      expect(ph.endToEndLatency.encode()).toBe(f.endToEndLatency.encode());
      expect([ph.produceLatency.count, ph.violations, ph.keyCounts.dense!.length]).toEqual([0, 0, 1]);
    });
    expect([lean.totalViolations, lean.endToEndOverTime.buckets, lean.produceOverTime.buckets]).toEqual([0, 0, 0]);
  });
});
