// The simulator's time model as a file (`kbench.model/v1`): what `kbench calibrate` measured on one
// cluster, and what the simulator draws its produce latencies, ceilings and round times from. The
// README ("The simulator's model") documents every field; models/local-broker.json is the default.
//
// Latency is kept as a quantile table (the latency at p0, p10, …, p99.9, p100) per measured load and
// record size, not as encoded HDR histograms: a dozen numbers per point are enough to draw from
// (inverse CDF with linear interpolation between quantiles), a person can read and diff them, and
// the file stays a few KB, so every report can name it and a user can edit one by hand.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INPUT_LIMITS, readInputText } from '../../config/input-files.js';
import { ERROR_CODES, shown, usageError } from '../../errors.js';

export const MODEL_FORMAT = 'kbench.model/v1';

/** The quantiles every latency point lists, in order (fractions). */
export const MODEL_QUANTILES = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1] as const;

export interface LatencyPoint {
  /** Records/s offered while measuring (all partitions together). */
  recordsPerSec: number;
  /** Value bytes of each record. */
  recordBytes: number;
  /** Produce requests measured. */
  requests: number;
  /** Send → ack of one produce request, ms, at each of MODEL_QUANTILES. */
  ms: number[];
}

export interface Ceiling {
  recordsPerSec: number;
  bytesPerSec: number;
}

export interface SimModel {
  format: typeof MODEL_FORMAT;
  /** A short name shown in reports, e.g. "local-broker". */
  name: string;
  /** When it was measured (ISO 8601) and by which kbench, with which command. */
  measuredAt: string;
  kbenchVersion: string;
  command: string;
  cluster: {
    bootstrap: string[];
    brokers: number;
    clusterId: string | null;
    controller: number | null;
    /** Not every cluster says; null when unknown. */
    brokerVersion: string | null;
    replicationFactor: number;
  };
  /** The client that measured, and its settings (what the figures include). */
  client: string;
  produceLatency: { quantiles: number[]; points: LatencyPoint[] };
  ceilings: {
    /** One partition's leader appending as fast as the client can send to it. */
    partition: Ceiling;
    /** Every partition of the calibration topic at once. */
    cluster: Ceiling & { partitions: number };
  };
  consumer: {
    fetchRecordsPerSec: number;
    fetchBytesPerSec: number;
    /** From a record's ack at its producer until a consumer waiting on the partition has it, median, ms
     * (≥ 0; absent from files written before it was measured: the simulator then hands records to
     * consumers at their ack). */
    afterAckMs?: number;
  };
  /** A group rebalance round: from a second member joining to both having their assignment, ms. */
  rebalanceMs: number;
  /** From creating partitions until the cluster's metadata shows them with leaders, ms. */
  metadataPropagationMs: number;
  /** Caveats: what the figures include or could not measure. */
  notes: string[];
}

const bad = (path: string, what: string, file = 'model file') => usageError(`${file} ${shown(path)}: ${what}`, ERROR_CODES.badInput);

type Obj = Record<string, unknown>;

