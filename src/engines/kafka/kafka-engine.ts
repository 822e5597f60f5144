// The live engine: real traffic against a real Kafka cluster through kafkajs. It creates a topic it
// owns, runs P producers (each with its client profile's partitioner as a kafkajs custom partitioner)
// and a real consumer group of C consumers, and reports what the broker did: the partition and offset
// of every ack, every consumption in the order it happened, and the group's assignments.
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, Message, Producer, RecordMetadata } from 'kafkajs';
import type { RunSpec } from '../../config/run-spec.js';
import { runError, usageError } from '../../errors.js';
import { memberId } from '../../groups/assignors.js';
import { createProducerPartitioner } from '../../partitioners/producer-partitioner.js';
import { DeliveryLedger } from '../../metrics/delivery-ledger.js';
import { CLIENT_PROFILES, metadataMaxAgeMs } from '../../partitioners/profiles.js';
import type { Rng } from '../../workload/rng.js';
import type { Clock, Engine, EngineInfo, EngineListener, PlannedRecord, WorkloadInfo } from '../types.js';
import { kafkajsAssigner } from './assigners.js';
import { KAFKAJS_TYPES, registerCodecs } from './codecs.js';
import { connectAdmin, createKafka, describeError, withTimeout } from './client.js';
import { markOwned, REGISTRY_TOPIC, unmarkOwned } from './registry.js';

export interface KafkaEngineOptions {
  brokers: string[];
  connectTimeoutMs: number;
  keepTopic: boolean;
  replicationFactor: number;
  /** Give up waiting for consumers after this long without progress, ms. */
  drainTimeoutMs: number;
}

/** Headers every record carries, so consumption can be matched to the plan. */
const H = { n: 'kb-n', producer: 'kb-p', key: 'kb-k', entity: 'kb-e', seq: 'kb-s', intended: 'kb-t' } as const;

/** Bytes a producer may hold while all its sends are in flight before the runner has to wait: the
 * next batch for every send slot (--batch-size × --max-in-flight), and at least 64 KiB. More only
 * adds queueing to the produce latency of a --rate max run, not throughput. */
const bufferLimit = (batchBytes: number, maxInFlight: number) => Math.max(batchBytes * maxInFlight, 64 * 1024);
const KAFKAJS_ACKS = { all: -1, 1: 1, 0: 0 } as const;

/** What kbench attaches to a kafkajs message so its partitioner and ack handler can find the plan. */
interface TaggedMessage extends Message {
  rec: PlannedRecord;
  chosenPartition: number;
  /** Key and value bytes, what --batch-size counts. */
  bytes: number;
}

interface LiveProducer {
  index: number;
  producer: Producer;
  buffer: TaggedMessage[];
  /** Key and value bytes in `buffer`. */
  bufferedBytes: number;
  timer: NodeJS.Timeout | null;
  /** Sends under way, at most --max-in-flight (1 for idempotent producers: kafkajs's idempotent
   * producer serialises requests per broker and cannot renumber sequences after a failed one). */
  inFlight: Set<Promise<void>>;
}

export class KafkaEngine implements Engine {
  readonly info: EngineInfo;
  readonly clock: Clock;
  readonly topic: string;
  readonly groupId: string;
  private readonly kafka: Kafka;
  private admin: Admin | null = null;
  private listener!: EngineListener;
  private workload!: WorkloadInfo;
  private producers: LiveProducer[] = [];
  private consumers: Consumer[] = [];
  /** The run's zero on performance.now(): set when the group has settled and producers are ready,
   * just before the first record. Clock time before it is negative. */
  private t0 = performance.now();
  /** False while the group forms: its joins are history until the run starts (see start()). */
  private running = false;
  private readonly joinsBeforeRun: { atMs: number; reason: string }[] = [];
  private failure: Error | null = null;
  private topicCreated = false;
  /** Which records were acked, consumed and skipped: the drain waits for acked records not yet
   * consumed (a redelivery is not progress), whatever order acks and consumption arrive in. */
  private readonly ledger = new DeliveryLedger();
  private readonly memberIds = new Map<string, number>();
  private readonly assignments = new Map<number, number[]>();
  private readonly fetchedSinceJoin = new Set<number>();
  /** Acked records on partitions added by growth, until the group has read from them (for skip accounting). */
  private readonly newPartitionAcks = new Map<number, { offset: number; rec: PlannedRecord }[]>();
  private readonly firstConsumedOffset = new Map<number, number>();
  private partitionCount: number;
  private grownAtUs: number | null = null;

