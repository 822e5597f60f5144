import { describe, expect, it } from 'vitest';
import { LatencyTimeline } from './latency-timeline.js';

describe('LatencyTimeline', () => {
  it('percentiles per time bucket within the bins\' ±6%', () => {
    const t = new LatencyTimeline();
    for (let i = 0; i < 1000; i++) t.record(500_000, 1000 + i); // second 0: 1.0–2.0 ms
    for (let i = 0; i < 1000; i++) t.record(1_500_000, 50_000); // second 1: 50 ms
    expect(Math.abs(t.percentile(0, 1, 50)! - 1500) / 1500).toBeLessThan(0.06);
    expect(Math.abs(t.percentile(0, 1, 99)! - 1990) / 1990).toBeLessThan(0.06);
    expect(Math.abs(t.percentile(1, 2, 50)! - 50_000) / 50_000).toBeLessThan(0.06);
    expect(t.percentile(2, 3, 50)).toBeNull();
    expect(t.percentile(0, 1, 50)).toBeLessThan(t.percentile(0, 2, 99)!);
  });
  it('small values are exact and long runs merge buckets instead of growing', () => {
    const t = new LatencyTimeline();
    t.record(0, 3);
    expect(t.percentile(0, 1, 50)).toBe(3);
    t.record(5000 * 1_000_000, 10); // far beyond 4096 one-second buckets
    expect(t.widthUs).toBeGreaterThan(1_000_000);
    expect(t.buckets).toBeLessThanOrEqual(4096);
  });
});
