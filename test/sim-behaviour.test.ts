// Behaviour of the simulated benchmark, end to end through the CLI: the things users run kbench to see.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simReport, tempDir } from './helpers.js';
import countries from '../src/workload/countries.json' with { type: 'json' };
import { runSpecOf } from '../src/config/resolve.js';
import { SimEngine } from '../src/engines/sim/sim-engine.js';
import { defaultModel, MODEL_QUANTILES } from '../src/engines/sim/model.js';
import { KbenchError } from '../src/errors.js';
import { runWorkload } from '../src/runner/run-workload.js';
import { createRng } from '../src/workload/rng.js';

describe('skew', () => {
  it('country at 12 partitions is far more skewed than user_id', async () => {
    const country = await simReport('--key', 'country', '--partitions', '12', '--duration', '10s');
    const user = await simReport('--key', 'user_id', '--partitions', '12', '--duration', '10s');
    const [c, u] = [country.phases[0].skew, user.phases[0].skew];
    expect(c.maxMeanRatio).toBeGreaterThan(2 * u.maxMeanRatio);
    expect(c.cv).toBeGreaterThan(3 * u.cv);
    expect(c.gini).toBeGreaterThan(u.gini);
  });

  it('the heaviest country carries its share of the shipped table', async () => {
    const r = await simReport('--key', 'country', '--duration', '20s');
    const total = countries.countries.reduce((s, c) => s + c.users, 0);
    const top = r.phases[0].topKeys[0];
    expect(top.key).toBe('CN');
    expect(Math.abs(top.share - 772000000 / total)).toBeLessThan(0.005);
    const uniform = await simReport('--key', 'country', '--country-dist', 'uniform', '--duration', '20s');
    expect(uniform.phases[0].topKeys[0].share).toBeLessThan(0.06);
  });

  it('user_id activity follows Zipf: the top user has share 1/H(n,s)', async () => {
    const r = await simReport('--key', 'user_id', '--users', '1000', '--user-dist', 'zipf:1', '--duration', '20s');
    let h = 0;
    for (let k = 1; k <= 1000; k++) h += 1 / k;
    expect(Math.abs(r.phases[0].topKeys[0].share - 1 / h)).toBeLessThan(0.005);
  });

  it('null keys under round-robin (kafkajs) spread almost perfectly', async () => {
    const r = await simReport('--key', 'none', '--client', 'kafkajs', '--duration', '10s');
    expect(r.phases[0].skew.maxMeanRatio).toBeLessThan(1.001);
    expect(r.advice.map((a) => a.code)).toContain('null-keys');
  });

  it('a fixed key puts everything on one partition and one consumer falls behind', async () => {
    const r = await simReport('--key', 'fixed:tenant-1', '--duration', '10s');
    const ph = r.phases[0];
    expect(ph.skew.hottestShare).toBe(1);
    expect(ph.skew.emptyPartitions).toBe(11);
    expect(Math.max(...ph.consumers.map((c) => c.maxLag))).toBeGreaterThan(40_000); // 10k/s offered, 5k/s consumed
    expect(r.advice.map((a) => a.code)).toEqual(expect.arrayContaining(['single-key-bottleneck', 'consumer-lag']));
  });

  it('--partition n sends everything to n', async () => {
    const r = await simReport('--key', 'user_id', '--partition', '5', '--duration', '2s');
    expect(r.phases[0].perPartition[5]).toBe(r.phases[0].records);
  });
});

describe('latency model', () => {
  it('a partition offered more than its capacity queues: produce latency grows, measured from intended send time', async () => {
    const hot = await simReport('--key', 'fixed:k', '--partition-capacity', '8000', '--rate', '10000', '--duration', '10s');
    const spread = await simReport('--key', 'user_id', '--partition-capacity', '8000', '--rate', '10000', '--duration', '10s');
    // 2000 records/s pile up for 10 s on one partition: the last waits ~2.5 s.
    expect(hot.phases[0].latency.produce.max).toBeGreaterThan(2000);
    // Spread: the time model's own latency only (java's 5 ms linger plus at most the model's worst measured request p99).
    const requestP99 = Math.max(...defaultModel().produceLatency.points.map((p) => p.ms[MODEL_QUANTILES.indexOf(0.99)]));
    expect(spread.phases[0].latency.produce.p99).toBeLessThan(5 + requestP99 + 1);
    expect(hot.phases[0].throughput.achievedPerSec).toBeLessThan(8100);
  });
});

