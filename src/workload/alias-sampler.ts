// Walker/Vose alias method: O(1) draws from any finite discrete distribution, so a Zipf law over
// ten million users costs the same per record as a coin flip.
import type { Rng } from './rng.js';

export interface Sampler {
  size: number;
  /** Probability of each outcome (normalised weights). */
  probabilityOf(i: number): number;
  draw(rng: Rng): number;
}

export function createAliasSampler(weights: ArrayLike<number>): Sampler {
  const n = weights.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i];
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = new Float64Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) {
    scaled[i] = (weights[i] * n) / total;
    (scaled[i] < 1 ? small : large).push(i);
  }
  while (small.length && large.length) {
    const s = small.pop()!;
    const l = large.pop()!;
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  for (const i of large) prob[i] = 1;
  for (const i of small) prob[i] = 1; // only reached through rounding error
  return {
    size: n,
    probabilityOf: (i) => weights[i] / total,
    draw(rng) {
      const u = rng.next() * n;
      const i = Math.floor(u);
      return u - i < prob[i] ? i : alias[i];
    },
  };
}

/** Zipf weights 1/k^s for ranks k = 1..n. */
export function zipfWeights(n: number, s: number): Float64Array {
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) w[k] = 1 / Math.pow(k + 1, s);
  return w;
}

export function uniformWeights(n: number): Float64Array {
  return new Float64Array(n).fill(1);
}
