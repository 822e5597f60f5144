// Prediction vs measurement: the rows compareWithPrediction makes from a report (hand-built figures,
// no broker), their ratios and nulls, reports whose prediction predates latency, lag and throughput,
// and the terminal table.
import { beforeAll, describe, expect, it } from 'vitest';
import { simReport } from '../../test/helpers.js';
import { compareWithPrediction, predictionOf, predictionRatio, type PredictedPhase, type PredictionRow } from './prediction.js';
import type { PhaseReport, RunReport } from './schema.js';
import { renderReport } from './table.js';
import { validateReport } from './validate.js';

const lat = (p50: number, p99: number, count = 100) => ({ p50, p90: p99, p99, p999: p99, max: p99, mean: p50, count });

/** A measured phase with only the figures the comparison reads. */
function measured(name: string, o: { maxMean: number; hottest: number; empty: number; violations: number; skipped: number; produce: [number, number]; e2e: [number, number]; e2eCount?: number; lag: number[]; achieved: number }): PhaseReport {
  return {
    name,
    skew: { maxMeanRatio: o.maxMean, cv: 0, gini: 0, hottestPartition: 0, hottestShare: o.hottest, emptyPartitions: o.empty },
    ordering: { violations: o.violations, keysAffected: 0, worstLatenessMs: 0, worstSeqGap: 0 },
    delivery: { produced: 0, acked: 0, consumed: 0, skipped: o.skipped },
    latency: { produce: lat(...o.produce), endToEnd: lat(...o.e2e, o.e2eCount) },
    partitionMaxLag: o.lag,
    throughput: { offeredPerSec: 0, achievedPerSec: o.achieved, consumedPerSec: 0, offeredBytesPerSec: 0 },
  } as unknown as PhaseReport;
}

/** A predicted phase as `kbench run` writes it now. */
function predicted(name: string, o: { maxMean: number; hottest: number; empty: number; violations: number; skipped: number; produce: [number, number]; e2e: [number, number]; peakLag: number; achieved: number }): PredictedPhase {
  return {
    name,
    skew: { maxMeanRatio: o.maxMean, cv: 0, gini: 0, hottestPartition: 0, hottestShare: o.hottest, emptyPartitions: o.empty },
    ordering: { violations: o.violations, keysAffected: 0, worstLatenessMs: 0, worstSeqGap: 0 },
    skipped: o.skipped,
    perPartition: [],
    latency: { produce: lat(...o.produce), endToEnd: lat(...o.e2e) },
    peakLag: o.peakLag,
    throughput: { offeredPerSec: 0, achievedPerSec: o.achieved, consumedPerSec: 0, offeredBytesPerSec: 0 },
  };
}

function report(phases: PhaseReport[], prediction: RunReport['prediction'], o: { consumers?: number; keyMovement?: number | null; groupChanges?: number; duplicated?: number } = {}): RunReport {
  const km = (f: number) => ({ from: 3, to: 6, keysMoved: 0, keysTotal: 0, fractionKeysMoved: f, fractionTrafficMoved: 0, expectedFractionUniform: 0.5, client: 'java' });
  return {
    spec: { consumers: o.consumers ?? 2, groupChanges: Array.from({ length: o.groupChanges ?? 0 }, () => ({ kind: 'crash', count: 1, atMs: 1000 })) },
    delivery: { duplicated: o.duplicated ?? 0 },
    phases,
    keyMovement: o.keyMovement == null ? null : km(o.keyMovement),
    prediction,
  } as unknown as RunReport;
}

const byKey = (rows: PredictionRow[]) => Object.fromEntries(rows.map((r) => [`${r.metric}/${r.phase}`, r]));

describe('predictionRatio', () => {
  it('is measured / predicted, rounded to 4 decimals', () => {
    expect(predictionRatio(4, 6)).toBe(1.5);
    expect(predictionRatio(3, 1)).toBe(0.3333);
    expect(predictionRatio(2, 0)).toBe(0);
  });

  it('is null when predicted is 0 or either side is missing', () => {
    expect(predictionRatio(0, 5)).toBeNull();
    expect(predictionRatio(0, 0)).toBeNull();
    expect(predictionRatio(null, 5)).toBeNull();
    expect(predictionRatio(5, null)).toBeNull();
  });
});

