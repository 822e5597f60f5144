// Binary min-heap ordered by (time, insertion order). The insertion tie-break keeps records of one
// partition in offset order when several become due at the same instant. A place in the insertion
// order can be reserved (reserve()) and used by a later push, which then orders as if pushed then.
// Places are unique, so the order of pops is fixed by what was pushed, whatever the heap's layout.
//
// The simulator pushes and pops a few times per record, so the heap is written for that: its arrays
// never shrink (a popped slot is cleared, not removed), and replaceTop does a pop and a push in one
// sift instead of two.
export class MinHeap<T> {
  private readonly times: number[] = [];
  private readonly ties: number[] = [];
  private readonly values: (T | undefined)[] = [];
  private n = 0;
  private counter = 0;

  get size(): number {
    return this.n;
  }

  peekTime(): number {
    return this.n > 0 ? this.times[0] : Infinity;
  }

  peek(): T | undefined {
    return this.n > 0 ? this.values[0] : undefined;
  }

  /** The first of `count` consecutive places in the insertion order, for pushes decided later
   * (push(time, value, tie)), or for one value that stands for `count` pushes in a row. */
  reserve(count = 1): number {
    const first = this.counter;
    this.counter += count;
    return first;
  }

  /** `tie`: a place from reserve(); by default the next one. Each place must be used at most once. */
  push(time: number, value: T, tie: number = this.counter++): void {
    const times = this.times;
    const ties = this.ties;
    const values = this.values;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (!(time < pt || (time === pt && tie < ties[parent]))) break;
      times[i] = pt;
      ties[i] = ties[parent];
      values[i] = values[parent];
      i = parent;
    }
    times[i] = time;
    ties[i] = tie;
    values[i] = value;
  }

  pop(): T | undefined {
    const n = this.n;
    if (n === 0) return undefined;
    const top = this.values[0];
    const last = n - 1;
    this.n = last;
    if (last > 0) this.siftDown(this.times[last], this.ties[last], this.values[last]!);
    this.values[last] = undefined; // the heap keeps no value it gave back
    return top;
  }

  /** pop() then push(time, value, tie), in one pass: for a value that goes back in as soon as it comes out. */
  replaceTop(time: number, value: T, tie: number = this.counter++): void {
    if (this.n === 0) {
      this.push(time, value, tie);
      return;
    }
    this.siftDown(time, tie, value);
  }

  /** Puts (time, tie, value) in the root's place and moves it down to where it belongs among the first n. */
  private siftDown(time: number, tie: number, value: T): void {
    const times = this.times;
    const ties = this.ties;
    const values = this.values;
    const size = this.n;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      let c = l;
      let ct = times[l];
      const r = l + 1;
      if (r < size) {
        const rt = times[r];
        if (rt < ct || (rt === ct && ties[r] < ties[l])) {
          c = r;
          ct = rt;
        }
      }
      if (!(ct < time || (ct === time && ties[c] < tie))) break;
      times[i] = ct;
      ties[i] = ties[c];
      values[i] = values[c];
      i = c;
    }
    times[i] = time;
    ties[i] = tie;
    values[i] = value;
  }
}
