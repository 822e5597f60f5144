import { describe, expect, it } from 'vitest';
import { createKeyTable } from './key-table.js';

describe('key tables for unbounded keys', () => {
  it('keep every key: 500,000 keys, none forgotten, iterated in key order', () => {
    const t = createKeyTable(Infinity, 0, 'u32');
    expect(t.dense).toBeNull();
    for (let k = 0; k < 500_000; k++) t.set(k, t.get(k) + 1 + (k % 3));
    t.set(7, t.get(7) + 1);
    let n = 0;
    let sum = 0;
    let last = -1;
    let ordered = true;
    t.forEach((k, v) => { n++; sum += v; if (k <= last) ordered = false; last = k; });
    expect(n).toBe(500_000);
    // Σ (1 + k mod 3) over k < 500,000, plus the extra one on key 7.
    let want = 1;
    for (let k = 0; k < 500_000; k++) want += 1 + (k % 3);
    expect(sum).toBe(want);
    expect(ordered).toBe(true);
    expect(t.get(0)).toBe(1);
    expect(t.get(7)).toBe(3);
    expect(t.get(499_999)).toBe(1 + (499_999 % 3));
  });

  it('a non-zero default: unset keys read as it and are not iterated', () => {
    const t = createKeyTable(Infinity, -1, 'i32');
    t.set(3, 5);
    t.set(200_000, -2);
    t.set(300_000, -1); // writing the default allocates nothing and iterates as unset
    const seen: [number, number][] = [];
    t.forEach((k, v) => seen.push([k, v]));
    expect(seen).toEqual([[3, 5], [200_000, -2]]);
    expect(t.get(4)).toBe(-1);
    expect(t.get(10_000_000)).toBe(-1);
  });
});
