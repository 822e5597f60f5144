// The coordinator's side of a run spread over `kbench worker` processes: it announces the run on
// kbench.control, waits until the run's worker group (Kafka's consumer-group protocol on the run's
// slices topic) has handed each of N workers one slice, measures each worker's clock, and then
// relays orders down (on kbench.control, addressed to run and slice) and answers up (the results
// topic, partition = slice). It follows the worker group while the run lasts: a worker the group
// drops (session timeout: it died or was cut off) is reported lost.
import { hostname } from 'node:os';
import type { Driver, DriverAdmin, DriverConsumer, DriverProducer } from '../../../drivers/driver.js';
import { describeError, isRetriable, withTimeout } from '../../../drivers/errors.js';
import { runError } from '../../../errors.js';
import { epochMs, type FromSlice, type ToSlice } from '../slice-protocol.js';
import { estimateOffset, type ClockOffset, type ClockSample } from './clock-offset.js';
import { createRunTopic, deleteRunTopics, ensureControlTopic } from './topics.js';
import {
  CONTROL_TOPIC, decodeEvents, decodeJson, encodeJson, EVENTS_TYPE, runTopics, TYPE_HEADER, WIRE_PROTOCOL,
  type Announcement, type Down, type SliceOrder, type Up, type WorkerIdentity,
} from './wire.js';

const PINGS = 8;
const GROUP_WATCH_MS = 1000;

export interface RemoteWorker {
  slice: number;
  identity: WorkerIdentity;
  clock: ClockOffset;
  /** When the worker group dropped it (ms since the epoch, coordinator clock), or null. */
  lostAtEpochMs: number | null;
}

export interface RemoteWorkersOptions {
  driver: Driver;
  admin: DriverAdmin;
  runId: string;
  pool: string;
  workers: number;
  timeoutMs: number;
  version: string;
  /** A slice's answer in the engine's terms, its times already on the coordinator's clock. */
  onMessage(slice: number, m: FromSlice): void;
  onEvents(slice: number, data: Float64Array): void;
  onLost(slice: number, worker: RemoteWorker): void;
  /** Reading the workers' answers failed: the run cannot be measured any further. */
  onFailure(e: Error): void;
}

export class RemoteWorkers {
  private readonly topics;
  private producer: DriverProducer | null = null;
  private consumer: DriverConsumer | null = null;
  private readonly hellos = new Map<number, WorkerIdentity>();
  private readonly refusals: string[] = [];
  private readonly pongs = new Map<number, ClockSample[]>();
  readonly workers: RemoteWorker[] = [];
  private watch: NodeJS.Timeout | null = null;
  /** Slices told to close (or that said they closed): leaving the group is what they do next. */
  private readonly closing = new Set<number>();
  private clusterId = '';
  /** Bytes of control messages sent and of answers and events received (values, keys and headers). */
  bytesDown = 0;
  bytesUp = 0;
  private closed = false;

  constructor(private readonly o: RemoteWorkersOptions) {
    this.topics = runTopics(o.runId);
  }

