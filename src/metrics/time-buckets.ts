// Per-partition counters over time in coarse buckets (1 s to start). When a run outgrows MAX_BUCKETS,
// neighbouring buckets merge and the width doubles, so memory stays bounded however long the run.
const MAX_BUCKETS = 4096;

export class TimeBuckets {
  widthUs = 1_000_000;
  private perUs = 1 / 1_000_000;
  /** Buckets per series: series s holds counts[s * capacity + b] for its buckets b in [0, capacity).
   * One array for every series: a count is one read from it (the recorder adds a few per record). */
  private capacity = 64;
  private counts: Float64Array;
  private used = 0;

  constructor(readonly series: number) {
    this.counts = new Float64Array(series * this.capacity);
  }

  add(series: number, atUs: number, count = 1): void {
    let b = Math.floor(atUs * this.perUs);
    if (b < this.capacity) {
      // Fast path (nearly every call): the bucket already exists.
      this.counts[series * this.capacity + (b < 0 ? 0 : b)] += count;
      if (b >= this.used) this.used = b + 1;
      return;
    }
    while (b >= MAX_BUCKETS) {
      this.halve();
      b = Math.floor(atUs / this.widthUs);
    }
    if (b >= this.capacity) this.grow(b + 1);
    if (b < 0) b = 0;
    this.counts[series * this.capacity + b] += count;
    if (b + 1 > this.used) this.used = b + 1;
  }

  get buckets(): number {
    return this.used;
  }

  /** Cumulative count of a series up to the end of each bucket. */
  cumulative(series: number, length = this.used): Float64Array {
    const out = new Float64Array(length);
    const row = this.rowOf(series);
    let sum = 0;
    for (let b = 0; b < length; b++) {
      sum += b < row.length ? row[b] : 0;
      out[b] = sum;
    }
    return out;
  }

  /** Count per bucket (not cumulative). */
  row(series: number, length = this.used): Float64Array {
    const out = new Float64Array(length);
    const row = this.rowOf(series);
    out.set(row.subarray(0, Math.min(length, row.length)));
    return out;
  }

  private rowOf(series: number): Float64Array {
    return this.counts.subarray(series * this.capacity, (series + 1) * this.capacity);
  }

  private grow(min: number): void {
    const size = Math.min(MAX_BUCKETS, Math.max(min, this.capacity * 2));
    const counts = new Float64Array(this.series * size);
    for (let s = 0; s < this.series; s++) counts.set(this.rowOf(s), s * size);
    this.counts = counts;
    this.capacity = size;
  }

  private halve(): void {
    const counts = new Float64Array(this.counts.length);
    for (let s = 0; s < this.series; s++) {
      const from = s * this.capacity;
      for (let b = 0; b < this.capacity; b++) counts[from + (b >> 1)] += this.counts[from + b];
    }
    this.counts = counts;
    this.used = Math.ceil(this.used / 2);
    this.widthUs *= 2;
    this.perUs = 1 / this.widthUs;
  }
}