  constructor(private readonly spec: RunSpec, private readonly rng: Rng, private readonly options: KafkaEngineOptions) {
    const id = randomUUID().slice(0, 8);
    const keyPart = spec.keySpec.kind.replace(/_/g, '-');
    this.topic = `kbench-${keyPart}-${id}`;
    this.groupId = `kbench-${id}`;
    this.partitionCount = spec.partitions;
    this.kafka = createKafka({ brokers: options.brokers, connectTimeoutMs: options.connectTimeoutMs, clientId: `kbench-${id}` });
    const engine = this;
    this.clock = {
      nowUs: () => (performance.now() - engine.t0) * 1000,
      waitUntil(us: number) {
        const aheadMs = (us - this.nowUs()) / 1000;
        return aheadMs > 1 ? new Promise<void>((resolve) => setTimeout(resolve, aheadMs)) : undefined;
      },
    };
    this.info = {
      name: 'kafka',
      simulated: false,
      mayDuplicate: true,
      details: { brokers: options.brokers, topic: this.topic, groupId: this.groupId, replicationFactor: options.replicationFactor, keptTopic: options.keepTopic },
      notes: [
        `Measured on a live Kafka cluster at ${options.brokers.join(',')} through kafkajs.`,
        spec.acks === '0'
          ? 'acks=0: the broker sends no acknowledgement, so "acked" means the request was written to the broker, produce latency is the time until then, and offsets are unknown.'
          : 'Partitions and offsets come from the broker\'s acks; consumption order is what the consumers saw.',
        `Producers are ${spec.idempotent ? 'idempotent' : 'non-idempotent'} kafkajs producers with acks=${spec.acks}, ${spec.maxInFlight} send${spec.maxInFlight > 1 ? 's' : ''} in flight, linger ${spec.lingerMs} ms, batches of up to ${spec.batchBytes} bytes per producer (all partitions together), compression ${spec.compression}; each uses its client profile's partitioner as a kafkajs custom partitioner.`,
        ...(spec.consumers === 0 ? ['Produce-only run (--consumers 0): no consumer group read the records; latency is produce latency only, and nothing is counted as lost for not being read.'] : []),
      ],
    };
  }

