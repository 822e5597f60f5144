// The structure of a report file given to `kbench report` and `kbench compare`: every field the
// renderers (table, html/svg, compare, thresholds) read, with its type. A hand-edited, truncated or
// foreign document with the right `schema` string is refused here with one line naming the first bad
// field, instead of a TypeError somewhere in rendering. Fields renderers treat as optional (timeline,
// prediction, keyMovement, mixedPartitioners, ordering, growth, spec.brokers) may be absent; fields they never read are
// not checked, so reports from other kbench versions of the same schema still load.
import * as hdr from 'hdr-histogram-js';
import type { RunReport } from './schema.js';

/** The first problem found: a field path ("phases[0].latency.produce.p99") and what is wrong. */
export class ReportShapeError extends Error {
  constructor(readonly field: string, readonly problem: string) {
    super(`${field} ${problem}`);
  }
}

type Obj = Record<string, unknown>;

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v === 'string' ? 'a string' : typeof v === 'number' ? 'a number' : typeof v === 'boolean' ? 'a boolean' : typeof v);
const IDENT = /^[A-Za-z_$][\w$]*$/;
const at = (path: string, key: string) => (IDENT.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`);

function fail(path: string, v: unknown, want: string): never {
  throw new ReportShapeError(path, v === undefined ? 'is missing' : `must be ${want} (got ${typeName(v)})`);
}

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, v, 'an object');
  return v as Obj;
}

function arr(v: unknown, path: string, min = 0): unknown[] {
  if (!Array.isArray(v)) fail(path, v, 'an array');
  if (v.length < min) throw new ReportShapeError(path, `must have at least ${min} entr${min === 1 ? 'y' : 'ies'}`);
  return v;
}

function num(v: unknown, path: string, o: { min?: number; positive?: boolean } = {}): number {
  if (typeof v !== 'number') fail(path, v, 'a number');
  if (!Number.isFinite(v)) throw new ReportShapeError(path, 'must be a finite number');
  if (o.min !== undefined && v < o.min) throw new ReportShapeError(path, `must be at least ${o.min} (got ${v})`);
  if (o.positive && !(v > 0)) throw new ReportShapeError(path, `must be above 0 (got ${v})`);
  return v;
}

const count = (v: unknown, path: string) => num(v, path, { min: 0 });

function str(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, v, 'a string');
  return v;
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, v, 'true or false');
  return v;
}

function oneOf<T extends string>(v: unknown, path: string, values: readonly T[]): T {
  if (v === undefined) fail(path, v, '');
  if (typeof v !== 'string' || !values.includes(v as T)) {
    throw new ReportShapeError(path, `must be one of ${values.join(' | ')} (got ${typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeName(v)})`);
  }
  return v as T;
}

function orNull<T>(check: (v: unknown, path: string) => T) {
  return (v: unknown, path: string): T | null => (v === null ? null : v === undefined ? fail(path, v, '') : check(v, path));
}

/** Checks the listed fields of an object: `{ field: check }`. */
function fields(o: Obj, path: string, spec: Record<string, (v: unknown, path: string) => unknown>): void {
  for (const [k, check] of Object.entries(spec)) check(Object.hasOwn(o, k) ? o[k] : undefined, at(path, k));
}

function each(v: unknown, path: string, check: (v: unknown, path: string) => unknown, min = 0): void {
  arr(v, path, min).forEach((x, i) => check(x, `${path}[${i}]`));
}

const numbers = (v: unknown, path: string) => each(v, path, num);
const counts = (v: unknown, path: string) => each(v, path, count);
const numbersOrNull = (v: unknown, path: string) => each(v, path, orNull(num));
const strings = (v: unknown, path: string) => each(v, path, str);

function histogram(v: unknown, path: string): void {
  const text = str(v, path);
  try {
    hdr.decodeFromCompressedBase64(text, 64, false);
  } catch {
    throw new ReportShapeError(path, 'is not an encoded HDR histogram');
  }
}

function skew(v: unknown, path: string): void {
  fields(obj(v, path), path, { maxMeanRatio: num, cv: num, gini: num, hottestPartition: num, hottestShare: num, emptyPartitions: num });
}

function latency(v: unknown, path: string): void {
  fields(obj(v, path), path, { p50: num, p90: num, p99: num, p999: num, max: num, mean: num });
}

function consumer(v: unknown, path: string): void {
  fields(obj(v, path), path, { id: str, partitions: numbers, records: count, maxLag: num, idle: bool });
}

function topKey(v: unknown, path: string): void {
  fields(obj(v, path), path, { key: str, records: count, share: num, partition: orNull(num) });
}

function phase(v: unknown, path: string): void {
  fields(obj(v, path), path, {
    name: str,
    partitions: num,
    records: count,
    perPartition: counts,
    partitionMaxLag: numbers,
    skew,
    consumerSkew: (c, p) => fields(obj(c, p), p, { maxMeanRatio: num }),
    throughput: (t, p) => fields(obj(t, p), p, { offeredPerSec: num, achievedPerSec: num, consumedPerSec: num, offeredBytesPerSec: num }),
    latency: (l, p) => fields(obj(l, p), p, { produce: latency, endToEnd: latency }),
    histograms: (h, p) => fields(obj(h, p), p, { produce: histogram, endToEnd: histogram }),
    ordering: (o, p) => fields(obj(o, p), p, { violations: count, keysAffected: count, worstLatenessMs: num, worstSeqGap: num }),
    consumers: (c, p) => each(c, p, consumer),
    distinctKeys: count,
    topKeys: (t, p) => each(t, p, topKey),
    delivery: (d, p) => fields(obj(d, p), p, { produced: count, acked: count, consumed: count, skipped: count }),
  });
}

const optional = (check: (v: unknown, path: string) => unknown) => (v: unknown, path: string) => (v === undefined ? undefined : check(v, path));
const nullable = (check: (v: unknown, path: string) => unknown) => (v: unknown, path: string) => (v === undefined || v === null ? undefined : check(v, path));

function spec(v: unknown, path: string): void {
  const s = obj(v, path);
  fields(s, path, {
    key: str, client: str, assignor: str, autoOffsetReset: str, producerClients: (c, p) => each(c, p, str, 1),
    partitions: num, producers: num, rate: num, durationMs: num, messages: num, consumers: num, consumerRate: num,
    partitionCapacity: num, produceLatencyMs: num, rebalanceMs: num, seed: num, maxRate: bool,
    recordSize: orNull(num), explicitPartition: orNull(num), growTo: orNull(num), growAtMs: orNull(num), metadataRefreshMs: orNull(num),
    brokers: nullable(strings),
    // Producer settings: absent from reports written before they existed.
    acks: optional(str), idempotent: optional(bool), maxInFlight: optional(num), lingerMs: optional(num), batchBytes: optional(num), compression: optional(str), threads: optional(num), deliveryTimeoutMs: optional(num),
    workers: optional(nullable(num)), workerTimeoutMs: optional(num), workerPool: optional(str), consumerPaced: optional(bool),
    driver: optional(str), consumerDriver: optional(nullable(str)),
  });
  if (s.growTo !== null && s.growAtMs === null) throw new ReportShapeError(at(path, 'growAtMs'), 'must be a number when spec.growTo is set');
}

function mixed(v: unknown, path: string): void {
  const m = obj(v, path);
  fields(m, path, { clients: strings, keysSplit: count, keysTotal: count, trafficShareSplit: num });
  const clients = m.clients as string[];
  each(m.examples, at(path, 'examples'), (e, p) => {
    const ex = obj(e, p);
    str(Object.hasOwn(ex, 'key') ? ex.key : undefined, at(p, 'key'));
    const parts = obj(Object.hasOwn(ex, 'partitions') ? ex.partitions : undefined, at(p, 'partitions'));
    for (const c of clients) num(Object.hasOwn(parts, c) ? parts[c] : undefined, at(at(p, 'partitions'), c));
  });
}

function timeline(v: unknown, path: string): void {
  fields(obj(v, path), path, {
    bucketMs: (b, p) => num(b, p, { positive: true }),
    produced: numbers, consumed: numbers, lag: numbers, violations: numbers,
    endToEndLatency: (l, p) => fields(obj(l, p), p, { p50: numbersOrNull, p99: numbersOrNull }),
    growthAtMs: nullable(num),
  });
}

function prediction(v: unknown, path: string): void {
  fields(obj(v, path), path, {
    phases: (ps, p) => each(ps, p, (ph, q) => fields(obj(ph, q), q, {
      skew: (s, r) => fields(obj(s, r), r, { maxMeanRatio: num, hottestShare: num, emptyPartitions: num }),
      ordering: (o, r) => fields(obj(o, r), r, { violations: count }),
      skipped: count,
      // Latency, peak lag and throughput came later in v1: absent from older predictions, checked when present.
      latency: optional((l, r) => fields(obj(l, r), r, {
        produce: (x, q2) => fields(obj(x, q2), q2, { p50: num, p99: num }),
        endToEnd: (x, q2) => fields(obj(x, q2), q2, { p50: num, p99: num }),
      })),
      peakLag: optional(num),
      throughput: optional((t, r) => fields(obj(t, r), r, { achievedPerSec: num })),
    })),
    keyMovement: nullable((k, p) => fields(obj(k, p), p, { fractionKeysMoved: num })),
  });
}

/**
 * Throws a ReportShapeError naming the first field of `doc` the renderers would trip over; returns
 * the document typed as a RunReport otherwise. The `schema` string is checked by the caller.
 */
export function validateReport(doc: unknown): RunReport {
  fields(obj(doc, 'report'), '', {
    createdAt: str,
    engine: str,
    simulated: bool,
    model: (m, p) => fields(obj(m, p), p, { parameters: obj }),
    spec,
    keys: (k, p) => fields(obj(k, p), p, { label: str, nullKeys: bool, orderingEntity: str }),
    phases: (ps, p) => each(ps, p, phase, 1),
    keyMovement: nullable((k, p) => fields(obj(k, p), p, {
      from: num, to: num, keysMoved: count, keysTotal: count, fractionKeysMoved: num, fractionTrafficMoved: num, expectedFractionUniform: num, client: str,
    })),
    // misplaced came later in v1: absent in older reports.
    delivery: (d, p) => fields(obj(d, p), p, { produced: count, acked: count, consumed: count, lost: count, duplicated: count, skipped: count, misplaced: nullable(count), unconsumed: nullable(count) }),
    mixedPartitioners: nullable(mixed),
    // Run-wide ordering and growth uptake came later in v1: absent in older reports, checked when present.
    ordering: optional((o, p) => fields(obj(o, p), p, { violations: count, keysAffected: count })),
    growth: nullable((g, p) => fields(obj(g, p), p, {
      from: num, to: num, atMs: num,
      producers: (ps, q) => each(ps, q, (x, r) => fields(obj(x, r), r, {
        producer: count, client: str, records: count, expectedOnNewPartitions: count, onNewPartitions: count, firstOnNewPartitionMs: orNull(num),
      })),
    })),
    timeline: nullable(timeline),
    advice: (a, p) => each(a, p, (x, q) => fields(obj(x, q), q, { code: str, level: (l, r) => oneOf(l, r, ['info', 'warn', 'critical'] as const), message: str })),
    prediction: optional(prediction),
    run: (r, p) => fields(obj(r, p), p, { error: orNull(str) }),
  });
  return doc as RunReport;
}
