// What one producer instance does to pick a partition: explicit partition, keyed hash, or the
// client's null-key strategy. Stateful (round-robin counters, sticky partitions), one per producer.
import type { Rng } from '../workload/rng.js';
import { createNullKeyChooser, type ClientProfile } from './profiles.js';

export interface ProducerPartitioner {
  readonly profile: ClientProfile;
  /** `recordBytes` feeds byte-based sticky null-key strategies; `nowUs` time-based ones. */
  partition(key: Uint8Array | null, partitions: number, recordBytes: number, nowUs: number): number;
}

export function createProducerPartitioner(profile: ClientProfile, rng: Rng, explicitPartition: number | null = null): ProducerPartitioner {
  const chooseUnkeyed = createNullKeyChooser(profile.nullKey, rng);
  return {
    profile,
    partition(key, partitions, recordBytes, nowUs) {
      if (explicitPartition !== null) return explicitPartition;
      if (key === null || (profile.emptyKeyIsNull && key.length === 0)) return chooseUnkeyed(partitions, recordBytes, nowUs);
      return profile.partitionForKey(key, partitions);
    },
  };
}
