// Drives one run: plans records from the workload, paces them on the engine's clock, grows the
// partition count at the chosen moment, drains, and hands the recorder to analysis.
// It never asks which engine it is driving.
import { consumerSlots, type RunSpec } from '../config/run-spec.js';
import type { Engine, EngineInfo, EngineListener, PlannedRecord } from '../engines/types.js';
import { Recorder, type PhaseWindow } from '../metrics/recorder.js';
import { KeyHashCache } from '../partitioners/key-hashes.js';
import { KeyBytesCache } from '../workload/key-bytes-cache.js';
import { createKeySource, type KeyDraw, type KeySource } from '../workload/key-sources.js';
import { createPayloads, type Payloads } from '../workload/payload.js';
import type { Rng } from '../workload/rng.js';

export interface RunProgress {
  sent: number;
  /** Records planned in all; 0 when the run is bounded by time only (--rate max). */
  total: number;
  /** The engine clock: virtual time for the simulator, wall time for live runs. */
  atUs: number;
  durationUs: number;
  acked: number;
  consumed: number;
  violations: number;
}

export interface RunResult {
  spec: RunSpec;
  engine: EngineInfo;
  keys: KeySource;
  recorder: Recorder;
  /** Wall-clock facts; excluded from determinism comparisons. */
  startedAt: string;
  wallMs: number;
  /** Set when the run stopped early; everything gathered until then is still in the recorder. */
  error: string | null;
  /** What stopped the run, exactly as thrown (a KbenchError keeps its exit code, anything else is a bug
   * and keeps its stack), or null when the run completed or the user stopped it. */
  failure: unknown;
}

export interface RunOptions {
  onProgress?: (p: RunProgress) => void;
  /** Receives the engine's events instead of the run's recorder (benchmarks measure what recording
   * costs with a listener that only counts; the run's report is then empty). */
  listener?: EngineListener;
  /** Checked between batches; a run that is asked to stop drains and returns what it has. */
  shouldStop?: () => boolean;
  /** Send only these producers' records (a `kbench worker`'s share). Every record is still planned,
   * so keys and per-entity sequences are those of the whole run. */
  producers?: ReadonlySet<number>;
  /** Where the records come from, when the caller has it already (by default createWorkload(spec, rng)).
   * It must plan the records that one would: the same keys in the same order (a replay of the same
   * draws, see RecordedDraws), the same payloads. kbench plan runs one workload once per partition count. */
  workload?: Workload;
  /** Record only what a capacity plan reads (RecorderOptions.lean): a report of the run would lack
   * produce latency, latency over time, per-key figures and ordering. */
  leanRecorder?: boolean;
}

/** What a run plans its records from: the key source, the payloads, and its keys' bytes and hashes
 * (computed on first use and kept, so they can serve several runs of the same keys). */
export interface Workload {
  keys: KeySource;
  payloads: Payloads;
  keyBytes: KeyBytesCache;
  keyHashes: KeyHashCache;
}

export function createWorkload(spec: RunSpec, rng: Rng): Workload {
  const keys = createKeySource(spec, rng.fork('keys'));
  return { keys, payloads: createPayloads(spec.seed, spec.recordSize), keyBytes: KeyBytesCache.forSource(keys), keyHashes: KeyHashCache.forSource(keys) };
}

export function phaseWindows(spec: RunSpec): PhaseWindow[] {
  const endUs = spec.durationMs * 1000;
  if (spec.growTo === null || spec.growAtMs === null) return [{ name: 'all', startUs: 0, endUs, partitions: spec.partitions }];
  const splitUs = spec.growAtMs * 1000;
  return [
    { name: 'before', startUs: 0, endUs: splitUs, partitions: spec.partitions },
    { name: 'after', startUs: splitUs, endUs, partitions: spec.growTo },
  ];
}

/** Turns key draws into planned records: record n is due at n / rate and sent by producer n mod P. */
export class RecordPlanner {
  private readonly draw: KeyDraw = { keyIndex: 0, entity: 0, seq: 0 };
  private readonly usPerRecord: number;

  constructor(private readonly spec: RunSpec, readonly keys: KeySource, private readonly payloads: Payloads,
    private readonly keyBytes: KeyBytesCache = KeyBytesCache.forSource(keys)) {
    this.usPerRecord = spec.maxRate ? 0 : 1e6 / spec.rate;
  }

