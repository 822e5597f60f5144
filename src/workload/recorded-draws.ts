// A key source's draws, made once and replayed. Runs that differ only in what happens to records
// after their keys are drawn (kbench plan's rows: one partition count each, same seed) draw the same
// keys in the same order, so the draws (alias sampling, the order pool, per-key sequences) are made
// once per key kind and each run replays them from typed arrays.
import type { KeyDraw, KeySource } from './key-sources.js';

/** The most draws kept: 12 bytes each, so at most 12 MiB. Longer runs draw live. */
export const RECORDED_DRAWS_LIMIT = 1 << 20;

const fitsInt32 = (x: number) => (x | 0) === x;

export class RecordedDraws {
  private constructor(
    private readonly source: KeySource,
    private readonly keyIndex: Int32Array,
    private readonly entity: Int32Array,
    private readonly seq: Uint32Array,
    /** One more than the highest key index drawn: the key indices a replay can name. */
    readonly keyIndices: number,
  ) {}

  /** The first `count` draws of `source` (which it consumes), or null when there are more than
   * RECORDED_DRAWS_LIMIT or a value does not fit the arrays. */
  static record(source: KeySource, count: number): RecordedDraws | null {
    if (!(count >= 0 && count <= RECORDED_DRAWS_LIMIT)) return null;
    const keyIndex = new Int32Array(count);
    const entity = new Int32Array(count);
    const seq = new Uint32Array(count);
    const draw = new Draw();
    let highest = -1;
    for (let n = 0; n < count; n++) {
      source.next(draw);
      if (!fitsInt32(draw.keyIndex) || !fitsInt32(draw.entity) || draw.seq >>> 0 !== draw.seq) return null;
      keyIndex[n] = draw.keyIndex;
      entity[n] = draw.entity;
      seq[n] = draw.seq;
      if (draw.keyIndex > highest) highest = draw.keyIndex;
    }
    return new RecordedDraws(source, keyIndex, entity, seq, highest + 1);
  }

  /** A fresh key source that draws the recorded keys from the first; everything else is the source's. */
  replay(): KeySource {
    return new Replay(this.source, this.keyIndex, this.entity, this.seq);
  }
}

/** The draw the recording reads into. Not a `{ keyIndex, entity, seq }` literal: literals of one shape
 * share their hidden class, and order_id's source writes its order numbers as doubles (they come from a
 * Float64Array), which would widen that class's fields for every run's planner too and throw the
 * optimized simulator code away mid-plan. A class has a hidden class of its own. */
class Draw implements KeyDraw {
  keyIndex = 0;
  entity = 0;
  seq = 0;
}

/** A class, not a closure per replay: every run then calls the same `next`, which the optimizer keeps
 * inlined from one run to the next. */
class Replay implements KeySource {
  readonly label: string;
  readonly cardinality: number;
  readonly entityCardinality: number;
  readonly nullKeys: boolean;
  readonly entityLabel: string;
  readonly keyText: KeySource['keyText'];
  readonly probabilityOf: KeySource['probabilityOf'];
  private n = 0;

  constructor(source: KeySource, private readonly keyIndex: Int32Array, private readonly entity: Int32Array, private readonly seq: Uint32Array) {
    this.label = source.label;
    this.cardinality = source.cardinality;
    this.entityCardinality = source.entityCardinality;
    this.nullKeys = source.nullKeys;
    this.entityLabel = source.entityLabel;
    this.keyText = source.keyText;
    this.probabilityOf = source.probabilityOf;
  }

  next(out: KeyDraw): void {
    const n = this.n;
    if (n >= this.keyIndex.length) throw new Error(`recorded key draws: a run asked for more than the ${this.keyIndex.length} recorded`);
    out.keyIndex = this.keyIndex[n];
    out.entity = this.entity[n];
    out.seq = this.seq[n];
    this.n = n + 1;
  }
}
