// Distribution of records over partitions (or consumers): how uneven, and where the heat is.

export interface Skew {
  /** Largest count divided by the mean (1 = perfectly even). */
  maxMeanRatio: number;
  /** Coefficient of variation: population standard deviation / mean. */
  cv: number;
  /** Gini coefficient, 0 (even) … (n-1)/n (everything on one). */
  gini: number;
  hottestPartition: number;
  /** Share of all records on the hottest partition, 0..1. */
  hottestShare: number;
  emptyPartitions: number;
}

const round = (x: number, digits = 4) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : 0);

export function analyzeSkew(counts: ArrayLike<number>): Skew {
  const n = counts.length;
  let total = 0;
  let max = -1;
  let hottest = 0;
  let empty = 0;
  for (let i = 0; i < n; i++) {
    total += counts[i];
    if (counts[i] > max) { max = counts[i]; hottest = i; }
    if (counts[i] === 0) empty++;
  }
  if (n === 0 || total === 0) return { maxMeanRatio: 0, cv: 0, gini: 0, hottestPartition: 0, hottestShare: 0, emptyPartitions: empty };
  const mean = total / n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (counts[i] - mean) ** 2;
  variance /= n;
  const sorted = Array.from(counts).sort((a, b) => a - b);
  let weighted = 0;
  for (let i = 0; i < n; i++) weighted += (2 * (i + 1) - n - 1) * sorted[i];
  return {
    maxMeanRatio: round(max / mean),
    cv: round(Math.sqrt(variance) / mean),
    gini: round(weighted / (n * total)),
    hottestPartition: hottest,
    hottestShare: round(max / total),
    emptyPartitions: empty,
  };
}
