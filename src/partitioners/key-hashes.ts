// Keyed partitioners hash the key bytes, then reduce the hash to a partition. The hash does not depend
// on the partition count, so it is computed once per key index and kept: a keyed record then costs one
// array read and a modulo, whatever the partition count, instead of re-reading its key's bytes (a
// separate allocation per key, so a cache miss or more per record when keys are many).
import type { ClientProfile } from './profiles.js';

/** Past this many key indices no hashes are kept (at the limit, 16 MB per hash function). */
export const KEY_HASHES_LIMIT = 2_000_000;

/** One hash function's values for the key indices [0, indices). */
export class KeyHashes {
  /** NaN until the key's hash is known; a hash is a 32-bit integer, kept exactly as the function returns it. */
  private readonly values: Float64Array;

  constructor(readonly hashKey: ClientProfile['hashKey'], readonly indices: number) {
    this.values = new Float64Array(indices).fill(NaN);
  }

  covers(keyIndex: number): boolean {
    return keyIndex >= 0 && keyIndex < this.indices;
  }

  /** The hash of `key`, whose index is `keyIndex` (covered): a key index always names the same bytes. */
  of(keyIndex: number, key: Uint8Array): number {
    let h = this.values[keyIndex];
    if (h !== h) h = this.values[keyIndex] = this.hashKey(key);
    return h;
  }
}

/** The hashes of one workload's keys, one table per hash function (clients that share a hash share a
 * table): what every run of that workload, and each of its producers, can reuse. */
export class KeyHashCache {
  private readonly tables = new Map<ClientProfile['hashKey'], KeyHashes>();

  /** `indices`: the key indices [0, indices) worth keeping (0, or more than KEY_HASHES_LIMIT, keeps none). */
  constructor(readonly indices: number) {}

  /** For a key source's own runs: its keys when they are finitely many (null keys have none, order_id's are unbounded). */
  static forSource(keys: { cardinality: number; nullKeys: boolean }): KeyHashCache {
    return new KeyHashCache(keys.nullKeys || !Number.isFinite(keys.cardinality) ? 0 : keys.cardinality);
  }

  /** The table for `profile`'s hash function, or null when no hashes are kept. */
  for(profile: ClientProfile): KeyHashes | null {
    if (!(this.indices > 0 && this.indices <= KEY_HASHES_LIMIT)) return null;
    let table = this.tables.get(profile.hashKey);
    if (table === undefined) this.tables.set(profile.hashKey, (table = new KeyHashes(profile.hashKey, this.indices)));
    return table;
  }
}
