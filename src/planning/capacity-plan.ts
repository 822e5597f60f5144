// Capacity planning: for each key × partition count, how the load spreads (closed form over the key
// distribution, with the exact partitioner and assignor), whether the hottest partition and the
// busiest consumer fit their capacity with headroom, what growth from the current count would move,
// and what a short simulated run at the target rate measures (end-to-end p99, peak lag).
import { evenSpread, movement, spreadKeys, topKeys, type Spread, type WeightedKey } from '../analysis/key-spread.js';
import type { KeyMovement } from '../analysis/movement.js';
import type { ArgsOf } from '../config/option.js';
import type { RUN_OPTIONS } from '../config/options.js';
import { runSpecWith } from '../config/resolve.js';
import { keyLabel, type KeySpec, type RunSpec } from '../config/run-spec.js';
import { createEngine } from '../engines/create-engine.js';
import { ASSIGNORS, memberId } from '../groups/assignors.js';
import { KeyHashCache } from '../partitioners/key-hashes.js';
import { CLIENT_PROFILES } from '../partitioners/profiles.js';
import { phaseLag } from '../report/build.js';
import { runWorkload, type RunResult, type Workload } from '../runner/run-workload.js';
import { KeyBytesCache } from '../workload/key-bytes-cache.js';
import { createKeySource, type KeySource } from '../workload/key-sources.js';
import { createPayloads, type Payloads } from '../workload/payload.js';
import { RecordedDraws } from '../workload/recorded-draws.js';
import { createRng } from '../workload/rng.js';

export interface PlanOptions {
  keys: KeySpec[];
  partitionCounts: number[];
  rate: number;
  /** Records/s one partition can take. */
  partitionCapacity: number;
  consumerRate: number;
  /** Consumers in the group; null = one per partition. */
  consumers: number | null;
  /** Fraction of capacity kept free (0.2 = plan to 80%). */
  headroom: number;
  from: number | null;
  /** Virtual length of the simulated run behind each row, ms. */
  simulateMs: number;
  /** The other run options of every row's simulated run (users, client, assignor, seed…). */
  base: Partial<ArgsOf<typeof RUN_OPTIONS>>;
}

export interface PlanRow {
  key: string;
  partitions: number;
  maxMeanRatio: number;
  hottestPartition: number;
  hottestShare: number;
  hottestLoadPerSec: number;
  partitionOverCapacity: boolean;
  consumers: number;
  consumersBusy: number;
  maxConsumerLoadPerSec: number;
  consumerOverCapacity: boolean;
  movedFrom: KeyMovement | null;
  simulated: { endToEndP99Ms: number; maxLag: number };
  meetsTarget: boolean;
}

export interface PlanResult {
  options: Omit<PlanOptions, 'base' | 'keys'> & { keys: string[] };
  rows: PlanRow[];
  recommendations: { key: string; partitions: number | null; message: string }[];
}

/** The key distribution of a workload as weighted keys, or null when it has no enumerable keys.
 * `source` and `keyBytes`: the workload's key source and a cache of its keys' bytes, when the caller has them. */
export function weightedKeysOf(spec: RunSpec, source: KeySource = createKeySource(spec, createRng(spec.seed)),
  keyBytes: KeyBytesCache = KeyBytesCache.forSource(source)): WeightedKey[] | null {
  if (source.nullKeys || !Number.isFinite(source.cardinality) || source.probabilityOf === null || spec.explicitPartition !== null) return null;
  const out: WeightedKey[] = [];
  for (let i = 0; i < source.cardinality; i++) out.push({ text: source.keyText(i), bytes: keyBytes.bytesOf(i), weight: source.probabilityOf(i) });
  return out;
}

/**
 * What the simulated runs of one key kind share. Its rows differ only in partition count (and so
 * consumers); the key draws and payloads depend on neither, only on the key options and the seed.
 * So the draws are made once and each row replays them (RecordedDraws), the payload pool is made once,
 * and every key is encoded (KeyBytesCache) and hashed (KeyHashCache) once for all rows, and encoded once
 * for the closed-form spread too: each row still simulates every one of its records, as its own run would.
 */
class KeyKindWorkload {
  readonly source: KeySource;
  readonly keyBytes: KeyBytesCache;
  private readonly keyHashes: KeyHashCache;
  private readonly draws: RecordedDraws | null;
  private readonly payloads: Payloads;

  /** `spec`: any row's spec (the runner's own key source and payloads are made from the same fields). */
  constructor(spec: RunSpec) {
    this.source = createKeySource(spec, createRng(spec.seed).fork('keys'));
    // --rate max plans no fixed count of records; otherwise every row plans spec.messages of them.
    this.draws = spec.maxRate ? null : RecordedDraws.record(this.source, spec.messages);
    // order_id's keys are unbounded, but a replay names only the indices it recorded.
    const indices = Number.isFinite(this.source.cardinality) ? this.source.cardinality : (this.draws?.keyIndices ?? 0);
    this.keyBytes = new KeyBytesCache(this.source, indices);
    this.keyHashes = new KeyHashCache(this.source.nullKeys ? 0 : indices);
    this.payloads = createPayloads(spec.seed, spec.recordSize);
  }