describe('consumer group', () => {
  it('more consumers than partitions leaves some idle', async () => {
    const r = await simReport('--partitions', '3', '--consumers', '5', '--duration', '2s');
    expect(r.phases[0].consumers.filter((c) => c.idle).map((c) => c.id)).toEqual(['consumer-4', 'consumer-5']);
    expect(r.advice.map((a) => a.code)).toContain('idle-consumers');
  });
  it('assignors give the documented layouts', async () => {
    const range = await simReport('--partitions', '5', '--consumers', '2', '--assignor', 'range', '--duration', '1s');
    const rr = await simReport('--partitions', '5', '--consumers', '2', '--assignor', 'roundrobin', '--duration', '1s');
    expect(range.phases[0].consumers.map((c) => c.partitions)).toEqual([[0, 1, 2], [3, 4]]);
    expect(rr.phases[0].consumers.map((c) => c.partitions)).toEqual([[0, 2, 4], [1, 3]]);
  });
});

describe('partition growth 3 → 12', () => {
  const grow = ['--key', 'user_id', '--partitions', '3', '--grow-to', '12', '--duration', '20s', '--metadata-refresh', '0s'];

  it('moves about 75% of keys and reports before and after', async () => {
    const r = await simReport(...grow);
    expect(r.phases.map((p) => p.name)).toEqual(['before', 'after']);
    expect(r.phases.map((p) => p.partitions)).toEqual([3, 12]);
    expect(r.keyMovement!.expectedFractionUniform).toBe(0.75);
    expect(Math.abs(r.keyMovement!.fractionKeysMoved - 0.75)).toBeLessThan(0.02);
    expect(r.phases[1].skew.emptyPartitions).toBe(0);
  });

  it('latest skips what was written to new partitions before the group got them; earliest reads it', async () => {
    const latest = await simReport(...grow, '--auto-offset-reset', 'latest');
    const earliest = await simReport(...grow, '--auto-offset-reset', 'earliest');
    expect(latest.delivery.skipped).toBeGreaterThan(1000); // ~1 s of 75% of 10k records/s
    expect(latest.delivery.consumed + latest.delivery.skipped).toBe(latest.delivery.produced);
    expect(earliest.delivery.skipped).toBe(0);
    expect(earliest.delivery.consumed).toBe(earliest.delivery.produced);
    expect(latest.advice.map((a) => a.code)).toContain('skipped-on-new-partitions');
  });

  it('growth breaks per-key order only after the change, and only for moved keys', async () => {
    // Reordering needs lag on the old partitions (reference §10.4): consumers at 3500/s lag behind hot users.
    const r = await simReport(...grow, '--auto-offset-reset', 'earliest', '--consumer-rate', '3500');
    expect(r.phases[0].ordering.violations).toBe(0);
    expect(r.phases[1].ordering.violations).toBeGreaterThan(0);
    expect(r.phases[1].ordering.keysAffected).toBeLessThanOrEqual(r.keyMovement!.keysMoved);
  });

  it('eager rebalancing stops every consumer; cooperative-sticky leaves old partitions running', async () => {
    const eager = await simReport(...grow, '--assignor', 'range', '--rebalance-time', '1s');
    const coop = await simReport(...grow, '--assignor', 'cooperative-sticky', '--rebalance-time', '1s');
    expect(eager.phases[1].latency.endToEnd.max).toBeGreaterThanOrEqual(1000);
    expect(coop.phases[1].latency.endToEnd.max).toBeLessThan(100);
  });

  it('producers that have not refreshed keep writing to the old partitions', async () => {
    const r = await simReport('--key', 'user_id', '--partitions', '3', '--grow-to', '12', '--duration', '20s', '--metadata-refresh', '1h');
    // A refresh drawn uniformly within one hour almost never lands in the last 10 s (seeded: it does not here).
    expect(r.phases[1].perPartition.slice(3).every((n) => n === 0)).toBe(true);
    expect(r.advice.map((a) => a.code)).toContain('metadata-refresh-late');
  });
});

