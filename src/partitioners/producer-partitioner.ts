// What one producer instance does to pick a partition: explicit partition, keyed hash, or the
// client's null-key strategy. Stateful (round-robin counters, sticky partitions), one per producer.
import type { Rng } from '../workload/rng.js';
import { createNullKeyChooser, type ClientProfile } from './profiles.js';

export interface ProducerPartitioner {
  readonly profile: ClientProfile;
  /** `recordBytes` feeds byte-based sticky null-key strategies; `nowUs` time-based ones.
   * `keyIndex` (≥ 0) lets the partitioner remember a key's partition instead of hashing it again. */
  partition(key: Uint8Array | null, partitions: number, recordBytes: number, nowUs: number, keyIndex?: number): number;
}

const CACHE_LIMIT = 2_000_000;

export function createProducerPartitioner(
  profile: ClientProfile,
  rng: Rng,
  explicitPartition: number | null = null,
  keyCardinality = 0,
): ProducerPartitioner {
  const chooseUnkeyed = createNullKeyChooser(profile.nullKey, rng);
  // Hashing is pure, so a key's partition only changes with the partition count.
  const cache = keyCardinality > 0 && keyCardinality <= CACHE_LIMIT ? new Int32Array(keyCardinality) : null;
  let cachedFor = -1;
  return {
    profile,
    partition(key, partitions, recordBytes, nowUs, keyIndex = -1) {
      if (explicitPartition !== null) return explicitPartition;
      if (key === null || (profile.emptyKeyIsNull && key.length === 0)) return chooseUnkeyed(partitions, recordBytes, nowUs);
      if (cache === null || keyIndex < 0 || keyIndex >= cache.length) return profile.partitionForKey(key, partitions);
      if (cachedFor !== partitions) {
        cache.fill(0);
        cachedFor = partitions;
      }
      const hit = cache[keyIndex];
      if (hit !== 0) return hit - 1; // stored as partition + 1 so that 0 means "not yet"
      const p = profile.partitionForKey(key, partitions);
      cache[keyIndex] = p + 1;
      return p;
    },
  };
}
