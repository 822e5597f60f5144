// Capacity planning against closed-form expectations.
import { describe, expect, it } from 'vitest';
import type { PlanResult } from '../src/planning/capacity-plan.js';
import { kbench } from './helpers.js';

async function plan(...args: string[]): Promise<PlanResult> {
  const r = await kbench('plan', '--simulate', '1s', '--json', ...args);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as PlanResult;
}

describe('kbench plan', () => {
  it('null keys spread exactly evenly: load = rate / n, and the smallest count that fits is recommended', async () => {
    const r = await plan('--key', 'none', '--partitions', '1,2,3,4', '--rate', '10000', '--consumer-rate', '5000');
    expect(r.rows.map((x) => x.maxMeanRatio)).toEqual([1, 1, 1, 1]);
    expect(r.rows.map((x) => x.hottestLoadPerSec)).toEqual([10000, 5000, 3333, 2500]);
    // One consumer per partition at 5000/s with 20% headroom takes 4000/s: 3 partitions is the first that fits.
    expect(r.rows.map((x) => x.meetsTarget)).toEqual([false, false, true, true]);
    expect(r.recommendations[0]).toMatchObject({ key: 'none', partitions: 3 });
  });

  it('a single hot key carries everything and no partition count helps', async () => {
    const r = await plan('--key', 'fixed:tenant-1', '--partitions', '3,12,48', '--rate', '20000', '--partition-capacity', '10000');
    for (const row of r.rows) {
      expect(row.hottestShare).toBe(1);
      expect(row.hottestLoadPerSec).toBe(20000);
      expect(row.partitionOverCapacity).toBe(true);
      expect(row.consumersBusy).toBe(1);
    }
    expect(r.recommendations[0].partitions).toBeNull();
    expect(r.recommendations[0].message).toMatch(/cannot meet the target at any count: the hottest key alone \("tenant-1", 100\.0% of traffic\) needs 20000 records\/s/);
  });

  it('uniform keys: hottest share near 1/n, and growth from 3 moves 1 − min/lcm of the keys', async () => {
    const r = await plan('--key', 'device_id', '--partitions', '3,6,12', '--from', '3', '--rate', '12000');
    const [p3, p6, p12] = r.rows;
    expect(p3.movedFrom).toBeNull();
    expect(Math.abs(p6.movedFrom!.fractionKeysMoved - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(p12.movedFrom!.fractionKeysMoved - 0.75)).toBeLessThan(0.02);
    for (const row of r.rows) expect(row.maxMeanRatio).toBeLessThan(1.15); // 10000 devices: binomial noise only
    expect(Math.abs(p12.hottestShare - 1 / 12)).toBeLessThan(0.01);
  });

  it('partition capacity as a byte rate', async () => {
    const r = await plan('--key', 'none', '--partitions', '2', '--rate', '10000', '--partition-capacity', '1MB/s');
    // ~200-byte records: 1 MB/s is about 5000 records/s, so 5000/s per partition is over 80% of it.
    expect(r.options.partitionCapacity).toBeGreaterThan(4000);
    expect(r.options.partitionCapacity).toBeLessThan(6000);
    expect(r.rows[0].partitionOverCapacity).toBe(true);
  });

  it('country vs user_id at the same counts: country stays hot, user_id cools down', async () => {
    const r = await plan('--key', 'country,user_id', '--partitions', '12,48', '--rate', '50000');
    const row = (k: string, n: number) => r.rows.find((x) => x.key === k && x.partitions === n)!;
    expect(row('country', 48).hottestShare).toBeGreaterThan(0.25); // China alone
    expect(row('user_id', 48).hottestShare).toBeLessThan(0.06);
    expect(r.recommendations.find((x) => x.key === 'country')!.partitions).toBeNull();
  });

  it('bad input: one line, exit 2', async () => {
    for (const [args, msg] of [
      [['--partitions', '3,x'], /--partitions entry must be a whole number from 1 to 10,000, e.g. 12 or 10k \(got "x"\)/],
      [['--key', 'planet'], /unknown --key entry "planet"/],
      [['--headroom', '120%'], /--headroom must be a percentage from 0% to below 100%/],
    ] as const) {
      const r = await kbench('plan', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });
});
