import { describe, expect, it } from 'vitest';
import { estimateOffset } from './clock-offset.js';

describe('clock offset from round trips', () => {
  it('a worker 250 ms ahead, symmetric legs: exact, within half the round trip', () => {
    // Sent at 1000 (coordinator), answered at 1255 (worker: 5 ms later + 250 ahead), back at 1010.
    expect(estimateOffset([{ sentAtEpochMs: 1000, workerEpochMs: 1255, receivedAtEpochMs: 1010 }])).toEqual({ offsetMs: 250, uncertaintyMs: 5, samples: 1 });
  });

  it('keeps the shortest round trip; its error stays within its uncertainty however lopsided the legs', () => {
    const trueOffset = -40;
    // Legs (out, back): (30, 2), (1, 1), (50, 10): the second is best.
    const samples = [[30, 2], [1, 1], [50, 10]].map(([out, back], i) => {
      const t0 = 10_000 + i * 1000;
      return { sentAtEpochMs: t0, workerEpochMs: t0 + out + trueOffset, receivedAtEpochMs: t0 + out + back };
    });
    const est = estimateOffset(samples)!;
    expect(est.uncertaintyMs).toBe(1);
    expect(Math.abs(est.offsetMs - trueOffset)).toBeLessThanOrEqual(est.uncertaintyMs);
    // A lopsided sample alone is off by up to half its round trip, and says so.
    const lopsided = estimateOffset([samples[0]])!;
    expect(Math.abs(lopsided.offsetMs - trueOffset)).toBe(14);
    expect(lopsided.uncertaintyMs).toBe(16);
  });

  it('no usable sample: no estimate', () => {
    expect(estimateOffset([])).toBeNull();
    expect(estimateOffset([{ sentAtEpochMs: 5, workerEpochMs: 0, receivedAtEpochMs: 4 }])).toBeNull();
  });
});
