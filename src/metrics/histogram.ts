// Latency histograms (HDR, microseconds, 3 significant digits). Encodable so reports can carry the
// whole distribution and later comparisons can judge distributions rather than single numbers.
import * as hdr from 'hdr-histogram-js';

export interface LatencySummary {
  /** All values in milliseconds (recorded in microseconds). */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  count: number;
}

// Recording goes through a flat log-linear counter array first (the same bucket layout as an HDR
// histogram with 3 significant digits: 2048 exact values, then 1024 sub-buckets per power of two) and
// is folded into the HDR histogram when read. This keeps the per-record cost to a few instructions,
// which matters when an hour of traffic is two latency samples for each of 36 million records.
const EXACT = 2048;
const HALF = 1024;
const MAX_SHIFT = 21; // values up to 2^32 µs (71 minutes) go through the fast path

export class LatencyHistogram {
  private readonly h = hdr.build({ bitBucketSize: 64, autoResize: true, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  private readonly pending = new Float64Array(EXACT + MAX_SHIFT * HALF);
  private pendingCount = 0;

  recordUs(us: number): void {
    const v = us > 0 ? Math.round(us) : 0;
    if (v < EXACT) {
      this.pending[v]++;
    } else if (v < 4294967296) {
      const shift = 31 - Math.clz32(v) - 10; // ≥ 1: v >>> shift lands in [1024, 2048)
      this.pending[EXACT + (shift - 1) * HALF + ((v >>> shift) - HALF)]++;
    } else {
      this.h.recordValue(v);
      return;
    }
    this.pendingCount++;
  }

  private fold(): void {
    if (this.pendingCount === 0) return;
    const p = this.pending;
    for (let i = 0; i < p.length; i++) {
      if (p[i] === 0) continue;
      const value = i < EXACT ? i : ((i - EXACT) % HALF + HALF) * 2 ** (Math.floor((i - EXACT) / HALF) + 1);
      this.h.recordValueWithCount(value, p[i]);
      p[i] = 0;
    }
    this.pendingCount = 0;
  }

  get count(): number {
    this.fold();
    return this.h.totalCount;
  }

  summary(): LatencySummary {
    this.fold();
    if (this.h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 };
    return {
      p50: this.percentileMs(50),
      p90: this.percentileMs(90),
      p99: this.percentileMs(99),
      p999: this.percentileMs(99.9),
      max: this.percentileMs(100),
      mean: Math.round(this.h.mean) / 1000,
      count: this.h.totalCount,
    };
  }

  /** One percentile (0–100) of summary(), in ms, 0 when empty: each one walks the histogram, so a caller
   * that shows one (a plan row's p99) asks for that one. */
  percentileMs(p: number): number {
    this.fold();
    return this.h.totalCount === 0 ? 0 : Math.round(this.h.getValueAtPercentile(p)) / 1000;
  }

  /** Compressed base64 HDR encoding (the HdrHistogram interchange format). */
  encode(): string {
    this.fold();
    return hdr.encodeIntoCompressedBase64(this.h);
  }
}

/** Percentile summary straight from an encoded histogram (used by compare). */
export function summariseEncoded(encoded: string): LatencySummary {
  const h = hdr.decodeFromCompressedBase64(encoded, 64, false);
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    p50: ms(h.getValueAtPercentile(50)), p90: ms(h.getValueAtPercentile(90)), p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)), max: ms(h.getValueAtPercentile(100)), mean: Math.round(h.mean) / 1000, count: h.totalCount,
  };
}
