// Analysis of real keys: the observed distribution, how it spreads at the current and other
// partition counts, what every client profile would do with it, and what growth would move. Pure.
import { CLIENT_NAMES, CLIENT_PROFILES, type ClientName } from '../partitioners/profiles.js';
import { expectedMovedFraction } from './movement.js';
import { movement, spreadKeys, topKeys, type WeightedKey } from './key-spread.js';
import type { Skew } from './skew.js';

export interface KeyObservation {
  /** Keyed records and their keys; weight = records seen with that key. */
  keys: WeightedKey[];
  nullRecords: number;
  /** For records read from a topic: the partition each keyed record was found on, per key text. */
  observedPartitions?: Map<string, Map<number, number>>;
}

export interface KeyAnalysis {
  records: number;
  keyedRecords: number;
  nullRecords: number;
  distinctKeys: number;
  topKeys: { key: string; records: number; share: number }[];
  currentPartitions: number;
  client: ClientName;
  byClient: ({ client: ClientName } & Skew)[];
  byPartitionCount: ({ partitions: number } & Skew)[];
  growth: { from: number; to: number; fractionKeysMoved: number; fractionTrafficMoved: number; expectedFractionUniform: number }[];
  observed: null | {
    perPartition: number[];
    /** Share of sampled keyed records whose partition matches each client profile's prediction. */
    matchByClient: { client: ClientName; fraction: number }[];
    likelyClients: ClientName[];
  };
}

export function analyzeKeys(obs: KeyObservation, currentPartitions: number, counts: number[], client: ClientName): KeyAnalysis {
  const keyed = obs.keys.reduce((s, k) => s + k.weight, 0);
  const records = keyed + obs.nullRecords;
  const profile = CLIENT_PROFILES[client];
  const top = topKeys(obs.keys, 10).map((t) => ({ key: t.key, records: obs.keys.find((k) => k.text === t.key)!.weight, share: t.share }));
  const byClient = CLIENT_NAMES.map((c) => ({ client: c, ...spreadKeys(obs.keys, CLIENT_PROFILES[c], currentPartitions).skew }));
  const allCounts = [...new Set([...counts, currentPartitions])].sort((a, b) => a - b);
  const byPartitionCount = allCounts.map((n) => ({ partitions: n, ...spreadKeys(obs.keys, profile, n).skew }));
  const growth = allCounts.filter((n) => n > currentPartitions).map((to) => {
    const m = movement(obs.keys, profile, currentPartitions, to);
    return { from: currentPartitions, to, fractionKeysMoved: m.fractionKeysMoved, fractionTrafficMoved: m.fractionTrafficMoved, expectedFractionUniform: Math.round(expectedMovedFraction(currentPartitions, to) * 1e4) / 1e4 };
  });
  let observed: KeyAnalysis['observed'] = null;
  if (obs.observedPartitions) {
    const perPartition = new Array<number>(currentPartitions).fill(0);
    for (const parts of obs.observedPartitions.values()) for (const [p, n] of parts) if (p < currentPartitions) perPartition[p] += n;
    const byText = new Map(obs.keys.map((k) => [k.text, k]));
    const matchByClient = CLIENT_NAMES.map((c) => {
      let match = 0;
      for (const [text, parts] of obs.observedPartitions!) {
        const predicted = CLIENT_PROFILES[c].partitionForKey(byText.get(text)!.bytes, currentPartitions);
        match += parts.get(predicted) ?? 0;
      }
      return { client: c, fraction: keyed ? Math.round((match / keyed) * 1e4) / 1e4 : 0 };
    });
    const best = Math.max(...matchByClient.map((m) => m.fraction));
    observed = { perPartition, matchByClient, likelyClients: best > 0.99 ? matchByClient.filter((m) => m.fraction === best).map((m) => m.client) : [] };
  }
  return {
    records, keyedRecords: keyed, nullRecords: obs.nullRecords, distinctKeys: obs.keys.length, topKeys: top,
    currentPartitions, client, byClient, byPartitionCount, growth, observed,
  };
}
