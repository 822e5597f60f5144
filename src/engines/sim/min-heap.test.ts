import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap.js';

function drain<T>(q: { size: number; pop(): T | undefined }): T[] {
  const out: T[] = [];
  while (q.size) out.push(q.pop()!);
  return out;
}

describe('MinHeap', () => {
  it('pop in (time, insertion) order, whatever the push order', () => {
    let x = 7;
    const items = Array.from({ length: 2000 }, (_, i) => {
      x = (x * 48271) % 2147483647;
      return { t: i % 3 === 0 ? i : x % 500, id: i }; // a monotone stream with out-of-order events mixed in
    });
    const expected = [...items].sort((a, b) => a.t - b.t || a.id - b.id).map((i) => i.id);
    const q = new MinHeap<number>();
    for (const i of items) q.push(i.t, i.id);
    expect(drain(q)).toEqual(expected);
  });

  it('a push with a reserved place orders as if pushed when the place was reserved', () => {
    const q = new MinHeap<string>();
    q.push(5, 'a');
    const place = q.reserve();
    q.push(5, 'c');
    q.push(1, 'first');
    q.push(5, 'b', place); // pushed last, ordered between a and c
    q.push(5, 'd');
    expect(drain(q)).toEqual(['first', 'a', 'b', 'c', 'd']);
  });

  it('replaceTop gives what pop then push would, and reserve(n) keeps n places in a row', () => {
    let x = 11;
    const a = new MinHeap<number>();
    const b = new MinHeap<number>();
    for (let i = 0; i < 500; i++) {
      x = (x * 48271) % 2147483647;
      const t = x % 100;
      a.push(t, i);
      b.push(t, i);
      if (i % 3 === 0) {
        a.pop();
        a.push(t + (x % 7), -i);
        b.replaceTop(t + (x % 7), -i);
      }
    }
    expect(drain(b)).toEqual(drain(a));
    const q = new MinHeap<string>();
    const first = q.reserve(3);
    const next = q.reserve();
    q.push(1, 'later');
    q.push(1, 'next', next);
    q.push(1, 'run', first); // stands for three pushes made when reserved
    expect(next).toBe(first + 3);
    expect(drain(q)).toEqual(['run', 'next', 'later']);
  });
});
