// The embedded simulator: an in-process queueing model of producers, partition leaders and a
// consumer group, in virtual time. Nothing is stored per record beyond what is in flight, so an
// hour of traffic costs seconds and memory stays flat while consumers keep up.
//
// Model (also in the README):
// - Producer k sends record n at its intended time and partitions it with its client profile,
//   using the partition count it knows (metadata refreshes after growth are per producer).
// - Each producer batches per partition as its client does (model.ts, profiles.ts): a batch closes
//   when it holds batch.size bytes or when it has waited linger.ms; a record's produce latency
//   includes its wait in the batch.
// - A closed batch is appended by its partition leader FIFO within the partition's ceiling (records/s
//   and bytes/s), and by the cluster within its ceiling; ack = append end + one request latency drawn
//   from the model's distribution for the run's load and record size (a seeded stream). A partition
//   or cluster offered more than its ceiling builds a queue and produce latency.
// - Each consumer processes records one at a time at `consumerRate` records/s, and no faster than the
//   model's fetch ceilings, in the order they became available on the partitions it owns; a waiting
//   consumer gets a record the model's fetch delay after its ack. A consumer owning a hot partition builds lag.
// - Growth N → M, when the runner calls growPartitions: producers switch at their first metadata
//   refresh after the cluster shows the new partitions (the model's metadata propagation); the group notices after its own refresh, then rebalances: eager stops every consumer for
//   one round, cooperative moves only the partitions that change owner (two rounds). New partitions
//   start at auto.offset.reset.
// - Group changes (--scale-consumers, --kill-consumer) are planned before the run (group-schedule.ts): joins,
//   leaves and crashes, rebalances with the assignor's rounds; a crashed consumer's work since its last commit
//   is read again by the next owner (a duplicate).
import { LIMITS } from '../../config/options.js';
import { consumerSlots, type RunSpec } from '../../config/run-spec.js';
import { runError } from '../../errors.js';
import { ASSIGNORS, memberId, type GroupMember } from '../../groups/assignors.js';
import { createProducerPartitioner, type ProducerPartitioner } from '../../partitioners/producer-partitioner.js';
import { CLIENT_PROFILES, metadataMaxAgeMs, type ClientName } from '../../partitioners/profiles.js';
import { createRng, type Rng } from '../../workload/rng.js';
import type { Clock, Engine, EngineInfo, EngineListener, PlannedRecord, WorkloadInfo } from '../types.js';
import { MinHeap } from './min-heap.js';
import type { GroupChangeRow } from '../../report/schema.js';
import { planGroup, type Ownership } from './group-schedule.js';
import { describeModel, LatencySampler } from './model.js';

/** Records one producer has for one partition, not yet sent. */
interface Batch {
  producer: number;
  partition: number;
  closeUs: number;
  /** Its place among the batches waiting for their linger to end: the order they opened in. */
  seq: number;
  bytes: number;
  recs: PlannedRecord[];
  open: boolean;
}

/** What a sent batch's `recs` become: its records now wait in `inFlight`, in that same array. */
const SENT: PlannedRecord[] = [];

/**
 * Open batches of one linger, in the order their linger ends. Records are sent in time order, so
 * batches open in time order, and with one linger they close in the order they opened: a queue (a
 * ring) does what a heap would, without its sifting. A run has one per distinct linger (one per client
 * of its mix at most), merged by (end, opening order) in closeLingering.
 */
class LingerQueue {
  private ring: (Batch | undefined)[] = new Array(16).fill(undefined);
  private head = 0;
  private count = 0;

  constructor(readonly lingerUs: number) {}

  peek(): Batch | undefined {
    return this.count > 0 ? this.ring[this.head] : undefined;
  }

  push(batch: Batch): void {
    if (this.count === this.ring.length) {
      // Full: unroll into a ring twice the size.
      const ring = new Array<Batch | undefined>(this.count * 2).fill(undefined);
      for (let i = 0; i < this.count; i++) ring[i] = this.ring[(this.head + i) & (this.count - 1)];
      this.ring = ring;
      this.head = 0;
    }
    this.ring[(this.head + this.count) & (this.ring.length - 1)] = batch;
    this.count++;
  }

  shift(): void {
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) & (this.ring.length - 1);
    this.count--;
  }
}


const fmtBytes = (b: number) => (b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : b >= 1e3 ? `${(b / 1e3).toFixed(1)} kB` : `${Math.round(b)} B`);

/** rec.flags bit: the record's ack was reported (it may come back to the queue when its consumer changes). */
const ACKED = 1;

/** The longest consumer queue array kept, empty, for reuse once drained (see release). */
const DRAINED_QUEUE_KEPT = 1024;

