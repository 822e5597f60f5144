// The live engine: real traffic against a real Kafka cluster through kafkajs. The coordinator (this
// class, on the main thread) leases a topic, starts slices (worker threads, each running some of the
// run's producers and group members with their own kafkajs clients, see live-slice.ts), hands them
// the planned records, and turns what they report into engine events: the partition and offset of
// every ack as the broker gave it, every consumption as it happened, and the group's assignments.
// Planning, delivery accounting and recording stay on one thread, so ordering is judged per key
// across the whole group exactly as with one thread, whatever --threads is.
import { randomUUID } from 'node:crypto';
import { describeSecurity, type ClientSecurity } from '../../config/client-security.js';
import { consumerSlots, memberChanges, type MemberChange, type RunSpec } from '../../config/run-spec.js';
import { ERROR_CODES, KbenchError, runError, usageError, type ErrorCode } from '../../errors.js';
import { memberId } from '../../groups/assignors.js';
import { DeliveryLedger } from '../../metrics/delivery-ledger.js';
import type { Clock, Engine, EngineInfo, EngineListener, PlannedRecord, WorkloadInfo } from '../types.js';
import { assertDriverCan } from '../../drivers/capabilities.js';
import type { DriverName } from '../../config/driver-names.js';
import type { ConnectOptions, Driver } from '../../drivers/driver.js';
import { DEFAULT_DRIVER, loadDriver, loadDrivers } from '../../drivers/load.js';
import { bufferLimit } from './batching-producer.js';
import { RemoteWorkers, type RemoteWorker } from './distributed/remote-workers.js';
import { WorkerStats } from './distributed/worker-stats.js';
import { LiveGroupChanges } from './group-changes.js';
import { GroupTracker } from './group-tracker.js';
import { SliceThread } from './slice-thread.js';
import { ACKED, EVENT, EVENT_STRIDE, SENT, epochMs, wallClock, type FromSlice, type SliceSetup, type ToSlice } from './slice-protocol.js';
import { TopicLease } from './topic-lease.js';

export interface KafkaEngineOptions {
  brokers: string[];
  connectTimeoutMs: number;
  keepTopic: boolean;
  replicationFactor: number;
  /** Give up waiting for consumers after this long without progress, ms. */
  drainTimeoutMs: number;
  /** Worker threads to spread producers and consumers over. */
  threads: number;
  /** TLS and SASL settings, or null for a plaintext cluster. */
  security: ClientSecurity | null;
  /** `kbench worker` processes to spread the run over (null: this process's threads), how long to
   * wait for them, and this kbench's version (workers of another refuse the run). */
  workers: number | null;
  workerTimeoutMs: number;
  workerPool: string;
  version: string;
}

/** What the coordinator needs of a slice, local (a worker thread) or remote (a `kbench worker`). */
interface SliceHandle {
  readonly index: number;
  post(m: ToSlice): void;
  add(rec: PlannedRecord, key: Uint8Array | null, value: Uint8Array): void;
  room(): Promise<void> | undefined;
  flush(): void;
  acknowledged(bytes: number): void;
  release(): void;
  terminate(): Promise<number>;
}

/** A slice run by a `kbench worker`: it plans and sends its own records, so only orders go to it. */
function remoteSlice(index: number, remote: RemoteWorkers): SliceHandle {
  return {
    index,
    post: (m) => remote.post(index, m),
    add() {},
    room: () => undefined,
    flush() {},
    acknowledged() {},
    release() {},
    terminate: async () => 0,
  };
}

const SETTLE_TIMEOUT_MS = 60_000;

/** Which slice runs which of `producers` and `consumers` (indices in the run): producers round-robin
 * from the first slice, consumers continuing where the producers stopped, so one producer and one
 * consumer get a thread each. */
