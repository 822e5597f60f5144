import { describe, expect, it } from 'vitest';
import * as hdr from 'hdr-histogram-js';
import { LatencyHistogram, summariseEncoded } from './histogram.js';

describe('LatencyHistogram', () => {
  it('agrees with a plain HDR histogram to its 3-digit precision', () => {
    const mine = new LatencyHistogram();
    const ref = hdr.build({ numberOfSignificantValueDigits: 3 });
    let x = 12345;
    for (let i = 0; i < 50_000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const v = i % 10 === 0 ? x % 5_000_000 : x % 3000; // a tail up to 5 s
      mine.recordUs(v);
      ref.recordValue(v);
    }
    const s = mine.summary();
    for (const [p, got] of [[50, s.p50], [90, s.p90], [99, s.p99], [99.9, s.p999]] as const) {
      const want = ref.getValueAtPercentile(p) / 1000;
      expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.max(0.001, want * 0.002));
    }
    expect(s.count).toBe(50_000);
    expect(Math.abs(s.max - ref.maxValue / 1000)).toBeLessThanOrEqual((ref.maxValue / 1000) * 0.002);
    expect([50, 90, 99, 99.9, 100].map((p) => mine.percentileMs(p))).toEqual([s.p50, s.p90, s.p99, s.p999, s.max]);
  });
  it('milliseconds out, microseconds in; encodes and decodes', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.recordUs(i * 1000); // 1..1000 ms
    const s = h.summary();
    expect(s.p50).toBeCloseTo(500, -1);
    expect(s.p99).toBeCloseTo(990, -1);
    expect(summariseEncoded(h.encode())).toEqual(s);
  });
  it('an empty histogram summarises to zeros', () => {
    expect(new LatencyHistogram().summary()).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 });
    expect(new LatencyHistogram().percentileMs(99)).toBe(0);
  });
});