export interface SimOptions {
  /** The backlog (records not yet consumed) the simulator may hold, about 200 B each. */
  maxHeldRecords?: number;
  /** The most partitions growPartitions may grow the topic to (default: spec.growTo, else spec.partitions). */
  maxPartitions?: number;
  /** A growth known before the run, planned in start() as the simulator did before it honoured
   * growPartitions; the call must then match it. The reference the on-call growth is tested against. */
  plannedGrowth?: { to: number; atUs: number };
}

/** The simulator of a run, as createEngine makes it for a spec without brokers (its randomness forked
 * from the seed's generator as 'engine'). Importing it alone leaves the live engine's modules unloaded. */
export function createSimEngine(spec: RunSpec): SimEngine {
  return new SimEngine(spec, createRng(spec.seed).fork('engine'));
}

export class SimEngine implements Engine {
  readonly info: EngineInfo;
  readonly clock: Clock;
  private now = 0;
  private listener!: EngineListener;
  private readonly maxPartitions: number;
  private brokerPartitions: number;
  private readonly initialPartitions: number;
  private readonly nextOffset: Float64Array;
  private readonly appendFreeAt: Float64Array;
  private readonly recordServiceUs: number;
  private readonly byteServiceUs: number;
  private readonly clusterRecordServiceUs: number;
  private readonly clusterByteServiceUs: number;
  private clusterFreeAt = 0;
  private readonly ackedUpTo: Float64Array;
  private readonly produceLatencyUs: number | null;
  private readonly latency: LatencySampler;
  private readonly latencyRng: Rng;
  /** Per producer, its open batch per partition; and every open batch by the time its linger ends,
   * in one queue per linger (`lingerQueueOf`: each producer's queue, null when it does not linger). */
  private batches: (Batch | null)[][] = [];
  private lingering: LingerQueue[] = [];
  private lingerQueueOf: (LingerQueue | null)[] = [];
  private lingerSeq = 0;
  private batching: { lingerUs: number; batchBytes: number }[] = [];
  /** The workload's key lengths by key index, when it keeps them (else each key's own length is read). */
  private keyLengths: NonNullable<WorkloadInfo['keyLengths']> | null = null;
  /** A consumer's time per record: its processing (--consumer-rate) and, at least, what the model's
   * fetch ceilings allow (per record and per byte). */
  private readonly consumeServiceUs: number;
  private readonly fetchRecordUs: number;
  private readonly fetchByteUs: number;
  /** From a record's ack until a consumer waiting on a fetch has it (the model's measured median). */
  private readonly fetchDelayUs: number;
  private producers: { partitioner: ProducerPartitioner; knows: number; refreshAtUs: number; maxAgeMs: number }[] = [];
  private readonly consumerFreeAt: Float64Array;
  private readonly ownership: Ownership[][];
  /** The group's assignments over the run when its membership changes (planned in the constructor), else null. */
  private readonly groupAssignments: { atUs: number; owners: Int32Array; reason: string }[] | null = null;
  private readonly memberIds: string[];
  /** Records waiting to become available to their consumer: at their ack, or when their partition gets
   * an owner. A batch's records share their ack and take consecutive places (one heap entry stands for
   * the pushes of its records in offset order, which nothing else can come between: later pushes get
   * later places); a record that has to wait again goes back alone. */
  private readonly inFlight = new MinHeap<PlannedRecord[]>();
  private readonly outputOrder = new MinHeap<number>();
  /** Per consumer, the records it finished, in finishing order (rec.atUs = when): those in
   * [outputHeads[c], outputTails[c]) are not reported yet; slots outside hold nothing. A drained queue
   * keeps its array for the next records (see release). */
  private outputs: (PlannedRecord | undefined)[][];
  private readonly outputHeads: number[];
  private readonly outputTails: number[];
  /** Whether a growth may still come: until it does, every consumption scheduled ahead of the clock is
   * provisional (see growPartitions), and these hold, aligned with `outputs`, when each record became
   * available to its consumer and its reserved place in `inFlight` should it be revoked after all. */
  private revisable: boolean;
  private availableAt: number[][];
  private revokePlaces: number[][];
  private grown = false;

  /** Records sent and not yet consumed, skipped or left for good as lag: what the simulator holds in memory. */
  private held = 0;

  private readonly maxHeldRecords: number;
  private readonly plannedGrowth: { to: number; atUs: number } | null;

