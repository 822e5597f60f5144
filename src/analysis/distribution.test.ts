import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../metrics/histogram.js';
import { compareDistributions } from './distribution.js';

function histogram(values: (i: number) => number, n = 20_000): string {
  const h = new LatencyHistogram();
  for (let i = 0; i < n; i++) h.recordUs(values(i));
  return h.encode();
}

describe('compareDistributions', () => {
  it('the same distribution: D near 0, not different', () => {
    const a = histogram((i) => 1000 + (i % 1000));
    const b = histogram((i) => 1000 + ((i * 7) % 1000));
    const r = compareDistributions(a, b);
    expect(r.ks).toBeLessThan(0.01);
    expect(r.differ).toBe(false);
  });
  it('a distribution shifted by its whole width: D = 1', () => {
    const r = compareDistributions(histogram((i) => 1000 + (i % 1000)), histogram((i) => 5000 + (i % 1000)));
    expect(r.ks).toBeGreaterThan(0.99);
    expect(r.differ).toBe(true);
  });
  it('only the tail moved: D equals the share of records that moved', () => {
    // 5% of records go from ~1 ms to ~50 ms: the CDFs differ by 0.05 between the two.
    const r = compareDistributions(histogram(() => 1000), histogram((i) => (i % 20 === 0 ? 50_000 : 1000)));
    expect(r.ks).toBeCloseTo(0.05, 2);
    expect(r.differ).toBe(true);
  });
  it('few samples: the critical distance grows, so small gaps do not count', () => {
    const r = compareDistributions(histogram((i) => 1000 + (i % 10) * 10, 20), histogram((i) => 1005 + (i % 10) * 10, 20));
    expect(r.critical).toBeGreaterThan(0.5);
    expect(r.differ).toBe(false);
  });
});