describe('mixed partitioners', () => {
  it('java + librdkafka producers split keys across partitions and break their order', async () => {
    const r = await simReport('--key', 'user_id', '--producers', 'java:2,librdkafka:1', '--duration', '10s');
    expect(r.spec.producerClients).toEqual(['java', 'java', 'librdkafka']);
    expect(r.mixedPartitioners!.keysSplit).toBeGreaterThan(0);
    expect(r.phases[0].keysOnSeveralPartitions).toBeGreaterThan(0);
    expect(r.mixedPartitioners!.trafficShareSplit).toBeGreaterThan(0.8); // 11 of 12 partitions disagree by chance
    const same = await simReport('--key', 'user_id', '--producers', 'java:2,kafkajs:1', '--duration', '10s');
    expect(same.mixedPartitioners!.keysSplit).toBe(0);
    expect(same.phases[0].keysOnSeveralPartitions).toBe(0);
  });
});

describe('keys from a file', () => {
  it('replays keys in order and counts what it saw', async () => {
    const file = join(tempDir(), 'keys.txt');
    writeFileSync(file, 'alpha\nbeta\nalpha\ngamma\n');
    const r = await simReport('--key', `file:${file}`, '--messages', '400', '--rate', '100');
    expect(r.keys.distinctKeys).toBe(3);
    const top = r.phases[0].topKeys;
    expect(top[0]).toMatchObject({ key: 'alpha', records: 200, share: 0.5 });
    expect(top.slice(1).map((k) => k.records)).toEqual([100, 100]);
  });
  it('an empty key file is a usage error', async () => {
    const file = join(tempDir(), 'empty.txt');
    writeFileSync(file, '');
    await expect(simReport('--key', `file:${file}`)).rejects.toThrow(/exited 2: kbench: key file .* has no keys/);
  });
});

describe('determinism', () => {
  const strip = (r: Record<string, unknown>) => ({ ...r, createdAt: null, run: { ...(r.run as object), startedAt: null, wallMs: null } });
  it('the same seed gives the same report, timestamps aside', async () => {
    const args = ['--key', 'none', '--client', 'java', '--partitions', '6', '--grow-to', '8', '--duration', '10s', '--metadata-refresh', '5s', '--seed', '42'];
    const a = await simReport(...args);
    const b = await simReport(...args);
    expect(strip(a as never)).toEqual(strip(b as never));
    const c = await simReport(...args.slice(0, -1), '43');
    expect(strip(c as never)).not.toEqual(strip(a as never));
  });
});

describe('the simulator\'s memory bound', () => {
  const run = async (flags: Parameters<typeof runSpecOf>[0], maxHeld: number) => {
    const spec = runSpecOf(flags);
    const rng = createRng(spec.seed);
    return runWorkload(spec, new SimEngine(spec, rng.fork('engine'), { maxHeldRecords: maxHeld }), rng);
  };

  it('stops with a run error and keeps what it measured when the consumer backlog passes its bound', async () => {
    // 2,000 records/s into one consumer that takes 100/s: the backlog grows by 1,900 a second.
    const r = await run({ rate: '2000', duration: '5s', consumers: '1', consumerRate: '100', partitions: '1' }, 3000);
    expect(r.failure).toBeInstanceOf(KbenchError);
    expect((r.failure as KbenchError).exitCode).toBe(1);
    expect(r.error).toMatch(/consumer backlog passed 3,000 records/);
    expect(r.recorder.totalAcked).toBeGreaterThan(2000);
  });

  it('a run whose consumers keep up never holds more than a small backlog', async () => {
    const r = await run({ rate: '2000', duration: '5s', consumers: '3', consumerRate: '5000' }, 3000);
    expect(r.failure).toBeNull();
    expect(r.recorder.totalConsumed).toBe(10_000);
  });
});
