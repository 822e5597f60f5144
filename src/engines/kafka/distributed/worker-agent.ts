// `kbench worker`: waits on kbench.control for a run, joins its worker group (Kafka assigns it a
// slice: a partition of the run's slices topic), answers the coordinator's clock pings, runs its
// share of the run (WorkerEngine, driven by the same runner as a one-process run), sends everything
// it measures up the results topic, and waits for the next run.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ClientSecurity } from '../../../config/client-security.js';
import type { Driver, DriverAdmin, DriverConsumer, DriverProducer } from '../../../drivers/driver.js';
import { describeError, isRetriable, withTimeout } from '../../../drivers/errors.js';
import { DEFAULT_DRIVER, loadDriver } from '../../../drivers/load.js';
import { runWorkload } from '../../../runner/run-workload.js';
import { createRng } from '../../../workload/rng.js';
import type { EngineListener } from '../../types.js';
import { epochMs } from '../slice-protocol.js';
import { ensureControlTopic } from './topics.js';
import {
  CONTROL_TOPIC, decodeJson, encodeEvents, encodeJson, EVENTS_TYPE, runTopics, TYPE_HEADER, WIRE_PROTOCOL,
  type Announcement, type Down, type SliceOrder, type Up, type WorkerIdentity,
} from './wire.js';
import { WorkerEngine, type Uplink } from './worker-engine.js';

export interface WorkerAgentOptions {
  brokers: string[];
  connectTimeoutMs: number;
  security: ClientSecurity | null;
  name: string;
  /** Serve only runs of this pool. */
  pool: string;
  version: string;
  /** Serve one run, then exit. */
  once: boolean;
  /** Worker threads for this worker's producers and consumers (this machine's cores, not the coordinator's). */
  threads: number;
  /** Asked between waits: the user wants the worker to stop (Ctrl-C, SIGTERM). */
  shouldStop: () => boolean;
  /** One line for the user (stderr). */
  say: (line: string) => void;
}

/** How much a worker sends up in one request: below the broker's default message.max.bytes (1 MiB). */
const UPLINK_BYTES_PER_REQUEST = 768 * 1024;
const COORDINATOR_WATCH_MS = 2000;
/** How long the worker group waits for a silent worker before the coordinator reports it lost: the
 * consumers' 10 s, so that a worker whose main thread is busy planning on a loaded machine is not
 * taken for a dead one. */
const WORKER_SESSION_TIMEOUT_MS = 10_000;

const NULL_LISTENER: EngineListener = { sent() {}, acked() {}, consumed() {}, skipped() {}, assigned() {} };

/** Answers and events to the coordinator, in order, several per request. */
class ResultsUplink implements Uplink {
  private queue: { value: Buffer; headers: Record<string, Buffer> }[] = [];
  private sending: Promise<void> | null = null;
  failure: Error | null = null;

  constructor(private readonly producer: DriverProducer, private readonly topic: string, private readonly partition: number) {}

  answer(m: Up): void {
    this.push(encodeJson(m), m.t);
  }

  events(data: Float64Array, numbers: number): void {
    this.push(encodeEvents(data, numbers), EVENTS_TYPE);
  }

  private push(value: Buffer, type: string): void {
    this.queue.push({ value, headers: { [TYPE_HEADER]: Buffer.from(type) } });
    this.sending ??= this.drainQueue();
  }

  private async drainQueue(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        let bytes = 0;
        let n = 0;
        while (n < this.queue.length && (n === 0 || bytes + this.queue[n].value.length < UPLINK_BYTES_PER_REQUEST)) bytes += this.queue[n++].value.length;
        // Keyed by the message's type (its partition is the slice's): no driver has to write a null key.
        const records = this.queue.splice(0, n).map((m) => ({ key: m.headers[TYPE_HEADER], ...m, partition: this.partition }));
        await this.producer.send({ topic: this.topic, acks: 'all', compression: 'none', records });
      }
    } catch (e) {
      this.failure ??= e as Error;
    } finally {
      this.sending = null;
    }
  }

  /** Resolves once everything queued so far is written (or the link has failed). */
  async flushed(): Promise<void> {
    while (this.sending) await this.sending;
  }
}

