// Which keys change partition when a topic grows from N to M partitions.
import type { ClientProfile } from '../partitioners/profiles.js';

export interface KeyMovement {
  from: number;
  to: number;
  keysMoved: number;
  keysTotal: number;
  fractionKeysMoved: number;
  fractionTrafficMoved: number;
  /** What hash % n predicts for uniformly spread keys: 1 − min(N,M)/lcm(N,M). */
  expectedFractionUniform: number;
  /** The client profile whose partitioner decided. */
  client: string;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export function expectedMovedFraction(from: number, to: number): number {
  const lcm = (from / gcd(from, to)) * to;
  return 1 - Math.min(from, to) / lcm;
}

/** `keys` yields each key's bytes and its traffic (records). */
export function analyzeKeyMovement(
  keys: Iterable<{ bytes: Uint8Array; records: number }>,
  profile: ClientProfile,
  from: number,
  to: number,
): KeyMovement {
  let moved = 0;
  let total = 0;
  let traffic = 0;
  let trafficMoved = 0;
  for (const k of keys) {
    total++;
    traffic += k.records;
    if (profile.partitionForKey(k.bytes, from) !== profile.partitionForKey(k.bytes, to)) {
      moved++;
      trafficMoved += k.records;
    }
  }
  const r = (x: number) => Math.round(x * 1e4) / 1e4;
  return {
    from,
    to,
    keysMoved: moved,
    keysTotal: total,
    fractionKeysMoved: total ? r(moved / total) : 0,
    fractionTrafficMoved: traffic ? r(trafficMoved / traffic) : 0,
    expectedFractionUniform: r(expectedMovedFraction(from, to)),
    client: profile.name,
  };
}
