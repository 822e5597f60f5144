// The simulated run behind each row of a capacity plan, and what the rows of one key kind share.
// Plans are simulated only: this imports the simulator alone, not the live engine.
import type { ArgsOf } from '../config/option.js';
import type { RUN_OPTIONS } from '../config/options.js';
import { runSpecWith } from '../config/resolve.js';
import type { KeySpec, RunSpec } from '../config/run-spec.js';
import { createSimEngine } from '../engines/sim/sim-engine.js';
import { KeyHashCache } from '../partitioners/key-hashes.js';
import { phaseLag } from '../report/build.js';
import { runWorkload, type RunResult, type Workload } from '../runner/run-workload.js';
import { KeyBytesCache } from '../workload/key-bytes-cache.js';
import { createKeySource, type KeySource } from '../workload/key-sources.js';
import { createPayloads, type Payloads } from '../workload/payload.js';
import { RecordedDraws } from '../workload/recorded-draws.js';
import { createRng } from '../workload/rng.js';

/** What a row's simulated run is made of (PlanOptions' simulation side). */
export interface RowRunOptions {
  keys: KeySpec[];
  partitionCounts: number[];
  rate: number;
  /** Records/s one partition can take. */
  partitionCapacity: number;
  /** The capacity is the time model's ceiling (not given): the simulated rows then use the whole model. */
  capacityFromModel?: boolean;
  consumerRate: number;
  /** Consumers in the group; null = one per partition. */
  consumers: number | null;
  /** Virtual length of the simulated run behind each row, ms. */
  simulateMs: number;
  /** The other run options of every row's simulated run (users, client, assignor, seed…). */
  base: Partial<ArgsOf<typeof RUN_OPTIONS>>;
}

/** The two figures a row shows from its simulated run. */
export interface SimulatedFigures {
  endToEndP99Ms: number;
  maxLag: number;
}

/** The simulated run behind one row (also used to check every row's options before any work). */
export function planSpec(o: Omit<RowRunOptions, 'keys'>, key: KeySpec, partitions: number): Readonly<RunSpec> {
  return runSpecWith({
    ...o.base, key, partitions, rate: o.rate, duration: o.simulateMs, consumers: o.consumers ?? partitions,
    consumerRate: o.consumerRate, partitionCapacity: o.capacityFromModel ? undefined : o.partitionCapacity,
  }, {
    duration: '--simulate', partitions: '--partitions entry', consumers: o.consumers === null ? `one consumer per partition at ${partitions} partitions (give --consumers)` : '--consumers',
    partitionCapacity: '--partition-capacity (in records/s)',
  });
}

/**
 * What the simulated runs of one key kind share. Its rows differ only in partition count (and so
 * consumers); the key draws and payloads depend on neither, only on the key options and the seed.
 * So the draws are made once and each row replays them (RecordedDraws), the payload pool is made once,
 * and every key is encoded (KeyBytesCache) and hashed (KeyHashCache) once for all rows, and encoded once
 * for the closed-form spread too: each row still simulates every one of its records, as its own run would.
 */
export class KeyKindWorkload {
  readonly source: KeySource;
  readonly keyBytes: KeyBytesCache;
  private readonly keyHashes: KeyHashCache;
  /** Recorded from `source` for the first run; null when a row has too many records to keep their draws. */
  private draws: RecordedDraws | null | undefined;

  /** `spec`: any row's spec (the runner's own key source and payloads are made from the same fields);
   * `payloads`: those of its seed and record size. */
  constructor(private readonly spec: RunSpec, private readonly payloads: Payloads) {
    this.source = createKeySource(spec, createRng(spec.seed).fork('keys'));
    // order_id's keys are unbounded; a run names the indices it draws, up to about its record count.
    const indices = Number.isFinite(this.source.cardinality) ? this.source.cardinality : spec.messages;
    this.keyBytes = new KeyBytesCache(this.source, indices);
    this.keyHashes = new KeyHashCache(this.source.nullKeys ? 0 : indices);
  }

  /** The workload of one row's run: what runWorkload would make for `spec`, from the shared parts. */
  forRun(spec: RunSpec): Workload {
    // Every row plans spec.messages records (a plan's rate is a number, never max). Nothing else draws
    // from `source`: the closed form reads its key texts and probabilities only.
    if (this.draws === undefined) this.draws = RecordedDraws.record(this.source, this.spec.messages);
    const keys = this.draws ? this.draws.replay() : createKeySource(spec, createRng(spec.seed).fork('keys'));
    return { keys, payloads: this.payloads, keyBytes: this.keyBytes, keyHashes: this.keyHashes };
  }
}

/** The two figures a row shows from its simulated run, read from the recorder exactly as the run's
 * report shows them (its first phase's end-to-end p99, its consumers' largest peak lag), without building
 * the rest of the report (histogram encodings, timeline, top keys, advice), which the plan never shows. */
export function simulatedFigures(result: RunResult): SimulatedFigures {
  const { recorder } = result;
  const phase = recorder.phases[0];
  const lag = phaseLag(recorder, phase, recorder.phases.length === 1);
  return { endToEndP99Ms: phase.endToEndLatency.percentileMs(99), maxLag: Math.round(Math.max(0, ...lag.perConsumer)) };
}

/** Runs rows' simulations, keeping one KeyKindWorkload per key kind, and one payload pool for all:
 * every row has the plan's seed and record size. */
export class RowSimulator {
  private readonly workloads = new Map<number, KeyKindWorkload>();
  private payloads: Payloads | null = null;

  constructor(private readonly o: RowRunOptions) {}

  /** The shared parts of the rows of key kind `key` (an index into the options' keys). */
  workloadOf(key: number): KeyKindWorkload {
    let w = this.workloads.get(key);
    if (w === undefined) {
      const spec = planSpec(this.o, this.o.keys[key], Math.max(...this.o.partitionCounts));
      this.payloads ??= createPayloads(spec.seed, spec.recordSize);
      this.workloads.set(key, (w = new KeyKindWorkload(spec, this.payloads)));
    }
    return w;
  }

  async run(key: number, partitions: number): Promise<SimulatedFigures> {
    const spec = planSpec(this.o, this.o.keys[key], partitions);
    const result = await runWorkload(spec, createSimEngine(spec), createRng(spec.seed), { workload: this.workloadOf(key).forRun(spec), leanRecorder: true });
    return simulatedFigures(result);
  }
}
