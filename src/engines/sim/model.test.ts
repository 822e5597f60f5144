import { describe, expect, it } from 'vitest';
import { defaultModel, LatencySampler, type SimModel } from './model.js';

describe('LatencySampler', () => {
  it('picks the table of the nearest measured size on a log scale, at and around the midpoints too', () => {
    const base = defaultModel();
    const sizes = [100, 1000, 4096];
    const model: SimModel = { ...base, produceLatency: { ...base.produceLatency, points: sizes.map((recordBytes, i) => ({ recordsPerSec: 1000, recordBytes, requests: 1, ms: base.produceLatency.points[0].ms.map((x) => x + i) })) } };
    const sampler = new LatencySampler(model, 1000);
    const nearest = (bytes: number) => {
      let best = sizes[0];
      for (const s of sizes) if (Math.abs(Math.log(s / bytes)) < Math.abs(Math.log(best / bytes))) best = s;
      return sizes.indexOf(best);
    };
    const probes = [1, 50, 99.5, 100, 150, 316, Math.sqrt(100 * 1000), 317, 999, 1000, Math.sqrt(1000 * 4096), 2023.9, 2024, 5000, 1e6];
    for (let b = 1; b < 6000; b += 0.37) probes.push(b);
    for (const bytes of probes) expect(sampler.tableFor(bytes)[0], `${bytes} bytes`).toBe(base.produceLatency.points[0].ms[0] + nearest(bytes));
  });
});