describe('compareWithPrediction', () => {
  const before = measured('before', { maxMean: 1.5, hottest: 0.5, empty: 0, violations: 12, skipped: 0, produce: [3, 20], e2e: [10, 80], lag: [5, 40.4, 7], achieved: 990 });
  const after = measured('after', { maxMean: 2, hottest: 0.25, empty: 1, violations: 0, skipped: 30, produce: [4, 30], e2e: [12, 200], lag: [1, 2, 3, 9, 0, 0], achieved: 1000 });
  const simBefore = predicted('before', { maxMean: 1.2, hottest: 0.4, empty: 0, violations: 4, skipped: 0, produce: [2, 10], e2e: [8, 40], peakLag: 20, achieved: 1000 });
  const simAfter = predicted('after', { maxMean: 1.6, hottest: 0.2, empty: 2, violations: 3, skipped: 20, produce: [2, 0], e2e: [8, 50], peakLag: 9, achieved: 1000 });
  const pred = { engine: 'sim' as const, phases: [simBefore, simAfter], keyMovement: { fractionKeysMoved: 0.5 } as never, delivery: {} as never };

  it('gives each metric for each phase, in order, with measured / predicted', () => {
    const rows = compareWithPrediction(report([before, after], pred, { keyMovement: 0.55 }));
    expect(rows.map((r) => `${r.metric}/${r.phase}`)).toEqual([
      'maxMeanRatio/before', 'maxMeanRatio/after', 'hottestShare/before', 'hottestShare/after', 'emptyPartitions/before', 'emptyPartitions/after',
      'fractionKeysMoved/growth',
      'violations/before', 'violations/after', 'skipped/before', 'skipped/after',
      'produce.p50/before', 'produce.p50/after', 'produce.p99/before', 'produce.p99/after',
      'endToEnd.p50/before', 'endToEnd.p50/after', 'endToEnd.p99/before', 'endToEnd.p99/after',
      'peakLag/before', 'peakLag/after', 'achievedPerSec/before', 'achievedPerSec/after',
    ]);
    const r = byKey(rows);
    expect(r['maxMeanRatio/before']).toEqual({ metric: 'maxMeanRatio', phase: 'before', predicted: 1.2, measured: 1.5, ratio: 1.25 });
    expect(r['hottestShare/after'].ratio).toBe(1.25);
    expect(r['fractionKeysMoved/growth']).toEqual({ metric: 'fractionKeysMoved', phase: 'growth', predicted: 0.5, measured: 0.55, ratio: 1.1 });
    expect(r['violations/before'].ratio).toBe(3);
    expect(r['violations/after']).toMatchObject({ predicted: 3, measured: 0, ratio: 0 });
    expect(r['skipped/after'].ratio).toBe(1.5);
    expect(r['produce.p50/before'].ratio).toBe(1.5);
    expect(r['produce.p99/before'].ratio).toBe(2);
    expect(r['endToEnd.p99/after']).toMatchObject({ predicted: 50, measured: 200, ratio: 4 });
    // Peak lag: the largest of the phase's per-partition peaks.
    expect(r['peakLag/before']).toMatchObject({ predicted: 20, measured: 40.4, ratio: 2.02 });
    expect(r['peakLag/after']).toMatchObject({ predicted: 9, measured: 9, ratio: 1 });
    expect(r['achievedPerSec/before'].ratio).toBe(0.99);
  });

  it('has a null ratio where the prediction is 0, and a null measurement for latency over no records', () => {
    const noE2e = measured('before', { maxMean: 1.5, hottest: 0.5, empty: 0, violations: 12, skipped: 0, produce: [3, 20], e2e: [0, 0], e2eCount: 0, lag: [5], achieved: 990 });
    const r = byKey(compareWithPrediction(report([noE2e, after], pred)));
    expect(r['skipped/before']).toEqual({ metric: 'skipped', phase: 'before', predicted: 0, measured: 0, ratio: null });
    expect(r['emptyPartitions/before'].ratio).toBeNull();
    expect(r['produce.p99/after']).toMatchObject({ predicted: 0, measured: 30, ratio: null });
    expect(r['endToEnd.p50/before']).toMatchObject({ predicted: 8, measured: null, ratio: null });
  });

  it('leaves predicted null for a phase the simulator did not have, and has no key movement row without growth', () => {
    const rows = compareWithPrediction(report([before, after], { ...pred, phases: [simBefore], keyMovement: null }));
    const r = byKey(rows);
    expect(r['maxMeanRatio/after']).toMatchObject({ predicted: null, measured: 2, ratio: null });
    expect(r['maxMeanRatio/before'].ratio).toBe(1.25);
    expect(rows.some((x) => x.metric === 'fractionKeysMoved')).toBe(false);
  });

  it('reads an older prediction, without latency, peak lag or throughput', () => {
    const old = { engine: 'sim' as const, phases: [{ name: 'all', skew: simBefore.skew, ordering: simBefore.ordering, skipped: 0, perPartition: [] }], keyMovement: null, delivery: {} as never };
    const r = byKey(compareWithPrediction(report([measured('all', { maxMean: 1.5, hottest: 0.5, empty: 0, violations: 12, skipped: 0, produce: [3, 20], e2e: [10, 80], lag: [4], achieved: 990 })], old)));
    expect(r['maxMeanRatio/all'].ratio).toBe(1.25);
    for (const m of ['produce.p50', 'produce.p99', 'endToEnd.p50', 'endToEnd.p99', 'peakLag', 'achievedPerSec']) {
      expect(r[`${m}/all`].predicted).toBeNull();
      expect(r[`${m}/all`].ratio).toBeNull();
      expect(r[`${m}/all`].measured).not.toBeNull();
    }
  });

  it('leaves out what is judged on consumption in a produce-only run', () => {
    const rows = compareWithPrediction(report([before], { ...pred, keyMovement: null }, { consumers: 0 }));
    expect([...new Set(rows.map((r) => r.metric))]).toEqual(['maxMeanRatio', 'hottestShare', 'emptyPartitions', 'produce.p50', 'produce.p99', 'achievedPerSec']);
  });

  it('compares duplicates, for the whole run, only when the group changed', () => {
    const withDup = { ...pred, delivery: { duplicated: 40 } as never };
    expect(compareWithPrediction(report([before], withDup, { duplicated: 50 })).some((x) => x.metric === 'duplicated')).toBe(false);
    const r = byKey(compareWithPrediction(report([before], withDup, { groupChanges: 1, duplicated: 50 })));
    expect(r['duplicated/all']).toEqual({ metric: 'duplicated', phase: 'all', predicted: 40, measured: 50, ratio: 1.25 });
  });

  it('is empty without a prediction', () => {
    expect(compareWithPrediction(report([before], undefined))).toEqual([]);
  });
});

