// Report figures built from a recorder fed engine events directly (as a live run would feed it).
import { describe, expect, it } from 'vitest';
import { runSpecOf } from '../src/config/resolve.js';
import type { PlannedRecord } from '../src/engines/types.js';
import { Recorder } from '../src/metrics/recorder.js';
import { CLIENT_PROFILES, keyBytes } from '../src/partitioners/profiles.js';
import { buildReport } from '../src/report/build.js';
import { phaseWindows } from '../src/runner/run-workload.js';
import { createKeySource } from '../src/workload/key-sources.js';
import { createRng } from '../src/workload/rng.js';

const rec = (n: number, key: number, seq: number, intendedUs: number): PlannedRecord => ({
  n, producer: 0, keyIndex: key, key: null, entity: key, seq, intendedUs, sizeBytes: 100, partition: -1, offset: -1, atUs: 0, flags: 0,
});

const liveEngine = { name: 'kafka' as const, simulated: false, details: {}, notes: [], mayDuplicate: true };

describe('delivery.lost in the report', () => {
  it('counts acked records never consumed, not acked − consumed, and never hides them behind a clamp', () => {
    const spec = runSpecOf({ key: 'country', partitions: '2', duration: '1s', rate: '10', consumers: '1' });
    const recorder = new Recorder({ trackDuplicates: true, phases: phaseWindows(spec), maxPartitions: 2, consumers: 1, keyCardinality: 250, entityCardinality: 250 });
    recorder.assigned(0, Int32Array.from([0, 0]), 'test');
    const rs = [0, 1, 2, 3, 4, 5, 6].map((n) => rec(n, n, 0, n * 100_000));
    rs.forEach((x) => recorder.sent(x));
    for (const n of [0, 1, 2]) recorder.acked(rs[n], n % 2, n, rs[n].intendedUs + 1000);
    // Record 1 is read twice (a redelivery); records 3-6 were written but their acks never came.
    for (const n of [1, 1, 3, 4, 5, 6]) recorder.consumed(rs[n], 0, n % 2, n, 900_000 + n);
    const r = buildReport({ spec, engine: liveEngine, keys: createKeySource(spec, createRng(1)), recorder,
      startedAt: new Date(0).toISOString(), wallMs: 1000, error: null, failure: null }, 'test');
    // Acked {0,1,2}, consumed {1,3,4,5,6}: records 0 and 2 are lost (3 acked − 5 consumed would clamp to 0).
    expect(r.delivery).toEqual({ produced: 7, acked: 3, consumed: 5, lost: 2, duplicated: 1, skipped: 0, misplaced: 0, unconsumed: null });
  });
});

describe('keysAffected over the whole run', () => {
  it('a key with violations in both phases counts once overall', () => {
    const spec = runSpecOf({ key: 'country', partitions: '2', growTo: '4', growAt: '1s', duration: '2s', rate: '10', consumers: '2' });
    const recorder = new Recorder({ trackDuplicates: true, phases: phaseWindows(spec), maxPartitions: 4, consumers: 2, keyCardinality: 250, entityCardinality: 250 });
    recorder.assigned(0, Int32Array.from([0, 1, 0, 1]), 'test');
    const key = 3;
    const rs = [rec(0, key, 0, 100_000), rec(1, key, 1, 200_000), rec(2, key, 2, 1_100_000), rec(3, key, 3, 1_200_000)];
    rs.forEach((x, i) => { recorder.sent(x); recorder.acked(x, i < 2 ? i : 2 + (i % 2), 0, x.intendedUs + 1000); });
    recorder.consumed(rs[1], 1, 1, 0, 300_000);
    recorder.consumed(rs[0], 0, 0, 0, 400_000); // late in "before"
    recorder.consumed(rs[3], 1, 3, 0, 1_300_000);
    recorder.consumed(rs[2], 0, 2, 0, 1_400_000); // late in "after"
    const keys = createKeySource(spec, createRng(1));
    const r = buildReport({
      spec, engine: liveEngine, keys, recorder,
      startedAt: new Date(0).toISOString(), wallMs: 2000, error: null, failure: null,
    }, 'test');
    expect(r.phases.map((p) => p.ordering.keysAffected)).toEqual([1, 1]);
    expect(r.ordering).toEqual({ violations: 2, keysAffected: 1 });
    const advice = r.advice.find((a) => a.code === 'ordering-broken');
    expect(advice?.message).toMatch(/^2 records of 1 keys were consumed after a later record/);
  });
});