/** Checks a parsed document; the first problem is thrown as one line naming the field. */
export function validateModel(doc: unknown, path: string, file = 'model file'): SimModel {
  const bad0 = bad;
  const badHere = (p: string, what: string) => bad0(p, what, file);
  const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
  const fail = (field: string, want: string) => { throw badHere(path, `${field} must be ${want}`); };
  const field = (o: Obj, name: string, _at: string) => (Object.hasOwn(o, name) ? o[name] : undefined);
  const obj = (o: Obj, name: string, at: string): Obj => { const v = field(o, name, at); if (!isObj(v)) fail(`${at}${name}`, 'an object'); return v as Obj; };
  const str = (o: Obj, name: string, at: string): string => { const v = field(o, name, at); if (typeof v !== 'string' || v === '') fail(`${at}${name}`, 'a non-empty string'); return v as string; };
  const strOrNull = (o: Obj, name: string, at: string): string | null => { const v = field(o, name, at); if (v !== null && typeof v !== 'string') fail(`${at}${name}`, 'a string or null'); return v as string | null; };
  const pos = (o: Obj, name: string, at: string, zeroOk = false): number => {
    const v = field(o, name, at);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!zeroOk && v === 0)) fail(`${at}${name}`, zeroOk ? 'a number ≥ 0' : 'a number above 0');
    return v as number;
  };
  const intOrNull = (o: Obj, name: string, at: string): number | null => { const v = field(o, name, at); if (v !== null && !Number.isInteger(v)) fail(`${at}${name}`, 'an integer or null'); return v as number | null; };

  if (!isObj(doc)) throw badHere(path, `is not a JSON object (a ${MODEL_FORMAT} document)`);
  if (doc.format !== MODEL_FORMAT) throw badHere(path, `format is ${shown(String(doc.format))}, not ${MODEL_FORMAT} (write one with kbench calibrate)`);
  const cluster = obj(doc, 'cluster', '');
  const bootstrap = field(cluster, 'bootstrap', 'cluster.');
  if (!Array.isArray(bootstrap) || bootstrap.length === 0 || !bootstrap.every((b) => typeof b === 'string')) fail('cluster.bootstrap', 'a list of host:port strings');
  const latency = obj(doc, 'produceLatency', '');
  const quantiles = field(latency, 'quantiles', 'produceLatency.');
  if (!Array.isArray(quantiles) || quantiles.length !== MODEL_QUANTILES.length || quantiles.some((q, i) => q !== MODEL_QUANTILES[i])) {
    fail('produceLatency.quantiles', `[${MODEL_QUANTILES.join(', ')}]`);
  }
  const rawPoints = field(latency, 'points', 'produceLatency.');
  if (!Array.isArray(rawPoints) || rawPoints.length === 0 || rawPoints.length > 1000) fail('produceLatency.points', 'a list of 1–1000 measured points');
  const points = (rawPoints as unknown[]).map((p, i): LatencyPoint => {
    const at = `produceLatency.points[${i}].`;
    if (!isObj(p)) fail(at.slice(0, -1), 'an object');
    const q = p as Obj;
    const ms = field(q, 'ms', at);
    if (!Array.isArray(ms) || ms.length !== MODEL_QUANTILES.length || !ms.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) {
      fail(`${at}ms`, `${MODEL_QUANTILES.length} latencies in ms, ≥ 0`);
    }
    for (let k = 1; k < (ms as number[]).length; k++) if ((ms as number[])[k] < (ms as number[])[k - 1]) fail(`${at}ms`, 'non-decreasing (one latency per quantile, in order)');
    return { recordsPerSec: pos(q, 'recordsPerSec', at), recordBytes: pos(q, 'recordBytes', at), requests: pos(q, 'requests', at), ms: ms as number[] };
  });
  const ceilings = obj(doc, 'ceilings', '');
  const part = obj(ceilings, 'partition', 'ceilings.');
  const clus = obj(ceilings, 'cluster', 'ceilings.');
  const consumer = obj(doc, 'consumer', '');
  const notes = field(doc, 'notes', '');
  if (!Array.isArray(notes) || !notes.every((n) => typeof n === 'string')) fail('notes', 'a list of strings');
  return {
    format: MODEL_FORMAT,
    name: str(doc, 'name', ''),
    measuredAt: str(doc, 'measuredAt', ''),
    kbenchVersion: str(doc, 'kbenchVersion', ''),
    command: str(doc, 'command', ''),
    cluster: {
      bootstrap: bootstrap as string[],
      brokers: pos(cluster, 'brokers', 'cluster.'),
      clusterId: strOrNull(cluster, 'clusterId', 'cluster.'),
      controller: intOrNull(cluster, 'controller', 'cluster.'),
      brokerVersion: strOrNull(cluster, 'brokerVersion', 'cluster.'),
      replicationFactor: pos(cluster, 'replicationFactor', 'cluster.'),
    },
    client: str(doc, 'client', ''),
    produceLatency: { quantiles: [...MODEL_QUANTILES], points },
    ceilings: {
      partition: { recordsPerSec: pos(part, 'recordsPerSec', 'ceilings.partition.'), bytesPerSec: pos(part, 'bytesPerSec', 'ceilings.partition.') },
      cluster: { recordsPerSec: pos(clus, 'recordsPerSec', 'ceilings.cluster.'), bytesPerSec: pos(clus, 'bytesPerSec', 'ceilings.cluster.'), partitions: pos(clus, 'partitions', 'ceilings.cluster.') },
    },
    consumer: {
      fetchRecordsPerSec: pos(consumer, 'fetchRecordsPerSec', 'consumer.'),
      fetchBytesPerSec: pos(consumer, 'fetchBytesPerSec', 'consumer.'),
      ...(field(consumer, 'afterAckMs', 'consumer.') === undefined ? {} : { afterAckMs: pos(consumer, 'afterAckMs', 'consumer.', true) }),
    },
    rebalanceMs: pos(doc, 'rebalanceMs', '', true),
    metadataPropagationMs: pos(doc, 'metadataPropagationMs', '', true),
    notes: notes as string[],
  };
}

/** The largest model file kbench reads. */
export const MODEL_FILE_LIMIT = INPUT_LIMITS.workloadFile;

/** A model file, read and checked: one line per problem (missing, too large, not JSON, bad field). */
export function readModelFile(path: string, file = 'model file'): SimModel {
  const text = readInputText(path, file, MODEL_FILE_LIMIT);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw bad(path, `is not JSON (${(e as Error).message.split('\n')[0]})`, file);
  }
  return validateModel(doc, path, file);
}

/** The model shipped with kbench (models/local-broker.json, found from src/ or dist/src/). */
export function defaultModelPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'models', 'local-broker.json');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return join('models', 'local-broker.json');
}