  plan(n: number): PlannedRecord {
    this.keys.next(this.draw);
    const k = this.draw.keyIndex;
    const key = k >= 0 ? this.keyBytes.bytesOf(k) : null;
    return {
      n,
      producer: n % this.spec.producers,
      keyIndex: k,
      key,
      entity: this.draw.entity,
      seq: this.draw.seq,
      intendedUs: n * this.usPerRecord,
      sizeBytes: this.payloads.sizeOf(n),
      partition: -1,
      offset: -1,
      atUs: 0,
      flags: 0,
    };
  }
}

export async function runWorkload(spec: RunSpec, engine: Engine, rng: Rng, options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const { keys, payloads, keyBytes, keyHashes } = options.workload ?? createWorkload(spec, rng);
  const planner = new RecordPlanner(spec, keys, payloads, keyBytes);
  const recorder = new Recorder({
    trackDuplicates: engine.info.mayDuplicate,
    phases: phaseWindows(spec),
    maxPartitions: spec.growTo ?? spec.partitions,
    consumers: consumerSlots(spec),
    keyCardinality: keys.cardinality,
    entityCardinality: keys.entityCardinality,
    lean: options.leanRecorder,
  });
  let error: string | null = null;
  let failure: unknown = null;
  const wallStartMs = Date.now();
  try {
    await engine.start(options.listener ?? recorder, {
      keyCardinality: keys.nullKeys ? 0 : keys.cardinality,
      keyHashes,
      keyLengths: keyBytes,
      valueOf: (rec) => payloads.valueOf(rec.n, rec.keyIndex >= 0 ? keys.keyText(rec.keyIndex) : null, rec.entity, rec.seq, wallStartMs + rec.intendedUs / 1000),
    });
  } catch (e) {
    // Nothing was measured yet: release whatever the engine had set up (clients, its topic) and fail.
    await engine.close();
    throw e;
  }
  const progress = (atUs: number, sent: number) => options.onProgress?.({
    sent, total: spec.messages, atUs, durationUs: spec.durationMs * 1000,
    acked: recorder.totalAcked, consumed: recorder.totalConsumed, violations: recorder.phases.reduce((s, p) => s + p.violations, 0),
  });
  try {
    if (engine.produceRemotely) {
      let lastProgress = 0;
      await engine.produceRemotely({
        shouldStop: () => {
          if (!options.shouldStop?.()) return false;
          error ??= `stopped by the user after ${recorder.totalProduced} records`;
          return true;
        },
        onProgress: () => {
          const now = performance.now();
          if (now - lastProgress < 200) return;
          lastProgress = now;
          progress(engine.clock.nowUs(), recorder.totalProduced);
        },
      });
      await engine.drain({ shouldStop: options.shouldStop });
      return { spec, engine: engine.info, keys, recorder, startedAt: new Date(started).toISOString(), wallMs: Date.now() - started, error, failure };
    }
    const growAtUs = spec.growAtMs === null ? Infinity : spec.growAtMs * 1000;
    let grown = spec.growTo === null;
    const BATCH = 4096;
    let lastProgress = performance.now();
    const endUs = spec.durationMs * 1000;
    // --rate max (closed loop): each record is due the moment it is planned, until --messages or --duration.
    const more = spec.maxRate
      ? (n: number) => (spec.messages > 0 ? n < spec.messages : engine.clock.nowUs() < endUs)
      : (n: number) => n < spec.messages;
    const mine = options.producers;
    let handled = 0;
    for (let n = 0; more(n); n++) {
      const rec = planner.plan(n);
      if (mine && !mine.has(rec.producer)) continue;
      if (spec.maxRate) rec.intendedUs = engine.clock.nowUs();
      if (!grown && rec.intendedUs >= growAtUs) {
        grown = true;
        await engine.growPartitions(spec.growTo!, growAtUs);
      }
      const wait = engine.clock.waitUntil(rec.intendedUs);
      if (wait) await wait;
      const pending = engine.send(rec);
      if (pending) await pending;
      if ((n & 255) === 255 && options.onProgress) {
        const now = performance.now();
        if (now - lastProgress >= 200) {
          lastProgress = now;
          progress(rec.intendedUs, n + 1);
        }
      }
      // Counted in records this process sends (a worker skips the others' records without a pause).
      if (++handled % BATCH === 0) {
        if (options.shouldStop?.()) {
          error = `stopped by the user after ${n + 1} records`;
          break;
        }
        await new Promise<void>((resolve) => setImmediate(resolve)); // let signals and progress through
      }
    }
    await engine.drain({ shouldStop: options.shouldStop });
  } catch (e) {
    failure = e;
    error = e instanceof Error ? e.message : String(e);
  } finally {
    await engine.close();
  }
  return { spec, engine: engine.info, keys, recorder, startedAt: new Date(started).toISOString(), wallMs: Date.now() - started, error, failure };
}