interface RunState {
  announcement: Extract<Announcement, { t: 'announce' }>;
  slice: number | null;
  order: SliceOrder | null;
  engine: WorkerEngine | null;
  ended: boolean;
  uplink: ResultsUplink | null;
}

export class WorkerAgent {
  private driver!: Driver;
  private admin: DriverAdmin | null = null;
  private producer: DriverProducer | null = null;
  private control: DriverConsumer | null = null;
  private readonly clientId: string;
  private identity!: Omit<WorkerIdentity, 'memberId'>;
  private readonly ended = new Set<string>();
  private readonly refused = new Set<string>();
  /** Announced runs this worker may serve, oldest first (a run that ends or expires is dropped). */
  private readonly pending: RunState[] = [];
  /** The control topic's end when this worker started: runs are taken only once the history up to
   * it is read, so that a finished run (its end is further on) is never taken for a waiting one. */
  private historyEnd = 0;
  private readUpTo = -1;
  private current: RunState | null = null;

  constructor(private readonly o: WorkerAgentOptions) {
    this.clientId = `kbench-worker-${o.name}`.slice(0, 200);
  }

  /** Serves runs until stopped (or one run with `once`); returns how many it served. */
  async serve(): Promise<number> {
    const o = this.o;
    // Its own clients (the control topic, the run's worker group, the results) are the coordination
    // fabric, not what is measured: they always use the default driver. A run's producers and
    // consumers use the drivers the coordinator's run names.
    this.driver = await loadDriver(DEFAULT_DRIVER, { brokers: o.brokers, connectTimeoutMs: o.connectTimeoutMs, clientId: this.clientId, security: o.security });
    this.admin = await this.driver.admin();
    let served = 0;
    try {
      const clusterId = (await this.admin.describeCluster()).clusterId;
      this.identity = { name: this.o.name, host: hostname(), pid: process.pid, version: this.o.version, protocol: WIRE_PROTOCOL, clusterId };
      await ensureControlTopic(this.driver, this.admin, Date.now() + this.o.connectTimeoutMs);
      this.producer = this.driver.producer({ idempotent: true, maxInFlight: 1, metadataMaxAgeMs: 300_000, lingerMs: 0, batchBytes: 16_384 });
      // It writes to each run's results topic, always to a partition it names; the control topic is
      // the one topic it knows now.
      await this.producer.connect(CONTROL_TOPIC);
      await this.readControl();
      this.o.say(`kbench worker ${this.o.name}: waiting for runs of pool ${this.o.pool} on ${this.o.brokers.join(',')} (cluster ${clusterId})`);
      for (;;) {
        const next = () => {
          while (this.pending.length && (this.ended.has(this.pending[0].announcement.runId) || this.pending[0].announcement.joinByEpochMs < epochMs())) this.pending.shift();
          return this.readUpTo + 1 >= this.historyEnd ? this.pending.shift() : undefined;
        };
        let run: RunState | undefined;
        while (!(run = next()) && !this.o.shouldStop()) await new Promise((r) => setTimeout(r, 50));
        if (!run) break;
        this.current = run;
        try {
          if (await this.serveRun(run)) served++;
        } finally {
          this.current = null;
        }
        if (this.o.once && served > 0) break;
      }
    } finally {
      await withTimeout(Promise.all([this.control?.close(), this.producer?.close()]), 5_000, 'disconnect timed out').catch(() => undefined);
      await this.admin.close().catch(() => undefined);
    }
    return served;
  }

