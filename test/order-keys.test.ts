// order_id keys never repeat once an order is closed: a run sees far more distinct keys than any
// bounded table could hold. The report must count them exactly and name the true heaviest keys.
import { describe, expect, it } from 'vitest';
import { runSpecOf } from '../src/config/resolve.js';
import { createEngine } from '../src/engines/create-engine.js';
import { buildReport } from '../src/report/build.js';
import { runWorkload } from '../src/runner/run-workload.js';
import { createKeySource, type KeyDraw } from '../src/workload/key-sources.js';
import { createRng } from '../src/workload/rng.js';

describe('order_id key tables', () => {
  it('distinct keys and top keys are exact past 200,000 keys', async () => {
    const spec = runSpecOf({ key: 'order_id', duration: '30s', rate: '20000', seed: '7' });
    // The expected figures come straight from the key source, drawn the way the runner draws it.
    const keys = createKeySource(spec, createRng(spec.seed).fork('keys'));
    const counts = new Map<number, number>();
    const draw: KeyDraw = { keyIndex: 0, entity: 0, seq: 0 };
    for (let n = 0; n < spec.messages; n++) {
      keys.next(draw);
      counts.set(draw.keyIndex, (counts.get(draw.keyIndex) ?? 0) + 1);
    }
    expect(counts.size).toBeGreaterThan(200_000);
    const top = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 10);

    const result = await runWorkload(spec, createEngine(spec), createRng(spec.seed));
    const r = buildReport(result, 'test');
    expect(r.delivery.acked).toBe(spec.messages);
    const ph = r.phases[0];
    expect(ph.distinctKeys).toBe(counts.size);
    expect(ph.topKeys.map((k) => [k.key, k.records])).toEqual(top.map(([k, v]) => [`order-${k}`, v]));
  }, 120_000);
});