describe('metadata-refresh-late advice on a live run', () => {
  const spec = runSpecOf({ key: 'user_id', users: '200', userDist: 'uniform', partitions: '3', growTo: '6', growAt: '2s', duration: '4s',
    rate: '500', producers: '2', consumers: '2', brokers: '127.0.0.1:9092', metadataRefresh: '5m' });

  /** A live-shaped run: every record acked where the producer's partitioner put it, given the partition
   * count that producer knew. `knowsAfterMs[p]`: when producer p learned of the new partitions (ms after growth). */
  function liveRun(knowsAfterMs: number[]) {
    const keys = createKeySource(spec, createRng(3));
    const recorder = new Recorder({ trackDuplicates: true, phases: phaseWindows(spec), maxPartitions: 6, consumers: 2,
      keyCardinality: keys.cardinality, entityCardinality: keys.entityCardinality });
    recorder.assigned(0, Int32Array.from([0, 0, 1, 1, -1, -1]), 'group settled');
    const java = CLIENT_PROFILES.java;
    const draw = { keyIndex: 0, entity: 0, seq: 0 };
    const growUs = spec.growAtMs! * 1000;
    for (let n = 0; n < spec.messages; n++) {
      keys.next(draw);
      const intendedUs = n * 2000;
      const producer = n % 2;
      const known = intendedUs >= growUs + knowsAfterMs[producer] * 1000 ? 6 : 3;
      const key = keyBytes(keys.keyText(draw.keyIndex));
      const x: PlannedRecord = { n, producer, keyIndex: draw.keyIndex, key, entity: draw.entity, seq: draw.seq, intendedUs, sizeBytes: 100, partition: -1, offset: -1, atUs: 0, flags: 0 };
      recorder.sent(x);
      const p = java.partitionForKey(key, known);
      recorder.acked(x, p, n, intendedUs + 3000);
      recorder.consumed(x, p < 2 || p === 4 ? 0 : 1, p, n, intendedUs + 8000);
    }
    return buildReport({ spec, engine: liveEngine, keys, recorder, startedAt: new Date(0).toISOString(), wallMs: 4000, error: null, failure: null }, 'test');
  }

  it('fires when a producer never wrote to the new partitions before the end', () => {
    const r = liveRun([300, Infinity]);
    expect(r.engine).toBe('kafka');
    expect(r.growth!.producers.map((p) => p.onNewPartitions > 0)).toEqual([true, false]);
    // Producer 1 sent ~500 records after growth, about half of them keyed to partitions 3-5.
    expect(r.growth!.producers[1].expectedOnNewPartitions).toBeGreaterThan(100);
    const first = r.growth!.producers[0].firstOnNewPartitionMs!;
    expect(first).toBeGreaterThanOrEqual(300);
    expect(first).toBeLessThan(400);
    const advice = r.advice.find((a) => a.code === 'metadata-refresh-late');
    expect(advice?.message).toMatch(/^1 of 2 producers wrote nothing to the new partitions before the run ended/);
  });

  it('does not fire when every producer soon wrote to the new partitions', () => {
    const r = liveRun([300, 800]);
    expect(r.growth!.producers.every((p) => p.onNewPartitions > 0)).toBe(true);
    expect(r.advice.map((a) => a.code)).not.toContain('metadata-refresh-late');
    expect(r.advice.map((a) => a.code)).toContain('growth-moves-keys');
  });
});

describe('a growth with a backlog', () => {
  it('a record planned before the growth but acked on a new partition is counted there, not dropped; the before phase keeps its own skew', () => {
    const spec = runSpecOf({ key: 'country', partitions: '2', growTo: '4', growAt: '1s', duration: '2s', rate: '10', consumers: '1' });
    const recorder = new Recorder({ trackDuplicates: true, phases: phaseWindows(spec), maxPartitions: 4, consumers: 1, keyCardinality: 250, entityCardinality: 250 });
    recorder.assigned(0, Int32Array.from([0, 0, 0, 0]), 'test');
    // Four records planned before the growth: three acked on partitions 0 and 1, one (sent late) on partition 3.
    const rs = [0, 1, 2, 3].map((n) => rec(n, n, 0, n * 200_000));
    rs.forEach((x) => recorder.sent(x));
    [0, 1, 0, 3].forEach((p, n) => recorder.acked(rs[n], p, n, 1_100_000 + n));
    const r = buildReport({ spec, engine: liveEngine, keys: createKeySource(spec, createRng(1)), recorder,
      startedAt: new Date(0).toISOString(), wallMs: 2000, error: null, failure: null }, 'test');
    const before = r.phases[0];
    expect(before.partitions).toBe(2);
    expect(before.perPartition).toEqual([2, 1, 0, 1]);
    expect(before.skew.maxMeanRatio).toBeCloseTo(2 / 1.5, 3); // over partitions 0 and 1: 2 and 1 records
  });
});
