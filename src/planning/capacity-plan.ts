// Capacity planning: for each key × partition count, how the load spreads (closed form over the key
// distribution, with the exact partitioner and assignor), whether the hottest partition and the
// busiest consumer fit their capacity with headroom, what growth from the current count would move,
// and what a short simulated run at the target rate measures (end-to-end p99, peak lag).
import { evenSpread, keyHashes, movement, spreadKeys, topKeys, type Spread, type WeightedKey } from '../analysis/key-spread.js';
import type { KeyMovement } from '../analysis/movement.js';
import { keyLabel, type RunSpec } from '../config/run-spec.js';
import { ASSIGNORS, memberId } from '../groups/assignors.js';
import { CLIENT_PROFILES } from '../partitioners/profiles.js';
import { KeyBytesCache } from '../workload/key-bytes-cache.js';
import { createKeySource, type KeySource } from '../workload/key-sources.js';
import { createRng } from '../workload/rng.js';
import { planSpec, RowSimulator, type RowRunOptions } from './row-runs.js';

export { planSpec };

export interface PlanOptions extends RowRunOptions {
  /** Fraction of capacity kept free (0.2 = plan to 80%). */
  headroom: number;
  from: number | null;
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

function consumerLoads(spread: Spread, consumers: number, assignor: RunSpec['assignor']): number[] {
  const members = Array.from({ length: consumers }, (_, i) => ({ id: memberId(i, consumers), topics: ['t'] }));
  const a = ASSIGNORS[assignor].assign(members, { t: spread.partitions });
  return members.map((m) => (a.get(m.id) ?? []).reduce((s, tp) => s + spread.loads[tp.partition], 0));
}

export async function planCapacity(o: PlanOptions): Promise<PlanResult> {
  const rows: PlanRow[] = [];
  const recommendations: PlanResult['recommendations'] = [];
  const limitPartition = o.partitionCapacity * (1 - o.headroom);
  const limitConsumer = o.consumerRate * (1 - o.headroom);
  // The rows' simulated runs share per key kind what does not depend on the partition count, and so
  // does the closed form: the key source and its keys' bytes.
  const simulator = new RowSimulator(o);
  for (const [k, keySpec] of o.keys.entries()) {
    const probe = planSpec(o, keySpec, Math.max(...o.partitionCounts));
    const key = probe.key;
    const workload = simulator.workloadOf(k);
    const keys = weightedKeysOf(probe, workload.source, workload.keyBytes);
    const profile = CLIENT_PROFILES[probe.client];
    const hashes = keys ? keyHashes(keys, profile) : null; // hashed once for all the counts
    let recommended: number | null = null;
    for (const n of o.partitionCounts) {
      const spread = keys ? spreadKeys(keys, profile, n, hashes!) : evenSpread(n);
      const loads = spread.loads.map((l) => l * o.rate);
      const consumers = o.consumers ?? n;
      const perConsumer = consumerLoads({ ...spread, loads }, consumers, probe.assignor);
      const hottestLoad = Math.max(...loads);
      const maxConsumer = Math.max(...perConsumer);
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
        simulated: await simulator.run(k, n),
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
