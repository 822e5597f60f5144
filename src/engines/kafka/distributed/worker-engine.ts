// A worker's share of a distributed run, as an Engine the runner drives like any other: the runner
// plans the run's records (every worker plans them all, so keys and per-entity sequences are the
// same as in one process) and hands this engine only those of its own producers. They go to local
// slices (worker threads, as in a one-process run); what the slices report (acks, consumptions,
// joins) goes up to the coordinator as it is, plus one SENT event per record handed over. The
// coordinator owns the topic, the group's settling, growth and the drain of consumption.
import type { ClientSecurity } from '../../../config/client-security.js';
import type { RunSpec } from '../../../config/run-spec.js';
import { runError } from '../../../errors.js';
import type { Clock, Engine, EngineInfo, EngineListener, PlannedRecord, WorkloadInfo } from '../../types.js';
import { bufferLimit } from '../batching-producer.js';
import { spreadOver } from '../kafka-engine.js';
import { ACKED, EVENT, EVENT_STRIDE, SENT, epochMs, wallClock, writeEvent, type FromSlice } from '../slice-protocol.js';
import { SliceThread } from '../slice-thread.js';
import type { Down, SliceOrder, Up } from './wire.js';

const EVENTS_PER_MESSAGE = 8192;
const FLUSH_EVERY_MS = 50;

export interface Uplink {
  answer(m: Up): void;
  events(data: Float64Array, numbers: number): void;
}

export interface WorkerEngineOptions {
  order: SliceOrder;
  brokers: string[];
  connectTimeoutMs: number;
  security: ClientSecurity | null;
  clientId: string;
  uplink: Uplink;
}

