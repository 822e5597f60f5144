// One slice of a live run, in its own worker thread: some of the run's producers (each a
// BatchingProducer with its client profile's partitioner) and some of its consumers (members of
// the run's group), with their own clients of the run's drivers. It sends the records the
// coordinator hands it and reports, in packed batches, every ack and every consumption as it happened.
import { consumerSlots } from '../../config/run-spec.js';
import type { Driver, DriverConsumer } from '../../drivers/driver.js';
import { describeError, isRetriable } from '../../drivers/errors.js';
import { loadDriver } from '../../drivers/load.js';
import { ASSIGNORS, memberId } from '../../groups/assignors.js';
import { createProducerPartitioner } from '../../partitioners/producer-partitioner.js';
import { CLIENT_PROFILES, metadataMaxAgeMs } from '../../partitioners/profiles.js';
import { createRng } from '../../workload/rng.js';
import { BatchingProducer } from './batching-producer.js';
import { consumerHeartbeatMs } from './consumer-heartbeat.js';
import { readTracking, TRACKING_BYTES, TRACKING_HEADER, writeTracking, type TrackedFields } from './record-codec.js';
import { ACKED, CONSUMED, EVENT_STRIDE, SEND, SEND_STRIDE, epochMs, writeEvent, type FromSlice, type SliceSetup, type ToSlice } from './slice-protocol.js';

/** A record in flight: what its ack event repeats. */
interface SentRecord extends TrackedFields {
  /** The planned value size (what the report counts) and the key and value bytes sent (back-pressure). */
  sizeBytes: number;
  wireBytes: number;
}

const EVENTS_PER_MESSAGE = 4096;


/** A consumer's processing budget: `rate` records a second, with no credit saved up while idle. */
class ConsumerPace {
  private nextAt = 0;
  constructor(private readonly rate: number) {}

  /** Waits for the next record's turn (heartbeating through long waits); false if `go` turns false. */
  async turn(heartbeat: () => Promise<void>, go: () => boolean): Promise<boolean> {
    const now = performance.now();
    this.nextAt = Math.max(this.nextAt, now) + 1000 / this.rate;
    for (let wait = this.nextAt - 1000 / this.rate - now; wait > 1; wait = this.nextAt - 1000 / this.rate - performance.now()) {
      if (!go()) return false;
      await new Promise((r) => setTimeout(r, Math.min(wait, 500)));
      await heartbeat().catch(() => undefined);
    }
    return go();
  }
}

export class LiveSlice {
  private producerDriver: Driver | null = null;
  private consumerDriver: Driver | null = null;
  private readonly producers = new Map<number, BatchingProducer<SentRecord>>();
  private readonly consumers = new Map<number, DriverConsumer>();
  /** performance.now() at the run's zero; provisional until the coordinator starts the run. */
  private originEpochMs = epochMs();
  private running = false;
  private failed = false;
  private events = new Float64Array(EVENTS_PER_MESSAGE * EVENT_STRIDE);
  private eventCount = 0;
  private flushScheduled = false;
  private readonly fetchReported = new Set<number>();

  constructor(private readonly setup: SliceSetup, private readonly post: (m: FromSlice, transfer?: ArrayBuffer[]) => void) {}

  /** The drivers' facts for the report (kafkajs: whether its fast path is in place in this thread). */
  get details(): Record<string, string | number | boolean> {
    return { ...this.consumerDriver?.details, ...this.producerDriver?.details };
  }

  private nowUs = () => (epochMs() - this.originEpochMs) * 1000;

  private fail(message: string, code = 'KBENCH_RUN_FAILED'): void {
    if (this.failed) return;
    this.failed = true;
    this.flushEvents();
    this.post({ t: 'failed', message, code });
  }

  async start(): Promise<void> {
    const { spec, brokers, connectTimeoutMs, clientId, security } = this.setup;
    const connect = { brokers, connectTimeoutMs, clientId, security, rideThroughMs: spec.deliveryTimeoutMs };
    const producerDriver = (this.producerDriver = await loadDriver(spec.driver, connect));
    this.consumerDriver = this.setup.consumerDriver === spec.driver ? producerDriver : await loadDriver(this.setup.consumerDriver, connect);
    const later = new Set(this.setup.joinLater ?? []);
    await Promise.all(this.setup.consumers.filter((c) => !later.has(c)).map((c) => this.startConsumer(c)));
    const engineRng = createRng(spec.seed).fork('engine');
    for (const k of this.setup.producers) {
      const profile = CLIENT_PROFILES[spec.producerClients[k]];
      const producer = new BatchingProducer<SentRecord>({
        producer: producerDriver.producer({
          idempotent: spec.idempotent, maxInFlight: spec.maxInFlight, lingerMs: spec.lingerMs, batchBytes: spec.batchBytes,
          metadataMaxAgeMs: metadataMaxAgeMs(spec.metadataRefreshMs, profile.name),
        }),
        batching: producerDriver.capabilities.batching,
        topic: this.setup.topic,
        settings: spec,
        partitioner: createProducerPartitioner(profile, engineRng.fork(`producer-${k}`), spec.explicitPartition, this.setup.keyCardinality),
        partitions: Math.max(spec.partitions, spec.growTo ?? 0),
        nowUs: this.nowUs,
        onAcked: (r, partition, offset, atUs) => this.event(ACKED, r, r.sizeBytes, partition, offset, atUs, r.wireBytes),
        onFailed: (e) => this.fail(`producer ${k + 1} could not send: ${describeError(e)}`),
      });
      await producer.connect();
      this.producers.set(k, producer);
    }
  }