  /** Creates the run's topics, starts reading answers, announces the run and waits for N workers. */
  async gather(): Promise<RemoteWorker[]> {
    const { driver, admin, workers, timeoutMs } = this.o;
    const deadline = Date.now() + timeoutMs;
    this.clusterId = (await admin.describeCluster()).clusterId;
    await ensureControlTopic(driver, admin, deadline);
    await createRunTopic(driver, admin, this.topics.slices, workers, deadline);
    await createRunTopic(driver, admin, this.topics.results, workers, deadline);
    this.producer = driver.producer({ idempotent: true, maxInFlight: 1, metadataMaxAgeMs: 300_000, lingerMs: 0, batchBytes: 16_384 });
    await this.producer.connect(CONTROL_TOPIC);
    await this.readAnswers();
    await this.down({ t: 'announce', runId: this.o.runId, pool: this.o.pool, protocol: WIRE_PROTOCOL, version: this.o.version, clusterId: this.clusterId, workers, joinByEpochMs: epochMs() + timeoutMs, coordinator: hostname() } satisfies Announcement);
    for (;;) {
      if (this.hellos.size === workers) break;
      if (Date.now() > deadline) {
        const refused = this.refusals.length ? `; refused: ${this.refusals.join('; ')}` : '';
        throw runError(`only ${this.hellos.size} of ${workers} workers of pool ${this.o.pool} joined within ${Math.round(timeoutMs / 1000)} s (start them with kbench worker --brokers … --pool ${this.o.pool}, or raise --worker-timeout)${refused}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all([...this.hellos.keys()].map((slice) => this.measureClock(slice, deadline + 10_000)));
    for (const [slice, identity] of [...this.hellos].sort((a, b) => a[0] - b[0])) {
      this.workers.push({ slice, identity, clock: estimateOffset(this.pongs.get(slice) ?? [])!, lostAtEpochMs: null });
    }
    this.watch = setInterval(() => void this.watchGroup(), GROUP_WATCH_MS);
    return this.workers;
  }

  private async readAnswers(): Promise<void> {
    const consumer = this.o.driver.consumer({
      groupId: this.topics.resultsGroup, topics: [this.topics.results], protocol: 'classic', fromBeginning: true, autoCommit: false, autoResolve: true,
      maxWaitMs: 50, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500, restartOnFailure: (e) => isRetriable(e),
    });
    this.consumer = consumer;
    await consumer.run(async ({ partition, records }) => {
      for (const message of records) {
        if (this.closed) return;
        this.bytesUp += (message.value?.length ?? 0) + (message.key?.length ?? 0) + TYPE_HEADER.length + 8;
        const type = message.headers[TYPE_HEADER]?.toString();
        try {
          if (type === EVENTS_TYPE) {
            if (message.value) this.o.onEvents(partition, decodeEvents(message.value));
            continue;
          }
          const m = decodeJson<Up>(message.value);
          if (m) this.answer(partition, m);
        } catch (e) {
          // A bug or a damaged message: the run stops with the reason rather than retrying it forever.
          this.o.onFailure(runError(`cannot take in worker ${partition}'s results: ${e instanceof Error ? e.message : String(e)}`, e));
        }
      }
    });
    consumer.on('crashed', (error, restarting) => {
      if (!this.closed && !restarting) this.o.onFailure(runError(`lost the workers' results topic: ${describeError(error)}`, error));
    });
  }

  private answer(slice: number, m: Up): void {
    switch (m.t) {
      case 'hello': {
        const taken = [...this.hellos].some(([s, w]) => s !== slice && w.memberId === m.worker.memberId);
        if (!this.hellos.has(slice) && !taken && this.workers.length === 0) this.hellos.set(slice, m.worker);
        return;
      }
      case 'refused':
        this.refusals.push(`${m.worker.name} (kbench ${m.worker.version}): ${m.reason}`);
        return;
      case 'pong':
        if (m.id >= 0) (this.pongs.get(slice) ?? this.pongs.set(slice, []).get(slice)!).push({ sentAtEpochMs: m.sentAtEpochMs, workerEpochMs: m.workerEpochMs, receivedAtEpochMs: epochMs() });
        return;
      case 'joined':
        // A worker's clock is its own: its join moves to the coordinator's (post() does the reverse).
        this.o.onMessage(slice, { ...m, atEpochMs: m.atEpochMs - (this.workerOf(slice)?.clock.offsetMs ?? 0) });
        return;
      default:
        if (m.t === 'closed') this.closing.add(slice);
        this.o.onMessage(slice, m);
    }
  }

  /** Round trips with one worker, one at a time (a ping queued behind another measures the queue). */
  private async measureClock(slice: number, deadline: number): Promise<void> {
    for (let id = 0; id < PINGS; id++) {
      const before = this.pongs.get(slice)?.length ?? 0;
      await this.send(slice, { t: 'ping', id, sentAtEpochMs: epochMs() });
      while ((this.pongs.get(slice)?.length ?? 0) === before) {
        if (Date.now() > deadline) throw runError(`worker ${this.hellos.get(slice)?.name} stopped answering while its clock was measured`);
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  }

  /** A worker the group no longer lists has died or been cut off (the group waited its session timeout). */
  private async watchGroup(): Promise<void> {
    if (this.closed) return;
    try {
      const group = await this.o.admin.describeGroup(this.topics.workersGroup);
      const members = new Set((group?.members ?? []).map((m) => m.memberId));
      for (const w of this.workers) {
        if (w.lostAtEpochMs === null && !this.closing.has(w.slice) && !members.has(w.identity.memberId)) {
          w.lostAtEpochMs = epochMs();
          this.o.onLost(w.slice, w);
        }
      }
    } catch {
      // The broker may be briefly away; the next look decides.
    }
  }

  private async down(m: Announcement | Down, slice?: number): Promise<void> {
    const value = encodeJson(m);
    const headers: Record<string, string> = { [TYPE_HEADER]: m.t, run: this.o.runId };
    if (slice !== undefined) headers.slice = String(slice);
    this.bytesDown += value.length + Object.entries(headers).reduce((s, [k, v]) => s + k.length + v.length, 0);
    const wire = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
    // The control topic has one partition (ensureControlTopic): every worker reads the orders in the order they were sent.
    // Keyed by the message's type: no driver has to write a null key.
    await this.producer!.send({ topic: CONTROL_TOPIC, acks: 'all', compression: 'none', records: [{ key: wire[TYPE_HEADER], value, headers: wire, partition: 0 }] });
  }

  send(slice: number, m: Down): Promise<void> {
    return this.down(m, slice);
  }

  setup(slice: number, order: SliceOrder): Promise<void> {
    return this.send(slice, { t: 'setup', order });
  }

  /** An order for a slice in the engine's terms (ToSlice), in the worker's: the run's zero moves to
   * its clock; a drain is the worker's own business (it drains when its records are sent). */
  post(slice: number, m: ToSlice): void {
    const w = this.workerOf(slice);
    if (!w || w.lostAtEpochMs !== null) return;
    if (m.t === 'close') this.closing.add(slice);
    const order: Down | null = m.t === 'run' ? { t: 'run', originEpochMs: m.originEpochMs + w.clock.offsetMs } : m.t === 'close' ? { t: 'close' } : null;
    if (order) void this.send(slice, order).catch(() => undefined);
  }

  private workerOf(slice: number): RemoteWorker | undefined {
    return this.workers.find((x) => x.slice === slice);
  }

  stopAll(): void {
    for (const w of this.workers) if (w.lostAtEpochMs === null) void this.send(w.slice, { t: 'stop' }).catch(() => undefined);
  }

  /** Ends the run for everyone (idle workers too), stops reading, deletes the run's topics and groups. */
  async close(): Promise<void> {
    if (this.watch) clearInterval(this.watch);
    const { driver, admin } = this.o;
    if (this.producer) await withTimeout(this.down({ t: 'end', runId: this.o.runId }), 5_000, 'end timed out').catch(() => undefined);
    this.closed = true;
    await withTimeout(Promise.all([this.consumer?.close(), this.producer?.close()]), 5_000, 'disconnect timed out').catch(() => undefined);
    await withTimeout(deleteRunTopics(driver, admin, [this.topics.slices, this.topics.results], [this.topics.resultsGroup, this.topics.workersGroup]), 10_000, 'clean-up timed out').catch(() => undefined);
    // The admin client is this object's (the engine connected it for the workers alone).
    await withTimeout(admin.close(), 2_000, 'disconnect timed out').catch(() => undefined);
  }
}
