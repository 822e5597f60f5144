// Latency over time: per time bucket, a coarse log histogram (8 bins per doubling, so a percentile is
// known to within ±4.5%). Buckets merge pairwise when a run outgrows MAX_BUCKETS, like TimeBuckets,
// so memory is bounded whatever the run's length.
const MAX_BUCKETS = 4096;
const BINS = 256;
const PER_OCTAVE = 8;

export class LatencyTimeline {
  widthUs = 1_000_000;
  private counts = new Uint32Array(64 * BINS);
  private used = 0;

  record(atUs: number, latencyUs: number): void {
    let b = Math.floor(atUs / this.widthUs);
    while (b >= MAX_BUCKETS) {
      this.halve();
      b = Math.floor(atUs / this.widthUs);
    }
    if (b < 0) b = 0;
    if ((b + 1) * BINS > this.counts.length) {
      const grown = new Uint32Array(Math.min(MAX_BUCKETS, Math.max(b + 1, (this.counts.length / BINS) * 2)) * BINS);
      grown.set(this.counts);
      this.counts = grown;
    }
    const bin = latencyUs < 1 ? 0 : Math.min(BINS - 1, 1 + Math.floor(Math.log2(latencyUs) * PER_OCTAVE));
    this.counts[b * BINS + bin]++;
    if (b + 1 > this.used) this.used = b + 1;
  }

  get buckets(): number {
    return this.used;
  }

  /** Percentile (0..100) of the latencies recorded in buckets [from, to), in µs; null when empty. */
  percentile(from: number, to: number, p: number): number | null {
    const bins = new Float64Array(BINS);
    let total = 0;
    for (let b = from; b < Math.min(to, this.used); b++) {
      for (let i = 0; i < BINS; i++) {
        const c = this.counts[b * BINS + i];
        bins[i] += c;
        total += c;
      }
    }
    if (total === 0) return null;
    const target = (p / 100) * total;
    let seen = 0;
    for (let i = 0; i < BINS; i++) {
      seen += bins[i];
      if (seen >= target && bins[i] > 0) return i === 0 ? 0 : Math.pow(2, (i - 0.5) / PER_OCTAVE); // bin middle
    }
    return Math.pow(2, (BINS - 1.5) / PER_OCTAVE);
  }

  private halve(): void {
    const merged = new Uint32Array(this.counts.length);
    for (let b = 0; b < this.used; b++) {
      for (let i = 0; i < BINS; i++) merged[(b >> 1) * BINS + i] += this.counts[b * BINS + i];
    }
    this.counts = merged;
    this.used = Math.ceil(this.used / 2);
    this.widthUs *= 2;
  }
}
