// Advice tied to the five key practices: pick a key that keeps per-entity order, avoid hot
// partitions, avoid single-key bottlenecks, know what null keys cost, keep one partitioner across
// producers, and know what growth will move. Pure: report in, advice out.
import { expectedMovedFraction } from './movement.js';
import type { Advice, RunReport } from '../report/schema.js';

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

export function adviseOn(report: Omit<RunReport, 'advice'>): Advice[] {
  const out: Advice[] = [];
  const { spec, phases } = report;
  const last = phases[phases.length - 1];
  const first = phases[0];
  const violations = phases.reduce((s, p) => s + p.ordering.violations, 0);
  // Distinct keys over the run: a key out of order in both phases is one key, not two.
  const keysAffected = report.ordering.keysAffected;

  if (report.run.error) out.push({ code: 'run-incomplete', level: 'critical', message: `The run stopped early (${report.run.error}); the numbers cover what happened until then.` });

  // Delivery: acked records that never reached a consumer, told apart by whether the log still holds them.
  const d = report.delivery;
  if (d.lost > 0) {
    out.push({
      code: 'records-lost',
      level: 'critical',
      message: `${d.lost} acked records were never read${d.unconsumed === null || d.unconsumed === undefined ? ' and the broker\'s log could not be checked at the end, so they may still be there' : ' and are not in the broker\'s log (checked against its end offsets)'}${spec.acks === '0' ? '; with acks=0 the producer never learns whether the broker kept a record' : ''}.`,
    });
  }
  if (d.unconsumed) {
    out.push({ code: 'records-unconsumed', level: 'warn', message: `${d.unconsumed} acked records were still in the broker's log when the run ended but no consumer had read them (not lost): the group fell behind or stopped; raise --drain-timeout or look at its lag.` });
  }

  // A distributed run's worker that the worker group dropped (it died or was cut off mid-run).
  const workers = report.model.parameters.workers as { worker: string; host: string; lostAtMs: number | null; sent: number }[] | undefined;
  for (const w of workers ?? []) {
    if (w.lostAtMs === null) continue;
    out.push({
      code: 'worker-lost',
      level: 'warn',
      message: `Worker ${w.worker} (${w.host}) left the run ${(w.lostAtMs / 1000).toFixed(1)} s in (the worker group's session timeout: it died or was cut off). Its producers sent ${w.sent} records until then, all counted above; the records it had yet to send were never sent, and its consumers' partitions went to the other members.`,
    });
  }

  // A live cluster that stopped acknowledging for a while (a broker restart, a leader election) and
  // came back: the producers retried through it, and the gap is in the time series.
  const gap = longestAckGap(report);
  if (!report.simulated && gap && gap.seconds >= 2) {
    out.push({
      code: 'acks-stalled',
      level: 'warn',
      message: `No record was acknowledged for ${gap.seconds} s (from ${gap.fromS} s to ${gap.toS} s into the run) although records were waiting: the cluster was unreachable or had no leader for them. The producers retried through it${report.run.error ? '' : ' and delivered afterwards'}; latency and lag in that window are the outage's, not the load's.`,
    });
  }

  // Ordering.
  if (violations > 0) {
    const causes: string[] = [];
    if (report.keys.nullKeys) causes.push('records have null keys, so one entity\'s events go to many partitions');
    if (report.mixedPartitioners && report.mixedPartitioners.keysSplit > 0) causes.push('producers use different partitioners, so one key lands on several partitions');
    if (spec.growTo !== null) causes.push(`the partition count grew ${spec.partitions} → ${spec.growTo} while older records of moved keys were still unconsumed`);
    out.push({
      code: 'ordering-broken',
      level: 'critical',
      message: `${violations} records of ${keysAffected} ${report.keys.nullKeys ? 'users' : 'keys'} were consumed after a later record of the same ${report.keys.nullKeys ? 'user' : 'key'}` +
        (causes.length ? `: ${causes.join('; ')}.` : '.') +
        (report.keys.nullKeys ? ' Key records by the entity whose order matters (e.g. --key user_id).' : ''),
    });
  } else if (!report.keys.nullKeys && spec.explicitPartition === null && spec.consumers > 0) {
    out.push({ code: 'ordering-kept', level: 'info', message: `Per-key order held: no record was consumed after a later record of its key.` });
  }

  // Null keys.
  if (report.keys.nullKeys && spec.explicitPartition === null) {
    out.push({
      code: 'null-keys',
      level: 'warn',
      message: `Null keys spread load (max/mean ${first.skew.maxMeanRatio}) but give no per-entity order: ${spec.client}'s null-key strategy decides where each record goes. Use null keys only for events whose order does not matter.`,
    });
  }

  // Single key / hot key.
  const hottestKey = first.topKeys[0];
  if (spec.keySpec.kind === 'fixed' || (hottestKey && hottestKey.share > 0.5 && first.distinctKeys <= 1)) {
    out.push({
      code: 'single-key-bottleneck',
      level: 'critical',
      message: `Every record has the same key, so all traffic goes to partition ${first.skew.hottestPartition} and one consumer: throughput is capped by one partition and one consumer whatever the partition count.`,
    });
  } else if (hottestKey && first.partitions > 1 && hottestKey.share > 1 / first.partitions) {
    out.push({
      code: 'hot-key',
      level: 'warn',
      message: `Key "${hottestKey.key}" alone carries ${pct(hottestKey.share)} of the records, more than a fair partition's ${pct(1 / first.partitions)}: no partition count can spread it. Add a sub-key (e.g. ${spec.keySpec.kind === 'country' ? 'country + user_id' : 'key + bucket'}) if its order only matters per entity.`,
    });
  }
  if (first.partitions > 1 && first.skew.maxMeanRatio >= 1.5 && spec.keySpec.kind !== 'fixed' && spec.explicitPartition === null) {
    out.push({
      code: 'hot-partition',
      level: first.skew.maxMeanRatio >= 3 ? 'critical' : 'warn',
      message: `Partition ${first.skew.hottestPartition} receives ${pct(first.skew.hottestShare)} of the records (max/mean ${first.skew.maxMeanRatio}, CV ${first.skew.cv}); it sets the pace for the whole topic.` +
        (first.skew.emptyPartitions ? ` ${first.skew.emptyPartitions} of ${first.partitions} partitions got nothing.` : ''),
    });
  }
  if (spec.explicitPartition !== null) {
    out.push({ code: 'explicit-partition', level: 'warn', message: `Every record was sent to partition ${spec.explicitPartition}: the other partitions and their consumers sit idle.` });
  }

  // Mixed partitioners.
  const mixed = report.mixedPartitioners;
  if (mixed && mixed.keysSplit > 0) {
    out.push({
      code: 'mixed-partitioners',
      level: 'critical',
      message: `Producers use different partitioners (${mixed.clients.join(', ')}): ${mixed.keysSplit} of ${mixed.keysTotal} keys (${pct(mixed.trafficShareSplit)} of traffic) map to different partitions depending on the producer, so their records split across partitions. Configure every producer with the same, Java-compatible partitioner (murmur2).`,
    });
  }

  // Growth.
  const mv = report.keyMovement;
  if (mv) {
    out.push({
      code: 'growth-moves-keys',
      level: mv.fractionKeysMoved > 0 ? 'warn' : 'info',
      message: `Growing ${mv.from} → ${mv.to} partitions moved ${mv.keysMoved} of ${mv.keysTotal} keys (${pct(mv.fractionKeysMoved)}; ${pct(mv.fractionTrafficMoved)} of traffic; hash % n predicts ${pct(mv.expectedFractionUniform)}). Records of a moved key are ordered again only once its old partition is drained.`,
    });
    // Measured from acks, so live and simulated runs alike: a producer whose traffic after growth should
    // have put at least LATE_MIN records on new partitions (P(none | it knew) ≤ e^-10) but put none had
    // not seen the new partitions by the end of the run.
    const LATE_MIN = 10;
    const producers = report.growth?.producers ?? [];
    const late = producers.filter((p) => p.onNewPartitions === 0 && p.expectedOnNewPartitions >= LATE_MIN);
    if (late.length > 0) {
      const seen = producers.filter((p) => p.firstOnNewPartitionMs !== null).map((p) => p.firstOnNewPartitionMs!);
      out.push({
        code: 'metadata-refresh-late',
        level: 'info',
        message: `${late.length} of ${spec.producers} producers wrote nothing to the new partitions before the run ended (metadata max age ${spec.metadataRefreshMs ?? 'client default'} ms), so they kept writing only to the old partitions` +
          (seen.length ? `; the others first wrote there ${Math.min(...seen)}–${Math.max(...seen)} ms after growth` : '') +
          '. Clients notice new partitions only on their next metadata refresh.',
      });
    }
  } else if (!report.keys.nullKeys && spec.explicitPartition === null && spec.consumers > 0) {
    const to = spec.partitions * 2;
    out.push({
      code: 'growth-forecast',
      level: 'info',
      message: `Growing this topic ${spec.partitions} → ${to} would move about ${pct(expectedMovedFraction(spec.partitions, to), 0)} of keys (${spec.partitions} → ${spec.partitions * 4}: ${pct(expectedMovedFraction(spec.partitions, spec.partitions * 4), 0)}); size partitions for growth up front when per-key order matters.`,
    });
  }
  const skipped = report.delivery.skipped;
  if (skipped > 0) {
    out.push({
      code: 'skipped-on-new-partitions',
      level: 'critical',
      message: `${skipped} records written to new partitions before the group was assigned them were never read (auto.offset.reset=latest). Use earliest for groups on topics that may grow.`,
    });
  }

  // Consumer-group changes (simulated): crashes read uncommitted work again; eager rebalances stop the whole group.
  const changes = (report.model.parameters.groupChanges ?? []) as { change: string; kind: string; atMs: number; rebalanceAtMs: number; settledAtMs: number; partitionsMoved: number; redelivered?: number; lastCommitMs?: number }[];
  for (const g of changes.filter((c) => c.kind === 'crash')) {
    out.push({
      code: 'consumer-crashed',
      level: (g.redelivered ?? 0) > 0 ? 'warn' : 'info',
      message: `${g.change} ${(g.atMs / 1000).toFixed(1)} s in: its partitions stood still until the group noticed (session timeout) and settled ${((g.settledAtMs - g.atMs) / 1000).toFixed(1)} s later, `
        + `and ${g.redelivered ?? 0} records it processed after its last commit (${((g.lastCommitMs ?? 0) / 1000).toFixed(1)} s) were processed again by the new owners (duplicates). `
        + 'Make processing idempotent, commit more often (or after each batch), and keep session.timeout.ms as short as the heartbeats allow.',
    });
  }
  const eagerStops = changes.filter((c) => c.kind !== 'crash').length;
  if (eagerStops > 0 && spec.assignor !== 'cooperative-sticky') {
    out.push({ code: 'eager-rebalance', level: 'info', message: `Each of the ${eagerStops} scaling change(s) stopped every consumer of the group for a rebalance round (${spec.assignor} is eager); cooperative-sticky keeps the partitions that stay and moves only the others.` });
  }

  // Consumers.
  const idle = last.consumers.filter((c) => c.idle).length;
  if (idle > 0) {
    out.push({ code: 'idle-consumers', level: 'warn', message: `${idle} of ${spec.consumers} consumers own no partition (${last.partitions} partitions): a group can use at most one consumer per partition.` });
  }
  const busiest = [...last.consumers].sort((a, b) => b.maxLag - a.maxLag)[0];
  const lagLimit = Math.max(1000, spec.rate); // more than a second of traffic behind
  if (busiest && busiest.maxLag > lagLimit && changes.length === 0) {
    out.push({
      code: 'consumer-lag',
      level: 'warn',
      message: `${busiest.id} fell ${Math.round(busiest.maxLag)} records behind (partitions ${busiest.partitions.join(', ') || 'none'}): the partitions it owns bring more than its ${spec.consumerRate} records/s.`,
    });
  }
  return out;
}

/** The longest run of whole time buckets without an ack while acked records were still to come or
 * sent records waited: an outage, not the end of the run. */
/** The longest run of seconds without an ack between the first and the last second with one. */
export function longestAckGap(report: Pick<RunReport, 'timeline'>): { seconds: number; fromS: number; toS: number } | null {
  const acked = report.timeline.acked;
  const bucketS = report.timeline.bucketMs / 1000;
  const firstAck = acked.findIndex((n) => n > 0);
  let lastAck = -1;
  acked.forEach((n, i) => { if (n > 0) lastAck = i; });
  let best: { seconds: number; fromS: number; toS: number } | null = null;
  let start = -1;
  // Up to and including the last second with acks: a gap that ends there ends in it.
  for (let i = firstAck + 1; firstAck >= 0 && i <= lastAck; i++) {
    if (acked[i] === 0 && start < 0) start = i;
    if (acked[i] > 0 && start >= 0) {
      const seconds = (i - start) * bucketS;
      if (!best || seconds > best.seconds) best = { seconds, fromS: start * bucketS, toS: i * bucketS };
      start = -1;
    }
  }
  return best;
}
