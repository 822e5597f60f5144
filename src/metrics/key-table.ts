// Per-key (or per-entity) numbers, exact for every key. Dense typed arrays when the key space is
// finite; when keys keep coming (order_id), a paged array that grows with the highest key index
// seen. kbench's unbounded source numbers its keys 0, 1, 2, … as it opens them (see orderKeys in
// workload/key-sources.ts), so the pages fill up densely: memory is a few bytes per distinct key
// (the element size of the table), and each get/set costs O(1), so a run costs time linear in records.

export interface KeyTable {
  /** The backing array when the key space is finite (hot paths index it directly), else null. */
  readonly dense: Float64Array | null;
  get(key: number): number;
  set(key: number, value: number): void;
  /** Iterates keys with a non-default value, in increasing key order. */
  forEach(fn: (key: number, value: number) => void): void;
}

type PageArray = Float64Array | Int32Array | Uint32Array | Uint8Array;
type PageKind = 'f64' | 'i32' | 'u32' | 'u8';

const DENSE_LIMIT = 20_000_000;
const PAGE_BITS = 16;
const PAGE = 1 << PAGE_BITS;

function newPage(kind: PageKind): PageArray {
  switch (kind) {
    case 'f64': return new Float64Array(PAGE);
    case 'i32': return new Int32Array(PAGE);
    case 'u32': return new Uint32Array(PAGE);
    case 'u8': return new Uint8Array(PAGE);
  }
}

/**
 * @param kind element type of the pages of an unbounded table: pick the narrowest that holds every
 *   value the table will store (counts fit u32, partitions i32, flags u8; times need f64).
 */
export function createKeyTable(cardinality: number, initial: number, kind: PageKind = 'f64'): KeyTable {
  if (Number.isFinite(cardinality) && cardinality <= DENSE_LIMIT) {
    const values = new Float64Array(Math.max(1, cardinality));
    if (initial !== 0) values.fill(initial);
    return {
      dense: values,
      get: (k) => values[k],
      set: (k, v) => { values[k] = v; },
      forEach(fn) { for (let k = 0; k < values.length; k++) if (values[k] !== initial) fn(k, values[k]); },
    };
  }
  return pagedTable(initial, kind);
}

/** Unbounded keys: pages of 65,536 values, allocated on first write; nothing is ever forgotten. */
function pagedTable(initial: number, kind: PageKind): KeyTable {
  const pages: (PageArray | undefined)[] = [];
  const probe = newPage(kind).subarray(0, 1);
  probe[0] = initial;
  if (probe[0] !== initial) throw new Error(`key table: initial value ${initial} does not fit a ${kind} page`);
  return {
    dense: null,
    get(k) {
      const page = pages[Math.floor(k / PAGE)];
      return page === undefined ? initial : page[k & (PAGE - 1)];
    },
    set(k, v) {
      const p = Math.floor(k / PAGE);
      let page = pages[p];
      if (page === undefined) {
        if (v === initial) return;
        page = pages[p] = newPage(kind);
        if (initial !== 0) page.fill(initial);
      }
      page[k & (PAGE - 1)] = v;
    },
    forEach(fn) {
      for (let p = 0; p < pages.length; p++) {
        const page = pages[p];
        if (page === undefined) continue;
        const base = p * PAGE;
        for (let i = 0; i < PAGE; i++) if (page[i] !== initial) fn(base + i, page[i]);
      }
    },
  };
}
