// Binary min-heap ordered by (time, insertion order). The insertion tie-break keeps records of one
// partition in offset order when several become due at the same instant. A place in the insertion
// order can be reserved (reserve()) and used by a later push, which then orders as if pushed then.
export class MinHeap<T> {
  private times: number[] = [];
  private ties: number[] = [];
  private values: T[] = [];
  private counter = 0;

  get size(): number {
    return this.values.length;
  }

  peekTime(): number {
    return this.values.length ? this.times[0] : Infinity;
  }

  peek(): T | undefined {
    return this.values[0];
  }

  /** A place in the insertion order, for a push that is decided later (push(time, value, tie)). */
  reserve(): number {
    return this.counter++;
  }

  /** `tie`: a place from reserve(); by default the next one. Each place must be used at most once. */
  push(time: number, value: T, tie: number = this.counter++): void {
    let i = this.values.length;
    this.times.push(time);
    this.ties.push(tie);
    this.values.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(time, tie, this.times[parent], this.ties[parent])) break;
      this.move(parent, i);
      i = parent;
    }
    this.times[i] = time;
    this.ties[i] = tie;
    this.values[i] = value;
  }

  pop(): T | undefined {
    const n = this.values.length;
    if (n === 0) return undefined;
    const top = this.values[0];
    const lastTime = this.times.pop()!;
    const lastTie = this.ties.pop()!;
    const lastValue = this.values.pop()!;
    if (n > 1) {
      let i = 0;
      const size = n - 1;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        const c = r < size && this.less(this.times[r], this.ties[r], this.times[l], this.ties[l]) ? r : l;
        if (!this.less(this.times[c], this.ties[c], lastTime, lastTie)) break;
        this.move(c, i);
        i = c;
      }
      this.times[i] = lastTime;
      this.ties[i] = lastTie;
      this.values[i] = lastValue;
    }
    return top;
  }

  private less(t1: number, k1: number, t2: number, k2: number): boolean {
    return t1 < t2 || (t1 === t2 && k1 < k2);
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.ties[to] = this.ties[from];
    this.values[to] = this.values[from];
  }
}

