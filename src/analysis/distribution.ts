// Comparing latency distributions, not single numbers: the two-sample Kolmogorov–Smirnov distance
// between two HDR histograms, estimated from their quantile functions.
import * as hdr from 'hdr-histogram-js';

const STEPS = 1000;

function quantiles(encoded: string): { q: Float64Array; count: number } {
  const h = hdr.decodeFromCompressedBase64(encoded, 64, false);
  const q = new Float64Array(STEPS - 1);
  for (let i = 1; i < STEPS; i++) q[i - 1] = h.getValueAtPercentile((i * 100) / STEPS);
  return { q, count: h.totalCount };
}

/** Fraction of a sorted quantile grid at or below x. */
function cdfAt(grid: Float64Array, x: number): number {
  let lo = 0;
  let hi = grid.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (grid[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / STEPS;
}

export interface DistributionShift {
  /** KS distance D: the largest gap between the two cumulative distributions (0..1). */
  ks: number;
  /** D above which the distributions differ at the 1% level: 1.628·√((n+m)/(n·m)). */
  critical: number;
  differ: boolean;
}

export function compareDistributions(baseEncoded: string, currentEncoded: string): DistributionShift {
  const a = quantiles(baseEncoded);
  const b = quantiles(currentEncoded);
  if (a.count === 0 || b.count === 0) return { ks: 0, critical: 1, differ: false };
  // Both empirical CDFs, evaluated at every point of both grids (atoms included).
  let d = 0;
  for (const grid of [a.q, b.q]) {
    for (let i = 0; i < grid.length; i++) d = Math.max(d, Math.abs(cdfAt(a.q, grid[i]) - cdfAt(b.q, grid[i])));
  }
  // The quantile grid resolves D only to 1/STEPS; never call a gap that small a difference.
  const critical = Math.max(2 / STEPS, 1.628 * Math.sqrt((a.count + b.count) / (a.count * b.count)));
  return { ks: Math.round(d * 1e4) / 1e4, critical: Math.round(critical * 1e4) / 1e4, differ: d > critical };
}
