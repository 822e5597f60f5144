// What one producer instance does to pick a partition: explicit partition, keyed hash, or the
// client's null-key strategy. Stateful (round-robin counters, sticky partitions), one per producer.
import type { Rng } from '../workload/rng.js';
import { KeyHashCache, type KeyHashes } from './key-hashes.js';
import { createNullKeyChooser, type ClientProfile } from './profiles.js';

export interface ProducerPartitioner {
  readonly profile: ClientProfile;
  /** `recordBytes` feeds byte-based sticky null-key strategies; `nowUs` time-based ones.
   * `keyIndex` (≥ 0) lets the partitioner remember a key's hash instead of hashing its bytes again. */
  partition(key: Uint8Array | null, partitions: number, recordBytes: number, nowUs: number, keyIndex?: number): number;
}

/**
 * @param keyCardinality distinct keys: when finite (up to KEY_HASHES_LIMIT), each key's hash is kept by
 *   key index, so a key costs one hash whatever the partition counts (growth only redoes the reduction).
 * @param keyHashes the hashes of this workload's keys shared with other partitioners and runs (in place of
 *   the partitioner's own), for `profile`'s hash function.
 */
export function createProducerPartitioner(
  profile: ClientProfile,
  rng: Rng,
  explicitPartition: number | null = null,
  keyCardinality = 0,
  keyHashes: KeyHashes | null = null,
): ProducerPartitioner {
  const chooseUnkeyed = createNullKeyChooser(profile.nullKey, rng);
  if (keyHashes !== null && keyHashes.hashKey !== profile.hashKey) throw new Error(`partitioner: the shared key hashes are not ${profile.name}'s hash`);
  // Hashing is pure, so a key's hash is computed once; only its reduction depends on the partition count.
  const hashes = keyHashes ?? new KeyHashCache(keyCardinality).for(profile);
  return {
    profile,
    partition(key, partitions, recordBytes, nowUs, keyIndex = -1) {
      if (explicitPartition !== null) return explicitPartition;
      if (key === null || (profile.emptyKeyIsNull && key.length === 0)) return chooseUnkeyed(partitions, recordBytes, nowUs);
      if (hashes === null || !hashes.covers(keyIndex)) return profile.partitionForKey(key, partitions);
      return profile.partitionOfHash(hashes.of(keyIndex, key), partitions);
    },
  };
}