  async start(listener: EngineListener, workload: WorkloadInfo): Promise<void> {
    this.listener = listener;
    this.workload = workload;
    // kafkajs's plug-in codecs (snappy, lz4, zstd), for the producers and the consumers that read them back.
    if (this.spec.compression !== 'none' && this.spec.compression !== 'gzip') await registerCodecs();
    const admin = await connectAdmin(this.kafka, { brokers: this.options.brokers, connectTimeoutMs: this.options.connectTimeoutMs });
    this.admin = admin;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: this.topic, numPartitions: this.spec.partitions, replicationFactor: this.options.replicationFactor }],
      });
    } catch (e) {
      throw runError(`cannot create topic ${this.topic}: ${describeError(e)}`);
    }
    this.topicCreated = true;
    try {
      await markOwned(this.kafka, admin, this.topic);
    } catch (e) {
      throw runError(`cannot record ${this.topic} as created by kbench (in ${REGISTRY_TOPIC}): ${describeError(e)}`);
    }
    const setupStart = performance.now();
    if (this.spec.consumers > 0) await this.startConsumers();
    await this.startProducers();
    // One clock for the run and the group: its zero is now, and the assignment the group settled on
    // during setup is the one in force at zero (every owner has fetched; the topic is still empty).
    // The joins that led to it happened before the run; they are kept in the engine details with
    // their (negative) times, not replayed into the run, where they would credit the first seconds'
    // lag to owners that had already been replaced.
    this.t0 = performance.now();
    this.running = true;
    const reasons = this.joinsBeforeRun.map((j) => j.reason);
    this.info.details.groupJoinsBeforeRun = this.joinsBeforeRun.map((j) => ({ atMs: Math.round((j.atMs - this.t0) * 1000) / 1000, reason: j.reason }));
    this.info.details.setupMs = Math.round(this.t0 - setupStart);
    listener.assigned(0, this.ownersArray(), this.spec.consumers === 0
      ? 'no consumer group (produce-only run)'
      : `group settled before the run (${reasons.length} joins; last: ${reasons[reasons.length - 1] ?? 'none'})`);
  }

  private async startConsumers(): Promise<void> {
    if (this.spec.assignor === 'cooperative-sticky') throw usageError('cooperative-sticky needs the cooperative protocol, which kafkajs lacks; use it with the simulator, or range, roundrobin or kafkajs live');
    const assigner = this.spec.assignor === 'kafkajs' ? undefined : kafkajsAssigner(this.spec.assignor);
    // All members join together, so the group settles in one or two rebalance rounds.
    const joins = Array.from({ length: this.spec.consumers }, async (_, c) => {
      const consumer = this.kafka.consumer({
        groupId: this.groupId,
        ...(assigner ? { partitionAssigners: [assigner] } : {}),
        metadataMaxAge: metadataMaxAgeMs(this.spec.metadataRefreshMs, this.spec.client),
        maxWaitTimeInMs: 100,
        // Short heartbeats: members learn of a rebalance (a join, new partitions) within half a second.
        heartbeatInterval: 500,
        sessionTimeout: 10_000,
        allowAutoTopicCreation: false,
        // A freshly started broker answers "the coordinator is loading" until __consumer_offsets is
        // loaded, which takes over 10 s on a busy machine. While the group forms (bounded by the settle
        // wait below), a consumer that gives up is restarted, as Kafka clients keep retrying; once the
        // run has started, a crash stops the run.
        retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2000, restartOnFailure: async () => !this.running },
      });
      this.consumers[c] = consumer;
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        this.fetchedSinceJoin.delete(c);
        this.onJoin(c, e.payload.memberId, e.payload.memberAssignment as Record<string, number[]>);
      });
      consumer.on(consumer.events.FETCH, () => this.fetchedSinceJoin.add(c));
      consumer.on(consumer.events.CRASH, (e) => {
        if (e.payload.restart) return; // restarted while the group forms: not a failure
        this.failure ??= runError(`consumer ${memberId(c, this.spec.consumers)} crashed: ${describeError(e.payload.error)}`);
      });
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: this.spec.autoOffsetReset === 'earliest' });
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) this.onMessage(c, batch.partition, m);
        },
      });
    });
    await Promise.all(joins);
    // Wait for a settled group: every consumer joined, every partition owned by one of them, and every
    // owner has fetched once, so its positions are fixed. The topic is still empty then, so even
    // auto.offset.reset=latest reads the run's records from offset 0; only partitions added later
    // really depend on the reset policy, which is what the measurement is about.
    const deadline = Date.now() + 60_000;
    let stableSince = 0;
    while (Date.now() < deadline) {
      const fetched = [...this.assignments].every(([c, parts]) => parts.length === 0 || this.fetchedSinceJoin.has(c));
      const ok = this.assignments.size === this.spec.consumers && this.ownersArray().every((o) => o >= 0) && fetched;
      if (ok && stableSince === 0) stableSince = Date.now();
      if (!ok) stableSince = 0;
      if (ok && Date.now() - stableSince >= 300) return;
      if (this.failure) throw this.failure;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw runError(`the consumer group ${this.groupId} did not settle within 60 s`);
  }

  private async startProducers(): Promise<void> {
    for (let k = 0; k < this.spec.producers; k++) {
      const profile = CLIENT_PROFILES[this.spec.producerClients[k]];
      const partitioner = createProducerPartitioner(profile, this.rng.fork(`producer-${k}`), this.spec.explicitPartition, this.workload.keyCardinality);
      const clock = this.clock;
      const producer = this.kafka.producer({
        idempotent: this.spec.idempotent,
        maxInFlightRequests: this.spec.maxInFlight,
        allowAutoTopicCreation: false,
        metadataMaxAge: metadataMaxAgeMs(this.spec.metadataRefreshMs, profile.name),
        // kafkajs calls this for every message on every attempt, with the partition count it knows now.
        createPartitioner: () => ({ partitionMetadata, message }) => {
          const m = message as TaggedMessage;
          const p = partitioner.partition(m.rec.key, partitionMetadata.length, m.rec.sizeBytes + (m.rec.key?.length ?? 0), clock.nowUs(), m.rec.keyIndex);
          m.chosenPartition = p;
          return p;
        },
      });
      await producer.connect();
      this.producers.push({ index: k, producer, buffer: [], bufferedBytes: 0, timer: null, inFlight: new Set() });
    }
  }

  private ownersArray(): Int32Array {
    const owners = new Int32Array(this.partitionCount).fill(-1);
    for (const [c, parts] of this.assignments) for (const p of parts) if (p < owners.length) owners[p] = c;
    return owners;
  }

  private onJoin(consumer: number, member: string, assignment: Record<string, number[]>): void {
    this.memberIds.set(member, consumer);
    const parts = [...(assignment[this.topic] ?? [])].sort((a, b) => a - b);
    // A member's new assignment replaces what any member held of those partitions (eager rebalance).
    for (const [c, held] of this.assignments) if (c !== consumer) this.assignments.set(c, held.filter((p) => !parts.includes(p)));
    this.assignments.set(consumer, parts);
    const maxSeen = Math.max(this.partitionCount, ...parts.map((p) => p + 1));
    this.partitionCount = maxSeen;
    const reason = `${memberId(consumer, this.spec.consumers)} joined with [${parts.join(',')}]`;
    if (this.running) this.listener.assigned(this.clock.nowUs(), this.ownersArray(), reason);
    else this.joinsBeforeRun.push({ atMs: performance.now(), reason });
  }

  private onMessage(consumer: number, partition: number, m: { offset: string; key: Buffer | null; value: Buffer | null; headers?: Record<string, unknown> }): void {
    const h = m.headers ?? {};
    const num = (name: string) => Number(String(h[name] ?? 'NaN'));
    const rec: PlannedRecord = {
      n: num(H.n), producer: num(H.producer), keyIndex: num(H.key), key: m.key, entity: num(H.entity), seq: num(H.seq),
      intendedUs: num(H.intended), sizeBytes: m.value?.length ?? 0, partition, offset: Number(m.offset), atUs: 0, flags: 0,
    };
    if (!Number.isFinite(rec.n)) return; // not a kbench record
    const offset = Number(m.offset);
    if (!this.firstConsumedOffset.has(partition)) this.firstConsumedOffset.set(partition, offset);
    this.ledger.consume(rec.n);
    this.listener.consumed(rec, consumer, partition, offset, this.clock.nowUs());
  }

  send(rec: PlannedRecord): void | Promise<void> {
    if (this.failure) throw this.failure;
    this.listener.sent(rec);
    const p = this.producers[rec.producer];
    const headers: Record<string, string> = {
      [H.n]: String(rec.n), [H.producer]: String(rec.producer), [H.key]: String(rec.keyIndex),
      [H.entity]: String(rec.entity), [H.seq]: String(rec.seq), [H.intended]: String(Math.round(rec.intendedUs)),
    };
    const value = Buffer.from(this.workload.valueOf(rec));
    const key = rec.key ? Buffer.from(rec.key) : null;
    const bytes = value.length + (key?.length ?? 0);
    p.buffer.push({ key, value, headers, rec, chosenPartition: -1, bytes });
    p.bufferedBytes += bytes;
    if (p.bufferedBytes >= this.spec.batchBytes) this.flush(p);
    else p.timer ??= setTimeout(() => this.flush(p), this.spec.lingerMs);
    if (p.bufferedBytes >= bufferLimit(this.spec.batchBytes, this.spec.maxInFlight) && p.inFlight.size > 0) return Promise.race(p.inFlight);
  }

  /** Sends what the producer has buffered, one batch (--batch-size bytes, at least one record) per
   * send, while fewer than --max-in-flight sends are under way (each one flushes again when done). */
  private flush(p: LiveProducer): void {
    if (p.timer) {
      clearTimeout(p.timer);
      p.timer = null;
    }
    while (p.inFlight.size < this.spec.maxInFlight && p.buffer.length > 0 && !this.failure) {
      let n = 0;
      let bytes = 0;
      while (n < p.buffer.length && (n === 0 || bytes + p.buffer[n].bytes <= this.spec.batchBytes)) bytes += p.buffer[n++].bytes;
      const messages = p.buffer.splice(0, n);
      p.bufferedBytes -= bytes;
      const sending: Promise<void> = p.producer
        .send({ topic: this.topic, acks: KAFKAJS_ACKS[this.spec.acks], compression: KAFKAJS_TYPES[this.spec.compression], messages })
        .then((metadata) => this.onAcks(messages, metadata))
        .catch((e) => {
          this.failure ??= runError(`producer ${p.index + 1} could not send: ${describeError(e)}`);
        })
        .finally(() => {
          p.inFlight.delete(sending);
          if (p.buffer.length > 0 && !this.failure) this.flush(p);
        });
      p.inFlight.add(sending);
    }
  }

  private onAcks(messages: TaggedMessage[], metadata: RecordMetadata[]): void {
    const now = this.clock.nowUs();
    if (this.spec.acks === '0') {
      // No acknowledgement comes back: the records count as acked once the request is written, on the
      // partition the partitioner chose, offset unknown (-1).
      for (const m of messages) {
        this.ledger.ack(m.rec.n);
        this.listener.acked(m.rec, m.chosenPartition, -1, now);
      }
      return;
    }
    const next = new Map<number, number>();
    for (const md of metadata) if (md.topicName === this.topic) next.set(md.partition, Number(md.baseOffset));
    for (const m of messages) {
      const p = m.chosenPartition;
      const offset = next.get(p);
      if (offset === undefined) continue;
      next.set(p, offset + 1);
      this.ledger.ack(m.rec.n);
      this.listener.acked(m.rec, p, offset, now);
      if (p >= this.spec.partitions && !this.firstConsumedOffset.has(p)) {
        let list = this.newPartitionAcks.get(p);
        if (!list) this.newPartitionAcks.set(p, (list = []));
        list.push({ offset, rec: m.rec });
      }
    }
  }

  async growPartitions(to: number, atUs: number): Promise<void> {
    if (!this.admin) throw runError('growPartitions before start');
    try {
      await this.admin.createPartitions({ topicPartitions: [{ topic: this.topic, count: to }] });
    } catch (e) {
      throw runError(`cannot grow ${this.topic} to ${to} partitions: ${describeError(e)}`);
    }
    this.grownAtUs = this.clock.nowUs();
    this.info.details.growth = { from: this.spec.partitions, to, plannedAtMs: atUs / 1000, doneAtMs: Math.round(this.grownAtUs) / 1000 };
  }

  /** Records on new partitions below the first offset the group read there were skipped by the offset reset. */
  private accountSkipped(): void {
    for (const [p, list] of this.newPartitionAcks) {
      const first = this.firstConsumedOffset.get(p);
      if (first === undefined) continue;
      const now = this.clock.nowUs();
      for (const { offset, rec } of list) {
        if (offset < first && this.ledger.skip(rec.n)) this.listener.skipped(rec, p, offset, now);
      }
      this.newPartitionAcks.delete(p);
    }
  }

  async drain(): Promise<void> {
    // Flush until every producer is empty (a finishing send flushes what arrived meanwhile).
    while (this.producers.some((p) => p.inFlight.size > 0 || (p.buffer.length > 0 && !this.failure))) {
      for (const p of this.producers) this.flush(p);
      await Promise.allSettled(this.producers.flatMap((p) => [...p.inFlight]));
    }
    if (this.spec.consumers === 0) {
      // Produce-only: nothing reads the records, so there is nothing to wait for.
      await this.recordFinalOffsets();
      if (this.failure) throw this.failure;
      return;
    }
    let last = -1;
    let lastProgress = Date.now();
    const patienceMs = this.failure ? Math.min(2000, this.options.drainTimeoutMs) : this.options.drainTimeoutMs;
    for (;;) {
      this.accountSkipped();
      if (this.ledger.outstanding === 0) break;
      const settled = this.ledger.consumed + this.ledger.skipped;
      if (settled !== last) {
        last = settled;
        lastProgress = Date.now();
      } else if (Date.now() - lastProgress > patienceMs) {
        break; // what is still missing is reported as lost
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.recordFinalOffsets();
    if (this.failure) throw this.failure;
  }

  private async recordFinalOffsets(): Promise<void> {
    if (!this.admin) return;
    try {
      await withTimeout((async () => {
        const ends = await this.admin!.fetchTopicOffsets(this.topic);
        const committed = await this.admin!.fetchOffsets({ groupId: this.groupId, topics: [this.topic] });
        const c = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        this.info.details.finalOffsets = ends
          .sort((a, b) => a.partition - b.partition)
          .map((e) => ({ partition: e.partition, logEndOffset: Number(e.high), committedOffset: c.get(e.partition) ?? -1,
            lag: (c.get(e.partition) ?? -1) >= 0 ? Number(e.high) - c.get(e.partition)! : null }));
      })(), 10_000, 'final offsets timed out');
    } catch {
      // the broker may be gone; the report says so through the run error
    }
  }

  async close(): Promise<void> {
    const quietly = (p: Promise<unknown>) => withTimeout(p, 10_000, 'close timed out').catch(() => undefined);
    for (const p of this.producers) if (p.timer) clearTimeout(p.timer);
    await Promise.all(this.consumers.map((c) => quietly(c.disconnect())));
    await Promise.all(this.producers.map((p) => quietly(p.producer.disconnect())));
    if (this.admin) {
      if (this.spec.consumers > 0) await quietly(this.admin.deleteGroups([this.groupId]));
      if (this.topicCreated && !this.options.keepTopic) {
        await quietly(this.admin.deleteTopics({ topics: [this.topic], timeout: 10_000 }).then(() => unmarkOwned(this.kafka, this.admin!, this.topic)));
      }
      await quietly(this.admin.disconnect());
    }
  }
}