  /** Reads every announcement and order on kbench.control, in its own group (each worker sees all). */
  private async readControl(): Promise<void> {
    const groupId = `kbench-worker-${randomUUID()}`;
    const control = this.driver.consumer({
      groupId, topics: [CONTROL_TOPIC], protocol: 'classic', fromBeginning: true, autoCommit: false, autoResolve: true,
      maxWaitMs: 50, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000, restartOnFailure: (e) => isRetriable(e),
    });
    this.control = control;
    this.historyEnd = (await this.admin!.endOffsets(CONTROL_TOPIC))[0]?.high ?? 0;
    // No offsets are committed: the group vanishes with the worker.
    await control.run(async ({ records }) => {
      for (const message of records) {
        this.onControl(message.headers, message.value);
        this.readUpTo = message.offset;
      }
    });
  }

  private onControl(headers: Record<string, unknown>, value: Buffer | null): void {
    const text = (k: string) => (headers[k] === undefined ? undefined : String(headers[k]));
    const runId = text('run');
    const slice = text('slice');
    if (slice === undefined) {
      const a = decodeJson<Announcement>(value);
      if (!a) return;
      if (a.t === 'end') {
        this.ended.add(a.runId);
        const waiting = this.pending.findIndex((r) => r.announcement.runId === a.runId);
        if (waiting >= 0) this.pending.splice(waiting, 1);
        if (this.current?.announcement.runId === a.runId) {
          this.current.ended = true;
          this.current.engine?.order({ t: 'close' });
        }
        return;
      }
      if (a.t !== 'announce' || a.pool !== this.o.pool || this.ended.has(a.runId) || a.joinByEpochMs < epochMs() || this.refused.has(a.runId)) return;
      const why = this.refusal(a);
      if (why) {
        this.refused.add(a.runId);
        this.o.say(`kbench worker ${this.o.name}: refusing run ${a.runId} from ${a.coordinator}: ${why}`);
        const worker = { ...this.identity, memberId: '' };
        const refusal = { key: Buffer.from('refused'), partition: 0, value: encodeJson({ t: 'refused', worker, reason: why } satisfies Up), headers: { [TYPE_HEADER]: Buffer.from('refused') } };
        void this.producer!.send({ topic: runTopics(a.runId).results, acks: 'all', compression: 'none', records: [refusal] }).catch(() => undefined);
        return;
      }
      this.pending.push({ announcement: a, slice: null, order: null, engine: null, ended: false, uplink: null });
      return;
    }
    const run = this.current;
    if (!run || runId !== run.announcement.runId || Number(slice) !== run.slice) return;
    const m = decodeJson<Down>(value);
    if (!m) return;
    if (m.t === 'ping') run.uplink?.answer({ t: 'pong', id: m.id, sentAtEpochMs: m.sentAtEpochMs, workerEpochMs: epochMs() });
    else if (m.t === 'setup') run.order = m.order;
    else {
      if (m.t === 'run') this.o.say(`kbench worker ${this.o.name}: run ${runId} starts`);
      run.engine?.order(m);
    }
  }

  private refusal(a: Extract<Announcement, { t: 'announce' }>): string | null {
    if (a.protocol !== WIRE_PROTOCOL || a.version !== this.o.version) return `the coordinator runs kbench ${a.version} (protocol ${a.protocol}), this worker kbench ${this.o.version} (protocol ${WIRE_PROTOCOL}); run the same version on both`;
    if (a.clusterId !== this.identity.clusterId) return `the coordinator is connected to cluster ${a.clusterId}, this worker to ${this.identity.clusterId}; give both the same --brokers`;
    return null;
  }