  private async startConsumer(c: number): Promise<void> {
    const { spec, topic, groupId } = this.setup;
    const consumer = this.consumerDriver!.consumer({
      groupId,
      topics: [topic],
      protocol: 'classic',
      // --assignor kafkajs is kafkajs's own round-robin (the library's default); the others are
      // kbench's exact ports of Java's, run by the driver as the group's client-side assignor.
      ...(spec.assignor === 'kafkajs' ? {} : { assignor: ASSIGNORS[spec.assignor] }),
      metadataMaxAgeMs: metadataMaxAgeMs(spec.metadataRefreshMs, spec.client),
      maxWaitMs: 100,
      // The broker bounds the session itself (group.min/max.session.timeout.ms) and refuses the join
      // with a clear error outside them.
      heartbeatIntervalMs: consumerHeartbeatMs(spec.sessionTimeoutMs),
      sessionTimeoutMs: spec.sessionTimeoutMs,
      fromBeginning: spec.autoOffsetReset === 'earliest',
      // Java's schedule: every --auto-commit-interval, before a rejoin and before leaving.
      autoCommit: { intervalMs: spec.autoCommitIntervalMs },
      // A paced consumer may leave a batch part-way (a rebalance): it then marks what it processed.
      autoResolve: !spec.consumerPaced,
      // A freshly started broker answers "the coordinator is loading" until __consumer_offsets is
      // loaded, which takes over 10 s on a busy machine, and a broker restarting mid-run refuses
      // connections for a few seconds. Kafka's consumers keep retrying through both; so do these:
      // while the group forms (bounded by the coordinator's settle wait) a consumer that gives up is
      // always restarted, and during the run whenever its error is one a client retries. A broker
      // that stays down ends the run through the producers' bounded retries and the drain timeout.
      restartOnFailure: (e) => !this.running || isRetriable(e),
    });
    this.consumers.set(c, consumer);
    let assigned: number[] = [];
    consumer.on('assigned', (assignment) => {
      this.fetchReported.delete(c);
      this.flushEvents(); // consumption before the join stays before it
      assigned = assignment[topic] ?? [];
      this.post({ t: 'joined', consumer: c, assignment, atEpochMs: epochMs() });
    });
    consumer.on('fetched', () => {
      if (this.fetchReported.has(c)) return;
      this.fetchReported.add(c);
      this.flushEvents();
      if (this.running) return this.post({ t: 'fetched', consumer: c });
      // Before the run, the topic is still empty: the member commits offset 0 of its partitions, as a
      // group that has been reading the topic all along has committed offsets. Without them, a member
      // that crashed before its first auto-commit would hand its partitions over with nothing
      // committed, and the next owner would start at auto.offset.reset (latest) and skip what it had
      // not read, instead of reading again what it had (Java's and the simulator's case).
      const parts = assigned;
      (parts.length ? consumer.commit(parts.map((partition) => ({ topic, partition, offset: 0 }))) : Promise.resolve())
        .then(() => this.post({ t: 'fetched', consumer: c }), () => this.fetchReported.delete(c)); // a stale generation: the next fetch tries again
    });
    consumer.on('committed', () => this.post({ t: 'committed', consumer: c, atEpochMs: epochMs() }));
    consumer.on('rebalancing', () => {
      this.flushEvents(); // consumption before it stays before it
      this.post({ t: 'rebalancing', consumer: c, atEpochMs: epochMs() });
    });
    consumer.on('crashed', (error, restarting) => {
      if (restarting) return; // restarted while the group forms: not a failure
      this.fail(`consumer ${memberId(c, consumerSlots(spec))} crashed: ${describeError(error)}`);
    });
    const tracked: TrackedFields = { n: 0, producer: 0, keyIndex: 0, entity: 0, seq: 0, intendedUs: 0 };
    const pace = spec.consumerPaced ? new ConsumerPace(spec.consumerRate) : null;
    await consumer.run(async (batch, control) => {
      let atUs = this.nowUs();
      for (const m of batch.records) {
        if (!readTracking(m.headers[TRACKING_HEADER], tracked)) {
          if (pace) control.markProcessed(m.offset);
          continue; // not a kbench record
        }
        if (pace) {
          // A consumer that can process only so many records a second (--consumer-rate): each
          // record is consumed when its turn comes, and the batch stops if the group moved on.
          if (!(await pace.turn(control.heartbeat, control.stillOwned))) return;
          atUs = this.nowUs();
        }
        this.event(CONSUMED, tracked, m.value?.length ?? 0, batch.partition, m.offset, atUs, 0, c);
        if (pace) control.markProcessed(m.offset);
      }
    });
  }