export function spreadOver(producers: readonly number[], consumers: readonly number[], threads: number): { producers: number[]; consumers: number[] }[] {
  const slices = Math.max(1, Math.min(threads, producers.length + consumers.length));
  const layout = Array.from({ length: slices }, () => ({ producers: [] as number[], consumers: [] as number[] }));
  producers.forEach((k, i) => layout[i % slices].producers.push(k));
  consumers.forEach((c, i) => layout[(producers.length + i) % slices].consumers.push(c));
  return layout;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The slices of a run's P producers and C consumers over `threads` (or workers). */
export const sliceLayout = (producers: number, consumers: number, threads: number) => spreadOver(range(producers), range(consumers), threads);

/** A run's slices in this process: sliceLayout's, with the members that join later (--scale-consumers)
 * among the others (started when they join), and each member that is killed (--kill-consumer) in a
 * thread of its own, beyond --threads: ending that thread is its crash. */
export function localLayout(spec: RunSpec, threads: number): { producers: number[]; consumers: number[]; joinLater: number[] }[] {
  const changes = memberChanges(spec);
  const killed = new Set(changes.filter((m) => m.kind === 'crash').flatMap((m) => m.slots));
  const later = new Set(changes.filter((m) => m.kind === 'join').flatMap((m) => m.slots));
  const members = range(consumerSlots(spec));
  const layout = spreadOver(range(spec.producers), members.filter((c) => !killed.has(c)), threads)
    .map((part) => ({ ...part, joinLater: part.consumers.filter((c) => later.has(c)) }));
  for (const c of members.filter((m) => killed.has(m))) layout.push({ producers: [], consumers: [c], joinLater: later.has(c) ? [c] : [] });
  return layout;
}

export class KafkaEngine implements Engine {
  readonly info: EngineInfo;
  readonly clock: Clock;
  readonly topic: string;
  readonly groupId: string;
  /** The run's topic, once the drivers are loaded and checked (start()). */
  private lease: TopicLease | null = null;
  private readonly connect: ConnectOptions;
  /** The consumers' driver, once loaded (the spec may leave it to the producers' driver). */
  private consumerDriver: DriverName = DEFAULT_DRIVER;
  private readonly group: GroupTracker;
  /** The run's group changes as they happened (--scale-consumers, --kill-consumer). */
  private readonly changes: LiveGroupChanges;
  private readonly changeTimers: NodeJS.Timeout[] = [];
  /** Slices whose thread was ended on purpose (a killed member): their exit is no failure. */
  private readonly killed = new Set<number>();
  private readonly sliceOfConsumer: SliceHandle[] = [];
  /** When the group will have noticed the last killed member (ms since the epoch): until then a drain
   * without progress is the group waiting out the session timeout, not a group that is stuck. */
  private crashNoticedBy = 0;
  /** Member id by consumer index (slots of members that join later included). */
  private readonly idOf: (c: number) => string;
  private readonly clientId: string;
  private listener!: EngineListener;
  private workload!: WorkloadInfo;
  private slices: SliceHandle[] = [];
  private readonly sliceOfProducer: SliceHandle[] = [];
  /** A distributed run's workers, their tallies and the slices' layout (null for one process). */
  private remote: RemoteWorkers | null = null;
  private remoteWorkers: RemoteWorker[] = [];
  private workerStats: WorkerStats | null = null;
  private layout: { producers: number[]; consumers: number[] }[] = [];
  /** Set for a distributed run only: the runner then waits for the workers instead of planning. */
  readonly produceRemotely?: Engine['produceRemotely'];
  /** The run's zero, ms since the epoch: set when the group has settled and producers are ready,
   * just before the first record. Clock time before it is negative. */
  private originEpochMs = epochMs();
  /** False while the group forms: its joins are history until the run starts (see start()). */
  private running = false;
  private readonly joinsBeforeRun: { atEpochMs: number; reason: string }[] = [];
  private failure: Error | null = null;
  private readonly started = new Set<number>();
  private readonly drained = new Set<number>();
  /** Slices that have said they closed, or whose thread has ended. */
  private readonly closed = new Set<number>();
  /** Set once close() lets the threads go: from then on a thread's exit is expected. */
  private terminating = false;
  /** Which records were acked, consumed and skipped: the drain waits for acked records not yet
   * consumed (a redelivery is not progress), whatever order acks and consumption arrive in. */
  private readonly ledger = new DeliveryLedger();
  /** Acked records on partitions added by growth, until the group has read from them (for skip accounting). */
  private readonly newPartitionAcks = new Map<number, { offset: number; rec: PlannedRecord }[]>();
  private readonly firstConsumedOffset = new Map<number, number>();
  /** Where each acked, not yet consumed record sits (partition, offset), so that at the end a record
   * nobody read can be checked against the log: still there is unconsumed, gone is lost. Bounded by
   * the group's lag; kept only when the run has consumers. */
  private readonly awaitingRead = new Map<number, { partition: number; offset: number; intendedUs: number }>();
  /** One record object reused for every event (listeners do not keep it). */
  private readonly scratch: PlannedRecord = { n: 0, producer: 0, keyIndex: -1, key: null, entity: 0, seq: 0, intendedUs: 0, sizeBytes: 0, partition: -1, offset: -1, atUs: 0, flags: 0 };

  constructor(private readonly spec: RunSpec, private readonly options: KafkaEngineOptions) {
    const id = randomUUID().slice(0, 8);
    const keyPart = spec.keySpec.kind.replace(/_/g, '-');
    this.topic = `kbench-${keyPart}-${id}`;
    this.groupId = `kbench-${id}`;
    this.clientId = `kbench-${id}`;
    this.connect = { brokers: options.brokers, connectTimeoutMs: options.connectTimeoutMs, clientId: this.clientId, security: options.security };
    this.group = new GroupTracker(this.topic, spec.consumers, spec.partitions);
    const slots = consumerSlots(spec);
    this.idOf = (c) => memberId(c, slots);
    this.changes = new LiveGroupChanges(spec.consumers, this.idOf);
    this.clock = wallClock(() => this.originEpochMs);
    if (options.workers !== null) this.produceRemotely = (o) => this.awaitWorkers(o);
    const slices = options.workers !== null ? options.workers : localLayout(spec, options.threads).length;
    this.info = {
      name: 'kafka',
      simulated: false,
      mayDuplicate: true,
      details: {
        brokers: options.brokers, security: options.security ? describeSecurity(options.security) : 'PLAINTEXT', topic: this.topic, groupId: this.groupId,
        replicationFactor: options.replicationFactor, keptTopic: options.keepTopic, threads: slices, driver: spec.driver,
      },
      notes: [],
    };
  }

  /** What the report says about how the run was measured, once the drivers are known. */
  private describeDrivers(producers: Driver, consumers: Driver): string[] {
    const { spec, options } = this;
    const slices = this.info.details.threads as number;
    const through = producers === consumers ? producers.library : `${producers.library} (producers) and ${consumers.library} (consumers)`;
    return [
      `Measured on a live Kafka cluster at ${options.brokers.join(',')} through ${through}, with producers and consumers spread over ${slices} worker thread${slices > 1 ? 's' : ''}.`,
      spec.acks === '0'
        ? 'acks=0: the broker sends no acknowledgement, so "acked" means the request was written to the broker, produce latency is the time until then, and offsets are unknown.'
        : 'Partitions and offsets come from the broker\'s acks, and every consumed record\'s partition is checked against its ack (delivery.misplaced); consumption order is what the consumers saw.',
      `Producers are ${spec.idempotent ? 'idempotent' : 'non-idempotent'} ${producers.name} producers with acks=${spec.acks}, ${spec.maxInFlight} request${spec.maxInFlight > 1 ? 's' : ''} in flight, linger ${spec.lingerMs} ms and batches of up to ${spec.batchBytes} bytes per partition (batched ${producers.capabilities.batching === 'library' ? `by ${producers.library}` : 'by kbench, as Java\'s producer does'}), compression ${spec.compression}; kbench's own port of each client profile's partitioner chooses every record's partition.`,
      spec.consumers === 0
        ? 'Produce-only run (--consumers 0): no consumer group read the records; latency is produce latency only, and nothing is counted as lost for not being read.'
        : `Consumers commit as Java's do with enable.auto.commit: every ${spec.autoCommitIntervalMs / 1000} s (--auto-commit-interval), before rejoining a rebalancing group and before leaving it; their session timeout is ${spec.sessionTimeoutMs / 1000} s (--session-timeout).`,
    ];
  }

  /** Loads the run's drivers and refuses, before anything connects, what they cannot do; returns the
   * one whose admin client looks after the run's topic. */
  private async loadDrivers(): Promise<Driver> {
    const { spec, options } = this;
    const drivers = await loadDrivers(spec, this.connect);
    const inThreads = options.workers === null && localLayout(spec, options.threads).length > 1;
    const nullKeys = spec.keySpec.kind === 'none' && spec.explicitPartition === null;
    assertDriverCan(drivers.producer, { producer: { ...spec, nullKeys }, security: options.security, inThreads });
    if (spec.consumers > 0) assertDriverCan(drivers.consumer, { groupProtocol: 'classic', security: options.security, inThreads });
    this.consumerDriver = drivers.consumer.name;
    this.info.details.consumerDriver = drivers.consumer.name;
    this.info.details.library = drivers.producer.library;
    if (drivers.consumer !== drivers.producer) this.info.details.consumerLibrary = drivers.consumer.library;
    this.info.notes.push(...this.describeDrivers(drivers.producer, drivers.consumer));
    return drivers.admin;
  }

  async start(listener: EngineListener, workload: WorkloadInfo): Promise<void> {
    this.listener = listener;
    this.workload = workload;
    if (this.spec.consumers > 0 && this.spec.assignor === 'cooperative-sticky') {
      throw usageError('cooperative-sticky needs the cooperative protocol, which kafkajs lacks; use it with the simulator, or range, roundrobin or kafkajs live');
    }
    const driver = await this.loadDrivers();
    this.lease = new TopicLease(driver, this.topic, this.groupId, this.connect);
    await this.lease.create(this.spec.partitions, this.options.replicationFactor);
    const setupStart = performance.now();
    if (this.options.workers !== null) await this.startRemote(this.options.workers, workload);
    else this.startLocal(workload);
    await this.until(() => this.started.size === this.slices.length, this.remote ? this.options.workerTimeoutMs : Infinity, this.remote ? 'the workers to start their threads' : 'the worker threads to start');
    if (this.spec.consumers > 0) await this.settleGroup();
    // One clock for the run and the group: its zero is now, and the assignment the group settled on
    // during setup is the one in force at zero (every owner has fetched; the topic is still empty).
    // The joins that led to it happened before the run; they are kept in the engine details with
    // their (negative) times, not replayed into the run, where they would credit the first seconds'
    // lag to owners that had already been replaced.
    // Workers get a moment for the order to reach them, so that all start on the same zero.
    this.originEpochMs = epochMs() + (this.remote ? 500 : 0);
    this.running = true;
    for (const s of this.slices) s.post({ t: 'run', originEpochMs: this.originEpochMs });
    const reasons = this.joinsBeforeRun.map((j) => j.reason);
    this.info.details.groupJoinsBeforeRun = this.joinsBeforeRun.map((j) => ({ atMs: Math.round((j.atEpochMs - this.originEpochMs) * 1000) / 1000, reason: j.reason }));
    this.info.details.setupMs = Math.round(performance.now() - setupStart);
    listener.assigned(0, this.group.owners(), this.spec.consumers === 0
      ? 'no consumer group (produce-only run)'
      : `group settled before the run (${reasons.length} joins; last: ${reasons[reasons.length - 1] ?? 'none'})`);
    for (const m of memberChanges(this.spec)) {
      this.changeTimers.push(setTimeout(() => this.changeGroup(m), Math.max(0, this.originEpochMs + m.change.atMs - epochMs())));
    }
    if (this.changeTimers.length) this.info.details.groupChanges = this.changes.rows;
  }

  /** A group change at its moment: new members start (they join), leaving ones stop cleanly (they
   * commit, then leave), and a killed member's thread is ended: no commit, no LeaveGroup, no more
   * heartbeats or fetches, exactly what the group sees of a crashed process (its sockets close as the
   * operating system would close them); the group notices when its session times out. */
  private changeGroup(m: MemberChange): void {
    if (this.failure || this.terminating) return;
    const atUs = this.clock.nowUs();
    const before = this.group.owners();
    this.changes.begin(m, atUs, before, (c) => {
      const at = this.group.lastCommitAt(c);
      return at === undefined ? undefined : (at - this.originEpochMs) * 1000;
    });
    const ids = m.slots.map(this.idOf).join(', ');
    for (const c of m.slots) {
      const slice = this.sliceOfConsumer[c];
      if (m.kind === 'join') slice.post({ t: 'join', consumer: c });
      else if (m.kind === 'leave') slice.post({ t: 'leave', consumer: c });
      else {
        this.killed.add(slice.index);
        this.crashNoticedBy = Date.now() + this.spec.sessionTimeoutMs;
        void slice.terminate();
      }
      if (m.kind !== 'join') this.group.gone(c);
    }
    if (m.kind === 'leave') this.listener.assigned(atUs, this.group.owners(), `${ids} left the group`);
    if (m.kind === 'crash') this.listener.assigned(atUs, this.group.owners(), `${ids} crashed: its partitions wait for the session timeout`);
  }

  /** Slices in this process's worker threads; the runner hands them the records (send()). */
  private startLocal(workload: WorkloadInfo): void {
    this.layout = localLayout(this.spec, this.options.threads);
    // Each slice may hold, beyond what its producers have in flight, about one more batch per send
    // slot per producer; more only adds queueing to the produce latency of a --rate max run.
    this.slices = this.layout.map((part, i) => {
      const setup: SliceSetup = {
        spec: this.spec, brokers: this.options.brokers, connectTimeoutMs: this.options.connectTimeoutMs, security: this.options.security, clientId: `${this.clientId}-t${i}`,
        topic: this.topic, groupId: this.groupId, ...part, keyCardinality: workload.keyCardinality, consumerDriver: this.consumerDriver,
      };
      const limit = Math.max(1, part.producers.length) * 2 * bufferLimit(this.spec, Math.max(this.spec.partitions, this.spec.growTo ?? 0));
      const slice: SliceThread = new SliceThread(i, setup, limit, (m) => this.onSliceMessage(slice, m), (e) => this.onSliceExit(i, e));
      for (const k of part.producers) this.sliceOfProducer[k] = slice;
      for (const c of part.consumers) this.sliceOfConsumer[c] = slice;
      return slice;
    });
  }

  /** Slices in `kbench worker` processes: gathered through Kafka, each given its share of producers
   * and consumers; they plan and send their own records and report every event back. */
  private async startRemote(workers: number, workload: WorkloadInfo): Promise<void> {
    // The coordination fabric (control and results topics, the worker group) always uses the default
    // driver, as the workers' own clients do; the run's traffic uses the run's drivers.
    const driver = await loadDriver(DEFAULT_DRIVER, { ...this.connect, clientId: `${this.clientId}-coordinator` });
    const admin = await driver.admin();
    this.remote = new RemoteWorkers({
      driver, admin, runId: this.clientId.slice('kbench-'.length), pool: this.options.workerPool, workers, timeoutMs: this.options.workerTimeoutMs, version: this.options.version,
      onMessage: (slice, m) => {
        const handle = this.slices[slice];
        if (handle) this.onSliceMessage(handle, m);
      },
      onEvents: (slice, data) => this.onEvents(data, data.length / EVENT_STRIDE, slice),
      onFailure: (e) => this.fail(e),
      onLost: (slice, w) => {
        this.drained.add(slice);
        this.closed.add(slice);
        if (!this.running) this.fail(runError(`worker ${w.identity.name} left the run before it started`));
      },
    });
    this.remoteWorkers = await this.remote.gather();
    this.layout = sliceLayout(this.spec.producers, this.spec.consumers, workers);
    this.workerStats = new WorkerStats(workers);
    this.slices = this.layout.map((part, i) => {
      const slice = remoteSlice(i, this.remote!);
      for (const k of part.producers) this.sliceOfProducer[k] = slice;
      return slice;
    });
    const order = { spec: this.spec, topic: this.topic, groupId: this.groupId, keyCardinality: workload.keyCardinality, threads: this.options.threads, consumerDriver: this.consumerDriver };
    await Promise.all(this.layout.map((part, i) => this.remote!.setup(i, { ...order, ...part })));
  }

  /** A distributed run: the workers plan and send; this waits until every worker's producers are
   * done (or it was lost), grows the topic at its moment, and passes a stop on. */
  private async awaitWorkers(o: { shouldStop?: () => boolean; onProgress?: () => void }): Promise<void> {
    const growAtUs = this.spec.growTo !== null && this.spec.growAtMs !== null ? this.spec.growAtMs * 1000 : Infinity;
    let grown = growAtUs === Infinity;
    let stopped = false;
    await this.until(() => {
      if (!grown && this.clock.nowUs() >= growAtUs) {
        grown = true;
        this.growPartitions(this.spec.growTo!, growAtUs).catch((e: Error) => this.fail(e));
      }
      if (!stopped && o.shouldStop?.()) {
        stopped = true;
        this.remote?.stopAll();
      }
      o.onProgress?.();
      return this.slices.every((s) => this.drained.has(s.index) || this.closed.has(s.index));
    }, Infinity, 'the workers to send their records');
  }

  /** Waits for a settled group: every consumer joined, every partition owned, every owner has fetched
   * once (so its positions are fixed), for 300 ms in a row. The topic is still empty then, so even
   * auto.offset.reset=latest reads the run's records from offset 0; only partitions added later
   * really depend on the reset policy, which is what the measurement is about. */
  private async settleGroup(): Promise<void> {
    let stableSince = 0;
    await this.until(() => {
      if (!this.group.settled()) stableSince = 0;
      else if (stableSince === 0) stableSince = Date.now();
      return stableSince > 0 && Date.now() - stableSince >= 300;
    }, SETTLE_TIMEOUT_MS, `the consumer group ${this.groupId} to settle`);
  }

  /** Polls `done` every 50 ms; throws the run's failure as soon as there is one, or a timeout. */
  private async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.failure) throw this.failure;
      if (done()) return;
      if (Date.now() > deadline) throw runError(`gave up after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const s of this.slices) s.release();
  }

  private onSliceExit(index: number, error: Error | null): void {
    this.closed.add(index);
    if (error && !this.terminating && !this.killed.has(index)) this.fail(error);
  }

  private onSliceMessage(slice: SliceHandle, m: FromSlice): void {
    switch (m.t) {
      case 'started':
        this.started.add(slice.index);
        Object.assign(this.info.details, m.details);
        return;
      case 'events':
        return this.onEvents(m.data, m.count, slice.index);
      case 'joined':
        return this.onJoin(m.consumer, m.assignment, m.atEpochMs);
      case 'fetched':
        this.group.fetched(m.consumer);
        return;
      case 'rebalancing':
        if (this.running) this.changes.rebalancing(m.consumer, this.group.partitionsOf(m.consumer), (m.atEpochMs - this.originEpochMs) * 1000);
        return;
      case 'committed':
        this.group.committed(m.consumer, m.atEpochMs);
        if (this.running) this.info.details.consumerCommits = ((this.info.details.consumerCommits as number | undefined) ?? 0) + 1;
        return;
      case 'failed':
        return this.fail(new KbenchError(m.message, { exitCode: 1, code: (Object.values(ERROR_CODES) as string[]).includes(m.code) ? (m.code as ErrorCode) : ERROR_CODES.runFailed }));
      case 'drained':
        this.drained.add(slice.index);
        return;
      case 'closed':
        this.closed.add(slice.index);
        return;
    }
  }

  private onJoin(consumer: number, assignment: Record<string, number[]>, atEpochMs: number): void {
    const parts = this.group.joined(consumer, assignment);
    const reason = `${this.idOf(consumer)} joined with [${parts.join(',')}]`;
    if (this.running) {
      const owners = this.group.owners();
      this.listener.assigned(this.clock.nowUs(), owners, reason);
      this.changes.joined(consumer, parts, (atEpochMs - this.originEpochMs) * 1000, owners);
    }
    else this.joinsBeforeRun.push({ atEpochMs, reason });
  }

  private onEvents(data: Float64Array, count: number, slice: number): void {
    const rec = this.scratch;
    const tally = this.workerStats;
    for (let i = 0; i < count; i++) {
      const e = i * EVENT_STRIDE;
      rec.n = data[e + EVENT.n];
      rec.producer = data[e + EVENT.producer];
      rec.keyIndex = data[e + EVENT.keyIndex];
      rec.entity = data[e + EVENT.entity];
      rec.seq = data[e + EVENT.seq];
      rec.intendedUs = data[e + EVENT.intendedUs];
      rec.sizeBytes = data[e + EVENT.sizeBytes];
      const partition = data[e + EVENT.partition];
      const offset = data[e + EVENT.offset];
      const atUs = data[e + EVENT.atUs];
      const kind = data[e + EVENT.kind];
      if (kind === SENT) {
        // Only workers report sends: here the runner reports its own through send().
        this.listener.sent(rec);
        tally?.sent(slice);
        continue;
      }
      if (kind === ACKED) tally?.acked(slice, atUs - rec.intendedUs, atUs);
      else tally?.consumed(slice, atUs - rec.intendedUs);
      if (kind === ACKED) {
        this.sliceOfProducer[rec.producer].acknowledged(data[e + EVENT.wireBytes]);
        this.ledger.ack(rec.n, partition);
        this.listener.acked(rec, partition, offset, atUs);
        if (this.spec.consumers > 0 && offset >= 0 && this.ledger.isOutstanding(rec.n)) this.awaitingRead.set(rec.n, { partition, offset, intendedUs: rec.intendedUs });
        if (partition >= this.spec.partitions && !this.firstConsumedOffset.has(partition)) {
          let list = this.newPartitionAcks.get(partition);
          if (!list) this.newPartitionAcks.set(partition, (list = []));
          list.push({ offset, rec: { ...rec } });
        }
      } else {
        if (!this.firstConsumedOffset.has(partition)) this.firstConsumedOffset.set(partition, offset);
        if (!this.ledger.consume(rec.n, partition)) this.changes.duplicate(partition, atUs);
        this.awaitingRead.delete(rec.n);
        this.listener.consumed(rec, data[e + EVENT.consumer], partition, offset, atUs);
      }
    }
  }

  send(rec: PlannedRecord): void | Promise<void> {
    if (this.failure) throw this.failure;
    this.listener.sent(rec);
    const slice = this.sliceOfProducer[rec.producer];
    slice.add(rec, rec.key, this.workload.valueOf(rec));
    return slice.room();
  }

  async growPartitions(to: number, atUs: number): Promise<void> {
    await this.lease!.grow(to);
    const doneUs = this.clock.nowUs();
    this.info.details.growth = { from: this.spec.partitions, to, plannedAtMs: atUs / 1000, doneAtMs: Math.round(doneUs) / 1000 };
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

  async drain(o: { shouldStop?: () => boolean } = {}): Promise<void> {
    // Every slice sends what it holds and waits for its acks.
    for (const s of this.slices) {
      s.flush();
      s.post({ t: 'drain' });
    }
    await this.until(() => this.slices.every((s) => this.drained.has(s.index) || this.closed.has(s.index)), Infinity, 'the producers to finish').catch(() => undefined);
    if (this.spec.consumers > 0) await this.awaitConsumption(o.shouldStop);
    const finalOffsets = await this.lease!.finalOffsets();
    if (finalOffsets) {
      this.info.details.finalOffsets = finalOffsets;
      this.accountUnread(finalOffsets);
    }
    if (this.failure) throw this.failure;
  }

  /** Acked records nobody read that the broker's log still holds (below their partition's end
   * offset) are unconsumed, not lost; what the log no longer holds stays lost. */
  private accountUnread(finalOffsets: { partition: number; logEndOffset: number }[]): void {
    const ends = new Map(finalOffsets.map((f) => [f.partition, f.logEndOffset]));
    const rec = this.scratch;
    for (const [n, at] of this.awaitingRead) {
      if (!this.ledger.isOutstanding(n) || at.offset >= (ends.get(at.partition) ?? -1)) continue;
      this.ledger.unread(n);
      rec.n = n;
      rec.intendedUs = at.intendedUs;
      this.listener.unread?.(rec, at.partition, at.offset);
    }
    this.awaitingRead.clear();
  }

  /** Waits until every acked record is consumed or skipped, or nothing has moved for the drain
   * timeout (what is still missing is then reported as lost). */
  private async awaitConsumption(shouldStop?: () => boolean): Promise<void> {
    let last = -1;
    let lastProgress = Date.now();
    const brief = Math.min(2000, this.options.drainTimeoutMs);
    const patienceMs = this.failure ? brief : this.options.drainTimeoutMs;
    let stoppedAt = 0;
    for (;;) {
      this.accountSkipped();
      if (this.ledger.outstanding === 0) return;
      // Stopped by the user: a brief last look, however fast the group is still reading.
      if (stoppedAt === 0 && shouldStop?.()) stoppedAt = Date.now();
      if (stoppedAt > 0 && Date.now() - stoppedAt > brief) return;
      const settled = this.ledger.consumed + this.ledger.skipped;
      if (settled !== last) {
        last = settled;
        lastProgress = Date.now();
      } else if (Date.now() - Math.max(lastProgress, this.crashNoticedBy) > patienceMs) {
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private workerRows() {
    return this.workerStats!.rows(this.remoteWorkers, this.layout, this.originEpochMs);
  }

  async close(): Promise<void> {
    for (const t of this.changeTimers) clearTimeout(t);
    // Slices disconnect their clients while the lease deletes the run's group and topic; each is
    // bounded (10 s), so a broker that is gone does not hold the exit.
    for (const s of this.slices) s.post({ t: 'close' });
    const slicesClosed = (async () => {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && this.slices.some((s) => !this.closed.has(s.index))) await new Promise((r) => setTimeout(r, 20));
      this.terminating = true;
      await Promise.all(this.slices.map((s) => s.terminate().catch(() => 0)));
    })();
    // The group can only be deleted once its members have left.
    await slicesClosed;
    // Members commit when they leave (and otherwise only every --auto-commit-interval): the group's
    // committed offsets are read again now, so the report has what it finally committed.
    if (this.spec.consumers > 0 && this.info.details.finalOffsets && this.lease) this.info.details.finalOffsets = (await this.lease.finalOffsets()) ?? this.info.details.finalOffsets;
    if (this.remote && this.workerStats) this.info.details.workers = this.workerRows();
    await this.lease?.release({ deleteGroup: this.spec.consumers > 0, keepTopic: this.options.keepTopic });
    if (this.remote) {
      await this.remote.close();
      const runS = Math.max(1e-3, (epochMs() - this.originEpochMs) / 1000);
      this.info.details.coordination = {
        controlBytes: this.remote.bytesDown, resultsBytes: this.remote.bytesUp,
        controlBytesPerSec: Math.round(this.remote.bytesDown / runS), resultsBytesPerSec: Math.round(this.remote.bytesUp / runS),
      };
    }
  }
}
