// Turns engine events into counters and histograms, per phase. Nothing here keeps a record after
// its event is counted: memory depends on partitions, consumers and key cardinality, not run length,
// with two exceptions: unbounded key sources (order_id), whose distinct keys grow with the run (a few
// tens of bytes per key, see key-table.ts), and engines that may lose or duplicate records, for which
// delivery is tracked with three bits per record (delivery-ledger.ts).
import type { EngineListener, PlannedRecord } from '../engines/types.js';
import { LatencyHistogram } from './histogram.js';
import { DeliveryLedger } from './delivery-ledger.js';
import { createKeyTable, type KeyTable } from './key-table.js';
import { LatencyTimeline } from './latency-timeline.js';
import { TimeBuckets } from './time-buckets.js';

export type PhaseName = 'all' | 'before' | 'after';

export interface PhaseWindow {
  name: PhaseName;
  /** Records whose intended send time falls in [startUs, endUs) belong to this phase. */
  startUs: number;
  endUs: number;
  partitions: number;
}

export interface RecorderOptions {
  /** Track every record's delivery (acked, consumed, skipped: three bits per record, so only where
   * records can be lost or consumed twice): duplicates and lost records are then counted exactly.
   * Without it the engine promises every record is acked before it is consumed or skipped, and at
   * most once each (the simulator). */
  trackDuplicates?: boolean;
  phases: PhaseWindow[];
  maxPartitions: number;
  consumers: number;
  keyCardinality: number;
  entityCardinality: number;
  /** Record only what a capacity plan reads from its simulated runs: every counter and flow (so lag is
   * exact), the end-to-end latency histograms and the assignments; no produce-latency histograms,
   * latency timelines, per-key tables or ordering checks (their figures stay at zero). */
  lean?: boolean;
}

/** One producer after partition growth, measured from its acks (the same in both engines). */
export interface ProducerAfterGrowth {
  /** Acked records it sent after the growth moment. */
  records: number;
  /** Of those, records acked on a partition added by growth. */
  onNewPartitions: number;
  /** When its first record on a new partition was acked, µs from the start of the run; null if never. */
  firstOnNewPartitionUs: number | null;
}

export class PhaseAccumulator {
  records = 0;
  bytes = 0;
  acked = 0;
  consumed = 0;
  skipped = 0;
  ackedInWindow = 0;
  consumedInWindow = 0;
  readonly perPartition: Float64Array;
  readonly perPartitionBytes: Float64Array;
  readonly produceLatency = new LatencyHistogram();
  readonly endToEndLatency = new LatencyHistogram();
  readonly consumerRecords: Float64Array;
  /** Records per key index. */
  readonly keyCounts: KeyTable;
  /** First partition each key was seen on, -2 once seen on a second one, -1 never seen. */
  readonly keyPartition: KeyTable;
  violations = 0;
  keysAffected = 0;
  readonly entityAffected: KeyTable;
  worstLatenessUs = 0;
  worstSeqGap = 0;

  constructor(readonly window: PhaseWindow, o: RecorderOptions) {
    this.perPartition = new Float64Array(o.maxPartitions);
    this.perPartitionBytes = new Float64Array(o.maxPartitions);
    this.consumerRecords = new Float64Array(o.consumers);
    this.keyCounts = createKeyTable(o.keyCardinality, 0, 'u32');
    this.keyPartition = createKeyTable(o.keyCardinality, -1, 'i32');
    this.entityAffected = createKeyTable(o.entityCardinality, 0, 'u8');
  }
}

export interface AssignmentChange {
  atUs: number;
  owners: Int32Array;
  reason: string;
}

export class Recorder implements EngineListener {
  readonly phases: PhaseAccumulator[];
  /** Counters over time, one clock for all so their buckets line up: series p = records appended to
   * partition p; maxPartitions + p = records that left p's lag (consumed, or skipped by an offset
   * reset); then ordering violations, records sent (at their intended time), consumed, skipped. */
  readonly flows: TimeBuckets;
  readonly series: { violations: number; sent: number; consumed: number; skipped: number };
  readonly endToEndOverTime = new LatencyTimeline();
  readonly produceOverTime = new LatencyTimeline();
  readonly assignments: AssignmentChange[] = [];
  /** Per producer, how soon it wrote to the partitions added by growth (empty without growth). */
  readonly afterGrowth: ProducerAfterGrowth[] = [];
  totalProduced = 0;
  totalAcked = 0;
  totalConsumed = 0;
  totalSkipped = 0;
  totalDuplicated = 0;
  /** Acked records the run ended without reading that were still in the broker's log (live runs). */
  get totalUnconsumed(): number {
    return this.ledger?.unconsumed ?? 0;
  }
  /** Ordering over the whole run: violations, and distinct entities with at least one (an entity
   * that violates in both phases counts once here, once in each phase). */
  totalViolations = 0;
  keysAffected = 0;
  private readonly entityAffected: KeyTable;
  private readonly ledger: DeliveryLedger | null;
  lastEventUs = 0;
  lastAckUs = 0;
  private readonly maxSeq: KeyTable;
  private readonly maxSeqAtUs: KeyTable;
  private readonly splitAt: number;
  private readonly endUs: number;
  private readonly lean: boolean;

