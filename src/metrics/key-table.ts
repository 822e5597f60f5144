// Per-key (or per-entity) numbers. Dense typed arrays when the key space is finite, a map when keys
// keep coming (order_id). The map forgets keys it has not seen for a while, so memory stays bounded.

export interface KeyTable {
  /** The backing array when the key space is finite (hot paths index it directly), else null. */
  readonly dense: Float64Array | null;
  get(key: number): number;
  set(key: number, value: number): void;
  /** Iterates keys with a non-default value. */
  forEach(fn: (key: number, value: number) => void): void;
}

const SPARSE_LIMIT = 200_000;

export function createKeyTable(cardinality: number, initial: number): KeyTable {
  if (Number.isFinite(cardinality) && cardinality <= 20_000_000) {
    const values = new Float64Array(Math.max(1, cardinality));
    if (initial !== 0) values.fill(initial);
    return {
      dense: values,
      get: (k) => values[k],
      set: (k, v) => { values[k] = v; },
      forEach(fn) { for (let k = 0; k < values.length; k++) if (values[k] !== initial) fn(k, values[k]); },
    };
  }
  // Unbounded keys: keep the newest SPARSE_LIMIT keys. Keys in kbench's unbounded sources (order ids)
  // live for a handful of events, so dropping the oldest loses nothing a report shows.
  const map = new Map<number, number>();
  return {
    dense: null,
    get: (k) => map.get(k) ?? initial,
    set(k, v) {
      if (!map.has(k) && map.size >= SPARSE_LIMIT) map.delete(map.keys().next().value!);
      map.set(k, v);
    },
    forEach(fn) { map.forEach((v, k) => { if (v !== initial) fn(k, v); }); },
  };
}
