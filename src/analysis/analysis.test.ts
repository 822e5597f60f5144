import { describe, expect, it } from 'vitest';
import { analyzeSkew } from './skew.js';
import { analyzeKeyMovement, expectedMovedFraction } from './movement.js';
import { CLIENT_NAMES, CLIENT_PROFILES, keyBytes } from '../partitioners/profiles.js';
import { keyHashes, spreadKeys } from './key-spread.js';
import { longestAckGap } from './advice.js';
import type { RunReport } from '../report/schema.js';

describe('analyzeSkew', () => {
  it('uniform counts: CV 0, Gini 0, max/mean 1', () => {
    const s = analyzeSkew([100, 100, 100, 100]);
    expect(s).toEqual({ maxMeanRatio: 1, cv: 0, gini: 0, hottestPartition: 0, hottestShare: 0.25, emptyPartitions: 0 });
  });
  it('everything on one partition: share 1, max/mean n, Gini (n-1)/n', () => {
    const s = analyzeSkew([0, 0, 500, 0]);
    expect(s.hottestPartition).toBe(2);
    expect(s.hottestShare).toBe(1);
    expect(s.maxMeanRatio).toBe(4);
    expect(s.gini).toBe(0.75);
    expect(s.emptyPartitions).toBe(3);
    expect(s.cv).toBeCloseTo(Math.sqrt(3), 3);
  });
  it('hand-computed mixed case', () => {
    // mean 25, deviations -15,-5,5,15 → variance 125 → sd 11.18 → cv 0.4472
    const s = analyzeSkew([10, 20, 30, 40]);
    expect(s.cv).toBeCloseTo(0.4472, 4);
    expect(s.maxMeanRatio).toBe(1.6);
    // Gini = Σ(2i-n-1)x_i / (n Σx) = (-3·10 - 1·20 + 1·30 + 3·40) / (4·100) = 0.25
    expect(s.gini).toBe(0.25);
  });
  it('no records at all', () => {
    expect(analyzeSkew([0, 0]).hottestShare).toBe(0);
  });
});

describe('key movement', () => {
  it('closed form 1 − min(N,M)/lcm(N,M)', () => {
    expect(expectedMovedFraction(3, 12)).toBeCloseTo(0.75);
    expect(expectedMovedFraction(3, 6)).toBeCloseTo(0.5);
    expect(expectedMovedFraction(3, 4)).toBeCloseTo(0.75);
    expect(expectedMovedFraction(10, 12)).toBeCloseTo(1 - 10 / 60);
  });
  it('measured on 20k keys 3 → 12 is close to 75%, and traffic weights count', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => ({ bytes: keyBytes(`user-${i}`), records: 1 }));
    const m = analyzeKeyMovement(keys, CLIENT_PROFILES.java, 3, 12);
    expect(m.keysTotal).toBe(20_000);
    expect(Math.abs(m.fractionKeysMoved - 0.75)).toBeLessThan(0.015);
    expect(m.fractionTrafficMoved).toBe(m.fractionKeysMoved);
  });
  it('traffic fraction follows the heavy key', () => {
    // A key with all the traffic: the traffic fraction is 1 if it moves, 0 if it stays.
    const heavy = { bytes: keyBytes('kafka'), records: 1000 };
    const moved = CLIENT_PROFILES.java.partitionForKey(heavy.bytes, 3) !== CLIENT_PROFILES.java.partitionForKey(heavy.bytes, 6);
    const m = analyzeKeyMovement([heavy, { bytes: keyBytes('x'), records: 0 }], CLIENT_PROFILES.java, 3, 6);
    expect(m.fractionTrafficMoved).toBe(moved ? 1 : 0);
  });
});

describe('spreadKeys from kept hashes', () => {
  it('spreads exactly as from the key bytes, for every client and count', () => {
    const keys = Array.from({ length: 300 }, (_, i) => ({ text: `k${i}`, bytes: keyBytes(`user-${i * 31}`), weight: 1 / (i + 1) }));
    for (const c of CLIENT_NAMES) {
      const profile = CLIENT_PROFILES[c];
      const hashes = keyHashes(keys, profile);
      for (const n of [1, 5, 12, 97, 256]) expect(spreadKeys(keys, profile, n, hashes)).toEqual(spreadKeys(keys, profile, n));
    }
  });
});

describe('longestAckGap (advice acks-stalled)', () => {
  const gapOf = (acked: number[]) => longestAckGap({ timeline: { bucketMs: 1000, acked } } as unknown as Pick<RunReport, 'timeline'>);
  it('finds the longest stretch without acks between acked seconds, including one ending in the last acked second', () => {
    expect(gapOf([5, 0, 0, 5, 0, 5])).toEqual({ seconds: 2, fromS: 1, toS: 3 });
    expect(gapOf([5, 5, 0, 0, 0, 5])).toEqual({ seconds: 3, fromS: 2, toS: 5 });
    expect(gapOf([5, 5, 5, 0, 0])).toBeNull(); // the run ended: not a stall between acks
    expect(gapOf([0, 0, 0])).toBeNull();
  });
});