describe('the prediction in a report', () => {
  let base: RunReport;
  beforeAll(async () => {
    base = await simReport('--key', 'user_id', '--partitions', '3', '--grow-to', '6', '--grow-at', '1s', '--duration', '2s', '--rate', '500');
  }, 60_000);

  it('predictionOf keeps latency, the largest partition peak lag and throughput of each phase', () => {
    const pr = predictionOf(base);
    expect(pr.phases.map((p) => p.name)).toEqual(['before', 'after']);
    pr.phases.forEach((p, i) => {
      expect(p.latency).toEqual(base.phases[i].latency);
      expect(p.peakLag).toBe(Math.max(0, ...base.phases[i].partitionMaxLag));
      expect(p.throughput).toEqual(base.phases[i].throughput);
    });
  });

  it('renders one "Prediction vs measurement" table, ratios to 2 decimals and - for null', () => {
    const r = structuredClone(base);
    r.prediction = predictionOf(base);
    // Hand-set figures: measured skew 1.5 against 1.2 predicted; no predicted skipped; no predicted p99 for "after".
    r.phases[0].skew.maxMeanRatio = 1.5;
    r.prediction.phases[0].skew.maxMeanRatio = 1.2;
    r.phases[0].delivery.skipped = 7;
    r.prediction.phases[0].skipped = 0;
    r.phases[1].latency.produce.p99 = 12.5;
    r.prediction.phases[1].latency!.produce.p99 = 5;
    delete r.prediction.phases[1].peakLag;
    r.prediction.comparison = compareWithPrediction(r);
    const text = renderReport(r);
    expect(text).not.toContain('The simulator\'s prediction');
    expect(text).toMatch(/Prediction vs measurement \(the simulator on the same workload; ratio = measured \/ predicted\)/);
    const table = text.slice(text.indexOf('Prediction vs measurement'));
    const line = (label: string, phase: string) => table.split('\n').find((l) => new RegExp(`│ ${label.replace(/[()/]/g, '\\$&')} +│ ${phase} +│`).test(l))!;
    const cells = (l: string) => l.split('│').slice(1, -1).map((c) => c.trim());
    expect(cells(table.split('\n')[2])).toEqual(['metric', 'phase', 'predicted', 'measured', 'ratio']);
    expect(cells(line('max/mean', 'before'))).toEqual(['max/mean', 'before', '1.2', '1.5', '1.25']);
    expect(cells(line('skipped', 'before'))).toEqual(['skipped', 'before', '0', '7', '-']);
    expect(cells(line('produce p99 (ms)', 'after'))).toEqual(['produce p99 (ms)', 'after', '5', '12.5', '2.50']);
    expect(cells(line('peak partition lag', 'after')).slice(2)[0]).toBe('-');
    expect(cells(line('peak partition lag', 'after'))[4]).toBe('-');
    const moved = cells(line('keys moved', 'growth'));
    expect(moved[4]).toBe('1.00');
    expect(moved[2]).toMatch(/^\d+\.\d%$/);
  });

  it('renders nothing for a report without a prediction (simulated runs)', () => {
    expect(renderReport(base)).not.toContain('Prediction vs measurement');
  });

  it('loads a report whose prediction predates latency, peak lag, throughput and comparison, and shows - for them', () => {
    const r = structuredClone(base);
    r.prediction = predictionOf(base);
    for (const p of r.prediction.phases) {
      delete p.latency;
      delete p.peakLag;
      delete p.throughput;
    }
    const loaded = validateReport(JSON.parse(JSON.stringify(r)));
    const text = renderReport(loaded);
    const table = text.slice(text.indexOf('Prediction vs measurement'));
    for (const label of ['produce p50 (ms)', 'end-to-end p99 (ms)', 'peak partition lag', 'achieved records/s']) {
      const cells = table.split('\n').find((l) => l.includes(`│ ${label} `))!.split('│').slice(1, -1).map((c) => c.trim());
      expect([cells[2], cells[4]]).toEqual(['-', '-']);
      expect(cells[3]).not.toBe('-');
    }
    expect(table).toMatch(/│ max\/mean +│ before +│ [\d.]+ +│ [\d.]+ +│ 1\.00 +│/);
  });

  it('refuses a bad new prediction field with its name', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const r: any = structuredClone(base);
    r.prediction = predictionOf(base);
    r.prediction.phases[1].peakLag = 'lots';
    expect(() => validateReport(JSON.parse(JSON.stringify(r)))).toThrow('prediction.phases[1].peakLag must be a number (got a string)');
    r.prediction.phases[1].peakLag = 3;
    r.prediction.phases[0].latency.endToEnd.p99 = null;
    expect(() => validateReport(JSON.parse(JSON.stringify(r)))).toThrow('prediction.phases[0].latency.endToEnd.p99 must be a number (got null)');
  });
});