  constructor(private readonly spec: RunSpec, private readonly rng: Rng, options: SimOptions = {}) {
    this.maxHeldRecords = options.maxHeldRecords ?? LIMITS.simulatorBacklog;
    this.plannedGrowth = options.plannedGrowth ?? null;
    this.initialPartitions = spec.partitions;
    this.brokerPartitions = spec.partitions;
    this.maxPartitions = Math.max(options.maxPartitions ?? spec.growTo ?? spec.partitions, spec.partitions, this.plannedGrowth?.to ?? 0);
    this.nextOffset = new Float64Array(this.maxPartitions);
    this.appendFreeAt = new Float64Array(this.maxPartitions);
    this.ackedUpTo = new Float64Array(this.maxPartitions);
    const model = spec.model.model;
    const given = spec.simGiven ?? { produceLatency: true, partitionCapacity: true, linger: false, batchSize: false };
    this.recordServiceUs = 1e6 / spec.partitionCapacity;
    // --partition-capacity replaces the model's per-partition ceiling, bytes/s included.
    this.byteServiceUs = given.partitionCapacity ? 0 : 1e6 / model.ceilings.partition.bytesPerSec;
    this.clusterRecordServiceUs = 1e6 / model.ceilings.cluster.recordsPerSec;
    this.clusterByteServiceUs = 1e6 / model.ceilings.cluster.bytesPerSec;
    this.produceLatencyUs = given.produceLatency ? spec.produceLatencyMs * 1000 : null;
    this.latency = new LatencySampler(model, spec.rate);
    this.latencyRng = rng.fork('produce-latency');
    this.consumeServiceUs = 1e6 / spec.consumerRate;
    this.fetchRecordUs = 1e6 / model.consumer.fetchRecordsPerSec;
    this.fetchByteUs = 1e6 / model.consumer.fetchBytesPerSec;
    this.fetchDelayUs = (model.consumer.afterAckMs ?? 0) * 1000;
    const slots = consumerSlots(spec); // members that join later get slots after the initial ones
    this.consumerFreeAt = new Float64Array(slots);
    this.memberIds = Array.from({ length: spec.consumers }, (_, i) => memberId(i, slots));
    this.ownership = Array.from({ length: this.maxPartitions }, () => []);
    this.outputs = Array.from({ length: slots }, () => []);
    this.outputHeads = new Array(slots).fill(0);
    this.outputTails = new Array(slots).fill(0);
    let groupChanges: GroupChangeRow[] = [];
    if (spec.groupChanges.length > 0) {
      if (this.maxPartitions > spec.partitions || this.plannedGrowth) throw new Error('simulator: consumer-group changes and partition growth in one run are not modelled');
      const plan = planGroup({ partitions: spec.partitions, consumers: spec.consumers, slots, assignor: spec.assignor, changes: spec.groupChanges,
        rebalanceUs: spec.rebalanceMs * 1000, sessionTimeoutUs: spec.sessionTimeoutMs * 1000, autoCommitIntervalUs: spec.autoCommitIntervalMs * 1000 });
      this.ownership = plan.ownership;
      this.groupAssignments = plan.assignments;
      groupChanges = plan.changes;
    }
    this.revisable = spec.consumers > 0 && this.maxPartitions > spec.partitions && this.plannedGrowth === null;
    this.availableAt = this.revisable ? Array.from({ length: spec.consumers }, () => []) : [];
    this.revokePlaces = this.revisable ? Array.from({ length: spec.consumers }, () => []) : [];
    const engine = this;
    this.clock = { nowUs: () => engine.now, waitUntil: () => undefined };
    this.info = {
      name: 'sim',
      simulated: true,
      details: {
        model: { name: model.name, source: spec.model.path ?? 'default (shipped with kbench)', measuredAt: model.measuredAt, command: model.command, bootstrap: model.cluster.bootstrap },
        partitionCapacityPerSec: spec.partitionCapacity,
        partitionCapacityBytesPerSec: given.partitionCapacity ? null : model.ceilings.partition.bytesPerSec,
        clusterCeiling: { recordsPerSec: model.ceilings.cluster.recordsPerSec, bytesPerSec: model.ceilings.cluster.bytesPerSec },
        produceLatencyMs: given.produceLatency ? spec.produceLatencyMs : 'drawn from the model',
        batching: spec.producerClients.map((c) => this.batchingOf(c, given)),
        consumerRatePerSec: spec.consumerRate,
        rebalanceMs: spec.rebalanceMs,
        metadataRefreshMs: spec.producerClients.map((c) => metadataMaxAgeMs(spec.metadataRefreshMs, c)),
        autoOffsetReset: spec.autoOffsetReset,
        ...(groupChanges.length ? { sessionTimeoutMs: spec.sessionTimeoutMs, autoCommitIntervalMs: spec.autoCommitIntervalMs, groupChanges } : {}),
      },
      notes: [
        'Simulated in virtual time by kbench\'s queueing model; no broker was involved.',
        `Time model: ${describeModel(spec.model)}.`,
        given.produceLatency
          ? `Every produce request takes ${spec.produceLatencyMs} ms (--produce-latency), plus any queue at its partition.`
          : `Produce request latency is drawn from the model's distribution measured near ${spec.rate.toLocaleString('en-US')} records/s (median ${spec.produceLatencyMs} ms at its lowest load), plus any queue at its partition or the cluster.`,
        `Each partition appends at most ${spec.partitionCapacity.toLocaleString('en-US')} records/s${given.partitionCapacity ? ' (--partition-capacity)' : ` and ${fmtBytes(model.ceilings.partition.bytesPerSec)}/s`}; the cluster at most ${model.ceilings.cluster.recordsPerSec.toLocaleString('en-US')} records/s and ${fmtBytes(model.ceilings.cluster.bytesPerSec)}/s.`,
        `Producers batch per partition: ${[...new Set(spec.producerClients)].map((c) => { const b = this.batchingOf(c, given); return `${c} linger ${b.lingerMs} ms, batch ${fmtBytes(b.batchBytes)}`; }).join('; ')}${given.linger || given.batchSize ? ' (as given)' : ' (each client\'s defaults)'}.`,
        `Each consumer processes ${spec.consumerRate.toLocaleString('en-US')} records/s, in the order records became available on its partitions, `
          + `and reads at most ${model.consumer.fetchRecordsPerSec.toLocaleString('en-US')} records/s and ${fmtBytes(model.consumer.fetchBytesPerSec)}/s (the model's fetch ceilings); `
          + (model.consumer.afterAckMs === undefined
            ? 'a record reaches a waiting consumer at its ack (this model has no fetch delay).'
            : `a record reaches a waiting consumer ${model.consumer.afterAckMs} ms after its ack (the model's fetch delay).`),
        'Producers use the exact partitioners of their client profiles; the group uses the exact assignor.',
        'The other live producer settings (acks, idempotence, in-flight sends, compression) are those the model was measured with, not the run\'s.',
        ...(groupChanges.length ? [
          'Group changes: a join or a clean leave rebalances at once (a leaving member commits first); a crashed member stops without committing, '
          + `the group rebalances after the session timeout (${spec.sessionTimeoutMs / 1000} s), and the records it processed since its last commit `
          + `(every ${spec.autoCommitIntervalMs / 1000} s, and at each rebalance) are read again by the next owners: counted as duplicated, not as ordering violations.`,
        ] : []),
        ...(spec.consumers === 0 ? ['Produce-only run (--consumers 0): no consumer group; latency is produce latency only, and nothing is counted as lost for not being read.'] : []),
      ],
      mayDuplicate: groupChanges.some((g) => g.kind === 'crash'),
    };
  }