  /** Joins the run's worker group, takes the slice Kafka assigns, runs it. True if it ran a slice. */
  private async serveRun(run: RunState): Promise<boolean> {
    const { runId, joinByEpochMs } = run.announcement;
    const topics = runTopics(runId);
    const group = this.driver.consumer({
      groupId: topics.workersGroup, topics: [topics.slices], protocol: 'classic', fromBeginning: false, autoCommit: false, autoResolve: true,
      sessionTimeoutMs: WORKER_SESSION_TIMEOUT_MS, heartbeatIntervalMs: 500, rebalanceTimeoutMs: 10_000, maxWaitMs: 500, restartOnFailure: (e) => isRetriable(e),
    });
    group.on('assigned', (assignment, memberId) => {
      const mine = assignment[topics.slices] ?? [];
      // The first single partition Kafka gives this member is its slice for the whole run; later
      // rebalances (a worker lost, another joining) do not move a slice that is running.
      if (run.slice === null && mine.length === 1) {
        run.slice = mine[0];
        run.uplink = new ResultsUplink(this.producer!, topics.results, run.slice);
        run.uplink.answer({ t: 'hello', slice: run.slice, worker: { ...this.identity, memberId } });
      }
    });
    let coordinatorWatch: NodeJS.Timeout | null = null;
    try {
      await group.run(async () => {});
      // Either a slice and its order arrive, or the run goes on without this worker (more workers
      // than slices), or it ends.
      // The coordinator hands out slices once all have joined, by joinBy at the latest (plus its clock
      // measurements); a run whose coordinator died before that is given up soon after.
      const giveUpAt = Math.max(joinByEpochMs, epochMs()) + 15_000;
      while (!run.order && !run.ended && !this.o.shouldStop() && epochMs() < giveUpAt) await new Promise((r) => setTimeout(r, 20));
      if (!run.order || run.ended || this.o.shouldStop()) return false;
      const order = { ...run.order, threads: this.o.threads };
      this.o.say(`kbench worker ${this.o.name}: run ${runId}, slice ${run.slice}: ${order.producers.length} producers, ${order.consumers.length} consumers`);
      const engine = new WorkerEngine({
        order, brokers: this.o.brokers, connectTimeoutMs: this.o.connectTimeoutMs, security: this.o.security,
        clientId: `kbench-${runId}-w${run.slice}`, uplink: run.uplink!,
      });
      run.engine = engine;
      // The coordinator is a member of the results group while the run lasts: once the group is
      // empty, it is gone (killed, cut off), and this worker stops rather than wait for orders.
      let seen = false;
      let absent = 0;
      coordinatorWatch = setInterval(() => {
        void this.admin!.describeGroup(topics.resultsGroup).then((g) => {
          const members = g?.members.length ?? 0;
          if (members > 0) {
            seen = true;
            absent = 0;
          } else if (seen && ++absent >= 2 && !run.ended && !engine.closeOrdered) {
            run.ended = true;
            this.o.say(`kbench worker ${this.o.name}: the coordinator of run ${runId} is gone; stopping`);
            engine.order({ t: 'stop' });
            engine.order({ t: 'close' });
          }
        }).catch(() => undefined);
      }, COORDINATOR_WATCH_MS);
      const result = await runWorkload(order.spec, engine, createRng(order.spec.seed), { producers: new Set(order.producers), shouldStop: () => engine.shouldStop() || this.o.shouldStop(), listener: NULL_LISTENER });
      await run.uplink!.flushed();
      if (run.uplink!.failure) this.o.say(`kbench worker ${this.o.name}: could not send results: ${describeError(run.uplink!.failure)}`);
      if (result.error) this.o.say(`kbench worker ${this.o.name}: run ${runId} ended early: ${result.error}`);
      else this.o.say(`kbench worker ${this.o.name}: run ${runId} done`);
      return true;
    } catch (e) {
      this.o.say(`kbench worker ${this.o.name}: run ${runId} failed: ${describeError(e)}`);
      run.uplink?.answer({ t: 'failed', message: `worker ${this.o.name}: ${describeError(e)}`, code: 'KBENCH_RUN_FAILED' });
      await run.uplink?.flushed();
      return run.slice !== null;
    } finally {
      if (coordinatorWatch) clearInterval(coordinatorWatch);
      await withTimeout(group.close(), 5_000, 'leaving the worker group timed out').catch(() => undefined);
    }
  }
}

/** The default worker name: this host and process. */
export const defaultWorkerName = () => `${hostname()}-${process.pid}`;