  constructor(readonly options: RecorderOptions) {
    this.lean = options.lean === true;
    // A lean recorder never touches its key and entity tables: they get no room.
    const tables = this.lean ? { ...options, keyCardinality: 0, entityCardinality: 0 } : options;
    this.phases = options.phases.map((w) => new PhaseAccumulator(w, tables));
    this.splitAt = options.phases.length > 1 ? options.phases[1].startUs : Infinity;
    this.endUs = options.phases[options.phases.length - 1].endUs;
    const P = options.maxPartitions;
    this.series = { violations: 2 * P, sent: 2 * P + 1, consumed: 2 * P + 2, skipped: 2 * P + 3 };
    this.flows = new TimeBuckets(2 * P + 4);
    this.ledger = options.trackDuplicates ? new DeliveryLedger() : null;
    this.maxSeq = createKeyTable(tables.entityCardinality, -1);
    this.maxSeqAtUs = createKeyTable(tables.entityCardinality, 0);
    this.entityAffected = createKeyTable(tables.entityCardinality, 0, 'u8');
  }

  private phaseOf(rec: PlannedRecord): PhaseAccumulator {
    return rec.intendedUs < this.splitAt ? this.phases[0] : this.phases[1];
  }

  /** The phase whose time window contains `atUs` (undefined after the end of the run). */
  private phaseAt(atUs: number): PhaseAccumulator | undefined {
    if (atUs >= this.endUs) return undefined;
    return atUs < this.splitAt ? this.phases[0] : this.phases[1];
  }

  sent(rec: PlannedRecord): void {
    this.totalProduced++;
    const ph = this.phaseOf(rec);
    ph.records++;
    ph.bytes += rec.sizeBytes;
    this.flows.add(this.series.sent, rec.intendedUs);
  }

  acked(rec: PlannedRecord, partition: number, _offset: number, atUs: number): void {
    this.totalAcked++;
    this.ledger?.ack(rec.n, partition);
    if (atUs > this.lastEventUs) this.lastEventUs = atUs;
    if (atUs > this.lastAckUs) this.lastAckUs = atUs;
    const ph = this.phaseOf(rec);
    ph.acked++;
    ph.perPartition[partition]++;
    ph.perPartitionBytes[partition] += rec.sizeBytes;
    const win = this.phaseAt(atUs);
    if (win) win.ackedInWindow++;
    this.flows.add(partition, atUs);
    if (rec.intendedUs >= this.splitAt) {
      const g = (this.afterGrowth[rec.producer] ??= { records: 0, onNewPartitions: 0, firstOnNewPartitionUs: null });
      g.records++;
      if (partition >= this.phases[0].window.partitions) {
        g.onNewPartitions++;
        if (g.firstOnNewPartitionUs === null || atUs < g.firstOnNewPartitionUs) g.firstOnNewPartitionUs = atUs;
      }
    }
    if (this.lean) return;
    ph.produceLatency.recordUs(atUs - rec.intendedUs);
    this.produceOverTime.record(atUs, atUs - rec.intendedUs);
    const k = rec.keyIndex;
    if (k >= 0) {
      const counts = ph.keyCounts.dense;
      const firsts = ph.keyPartition.dense;
      if (counts !== null && firsts !== null) {
        counts[k]++;
        const first = firsts[k];
        if (first === -1) firsts[k] = partition;
        else if (first >= 0 && first !== partition) firsts[k] = -2;
      } else {
        ph.keyCounts.set(k, ph.keyCounts.get(k) + 1);
        const first = ph.keyPartition.get(k);
        if (first === -1) ph.keyPartition.set(k, partition);
        else if (first >= 0 && first !== partition) ph.keyPartition.set(k, -2);
      }
    }
  }

  /** Acked records that were never consumed nor skipped (0 for a produce-only run). Exact when records are tracked; otherwise
   * the counters' difference, which the engine's promise keeps ≥ 0: a negative figure is a bug in
   * the accounting and throws rather than being shown as 0. */
  /** Distinct records consumed from another partition than their ack named; null when the engine does not
   * track records (the simulator places each record once, so there is nothing to check). */
  get misplaced(): number | null {
    return this.ledger?.misplaced ?? null;
  }

  get lost(): number {
    // A produce-only run (no consumers) reads nothing back: an unread record is not a lost one.
    if (this.options.consumers === 0) return 0;
    if (this.ledger !== null) return this.ledger.outstanding;
    const lost = this.totalAcked - this.totalConsumed - this.totalSkipped;
    if (lost < 0) {
      throw new Error(`delivery accounting is inconsistent: ${this.totalConsumed} consumed + ${this.totalSkipped} skipped > ${this.totalAcked} acked, ` +
        'though this engine does not track records (it promised never to consume or skip an unacked record)');
    }
    return lost;
  }