  async start(listener: EngineListener, workload: WorkloadInfo): Promise<void> {
    this.listener = listener;
    this.keyLengths = workload.keyLengths ?? null;
    const given = this.spec.simGiven ?? { produceLatency: true, partitionCapacity: true, linger: false, batchSize: false };
    this.batching = this.spec.producerClients.map((c) => { const b = this.batchingOf(c, given); return { lingerUs: b.lingerMs * 1000, batchBytes: b.batchBytes }; });
    this.batches = this.spec.producerClients.map(() => new Array<Batch | null>(this.maxPartitions).fill(null));
    for (const { lingerUs } of this.batching) {
      if (lingerUs > 0 && !this.lingering.some((q) => q.lingerUs === lingerUs)) this.lingering.push(new LingerQueue(lingerUs));
    }
    this.lingerQueueOf = this.batching.map(({ lingerUs }) => this.lingering.find((q) => q.lingerUs === lingerUs) ?? null);
    this.producers = this.spec.producerClients.map((name, k) => {
      let profile = CLIENT_PROFILES[name];
      // Java's built-in partitioner switches a null key's partition after batch.size bytes.
      if (name === 'java' && given.batchSize && profile.nullKey.kind === 'sticky-bytes') {
        profile = { ...profile, nullKey: { ...profile.nullKey, limitBytes: Math.max(1, this.spec.batchBytes) } };
      }
      return {
        partitioner: createProducerPartitioner(profile, this.rng.fork(`producer-${k}`), this.spec.explicitPartition, workload.keyCardinality,
          workload.keyHashes?.for(profile) ?? null),
        knows: this.spec.partitions,
        refreshAtUs: Infinity,
        maxAgeMs: metadataMaxAgeMs(this.spec.metadataRefreshMs, name),
      };
    });
    if (this.groupAssignments) {
      for (const a of this.groupAssignments) listener.assigned(a.atUs, a.owners, a.reason);
    } else {
      const owners = this.assign(this.initialPartitions, null);
      for (let p = 0; p < this.initialPartitions; p++) this.ownership[p].push({ from: 0, to: Infinity, owner: owners[p] });
      listener.assigned(0, owners, 'initial assignment');
    }
    if (this.plannedGrowth) this.planGrowth(this.plannedGrowth.to, this.plannedGrowth.atUs);
  }

