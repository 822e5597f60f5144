// The run as a time series for the report: per-bucket (1 s, coarser for long runs, at most 600
// points) rates, lag, ordering violations and latency percentiles, with the growth moment marked.
import type { Recorder } from '../metrics/recorder.js';
import type { LatencyTimeline } from '../metrics/latency-timeline.js';

export interface Timeline {
  bucketMs: number;
  /** Records per bucket: sent (at their intended time), acked, consumed, skipped by an offset reset. */
  produced: number[];
  acked: number[];
  consumed: number[];
  skipped: number[];
  violations: number[];
  /** Records appended and not yet consumed, at the end of each bucket: total and per partition. */
  lag: number[];
  lagByPartition: number[][];
  /** Latency percentiles (ms) of the records acked / consumed in each bucket; null where none. */
  produceLatency: { p50: (number | null)[]; p99: (number | null)[] };
  endToEndLatency: { p50: (number | null)[]; p99: (number | null)[] };
  growthAtMs: number | null;
}

const MAX_POINTS = 600;

export function buildTimeline(recorder: Recorder, partitions: number, growthAtMs: number | null): Timeline {
  const flows = recorder.flows;
  const base = Math.max(flows.widthUs, recorder.endToEndOverTime.widthUs, recorder.produceOverTime.widthUs);
  const spanUs = Math.max(flows.buckets * flows.widthUs, recorder.endToEndOverTime.buckets * recorder.endToEndOverTime.widthUs, base);
  let width = base;
  while (Math.ceil(spanUs / width) > MAX_POINTS) width *= 2;
  const n = Math.ceil(spanUs / width);
  const per = width / flows.widthUs; // flows buckets per timeline bucket
  const sum = (series: number) => {
    const row = flows.row(series, n * per);
    return Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let j = i * per; j < (i + 1) * per; j++) s += row[j];
      return s;
    });
  };
  const P = recorder.options.maxPartitions;
  const lagByPartition: number[][] = [];
  const acked = new Array(n).fill(0);
  for (let p = 0; p < partitions; p++) {
    const a = flows.cumulative(p, n * per);
    const d = flows.cumulative(P + p, n * per);
    lagByPartition.push(Array.from({ length: n }, (_, i) => a[(i + 1) * per - 1] - d[(i + 1) * per - 1]));
    sum(p).forEach((v, i) => { acked[i] += v; });
  }
  const pct = (t: LatencyTimeline, p: number) => Array.from({ length: n }, (_, i) => {
    const k = width / t.widthUs;
    const v = t.percentile(i * k, (i + 1) * k, p);
    return v === null ? null : Math.round(v) / 1000;
  });
  return {
    bucketMs: width / 1000,
    produced: sum(recorder.series.sent),
    acked,
    consumed: sum(recorder.series.consumed),
    skipped: sum(recorder.series.skipped),
    violations: sum(recorder.series.violations),
    lag: Array.from({ length: n }, (_, i) => lagByPartition.reduce((s, row) => s + row[i], 0)),
    lagByPartition,
    produceLatency: { p50: pct(recorder.produceOverTime, 50), p99: pct(recorder.produceOverTime, 99) },
    endToEndLatency: { p50: pct(recorder.endToEndOverTime, 50), p99: pct(recorder.endToEndOverTime, 99) },
    growthAtMs,
  };
}
