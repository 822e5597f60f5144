// Latency over time: per time bucket, a coarse log-linear histogram (8 linear bins per doubling, so
// a percentile is known to within ±6%). Buckets merge pairwise when a run outgrows MAX_BUCKETS, like TimeBuckets,
// so memory is bounded whatever the run's length.
const MAX_BUCKETS = 4096;
const BINS = 256;
const PER_OCTAVE = 8;

/** 0..7 exact; then 8 linear sub-bins per power of two (the HDR layout, coarser). */
function binOf(us: number): number {
  if (us < 8) return us < 0 ? 0 : Math.floor(us);
  if (us >= 4294967296) return BINS - 1;
  const v = us >>> 0;
  const e = 31 - Math.clz32(v); // ≥ 3
  return Math.min(BINS - 1, PER_OCTAVE + (e - 3) * PER_OCTAVE + ((v >>> (e - 3)) & 7));
}

function middleOf(bin: number): number {
  if (bin < PER_OCTAVE) return bin;
  const e = ((bin - PER_OCTAVE) >> 3) + 3;
  const width = 2 ** (e - 3);
  return (PER_OCTAVE + ((bin - PER_OCTAVE) & 7)) * width + width / 2;
}

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
    const bin = binOf(latencyUs);
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
      if (seen >= target && bins[i] > 0) return middleOf(i);
    }
    return middleOf(BINS - 1);
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
