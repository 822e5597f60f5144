// Per worker of a distributed run: what its producers sent and got acked, what its consumers read,
// and its own latency percentiles, from the events it sent up. The report's per-worker table.
import { LatencyHistogram } from '../../../metrics/histogram.js';
import type { WorkerRow } from '../../../report/schema.js';
import type { RemoteWorker } from './remote-workers.js';


class Tally {
  sent = 0;
  acked = 0;
  consumed = 0;
  firstAckUs = Infinity;
  lastAckUs = -Infinity;
  readonly produce = new LatencyHistogram();
  readonly endToEnd = new LatencyHistogram();
}

const round = (x: number, places = 3) => Math.round(x * 10 ** places) / 10 ** places;

export class WorkerStats {
  private readonly tallies: Tally[];

  constructor(workers: number) {
    this.tallies = Array.from({ length: workers }, () => new Tally());
  }

  sent(slice: number): void {
    this.tallies[slice].sent++;
  }

  acked(slice: number, latencyUs: number, atUs: number): void {
    const t = this.tallies[slice];
    t.acked++;
    t.produce.recordUs(latencyUs);
    if (atUs < t.firstAckUs) t.firstAckUs = atUs;
    if (atUs > t.lastAckUs) t.lastAckUs = atUs;
  }

  consumed(slice: number, latencyUs: number): void {
    this.tallies[slice].consumed++;
    this.tallies[slice].endToEnd.recordUs(latencyUs);
  }

  rows(workers: RemoteWorker[], layout: { producers: number[]; consumers: number[] }[], originEpochMs: number): WorkerRow[] {
    return workers.map((w) => {
      const t = this.tallies[w.slice];
      const p = t.produce.count ? t.produce.summary() : null;
      const e = t.endToEnd.count ? t.endToEnd.summary() : null;
      const spanS = (t.lastAckUs - t.firstAckUs) / 1e6;
      return {
        worker: w.identity.name, host: w.identity.host, pid: w.identity.pid, slice: w.slice,
        producers: layout[w.slice].producers.length, consumers: layout[w.slice].consumers.length,
        sent: t.sent, acked: t.acked, consumed: t.consumed,
        achievedPerSec: spanS > 0 ? Math.round(t.acked / spanS) : 0,
        produceP50Ms: p ? p.p50 : null, produceP99Ms: p ? p.p99 : null,
        endToEndP50Ms: e ? e.p50 : null, endToEndP99Ms: e ? e.p99 : null,
        clockOffsetMs: round(w.clock.offsetMs), clockUncertaintyMs: round(w.clock.uncertaintyMs),
        lostAtMs: w.lostAtEpochMs === null ? null : Math.round(w.lostAtEpochMs - originEpochMs),
      };
    });
  }
}