export class WorkerEngine implements Engine {
  readonly info: EngineInfo = { name: 'kafka', simulated: false, mayDuplicate: true, details: {}, notes: [] };
  readonly clock: Clock;
  private readonly spec: RunSpec;
  private slices: SliceThread[] = [];
  private readonly sliceOfProducer: SliceThread[] = [];
  private workload!: WorkloadInfo;
  private originEpochMs = epochMs();
  private readonly started = new Set<number>();
  private readonly drained = new Set<number>();
  private readonly closed = new Set<number>();
  private failure: Error | null = null;
  private runAt: number | null = null;
  private closing = false;
  private stopRequested = false;
  private events = new Float64Array(EVENTS_PER_MESSAGE * EVENT_STRIDE);
  private eventCount = 0;
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: WorkerEngineOptions) {
    this.spec = o.order.spec;
    this.clock = wallClock(() => this.originEpochMs);
  }

  /** Whether the coordinator has said the run is over. */
  get closeOrdered(): boolean {
    return this.closing;
  }

  /** The runner asks between batches whether to stop: the coordinator may have said so. */
  shouldStop = () => this.stopRequested;

  /** An order from the coordinator for this slice. */
  order(m: Down): void {
    if (m.t === 'run') this.runAt = m.originEpochMs;
    else if (m.t === 'stop') this.stopRequested = true;
    else if (m.t === 'close') this.closing = true;
  }

  async start(_listener: EngineListener, workload: WorkloadInfo): Promise<void> {
    this.workload = workload;
    const { order } = this.o;
    const layout = spreadOver(order.producers, order.consumers, order.threads);
    this.slices = layout.map((part, i) => {
      const limit = Math.max(1, part.producers.length) * 2 * bufferLimit(this.spec, Math.max(this.spec.partitions, this.spec.growTo ?? 0));
      const slice: SliceThread = new SliceThread(i, {
        spec: this.spec, brokers: this.o.brokers, connectTimeoutMs: this.o.connectTimeoutMs, security: this.o.security, clientId: `${this.o.clientId}-t${i}`,
        topic: order.topic, groupId: order.groupId, producers: part.producers, consumers: part.consumers, keyCardinality: order.keyCardinality, consumerDriver: order.consumerDriver,
      }, limit, (m) => this.onSliceMessage(slice, m), (e) => {
        this.closed.add(i);
        if (e && !this.closing) this.fail(e.message);
      });
      for (const k of part.producers) this.sliceOfProducer[k] = slice;
      return slice;
    });
    await this.until(() => this.started.size === this.slices.length);
    this.o.uplink.answer({ t: 'started', details: this.details });
    // The coordinator starts the run once the whole group has settled, on every worker at once.
    await this.until(() => this.runAt !== null || this.closing || this.stopRequested);
    if (this.runAt === null) throw runError('the coordinator ended the run before it started');
    this.originEpochMs = this.runAt;
    for (const s of this.slices) s.post({ t: 'run', originEpochMs: this.originEpochMs });
  }

  private details: Record<string, string | number | boolean> = {};

  private fail(message: string, code = 'KBENCH_RUN_FAILED'): void {
    if (this.failure) return;
    this.failure = runError(message);
    this.flush();
    this.o.uplink.answer({ t: 'failed', message, code });
    for (const s of this.slices) s.release();
  }

  /** Polls `done`; throws the failure as soon as there is one. The coordinator bounds every wait:
   * it starts, stops and closes the run, and a worker that loses its coordinator is closed by the agent. */
  private async until(done: () => boolean): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (done()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private onSliceMessage(slice: SliceThread, m: FromSlice): void {
    switch (m.t) {
      case 'started':
        this.started.add(slice.index);
        Object.assign(this.details, m.details);
        return;
      case 'events': {
        // Acks free room for more records here; everything goes up as it is.
        const d = m.data;
        for (let i = 0; i < m.count; i++) {
          const e = i * EVENT_STRIDE;
          if (d[e + EVENT.kind] === ACKED) this.sliceOfProducer[d[e + EVENT.producer]]?.acknowledged(d[e + EVENT.wireBytes]);
        }
        this.flush();
        this.o.uplink.events(d, m.count * EVENT_STRIDE);
        return;
      }
      case 'joined':
      case 'fetched':
        this.flush(); // events before a join stay before it
        this.o.uplink.answer(m);
        return;
      case 'failed':
        return this.fail(m.message, m.code);
      case 'drained':
        this.drained.add(slice.index);
        return;
      case 'closed':
        this.closed.add(slice.index);
        return;
    }
  }

  send(rec: PlannedRecord): void | Promise<void> {
    if (this.failure) throw this.failure;
    writeEvent(this.events, this.eventCount, SENT, rec, rec.sizeBytes, -1, -1, rec.intendedUs, 0);
    if (++this.eventCount === EVENTS_PER_MESSAGE) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_EVERY_MS);
    const slice = this.sliceOfProducer[rec.producer];
    slice.add(rec, rec.key, this.workload.valueOf(rec));
    return slice.room();
  }

  /** Growth is the coordinator's: it owns the topic. Producers see the new partitions as always. */
  growPartitions(): void {}

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.eventCount === 0) return;
    this.o.uplink.events(this.events, this.eventCount * EVENT_STRIDE); // encoded at once: the buffer is reused
    this.eventCount = 0;
  }

  /** Sends what the producers hold and waits for their acks; the consumers go on reading until the
   * coordinator, which knows what every worker's producers sent, says the run is over. */
  async drain(): Promise<void> {
    for (const s of this.slices) {
      s.flush();
      s.post({ t: 'drain' });
    }
    await this.until(() => this.slices.every((s) => this.drained.has(s.index) || this.closed.has(s.index))).catch(() => undefined);
    this.flush();
    this.o.uplink.answer({ t: 'drained' });
    await this.until(() => this.closing);
  }

  async close(): Promise<void> {
    this.flush();
    for (const s of this.slices) s.post({ t: 'close' });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && this.slices.some((s) => !this.closed.has(s.index))) await new Promise((r) => setTimeout(r, 20));
    this.closing = true;
    await Promise.all(this.slices.map((s) => s.terminate().catch(() => 0)));
    this.o.uplink.answer({ t: 'closed' });
  }
}
