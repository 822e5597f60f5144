// What a run's coordinator and its `kbench worker` processes say to each other, through Kafka.
//
// - `kbench.control` (one partition, kept like the registry): runs are announced there; every worker
//   reads it and ends up in the run's worker group.
// - `<run>-slices` (one partition per worker): the coordinator's orders to slice i go to partition i.
//   Workers subscribe to it in one consumer group, so Kafka decides membership (who is in the run),
//   assignment (which worker runs slice i: the one that owns partition i) and failure detection (a
//   worker that stops heartbeating leaves the group after its session timeout).
// - `<run>-results` (one partition per worker): slice i's answers and its packed events, in order.
//
// Control messages are JSON; events are the slices' packed Float64 events (slice-protocol.ts),
// lz4-framed. The message type travels in a header so events need no JSON envelope.
import { createRequire } from 'node:module';
import type { SliceSetup } from '../slice-protocol.js';

/** Bumped whenever a message changes meaning: a worker refuses a coordinator of another protocol. */
export const WIRE_PROTOCOL = 1;

export const CONTROL_TOPIC = 'kbench.control';
export const TYPE_HEADER = 'kb-t';

export const runTopics = (runId: string) => ({
  slices: `kbench-${runId}-slices`,
  results: `kbench-${runId}-results`,
  workersGroup: `kbench-${runId}-workers`,
  resultsGroup: `kbench-${runId}-results`,
});

/** On kbench.control. */
export type Announcement =
  | {
      t: 'announce';
      runId: string;
      protocol: number;
      version: string;
      /** The cluster the coordinator is connected to (a worker on another cluster, through a mirrored
       * control topic say, refuses the run). */
      clusterId: string;
      workers: number;
      /** Workers ignore an announcement after this time (their own clock, so with a margin). */
      joinByEpochMs: number;
      coordinator: string;
    }
  | { t: 'end'; runId: string };

/** A worker's share of the run: everything a local slice gets, except how to reach the cluster,
 * which is the worker's own (its --brokers and security settings). */
export type SliceOrder = Omit<SliceSetup, 'brokers' | 'connectTimeoutMs' | 'security' | 'clientId'> & { threads: number };

/** Coordinator → worker i (partition i of the slices topic). */
export type Down =
  | { t: 'ping'; id: number; sentAtEpochMs: number }
  | { t: 'setup'; order: SliceOrder }
  /** The run's zero, already in the worker's clock (the coordinator's zero plus the worker's offset). */
  | { t: 'run'; originEpochMs: number }
  /** The user stopped the run: stop sending, drain. */
  | { t: 'stop' }
  | { t: 'close' };

export interface WorkerIdentity {
  name: string;
  host: string;
  pid: number;
  version: string;
  protocol: number;
  clusterId: string;
  /** Its member id in the worker group (how the coordinator follows it in the group). */
  memberId: string;
}

/** Worker i → coordinator (partition i of the results topic). */
export type Up =
  | { t: 'hello'; slice: number; worker: WorkerIdentity }
  | { t: 'refused'; worker: WorkerIdentity; reason: string }
  | { t: 'pong'; id: number; sentAtEpochMs: number; workerEpochMs: number }
  | { t: 'started'; kafkajsFastPath: boolean }
  | { t: 'joined'; consumer: number; assignment: Record<string, number[]>; atEpochMs: number }
  | { t: 'fetched'; consumer: number }
  | { t: 'failed'; message: string; code: string }
  /** Its producers are done: every record handed over, acked or failed. */
  | { t: 'drained' }
  | { t: 'closed' };

const require = createRequire(import.meta.url);
const lz4 = require('lz4-napi') as { compressFrameSync(b: Uint8Array): Buffer; decompressFrameSync(b: Uint8Array): Buffer };

export const EVENTS_TYPE = 'events';

export const encodeJson = (m: object): Buffer => Buffer.from(JSON.stringify(m));

/** `count` packed events (EVENT_STRIDE numbers each) as one message value. */
export function encodeEvents(events: Float64Array, numbers: number): Buffer {
  return lz4.compressFrameSync(new Uint8Array(events.buffer, events.byteOffset, numbers * 8));
}

export function decodeEvents(value: Buffer): Float64Array {
  const raw = lz4.decompressFrameSync(value);
  // Copied into its own buffer: a Float64Array needs 8-byte alignment.
  const out = new Float64Array(raw.length / 8);
  new Uint8Array(out.buffer).set(raw);
  return out;
}

/** A control message's body, or null when it is not one kbench understands (a foreign or damaged
 * record is skipped, not fatal: the topics are kbench's, but a user may write anything to them). */
export function decodeJson<T extends { t: string }>(value: Buffer | null): T | null {
  if (!value) return null;
  try {
    const m = JSON.parse(value.toString('utf8')) as T;
    return m && typeof m === 'object' && typeof m.t === 'string' ? m : null;
  } catch {
    return null;
  }
}