let cachedDefault: SimModel | null = null;
export function defaultModel(): SimModel {
  cachedDefault ??= readModelFile(defaultModelPath());
  return cachedDefault;
}

/** A model as a run names it: the model, and where it came from. */
export interface ModelRef {
  /** The file given with --model, or null for the shipped default. */
  path: string | null;
  model: SimModel;
}

/** One sentence naming a model and its origin (reports, plan). */
export function describeModel(ref: ModelRef): string {
  const m = ref.model;
  const where = ref.path === null ? 'the default model shipped with kbench' : `model file ${ref.path}`;
  return `${where}: "${m.name}", measured ${m.measuredAt.slice(0, 10)} on ${m.cluster.bootstrap.join(',')} (${m.cluster.brokers} broker${m.cluster.brokers === 1 ? '' : 's'}) by \`${m.command}\``;
}

/**
 * Draws request latencies for one run: the measured points of the record size nearest (on a log
 * scale) to each record size, interpolated by offered load between the nearest measured loads.
 * Loads outside the measured range take the nearest measured point (the ceilings add queueing
 * beyond it). Pure given the uniforms it is handed, so a seeded stream gives the same draws.
 */
export class LatencySampler {
  private readonly bySize: { bytes: number; table: number[] }[];
  /** Between neighbouring sizes, the record size as near to both on a log scale (their geometric mean). */
  private readonly midpoints: number[];

  constructor(model: SimModel, offeredRecordsPerSec: number) {
    const sizes = [...new Set(model.produceLatency.points.map((p) => p.recordBytes))].sort((a, b) => a - b);
    this.bySize = sizes.map((bytes) => {
      const pts = model.produceLatency.points.filter((p) => p.recordBytes === bytes).sort((a, b) => a.recordsPerSec - b.recordsPerSec);
      return { bytes, table: interpolateByLoad(pts, offeredRecordsPerSec) };
    });
    this.midpoints = sizes.slice(1).map((bytes, i) => Math.sqrt(sizes[i] * bytes));
  }

  /** The quantile table used for records of `recordBytes` (ms at each MODEL_QUANTILES): that of the
   * nearest measured size. The simulator asks once per batch, with the batch's mean record size, so
   * the size is placed among the midpoints rather than compared with every size on a log scale. */
  tableFor(recordBytes: number): number[] {
    const mids = this.midpoints;
    let i = 0;
    while (i < mids.length && recordBytes > mids[i]) i++;
    // Within rounding of a midpoint, both sizes are about as near: decide exactly as the full comparison does.
    const nearMidpoint = (i < mids.length && recordBytes > mids[i] * (1 - 1e-9)) || (i > 0 && recordBytes < mids[i - 1] * (1 + 1e-9));
    return nearMidpoint ? this.nearestOnLogScale(recordBytes) : this.bySize[i].table;
  }

  private nearestOnLogScale(recordBytes: number): number[] {
    let best = this.bySize[0];
    for (const s of this.bySize) if (Math.abs(Math.log(s.bytes / recordBytes)) < Math.abs(Math.log(best.bytes / recordBytes))) best = s;
    return best.table;
  }

  /** Latency in ms for uniform `u` in [0, 1). */
  sampleMs(recordBytes: number, u: number): number {
    return quantileAt(this.tableFor(recordBytes), u);
  }
}

function interpolateByLoad(pts: LatencyPoint[], load: number): number[] {
  if (load <= pts[0].recordsPerSec) return pts[0].ms;
  const last = pts[pts.length - 1];
  if (load >= last.recordsPerSec) return last.ms;
  let i = 0;
  while (pts[i + 1].recordsPerSec < load) i++;
  const a = pts[i];
  const b = pts[i + 1];
  const w = Math.log(load / a.recordsPerSec) / Math.log(b.recordsPerSec / a.recordsPerSec);
  return a.ms.map((x, k) => x + (b.ms[k] - x) * w);
}

/** Inverse CDF of a quantile table, linear between the listed quantiles. */
export function quantileAt(table: number[], u: number): number {
  const q = MODEL_QUANTILES;
  let k = 1;
  while (k < q.length - 1 && u > q[k]) k++;
  const lo = q[k - 1];
  const hi = q[k];
  const w = hi > lo ? (u - lo) / (hi - lo) : 0;
  return table[k - 1] + (table[k] - table[k - 1]) * Math.min(1, Math.max(0, w));
}

/** The median produce latency at the lowest measured load (of the smallest records), ms. */
export function idleMedianMs(model: SimModel): number {
  const pts = [...model.produceLatency.points].sort((a, b) => a.recordsPerSec - b.recordsPerSec || a.recordBytes - b.recordBytes);
  return Math.round(pts[0].ms[MODEL_QUANTILES.indexOf(0.5)] * 1000) / 1000;
}
