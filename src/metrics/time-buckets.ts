// Per-partition counters over time in coarse buckets (1 s to start). When a run outgrows MAX_BUCKETS,
// neighbouring buckets merge and the width doubles, so memory stays bounded however long the run.
const MAX_BUCKETS = 4096;

export class TimeBuckets {
  widthUs = 1_000_000;
  private perUs = 1 / 1_000_000;
  private capacity = 64;
  private rows: Float64Array[];
  private used = 0;

  constructor(readonly series: number) {
    this.rows = Array.from({ length: series }, () => new Float64Array(64));
  }

  add(series: number, atUs: number, count = 1): void {
    let b = Math.floor(atUs * this.perUs);
    if (b < this.capacity) {
      // Fast path (nearly every call): the bucket already exists.
      this.rows[series][b < 0 ? 0 : b] += count;
      if (b >= this.used) this.used = b + 1;
      return;
    }
    while (b >= MAX_BUCKETS) {
      this.halve();
      b = Math.floor(atUs / this.widthUs);
    }
    if (b >= this.rows[series].length) this.grow(b + 1);
    if (b < 0) b = 0;
    this.rows[series][b] += count;
    if (b + 1 > this.used) this.used = b + 1;
  }

  get buckets(): number {
    return this.used;
  }

  /** Cumulative count of a series up to the end of each bucket. */
  cumulative(series: number, length = this.used): Float64Array {
    const out = new Float64Array(length);
    const row = this.rows[series];
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
    out.set(this.rows[series].subarray(0, Math.min(length, this.rows[series].length)));
    return out;
  }

  private grow(min: number): void {
    const size = Math.min(MAX_BUCKETS, Math.max(min, this.rows[0].length * 2));
    this.rows = this.rows.map((r) => {
      const n = new Float64Array(size);
      n.set(r);
      return n;
    });
    this.capacity = size;
  }

  private halve(): void {
    this.rows = this.rows.map((r) => {
      const n = new Float64Array(r.length);
      for (let b = 0; b < r.length; b++) n[b >> 1] += r[b];
      return n;
    });
    this.used = Math.ceil(this.used / 2);
    this.widthUs *= 2;
    this.perUs = 1 / this.widthUs;
  }
}