  /** The workload of one row's run: what runWorkload would make for `spec`, from the shared parts. */
  forRun(spec: RunSpec): Workload {
    const keys = this.draws ? this.draws.replay() : createKeySource(spec, createRng(spec.seed).fork('keys'));
    return { keys, payloads: this.payloads, keyBytes: this.keyBytes, keyHashes: this.keyHashes };
  }
}

/** The two figures a row shows from its simulated run, read from the recorder exactly as the run's
 * report shows them (its first phase's end-to-end p99, its consumers' largest peak lag), without building
 * the rest of the report (histogram encodings, timeline, top keys, advice), which the plan never shows. */
function simulatedFigures(result: RunResult): PlanRow['simulated'] {
  const { recorder } = result;
  const phase = recorder.phases[0];
  const lag = phaseLag(recorder, phase, recorder.phases.length === 1);
  return { endToEndP99Ms: phase.endToEndLatency.summary().p99, maxLag: Math.round(Math.max(0, ...lag.perConsumer)) };
}

function consumerLoads(spread: Spread, consumers: number, assignor: RunSpec['assignor']): number[] {
  const members = Array.from({ length: consumers }, (_, i) => ({ id: memberId(i, consumers), topics: ['t'] }));
  const a = ASSIGNORS[assignor].assign(members, { t: spread.partitions });
  return members.map((m) => (a.get(m.id) ?? []).reduce((s, tp) => s + spread.loads[tp.partition], 0));
}

/** The simulated run behind one row (also used to check every row's options before any work). */
export function planSpec(o: Omit<PlanOptions, 'keys'>, key: KeySpec, partitions: number): Readonly<RunSpec> {
  return runSpecWith({
    ...o.base, key, partitions, rate: o.rate, duration: o.simulateMs, consumers: o.consumers ?? partitions,
    consumerRate: o.consumerRate, partitionCapacity: o.partitionCapacity,
  }, {
    duration: '--simulate', partitions: '--partitions entry', consumers: o.consumers === null ? `one consumer per partition at ${partitions} partitions (give --consumers)` : '--consumers',
    partitionCapacity: '--partition-capacity (in records/s)',
  });
}

export async function planCapacity(o: PlanOptions): Promise<PlanResult> {
  const rows: PlanRow[] = [];
  const recommendations: PlanResult['recommendations'] = [];
  const limitPartition = o.partitionCapacity * (1 - o.headroom);
  const limitConsumer = o.consumerRate * (1 - o.headroom);
  for (const keySpec of o.keys) {
    const probe = planSpec(o, keySpec, Math.max(...o.partitionCounts));
    const key = probe.key;
    const workload = new KeyKindWorkload(probe);
    const keys = weightedKeysOf(probe, workload.source, workload.keyBytes);
    const profile = CLIENT_PROFILES[probe.client];
    let recommended: number | null = null;
    for (const n of o.partitionCounts) {
      const spread = keys ? spreadKeys(keys, profile, n) : evenSpread(n);
      const loads = spread.loads.map((l) => l * o.rate);
      const consumers = o.consumers ?? n;
      const perConsumer = consumerLoads({ ...spread, loads }, consumers, probe.assignor);
      const hottestLoad = Math.max(...loads);
      const maxConsumer = Math.max(...perConsumer);
      const spec = planSpec(o, keySpec, n);
      const simulated = simulatedFigures(await runWorkload(spec, createEngine(spec), createRng(spec.seed), { workload: workload.forRun(spec) }));
      const row: PlanRow = {
        key,
        partitions: n,
        maxMeanRatio: spread.skew.maxMeanRatio,
        hottestPartition: spread.skew.hottestPartition,
        hottestShare: spread.skew.hottestShare,
        hottestLoadPerSec: Math.round(hottestLoad),
        partitionOverCapacity: hottestLoad > limitPartition,
        consumers,
        consumersBusy: perConsumer.filter((l) => l > 0).length,
        maxConsumerLoadPerSec: Math.round(maxConsumer),
        consumerOverCapacity: maxConsumer > limitConsumer,
        movedFrom: keys && o.from !== null && o.from !== n ? movement(keys, profile, o.from, n) : null,
        simulated,
        meetsTarget: hottestLoad <= limitPartition && maxConsumer <= limitConsumer,
      };
      rows.push(row);
      if (row.meetsTarget && recommended === null) recommended = n;
    }
    if (recommended !== null) {
      recommendations.push({ key, partitions: recommended, message: `${key}: ${recommended} partitions is the smallest count tried that keeps the hottest partition and the busiest consumer within ${Math.round((1 - o.headroom) * 100)}% of capacity` });
    } else {
      const top = keys ? topKeys(keys, 1)[0] : null;
      const hottestKeyLoad = top ? top.share * o.rate : 0;
      const limit = Math.min(limitPartition, limitConsumer);
      recommendations.push({
        key,
        partitions: null,
        message: top && hottestKeyLoad > limit
          ? `${key}: this key cannot meet the target at any count: the hottest key alone ("${top.key}", ${(top.share * 100).toFixed(1)}% of traffic) needs ${Math.round(hottestKeyLoad)} records/s on one partition and one consumer, above the ${Math.round(limit)} records/s they can take with headroom`
          : `${key}: none of the counts tried meets the target; try more partitions (or faster consumers)`,
      });
    }
  }
  const { base: _base, keys, ...rest } = o;
  return { options: { ...rest, keys: keys.map(keyLabel) }, rows, recommendations };
}