  private event(kind: number, r: TrackedFields, sizeBytes: number, partition: number, offset: number, atUs: number, wireBytes: number, consumer = -1): void {
    writeEvent(this.events, this.eventCount, kind, r, sizeBytes, partition, offset, atUs, wireBytes, consumer);
    if (++this.eventCount === EVENTS_PER_MESSAGE) this.flushEvents();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushEvents());
    }
  }

  private flushEvents(): void {
    this.flushScheduled = false;
    if (this.eventCount === 0) return;
    // A copy sized to what is used moves to the coordinator; the full-size buffer stays for reuse.
    // Handing over the buffer itself meant a new 400 KB array per flush, and at moderate rates a flush
    // comes every few events: the thread spent its time in garbage collection and acks waited for it.
    const data = this.events.slice(0, this.eventCount * EVENT_STRIDE);
    this.post({ t: 'events', data, count: this.eventCount }, [data.buffer]);
    this.eventCount = 0;
  }

  async handle(m: ToSlice): Promise<void> {
    switch (m.t) {
      case 'run':
        this.originEpochMs = m.originEpochMs;
        this.running = true;
        return;
      case 'send':
        return this.send(m.meta, m.bytes, m.count);
      case 'drain':
        await Promise.all([...this.producers.values()].map((p) => p.drain()));
        this.flushEvents();
        this.post({ t: 'drained' });
        return;
      // Not awaited: a member joining or leaving takes a rebalance, and the records behind the order
      // must not wait for it.
      case 'join':
        this.startConsumer(m.consumer).catch((e: unknown) => this.fail(`consumer ${memberId(m.consumer, consumerSlots(this.setup.spec))} could not join: ${describeError(e)}`));
        return;
      case 'leave':
        void this.leave(m.consumer);
        return;
      case 'close':
        await this.close();
        this.post({ t: 'closed' });
        return;
    }
  }

  private send(meta: Float64Array, bytes: Uint8Array, count: number): void {
    if (this.failed) return;
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Every record's tracking header, written into one buffer (one allocation per batch).
    const tracking = Buffer.allocUnsafeSlow(count * TRACKING_BYTES);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const m = i * SEND_STRIDE;
      const keyLength = meta[m + SEND.keyLength];
      const valueLength = meta[m + SEND.valueLength];
      const key = keyLength < 0 ? null : buf.subarray(at, (at += keyLength));
      const value = buf.subarray(at, (at += valueLength));
      const r: SentRecord = {
        n: meta[m + SEND.n], producer: meta[m + SEND.producer], keyIndex: meta[m + SEND.keyIndex], entity: meta[m + SEND.entity], seq: meta[m + SEND.seq],
        intendedUs: meta[m + SEND.intendedUs], sizeBytes: meta[m + SEND.sizeBytes], wireBytes: valueLength + Math.max(keyLength, 0),
      };
      writeTracking(r, tracking, i * TRACKING_BYTES);
      const headers = { [TRACKING_HEADER]: tracking.subarray(i * TRACKING_BYTES, (i + 1) * TRACKING_BYTES) };
      // Back-pressure is the coordinator's: it holds no more than a few batches per producer in flight.
      this.producers.get(r.producer)!.add({ key, value, headers, tag: r });
    }
  }

  /** A clean leave (--scale-consumers down): the member stops fetching, commits what it processed and
   * sends LeaveGroup (java-commits.ts), so the group rebalances at once and reads nothing twice. */
  private async leave(c: number): Promise<void> {
    const consumer = this.consumers.get(c);
    if (!consumer) return;
    this.consumers.delete(c);
    await consumer.close().catch(() => undefined);
  }

  private async close(): Promise<void> {
    const quietly = (p: Promise<unknown>) => p.catch(() => undefined);
    // Together, and each bounded: a consumer leaving a group on a broker that is gone waits for nothing.
    const bounded = (p: Promise<unknown>) => quietly(Promise.race([p, new Promise((r) => setTimeout(r, 5_000).unref())]));
    await Promise.all([...[...this.consumers.values()].map((c) => bounded(c.close())), ...[...this.producers.values()].map((p) => bounded(p.disconnect()))]);
  }
}
