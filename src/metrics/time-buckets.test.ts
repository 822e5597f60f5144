import { describe, expect, it } from 'vitest';
import { TimeBuckets } from './time-buckets.js';

describe('TimeBuckets', () => {
  it('counts each series per bucket, through growth and the merging of buckets', () => {
    const t = new TimeBuckets(3);
    const events: [number, number][] = [];
    let x = 5;
    for (let i = 0; i < 3000; i++) {
      x = (x * 48271) % 2147483647;
      // Mostly early, some far enough to grow the buckets past 64 and merge them past 4096 (1 s each).
      const atUs = i < 2000 ? (x % 50) * 1e6 : (x % 9000) * 1e6 + (x % 999);
      events.push([i % 3, atUs]);
      t.add(i % 3, atUs);
    }
    expect(t.widthUs).toBe(4e6); // 9,000 s in buckets of 1 s halve twice to fit 4,096
    for (let s = 0; s < 3; s++) {
      const expected = new Array(t.buckets).fill(0);
      for (const [series, atUs] of events) if (series === s) expected[Math.floor(atUs / t.widthUs)]++;
      expect(Array.from(t.row(s))).toEqual(expected);
      expect(t.cumulative(s)[t.buckets - 1]).toBe(1000);
    }
  });
});
