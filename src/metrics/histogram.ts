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

export class LatencyHistogram {
  private readonly h = hdr.build({ bitBucketSize: 64, autoResize: true, numberOfSignificantValueDigits: 3, useWebAssembly: false });

  recordUs(us: number): void {
    this.h.recordValue(us > 0 ? Math.round(us) : 0);
  }

  get count(): number {
    return this.h.totalCount;
  }

  summary(): LatencySummary {
    const ms = (us: number) => Math.round(us) / 1000;
    if (this.h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 };
    return {
      p50: ms(this.h.getValueAtPercentile(50)),
      p90: ms(this.h.getValueAtPercentile(90)),
      p99: ms(this.h.getValueAtPercentile(99)),
      p999: ms(this.h.getValueAtPercentile(99.9)),
      max: ms(this.h.maxValue),
      mean: Math.round(this.h.mean) / 1000,
      count: this.h.totalCount,
    };
  }

  /** Compressed base64 HDR encoding (the HdrHistogram interchange format). */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.h);
  }
}

/** Percentile summary straight from an encoded histogram (used by compare). */
export function summariseEncoded(encoded: string): LatencySummary {
  const h = hdr.decodeFromCompressedBase64(encoded, 64, false);
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    p50: ms(h.getValueAtPercentile(50)), p90: ms(h.getValueAtPercentile(90)), p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)), max: ms(h.maxValue), mean: Math.round(h.mean) / 1000, count: h.totalCount,
  };
}
