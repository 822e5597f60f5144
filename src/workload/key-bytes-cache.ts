// Each key's UTF-8 bytes (what clients hash and send), encoded once per key index. TextEncoder.encode
// costs about a microsecond and a fresh ArrayBuffer per call, so encoding per record dominated runs
// with many keys; one cache can also serve several runs of the same key source (kbench plan's rows).
import { keyBytes } from '../partitioners/profiles.js';
import type { KeySource } from './key-sources.js';

/** Past this many key indices the bytes are encoded per use instead of kept (memory stays bounded). */
export const KEY_BYTES_CACHE_LIMIT = 2_000_000;

export class KeyBytesCache {
  private readonly cache: (Uint8Array | undefined)[] | null;
  /** Each kept key's length in bytes, -1 until its bytes are encoded: the simulator reads a length per
   * record, and one array of them stays in the CPU's cache where the keys' own objects (one each,
   * spread over the heap) do not. */
  private readonly lengths: Int32Array | null;

  /** `indices`: the key indices [0, indices) worth keeping (the cardinality when finite); 0 keeps none. */
  constructor(private readonly keys: Pick<KeySource, 'keyText'>, indices: number) {
    const kept = Number.isFinite(indices) && indices > 0 && indices <= KEY_BYTES_CACHE_LIMIT;
    this.cache = kept ? new Array(indices) : null;
    this.lengths = kept ? new Int32Array(indices).fill(-1) : null;
  }

  /** The key indices a source's own runs may cache: its cardinality when finite (order_id's are not). */
  static forSource(keys: KeySource): KeyBytesCache {
    return new KeyBytesCache(keys, Number.isFinite(keys.cardinality) ? keys.cardinality : 0);
  }

  bytesOf(keyIndex: number): Uint8Array {
    const cache = this.cache;
    if (cache === null || keyIndex >= cache.length) return keyBytes(this.keys.keyText(keyIndex));
    let bytes = cache[keyIndex];
    if (bytes === undefined) {
      bytes = cache[keyIndex] = keyBytes(this.keys.keyText(keyIndex));
      this.lengths![keyIndex] = bytes.length;
    }
    return bytes;
  }

  /** The length of `bytes`, the bytes of key `keyIndex` (from bytesOf): read from the lengths kept. */
  lengthOf(keyIndex: number, bytes: Uint8Array): number {
    const lengths = this.lengths;
    if (lengths === null || keyIndex >= lengths.length) return bytes.length;
    const length = lengths[keyIndex];
    return length >= 0 ? length : bytes.length;
  }
}
