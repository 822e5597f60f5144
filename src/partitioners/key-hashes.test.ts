// A partition from a kept hash is the partition from the key's bytes, for every client and count.
import { describe, expect, it } from 'vitest';
import { createRng } from '../workload/rng.js';
import { KeyHashCache, KeyHashes } from './key-hashes.js';
import { createProducerPartitioner } from './producer-partitioner.js';
import { CLIENT_NAMES, CLIENT_PROFILES, keyBytes } from './profiles.js';

const KEYS = Array.from({ length: 500 }, (_, i) => keyBytes(i % 7 === 0 ? `ключ-${i}` : `user-${i * 7919}`));

describe('key hashes', () => {
  for (const name of CLIENT_NAMES) {
    it(`${name}: partitionForKey = partitionOfHash(hashKey), and a partitioner sharing kept hashes agrees at every count`, () => {
      const profile = CLIENT_PROFILES[name];
      const shared = new KeyHashCache(KEYS.length).for(profile)!;
      const partitioners = [
        createProducerPartitioner(profile, createRng(1), null, KEYS.length),
        createProducerPartitioner(profile, createRng(1), null, KEYS.length, shared),
        createProducerPartitioner(profile, createRng(1), null, 0),
      ];
      for (const n of [1, 3, 7, 12, 100, 256, 10_000]) {
        const expected = KEYS.map((key) => profile.partitionForKey(key, n));
        expect(KEYS.map((key) => profile.partitionOfHash(profile.hashKey(key), n))).toEqual(expected);
        for (const p of partitioners) expect(KEYS.map((key, i) => p.partition(key, n, 100, 0, i))).toEqual(expected);
      }
    });
  }

  it('clients with the same hash share one table; none is kept for 0 or too many keys', () => {
    const cache = new KeyHashCache(10);
    expect(cache.for(CLIENT_PROFILES.java)).toBe(cache.for(CLIENT_PROFILES['franz-go']));
    expect(cache.for(CLIENT_PROFILES.java)).toBe(cache.for(CLIENT_PROFILES.platformatic)); // same murmur2, another reduction
    expect(cache.for(CLIENT_PROFILES.java)).not.toBe(cache.for(CLIENT_PROFILES.librdkafka));
    expect(new KeyHashCache(0).for(CLIENT_PROFILES.java)).toBeNull();
    expect(new KeyHashCache(Infinity).for(CLIENT_PROFILES.java)).toBeNull();
    expect(KeyHashCache.forSource({ cardinality: 5, nullKeys: true }).for(CLIENT_PROFILES.java)).toBeNull();
  });

  it('a table covers its indices only, and a partitioner refuses another hash function\'s table', () => {
    const table = new KeyHashes(CLIENT_PROFILES.java.hashKey, 3);
    expect([table.covers(-1), table.covers(0), table.covers(2), table.covers(3)]).toEqual([false, true, true, false]);
    expect(() => createProducerPartitioner(CLIENT_PROFILES.sarama, createRng(1), null, 3, table)).toThrow(/not sarama's hash/);
  });
});
