// What the simulator predicted for a live run's workload, kept beside the measurement, and the two
// side by side (compareWithPrediction): the report's "Prediction vs measurement".
import type { LatencySummary } from '../metrics/histogram.js';
import type { PhaseReport, RunReport } from './schema.js';

export interface PredictedPhase {
  name: string;
  skew: PhaseReport['skew'];
  ordering: PhaseReport['ordering'];
  skipped: number;
  perPartition: number[];
  // Added later in v1: absent from older reports' predictions, whose comparison rows then have no
  // predicted value.
  latency?: { produce: LatencySummary; endToEnd: LatencySummary };
  /** The largest peak lag of any partition in the phase (max of the phase's partitionMaxLag). */
  peakLag?: number;
  throughput?: PhaseReport['throughput'];
}

/** One figure of one phase, predicted and measured. */
export interface PredictionRow {
  /** The metric's name as `kbench compare` names it: maxMeanRatio, produce.p99, … */
  metric: string;
  /** A phase name (all | before | after), or `growth` for key movement, a figure of the whole run. */
  phase: string;
  predicted: number | null;
  measured: number | null;
  /** measured / predicted; null when either is missing or predicted is 0. */
  ratio: number | null;
}

export interface Prediction {
  engine: 'sim';
  phases: PredictedPhase[];
  keyMovement: RunReport['keyMovement'];
  delivery: RunReport['delivery'];
  /** Written by `kbench run` (live runs) from compareWithPrediction; absent from older reports. */
  comparison?: PredictionRow[];
}

/** The largest peak lag of any partition of a phase. */
export function phasePeakLag(p: PhaseReport): number {
  let m = 0;
  for (const x of p.partitionMaxLag) if (x > m) m = x;
  return m;
}

export function predictionOf(sim: RunReport): Prediction {
  return {
    engine: 'sim',
    phases: sim.phases.map((p) => ({
      name: p.name, skew: p.skew, ordering: p.ordering, skipped: p.delivery.skipped, perPartition: p.perPartition,
      latency: p.latency, peakLag: phasePeakLag(p), throughput: p.throughput,
    })),
    keyMovement: sim.keyMovement,
    delivery: sim.delivery,
  };
}

/**
 * The ratio of a measurement to its prediction. This direction (measured / predicted, not the
 * reverse) makes the prediction the reference the measurement is judged against, as `kbench compare`
 * judges each report against its baseline (value / baseline): 1 means the simulator was right, 2 that
 * the broker showed twice what it predicted (twice the p99, twice the skipped records), 0.5 half.
 * A prediction of 0 gives no scale to judge by, so the ratio is null then (a measured 0 against a
 * non-zero prediction is a ratio of 0: the predicted thing did not happen).
 */
export function predictionRatio(predicted: number | null, measured: number | null): number | null {
  if (predicted === null || measured === null || predicted === 0) return null;
  const r = measured / predicted;
  return Number.isFinite(r) ? Math.round(r * 1e4) / 1e4 : null;
}

// A latency figure measured over no records is missing, not 0 ms (reports written before
// LatencySummary.count existed lack the count: their figure is taken as it is).
const latencyOf = (l: LatencySummary | undefined, pick: 'p50' | 'p99'): number | null =>
  l === undefined || l.count === 0 ? null : l[pick];

type Getter = (p: PhaseReport) => number | null;
type PredictedGetter = (p: PredictedPhase) => number | null | undefined;

/** The compared metrics, in the table's order; `consumed` ones are left out of produce-only runs. */
const METRICS: { metric: string; consumed: boolean; measured: Getter; predicted: PredictedGetter }[] = [
  { metric: 'maxMeanRatio', consumed: false, measured: (p) => p.skew.maxMeanRatio, predicted: (p) => p.skew.maxMeanRatio },
  { metric: 'hottestShare', consumed: false, measured: (p) => p.skew.hottestShare, predicted: (p) => p.skew.hottestShare },
  { metric: 'emptyPartitions', consumed: false, measured: (p) => p.skew.emptyPartitions, predicted: (p) => p.skew.emptyPartitions },
  { metric: 'violations', consumed: true, measured: (p) => p.ordering.violations, predicted: (p) => p.ordering.violations },
  { metric: 'skipped', consumed: true, measured: (p) => p.delivery.skipped, predicted: (p) => p.skipped },
  { metric: 'produce.p50', consumed: false, measured: (p) => latencyOf(p.latency.produce, 'p50'), predicted: (p) => latencyOf(p.latency?.produce, 'p50') },
  { metric: 'produce.p99', consumed: false, measured: (p) => latencyOf(p.latency.produce, 'p99'), predicted: (p) => latencyOf(p.latency?.produce, 'p99') },
  { metric: 'endToEnd.p50', consumed: true, measured: (p) => latencyOf(p.latency.endToEnd, 'p50'), predicted: (p) => latencyOf(p.latency?.endToEnd, 'p50') },
  { metric: 'endToEnd.p99', consumed: true, measured: (p) => latencyOf(p.latency.endToEnd, 'p99'), predicted: (p) => latencyOf(p.latency?.endToEnd, 'p99') },
  { metric: 'peakLag', consumed: true, measured: phasePeakLag, predicted: (p) => p.peakLag },
  { metric: 'achievedPerSec', consumed: false, measured: (p) => p.throughput.achievedPerSec, predicted: (p) => p.throughput?.achievedPerSec },
];

/**
 * The report's prediction beside its measurement: for each metric, each of the report's phases
 * (matched to the predicted phase of the same name), and key movement when the run grew. Empty
 * without a prediction. Pure; works on reports read back from files, whatever their prediction holds:
 * a figure an older prediction lacks is a null `predicted` (and ratio). Produce-only runs
 * (--consumers 0) have no rows for what is judged on consumption (ordering, skipped, end-to-end, lag).
 */
export function compareWithPrediction(r: RunReport): PredictionRow[] {
  const pr = r.prediction;
  if (!pr) return [];
  const produceOnly = r.spec.consumers === 0;
  const rows: PredictionRow[] = [];
  const row = (metric: string, phase: string, predicted: number | null | undefined, measured: number | null) => {
    const p = predicted ?? null;
    rows.push({ metric, phase, predicted: p, measured, ratio: predictionRatio(p, measured) });
  };
  for (const m of METRICS) {
    if (m.consumed && produceOnly) continue;
    for (const ph of r.phases) {
      const sim = pr.phases.find((p) => p.name === ph.name);
      row(m.metric, ph.name, sim ? m.predicted(sim) : null, m.measured(ph));
    }
    // Key movement, after the skew rows: one figure for the run, when it grew.
    if (m.metric === 'emptyPartitions') {
      const moved = r.keyMovement?.fractionKeysMoved ?? null;
      const predictedMoved = pr.keyMovement?.fractionKeysMoved ?? null;
      if (moved !== null || predictedMoved !== null) row('fractionKeysMoved', 'growth', predictedMoved, moved);
    }
  }
  // Consumer-group changes: the records read twice after a crash (uncommitted work), for the whole run.
  if (!produceOnly && (r.spec.groupChanges?.length ?? 0) > 0) row('duplicated', 'all', pr.delivery?.duplicated, r.delivery.duplicated);
  return rows;
}