  consumed(rec: PlannedRecord, consumer: number, partition: number, _offset: number, atUs: number): void {
    if (this.ledger !== null && !this.ledger.consume(rec.n, partition)) {
      this.totalDuplicated++;
      return;
    }
    this.totalConsumed++;
    if (atUs > this.lastEventUs) this.lastEventUs = atUs;
    const ph = this.phaseOf(rec);
    ph.consumed++;
    ph.consumerRecords[consumer]++;
    ph.endToEndLatency.recordUs(atUs - rec.intendedUs);
    this.flows.add(this.series.consumed, atUs);
    const win = this.phaseAt(atUs);
    if (win) win.consumedInWindow++;
    this.flows.add(this.options.maxPartitions + partition, atUs);
    // Lean: the ordering checks' only flow, violations, lands in the bucket just counted (same atUs), so
    // the flows' extent is the same without them.
    if (this.lean) return;
    this.endToEndOverTime.record(atUs, atUs - rec.intendedUs);
    // Ordering: a record consumed after a higher sequence of its entity was already consumed.
    // Counted in the phase in which it was consumed: growth-induced disorder shows up "after".
    const e = rec.entity;
    const seqs = this.maxSeq.dense;
    const highest = seqs !== null ? seqs[e] : this.maxSeq.get(e);
    if (rec.seq < highest) {
      const at = atUs < this.splitAt ? this.phases[0] : this.phases[this.phases.length - 1];
      at.violations++;
      this.totalViolations++;
      if (this.entityAffected.get(e) === 0) {
        this.entityAffected.set(e, 1);
        this.keysAffected++;
      }
      this.flows.add(this.series.violations, atUs);
      if (at.entityAffected.get(e) === 0) {
        at.entityAffected.set(e, 1);
        at.keysAffected++;
      }
      const lateness = atUs - this.maxSeqAtUs.get(e);
      if (lateness > at.worstLatenessUs) at.worstLatenessUs = lateness;
      if (highest - rec.seq > at.worstSeqGap) at.worstSeqGap = highest - rec.seq;
    } else if (seqs !== null) {
      seqs[e] = rec.seq;
      this.maxSeqAtUs.dense![e] = atUs;
    } else {
      this.maxSeq.set(e, rec.seq);
      this.maxSeqAtUs.set(e, atUs);
    }
  }

  unread(rec: PlannedRecord, _partition: number, _offset: number): void {
    this.ledger?.unread(rec.n);
  }

  skipped(rec: PlannedRecord, partition: number, _offset: number, atUs: number): void {
    this.totalSkipped++;
    this.ledger?.skip(rec.n);
    this.phaseOf(rec).skipped++;
    this.flows.add(this.series.skipped, atUs);
    this.flows.add(this.options.maxPartitions + partition, atUs);
  }

  assigned(atUs: number, owners: Int32Array, reason: string): void {
    this.assignments.push({ atUs, owners: Int32Array.from(owners), reason });
    this.assignments.sort((a, b) => a.atUs - b.atUs);
  }

  /** Owner of each partition at a moment (the latest assignment at or before it). */
  ownersAt(atUs: number): Int32Array {
    let current = this.assignments[0]?.owners ?? new Int32Array(0);
    for (const a of this.assignments) if (a.atUs <= atUs) current = a.owners;
    return current;
  }

  /** Peak lag (records appended, not yet consumed) per partition and per consumer over a time window,
   * sampled at the end of each time bucket. */
  peakLag(startUs: number, endUs: number): { perPartition: number[]; perConsumer: number[] } {
    const parts = this.options.maxPartitions;
    const buckets = this.flows.buckets;
    const width = this.flows.widthUs;
    const perPartition = new Array(parts).fill(0);
    const perConsumer = new Array(this.options.consumers).fill(0);
    const cumA = Array.from({ length: parts }, (_, p) => this.flows.cumulative(p, buckets));
    const cumD = Array.from({ length: parts }, (_, p) => this.flows.cumulative(parts + p, buckets));
    for (let b = 0; b < buckets; b++) {
      const t = (b + 1) * width;
      if (t <= startUs || t - width >= endUs) continue;
      const owners = this.ownersAt(t);
      const byConsumer = new Array(this.options.consumers).fill(0);
      for (let p = 0; p < parts; p++) {
        const lag = cumA[p][b] - cumD[p][b];
        if (lag > perPartition[p]) perPartition[p] = lag;
        const o = p < owners.length ? owners[p] : -1;
        if (o >= 0) byConsumer[o] += lag;
      }
      for (let c = 0; c < byConsumer.length; c++) if (byConsumer[c] > perConsumer[c]) perConsumer[c] = byConsumer[c];
    }
    return { perPartition, perConsumer };
  }
}