  send(rec: PlannedRecord): void {
    if (++this.held > this.maxHeldRecords) {
      // Consumers far slower than producers: every record waits in memory. Stop with what was measured
      // instead of running the process out of memory.
      throw runError(`the simulated consumer backlog passed ${this.maxHeldRecords.toLocaleString('en-US')} records (about 200 B of memory each); the run stops here: raise --consumer-rate or --consumers, lower --rate, or shorten --duration`);
    }
    const t = rec.intendedUs;
    this.closeLingering(t);
    this.advance(t);
    this.now = t;
    this.listener.sent(rec);
    const producer = this.producers[rec.producer];
    if (t >= producer.refreshAtUs) producer.knows = this.brokerPartitions;
    // Only null keys use the record size (byte-sticky strategies), and their key adds no bytes.
    const partition = producer.partitioner.partition(rec.key, producer.knows, rec.sizeBytes, t, rec.keyIndex);
    rec.partition = partition;
    const { lingerUs, batchBytes } = this.batching[rec.producer];
    const open = this.batches[rec.producer];
    let batch = open[partition];
    if (batch === null) {
      batch = { producer: rec.producer, partition, closeUs: t + lingerUs, seq: this.lingerSeq++, bytes: 0, recs: [], open: true };
      open[partition] = batch;
      if (lingerUs > 0) this.lingerQueueOf[rec.producer]!.push(batch);
    }
    batch.recs.push(rec);
    const key = rec.key;
    batch.bytes += rec.sizeBytes + (key === null ? 0 : this.keyLengths !== null ? this.keyLengths.lengthOf(rec.keyIndex, key) : key.length);
    if (lingerUs === 0 || batch.bytes >= batchBytes) this.sendBatch(rec.producer, batch, t);
  }

  /** The batch leaves its producer at `atUs`: appended within the partition's and the cluster's
   * ceilings, acked one drawn request latency later. Offsets are given in append order. */
  private sendBatch(producer: number, batch: Batch, atUs: number): void {
    batch.open = false;
    this.batches[producer][batch.partition] = null;
    const n = batch.recs.length;
    const p = batch.partition;
    const start = Math.max(atUs, this.appendFreeAt[p]);
    const clusterStart = Math.max(atUs, this.clusterFreeAt);
    this.clusterFreeAt = clusterStart + Math.max(n * this.clusterRecordServiceUs, batch.bytes * this.clusterByteServiceUs);
    const appended = Math.max(start + Math.max(n * this.recordServiceUs, batch.bytes * this.byteServiceUs), this.clusterFreeAt);
    this.appendFreeAt[p] = appended;
    // A partition's records become readable in offset order: a batch is not acked before the one appended ahead of it.
    const ack = Math.max(this.ackedUpTo[p], appended + (this.produceLatencyUs ?? this.latency.sampleMs(batch.bytes / n, this.latencyRng.next()) * 1000));
    this.ackedUpTo[p] = ack;
    const recs = batch.recs;
    for (let i = 0; i < n; i++) recs[i].offset = this.nextOffset[p]++;
    this.inFlight.push(ack, recs, this.inFlight.reserve(n));
    batch.recs = SENT;
  }

  /** Sends, in time order, every batch whose linger ended by `untilUs`. */
  private closeLingering(untilUs: number): void {
    const queues = this.lingering;
    for (;;) {
      let next: Batch | undefined;
      let from: LingerQueue | undefined;
      for (let q = 0; q < queues.length; q++) {
        const b = queues[q].peek();
        if (b !== undefined && (next === undefined || b.closeUs < next.closeUs || (b.closeUs === next.closeUs && b.seq < next.seq))) {
          next = b;
          from = queues[q];
        }
      }
      if (next === undefined || next.closeUs > untilUs) return;
      from!.shift();
      if (!next.open) continue; // sent when it filled up
      this.sendBatch(next.producer, next, next.closeUs);
    }
  }

