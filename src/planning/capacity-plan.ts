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
import { CLIENT_PROFILES, keyBytes } from '../partitioners/profiles.js';
import { buildReport } from '../report/build.js';
import { runWorkload } from '../runner/run-workload.js';
import { createKeySource } from '../workload/key-sources.js';
import { createRng } from '../workload/rng.js';

export interface PlanOptions {
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

/** The key distribution of a workload as weighted keys, or null when it has no enumerable keys. */
export function weightedKeysOf(spec: RunSpec): WeightedKey[] | null {
  const source = createKeySource(spec, createRng(spec.seed));
  if (source.nullKeys || !Number.isFinite(source.cardinality) || source.probabilityOf === null || spec.explicitPartition !== null) return null;
  const out: WeightedKey[] = [];
  for (let i = 0; i < source.cardinality; i++) {
    const text = source.keyText(i);
    out.push({ text, bytes: keyBytes(text), weight: source.probabilityOf(i) });
  }
  return out;
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
    consumerRate: o.consumerRate, partitionCapacity: o.capacityFromModel ? undefined : o.partitionCapacity,
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
    const keys = weightedKeysOf(probe);
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
      const report = buildReport(await runWorkload(spec, createEngine(spec), createRng(spec.seed)), 'plan');
      const phase = report.phases[0];
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
        simulated: { endToEndP99Ms: phase.latency.endToEnd.p99, maxLag: Math.round(Math.max(0, ...phase.consumers.map((c) => c.maxLag))) },
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
