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
    const draw: KeyDraw = { keyIndex: 0, entity: 0, seq: 0 };
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
    const { source, keyIndex, entity, seq } = this;
    let n = 0;
    return {
      label: source.label,
      cardinality: source.cardinality,
      entityCardinality: source.entityCardinality,
      nullKeys: source.nullKeys,
      entityLabel: source.entityLabel,
      keyText: source.keyText,
      probabilityOf: source.probabilityOf,
      next(out) {
        if (n >= keyIndex.length) throw new Error(`recorded key draws: a run asked for more than the ${keyIndex.length} recorded`);
        out.keyIndex = keyIndex[n];
        out.entity = entity[n];
        out.seq = seq[n];
        n++;
      },
    };
  }
}
