// How a set of weighted keys spreads over n partitions under a client profile, in closed form:
// expected load per partition = the sum of the weights of the keys that hash there. Pure.
import type { ClientProfile } from '../partitioners/profiles.js';
import { analyzeKeyMovement, type KeyMovement } from './movement.js';
import { analyzeSkew, type Skew } from './skew.js';

export interface WeightedKey {
  text: string;
  bytes: Uint8Array;
  /** Share of traffic (probability) or a record count. */
  weight: number;
}

export interface Spread {
  partitions: number;
  /** Load per partition, in the weights' unit. */
  loads: number[];
  skew: Skew;
}

/** `hashes`: each key's profile.hashKey, when the caller keeps them to spread the same keys over several
 * counts (only the reduction to a partition depends on the count). */
export function spreadKeys(keys: readonly WeightedKey[], profile: ClientProfile, partitions: number, hashes?: ArrayLike<number>): Spread {
  const loads = new Array<number>(partitions).fill(0);
  if (hashes) for (let i = 0; i < keys.length; i++) loads[profile.partitionOfHash(hashes[i], partitions)] += keys[i].weight;
  else for (const k of keys) loads[profile.partitionForKey(k.bytes, partitions)] += k.weight;
  return { partitions, loads, skew: analyzeSkew(loads) };
}

/** Each key's hash under `profile`, for spreadKeys over several partition counts. */
export function keyHashes(keys: readonly WeightedKey[], profile: ClientProfile): Float64Array {
  return Float64Array.from(keys, (k) => profile.hashKey(k.bytes));
}

/** What null keys (or keys too many and too short-lived to enumerate) do on average: an even spread. */
export function evenSpread(partitions: number, total = 1): Spread {
  const loads = new Array<number>(partitions).fill(total / partitions);
  return { partitions, loads, skew: analyzeSkew(loads) };
}

export function movement(keys: readonly WeightedKey[], profile: ClientProfile, from: number, to: number): KeyMovement {
  return analyzeKeyMovement(keys.map((k) => ({ bytes: k.bytes, records: k.weight })), profile, from, to);
}

export function topKeys(keys: readonly WeightedKey[], n = 10): { key: string; share: number }[] {
  const total = keys.reduce((s, k) => s + k.weight, 0);
  return [...keys].sort((a, b) => b.weight - a.weight).slice(0, n).map((k) => ({ key: k.text, share: total ? Math.round((k.weight / total) * 1e4) / 1e4 : 0 }));
}
