// Live runs against the real broker: the same workloads and report as the simulator, measured.
import { describe, expect, it } from 'vitest';
import { partitionKeys } from '../../src/cli/commands/partition.js';
import type { RunReport } from '../../src/report/schema.js';
import { kbench, simReport } from '../helpers.js';
import { brokers } from './helpers.js';

async function liveReport(...argv: string[]): Promise<RunReport> {
  return simReport('--brokers', brokers, ...argv); // simReport runs any engine; --brokers makes it live
}

describe.skipIf(!brokers)('live run on a real broker', () => {
  it('measures what the broker did: clean delivery, real partitions, its own topic removed afterwards', async () => {
    const r = await liveReport('--key', 'country', '--partitions', '12', '--duration', '3s', '--rate', '1000');
    expect(r.engine).toBe('kafka');
    expect(r.simulated).toBe(false);
    expect(r.spec.brokers).toEqual([brokers]);
    // acks=all + idempotent producers, one clean run: nothing lost or duplicated.
    // Every record was read from the partition its ack named (misplaced 0) …
    expect(r.delivery).toMatchObject({ produced: 3000, acked: 3000, consumed: 3000, lost: 0, duplicated: 0, skipped: 0, misplaced: 0 });
    const ph = r.phases[0];
    expect(ph.perPartition.reduce((a, b) => a + b, 0)).toBe(3000);
    // … and each partition's count is what the broker's log holds (its end offsets, read by admin).
    const logs = r.model.parameters.finalOffsets as { partition: number; logEndOffset: number }[];
    expect(logs.map((l) => l.logEndOffset)).toEqual(ph.perPartition);
    // Each key's records sit on the partition the java profile predicts (partition null would mean "several").
    const predicted = partitionKeys(ph.topKeys.map((k) => k.key), 12, ['java']);
    expect(ph.topKeys.map((k) => k.partition)).toEqual(predicted.map((p) => p.partition));
    expect(ph.latency.endToEnd.count).toBe(3000);
    expect(ph.latency.endToEnd.p50).toBeGreaterThan(0);
    expect(r.prediction?.engine).toBe('sim');
    // Same seed, same plan, same partitioner: the simulator predicted every partition's count exactly.
    expect(r.prediction!.phases[0].perPartition).toEqual(ph.perPartition);
    // … so the comparison's skew rows agree exactly, and every row has a measurement.
    expect(r.prediction!.comparison!.find((c) => c.metric === 'maxMeanRatio' && c.phase === 'all')).toMatchObject({ measured: ph.skew.maxMeanRatio, ratio: 1 });
    expect(r.prediction!.comparison!.every((c) => c.measured !== null)).toBe(true);
    const topic = String(r.model.parameters.topic);
    const list = await kbench('topic', 'list', '--brokers', brokers, '--json');
    expect(JSON.parse(list.stdout).map((t: { topic: string }) => t.topic)).not.toContain(topic);
  });

  it('mixed client profiles split keys for real: librdkafka producers put keys elsewhere', async () => {
    const r = await liveReport('--key', 'user_id', '--users', '200', '--producers', 'java:1,librdkafka:1', '--partitions', '6', '--duration', '3s', '--rate', '500');
    expect(r.delivery.lost).toBe(0);
    expect(r.mixedPartitioners!.keysSplit).toBeGreaterThan(0);
    expect(r.phases[0].keysOnSeveralPartitions).toBeGreaterThan(0);
  });

  it('partition growth 3 → 6: new partitions get traffic, keys move, and delivery adds up', async () => {
    const r = await liveReport('--key', 'user_id', '--partitions', '3', '--grow-to', '6', '--duration', '8s', '--rate', '500',
      '--metadata-refresh', '1s', '--auto-offset-reset', 'earliest');
    expect(r.phases.map((p) => p.name)).toEqual(['before', 'after']);
    const after = r.phases[1];
    expect(after.partitions).toBe(6);
    expect(after.perPartition.slice(3).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(Math.abs(r.keyMovement!.fractionKeysMoved - 0.5)).toBeLessThan(0.1);
    // earliest: whatever reached a new partition before the group took it is still read.
    expect(r.delivery).toMatchObject({ lost: 0, duplicated: 0, skipped: 0 });
    expect(r.delivery.consumed).toBe(r.delivery.produced);
    expect(r.prediction!.keyMovement!.fractionKeysMoved).toBe(r.keyMovement!.fractionKeysMoved);
  });

  it('growth under latest: records on new partitions before the rebalance are counted as skipped, not lost', async () => {
    const r = await liveReport('--key', 'user_id', '--partitions', '3', '--grow-to', '6', '--duration', '8s', '--rate', '500',
      '--metadata-refresh', '1s', '--auto-offset-reset', 'latest');
    expect(r.delivery.duplicated).toBe(0);
    expect(r.delivery.consumed + r.delivery.skipped + r.delivery.lost).toBe(r.delivery.acked);
    expect(r.delivery.lost).toBe(0);
  });

  it('--rate max sends as fast as the producers can and still accounts for every record', async () => {
    const r = await liveReport('--key', 'user_id', '--rate', 'max', '--messages', '5000', '--partitions', '6');
    expect(r.spec.maxRate).toBe(true);
    expect(r.delivery).toMatchObject({ produced: 5000, acked: 5000, consumed: 5000, lost: 0 });
    expect(r.phases[0].throughput.achievedPerSec).toBeGreaterThan(500);
  });
});
