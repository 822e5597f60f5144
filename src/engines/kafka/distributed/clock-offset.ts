// A worker's clock against the coordinator's, from round trips through Kafka (NTP's idea, with the
// best sample kept): the coordinator notes when it sent a ping (t0) and got the answer back (t1),
// the worker when it answered (tw). If the two legs took equally long, the worker's clock is ahead
// by tw − (t0 + t1) / 2; however unequal they were, the error is at most half the round trip. The
// round trip with the least time in queues is the one to keep.

export interface ClockSample {
  sentAtEpochMs: number;
  workerEpochMs: number;
  receivedAtEpochMs: number;
}

export interface ClockOffset {
  /** Worker clock minus coordinator clock, ms. */
  offsetMs: number;
  /** The offset is right within ± this, ms (half the best round trip). */
  uncertaintyMs: number;
  samples: number;
}

export function estimateOffset(samples: readonly ClockSample[]): ClockOffset | null {
  let best: ClockSample | null = null;
  for (const s of samples) {
    if (s.receivedAtEpochMs < s.sentAtEpochMs) continue; // not a round trip of this clock
    if (best === null || s.receivedAtEpochMs - s.sentAtEpochMs < best.receivedAtEpochMs - best.sentAtEpochMs) best = s;
  }
  if (best === null) return null;
  const roundTrip = best.receivedAtEpochMs - best.sentAtEpochMs;
  return { offsetMs: best.workerEpochMs - (best.sentAtEpochMs + best.receivedAtEpochMs) / 2, uncertaintyMs: roundTrip / 2, samples: samples.length };
}