  /** The linger and batch size a producer of client `c` uses: --linger / --batch-size when given, else its client's defaults. */
  private batchingOf(c: ClientName, given: { linger: boolean; batchSize: boolean }): { lingerMs: number; batchBytes: number } {
    const profile = CLIENT_PROFILES[c];
    return { lingerMs: given.linger ? this.spec.lingerMs : profile.lingerMs, batchBytes: given.batchSize ? Math.max(1, this.spec.batchBytes) : profile.batchBytes };
  }

  /**
   * Grows the topic to `to` partitions at `atUs`, which must lie after every record sent so far (the
   * runner calls it before sending the first record due at or after it). The spec's growth is not read
   * here: the growth happens because it is called, and without a call there is none.
   *
   * Consumption is scheduled ahead of the runner's clock: when a record becomes available (at its ack),
   * its consumer's start and finish times are computed at once, and the record waits in its consumer's
   * queue until the clock passes its finish. A growth only changes ownership from the moment the group
   * notices it, after a metadata refresh that comes after `atUs`, so it can only invalidate consumptions
   * that start at or after that moment: they are in the tails of the consumers' queues, not yet
   * reported. Here each consumer's queue is replayed with the new ownership, exactly as `deliver` would
   * have decided had the growth been known when those records became available: a record whose
   * partition is revoked before its turn goes back to `inFlight` (at the place in its order reserved
   * when it became available, so same-instant events keep their order) and the records behind it start
   * sooner. The results are those of planning the growth before the run, which the simulator did when
   * it read the growth from the spec.
   */
  growPartitions(to: number, atUs: number): void {
    if (this.grown) throw new Error('simulator: the partition count grows once per run');
    if (this.plannedGrowth) {
      if (to !== this.plannedGrowth.to || atUs !== this.plannedGrowth.atUs) {
        throw new Error(`simulator: growth to ${to} at ${atUs} µs does not match the planned growth`);
      }
      this.grown = true;
      return;
    }
    if (!Number.isInteger(to) || to <= this.brokerPartitions) {
      throw new Error(`simulator: cannot grow from ${this.brokerPartitions} to ${to} partitions; Kafka can only add partitions`);
    }
    if (to > this.maxPartitions) {
      throw new Error(`simulator: cannot grow to ${to} partitions: the engine was created for at most ${this.maxPartitions} (SimOptions.maxPartitions)`);
    }
    if (!(atUs > this.now)) {
      throw new Error(`simulator: growth at ${atUs} µs is not after the last record sent (${this.now} µs)`);
    }
    this.grown = true;
    this.planGrowth(to, atUs);
    if (this.revisable) {
      for (let c = 0; c < this.spec.consumers; c++) this.replayQueue(c);
      this.revisable = false;
      this.availableAt = [];
      this.revokePlaces = [];
    }
  }

  /** Re-decides, with the ownership as it now stands, the consumptions queued for consumer `c`. */
  private replayQueue(c: number): void {
    const out = this.outputs[c];
    const available = this.availableAt[c];
    const places = this.revokePlaces[c];
    // The head started by the clock (its consumer was free, or its predecessor was reported as consumed,
    // both at or before the clock), and ownership changes only after the clock: it stays.
    const head = this.outputHeads[c];
    const tail = this.outputTails[c];
    if (tail - head < 2) return;
    let free = out[head]!.atUs;
    let kept = head + 1;
    for (let j = head + 1; j < tail; j++) {
      const rec = out[j]!;
      const atUs = available[j];
      const stretch = this.ownerAt(rec.partition, atUs);
      const start = Math.max(atUs + this.fetchDelayUs, free);
      if (start >= stretch.to) {
        this.inFlight.push(stretch.to, [rec], places[j]); // revoked before its turn came, as in deliver
        continue;
      }
      free = start + this.serviceUs(rec);
      rec.atUs = free;
      out[kept] = rec;
      available[kept] = atUs;
      places[kept] = places[j];
      kept++;
    }
    out.fill(undefined, kept, tail);
    this.outputTails[c] = kept;
    available.length = kept;
    places.length = kept;
    this.consumerFreeAt[c] = free;
  }

