// Each key's UTF-8 bytes (what clients hash and send), encoded once per key index. TextEncoder.encode
// costs about a microsecond and a fresh ArrayBuffer per call, so encoding per record dominated runs
// with many keys; one cache can also serve several runs of the same key source (kbench plan's rows).
import { keyBytes } from '../partitioners/profiles.js';
import type { KeySource } from './key-sources.js';

/** Past this many key indices the bytes are encoded per use instead of kept (memory stays bounded). */
export const KEY_BYTES_CACHE_LIMIT = 2_000_000;

export class KeyBytesCache {
  private readonly cache: (Uint8Array | undefined)[] | null;

  /** `indices`: the key indices [0, indices) worth keeping (the cardinality when finite); 0 keeps none. */
  constructor(private readonly keys: Pick<KeySource, 'keyText'>, indices: number) {
    this.cache = Number.isFinite(indices) && indices > 0 && indices <= KEY_BYTES_CACHE_LIMIT ? new Array(indices) : null;
  }

  /** The key indices a source's own runs may cache: its cardinality when finite (order_id's are not). */
  static forSource(keys: KeySource): KeyBytesCache {
    return new KeyBytesCache(keys, Number.isFinite(keys.cardinality) ? keys.cardinality : 0);
  }

  bytesOf(keyIndex: number): Uint8Array {
    const cache = this.cache;
    if (cache === null || keyIndex >= cache.length) return keyBytes(this.keys.keyText(keyIndex));
    return (cache[keyIndex] ??= keyBytes(this.keys.keyText(keyIndex)));
  }
}