  private planGrowth(to: number, atUs: number): void {
    const from = this.brokerPartitions;
    this.brokerPartitions = to;
    // A client sees the new partitions at its first refresh after the cluster's metadata shows them.
    const shownUs = atUs + this.spec.model.model.metadataPropagationMs * 1000;
    for (const p of this.producers) p.refreshAtUs = shownUs + this.refreshDelayUs(p.maxAgeMs);
    if (this.spec.consumers === 0) {
      // Produce-only: no group to rebalance; the new partitions are read by nobody, like the old ones.
      for (let p = from; p < to; p++) this.ownership[p].push({ from: 0, to: Infinity, owner: -1 });
      this.info.details.growth = { from, to, atMs: atUs / 1000, groupRebalanceAtMs: null, producerRefreshAtMs: this.producers.map((p) => p.refreshAtUs / 1000) };
      return;
    }
    // kafkajs: every member checks for new partitions after its own refresh; Java and the others:
    // the leader's refresh triggers the rejoin. Either way, the first check to fire starts the rebalance.
    const groupMaxAgeMs = metadataMaxAgeMs(this.spec.metadataRefreshMs, this.spec.client);
    const checks = this.spec.client === 'kafkajs' || this.spec.client === 'kafkajs-legacy' ? this.spec.consumers : 1;
    let detectedUs = Infinity;
    for (let i = 0; i < checks; i++) detectedUs = Math.min(detectedUs, shownUs + this.refreshDelayUs(groupMaxAgeMs));
    const round = this.spec.rebalanceMs * 1000;
    const before = this.ownersAt(Infinity, from);
    const after = this.assign(to, before);
    const cooperative = ASSIGNORS[this.spec.assignor].rebalance === 'cooperative';
    for (let p = 0; p < from; p++) {
      const moves = before[p] !== after[p];
      if (!cooperative) this.reassign(p, detectedUs, detectedUs + round, after[p]);
      // Cooperative: the losing member keeps consuming through the first round and revokes at its end
      // (as group-schedule.ts and Java's ConsumerCoordinator do); the new owner gets it in the second.
      else if (moves) this.reassign(p, detectedUs + round, detectedUs + 2 * round, after[p]);
    }
    for (let p = from; p < to; p++) {
      this.ownership[p].push({ from: 0, to: detectedUs + round, owner: -1 }, { from: detectedUs + round, to: Infinity, owner: after[p] });
    }
    if (!cooperative) this.listener.assigned(detectedUs, new Int32Array(to).fill(-1), 'eager rebalance: every partition revoked');
    const firstRound = Int32Array.from({ length: to }, (_, p) => (p < from && before[p] !== after[p] ? -1 : after[p]));
    this.listener.assigned(detectedUs + round, cooperative ? firstRound : after, `rebalance after growth ${from} → ${to}`);
    if (cooperative && firstRound.some((o, p) => o !== after[p])) this.listener.assigned(detectedUs + 2 * round, after, 'cooperative second round');
    this.info.details.growth = { from, to, atMs: atUs / 1000, groupRebalanceAtMs: detectedUs / 1000,
      producerRefreshAtMs: this.producers.map((p) => p.refreshAtUs / 1000) };
  }

  async drain(): Promise<void> {
    this.closeLingering(Infinity);
    this.advance(Infinity);
  }

  async close(): Promise<void> {}

  /** A refresh timer's phase is independent of the growth moment: uniform over one max age. */
  private refreshDelayUs(maxAgeMs: number): number {
    return (1 - this.rng.next()) * maxAgeMs * 1000;
  }

  private assign(partitions: number, previous: Int32Array | null): Int32Array {
    if (this.memberIds.length === 0) return new Int32Array(partitions).fill(-1); // produce-only: no group
    const members: GroupMember[] = this.memberIds.map((id, i) => ({
      id,
      topics: ['topic'],
      owned: previous ? [...previous].flatMap((o, p) => (o === i ? [{ topic: 'topic', partition: p }] : [])) : [],
    }));
    const result = ASSIGNORS[this.spec.assignor].assign(members, { topic: partitions });
    const owners = new Int32Array(partitions).fill(-1);
    this.memberIds.forEach((id, i) => { for (const tp of result.get(id) ?? []) owners[tp.partition] = i; });
    return owners;
  }

  private ownersAt(atUs: number, partitions: number): Int32Array {
    return Int32Array.from({ length: partitions }, (_, p) => this.ownerAt(p, atUs).owner);
  }

  private ownerAt(partition: number, atUs: number): Ownership {
    const list = this.ownership[partition];
    for (const o of list) if (atUs >= o.from && atUs < o.to) return o;
    return list[list.length - 1];
  }

  /** Ends the current owner's stretch at `stopUs`; nobody owns it until `resumeUs`, then `owner`. */
  private reassign(partition: number, stopUs: number, resumeUs: number, owner: number): void {
    const list = this.ownership[partition];
    list[list.length - 1].to = stopUs;
    list.push({ from: stopUs, to: resumeUs, owner: -1 }, { from: resumeUs, to: Infinity, owner });
  }

  /** Processes every availability event due by `untilUs`, then releases consumption events
   * that no future event can precede. */
  private advance(untilUs: number): void {
    while (this.inFlight.size && this.inFlight.peekTime() <= untilUs) {
      const at = this.inFlight.peekTime();
      const recs = this.inFlight.pop()!;
      for (let i = 0; i < recs.length; i++) this.deliver(recs[i], at);
    }
    this.release(Math.min(this.inFlight.peekTime(), untilUs));
  }

  private serviceUs(rec: PlannedRecord): number {
    return Math.max(this.consumeServiceUs, this.fetchRecordUs + rec.sizeBytes * this.fetchByteUs);
  }

  private deliver(rec: PlannedRecord, atUs: number): void {
    const partition = rec.partition;
    if ((rec.flags & ACKED) === 0) {
      rec.flags |= ACKED;
      this.listener.acked(rec, partition, rec.offset, atUs);
    }
    const stretch = this.ownerAt(partition, atUs);
    if (stretch.owner < 0) {
      if (stretch.to === Infinity) {
        this.held--; // nobody will ever own it: it stays as lag, and is no longer held
        return;
      }
      const neverCommitted = partition >= this.initialPartitions && this.ownership[partition][0] === stretch;
      if (neverCommitted && this.spec.autoOffsetReset === 'latest') {
        // The first owner starts at the log end as it was when it got the partition.
        this.listener.skipped(rec, partition, rec.offset, stretch.to);
        this.held--;
        return;
      }
      this.inFlight.push(stretch.to, [rec]);
      return;
    }
    const c = stretch.owner;
    // A consumer waiting on a fetch gets the record the model's fetch delay after its ack; a busy one
    // when it is done with what it has (no further fetch round trip is added: at the loads where a
    // consumer is busy, its fetches return full batches and their round trip is within the fetch ceiling).
    const start = Math.max(atUs + this.fetchDelayUs, this.consumerFreeAt[c]);
    if (start >= stretch.to) {
      this.inFlight.push(stretch.to, [rec]); // revoked before its turn came: the next owner reads it
      return;
    }
    const done = start + this.serviceUs(rec);
    if (stretch.crash && done > stretch.to) {
      this.inFlight.push(stretch.to, [rec]); // still in progress when its consumer crashed: the next owner reads it
      return;
    }
    this.consumerFreeAt[c] = done;
    rec.atUs = done;
    if (stretch.crash && done > stretch.crash.commitUs) {
      // Processed after the crashed consumer's last commit: the next owner reads it again from the committed offset.
      this.inFlight.push(stretch.to, [{ ...rec }]);
      this.held++;
      stretch.crash.report.redelivered!++;
    }
    const tail = this.outputTails[c];
    if (tail === this.outputHeads[c]) this.outputOrder.push(done, c);
    this.outputs[c][tail] = rec;
    this.outputTails[c] = tail + 1;
    if (this.revisable) {
      this.availableAt[c].push(atUs);
      this.revokePlaces[c].push(this.inFlight.reserve());
    }
  }

  /** Emits consumption events with time ≤ watermark in global time order: a k-way merge (a heap of
   * consumers keyed by their next event) of the consumers' queues, each already in time order. */
  private release(watermarkUs: number): void {
    const heads = this.outputHeads;
    const tails = this.outputTails;
    while (this.outputOrder.size && this.outputOrder.peekTime() <= watermarkUs) {
      const c = this.outputOrder.peek()!;
      const out = this.outputs[c];
      const rec = out[heads[c]]!;
      out[heads[c]++] = undefined; // the engine keeps no record it reported
      this.listener.consumed(rec, c, rec.partition, rec.offset, rec.atUs);
      this.held--;
      if (heads[c] < tails[c]) {
        this.outputOrder.replaceTop(out[heads[c]]!.atUs, c);
        if (heads[c] > 65536 && heads[c] * 2 > tails[c]) {
          // A backlogged consumer drained from the front for a long time: drop the consumed prefix.
          this.outputs[c] = out.slice(heads[c], tails[c]);
          if (this.revisable) {
            this.availableAt[c] = this.availableAt[c].slice(heads[c]);
            this.revokePlaces[c] = this.revokePlaces[c].slice(heads[c]);
          }
          tails[c] -= heads[c];
          heads[c] = 0;
        }
      } else {
        this.outputOrder.pop();
        // Drained: the array stays for the consumer's next records. Truncating it frees its storage
        // and the next record allocates new storage: an allocation per record when consumers are many
        // and each mostly idle (a plan row with one consumer per partition). Only a long one, left by
        // a backlog, is let go.
        if (out.length > DRAINED_QUEUE_KEPT) this.outputs[c] = [];
        if (this.revisable) {
          this.availableAt[c].length = 0;
          this.revokePlaces[c].length = 0;
        }
        heads[c] = 0;
        tails[c] = 0;
      }
    }
  }
}
