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
import { EVENT, EVENT_STRIDE, type SliceSetup } from '../slice-protocol.js';

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
      /** Only workers of this pool serve the run (kbench worker --pool). */
      pool: string;
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
  /** What its slices' drivers say of themselves, for the report (as a slice's 'started'). */
  | { t: 'started'; details: Record<string, string | number | boolean> }
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

// Events go up in columns (all kinds, then all record numbers, …): neighbouring values of one field
// are alike, so lz4 finds twice the redundancy it finds in whole events (measured: 19 bytes per event
// instead of 37; 104 unpacked). Integral fields travel as 32-bit integers (record numbers and offsets
// as differences from the previous event's), the two times as the XOR of their float64 bits with the
// previous event's (exact, and mostly zero bytes). A batch with a value outside those bounds goes as
// plain float64s: the format byte says which.
const RAW = 0;
const COLUMNS = 1;
const INT_FIELDS = [EVENT.kind, EVENT.n, EVENT.producer, EVENT.keyIndex, EVENT.entity, EVENT.seq, EVENT.sizeBytes, EVENT.consumer, EVENT.partition, EVENT.offset, EVENT.wireBytes];
const DELTA_FIELDS = new Set<number>([EVENT.n, EVENT.offset]);
const TIME_FIELDS = [EVENT.intendedUs, EVENT.atUs];

function columns(events: Float64Array, count: number): Buffer | null {
  const out = Buffer.allocUnsafe(count * (INT_FIELDS.length * 4 + TIME_FIELDS.length * 8));
  let at = 0;
  for (const f of INT_FIELDS) {
    let prev = 0;
    for (let i = 0; i < count; i++) {
      const v = events[i * EVENT_STRIDE + f];
      const x = DELTA_FIELDS.has(f) ? v - prev : v;
      if (!Number.isInteger(x) || x < -0x80000000 || x > 0x7fffffff) return null;
      out.writeInt32LE(x, at);
      at += 4;
      prev = v;
    }
  }
  const f64 = new Float64Array(1);
  const bits = new BigUint64Array(f64.buffer);
  for (const f of TIME_FIELDS) {
    let prev = 0n;
    for (let i = 0; i < count; i++) {
      f64[0] = events[i * EVENT_STRIDE + f];
      out.writeBigUInt64LE(bits[0] ^ prev, at);
      at += 8;
      prev = bits[0];
    }
  }
  return out;
}

function fromColumns(raw: Buffer, count: number): Float64Array {
  const events = new Float64Array(count * EVENT_STRIDE);
  let at = 0;
  for (const f of INT_FIELDS) {
    let prev = 0;
    for (let i = 0; i < count; i++) {
      const x = raw.readInt32LE(at);
      at += 4;
      const v = DELTA_FIELDS.has(f) ? prev + x : x;
      events[i * EVENT_STRIDE + f] = v;
      prev = v;
    }
  }
  const f64 = new Float64Array(1);
  const bits = new BigUint64Array(f64.buffer);
  for (const f of TIME_FIELDS) {
    let prev = 0n;
    for (let i = 0; i < count; i++) {
      bits[0] = raw.readBigUInt64LE(at) ^ prev;
      at += 8;
      prev = bits[0];
      events[i * EVENT_STRIDE + f] = f64[0];
    }
  }
  return events;
}

/** `numbers` packed event numbers (EVENT_STRIDE per event) as one message value. */
export function encodeEvents(events: Float64Array, numbers: number): Buffer {
  const count = numbers / EVENT_STRIDE;
  const cols = columns(events, count);
  const body = cols ?? Buffer.from(events.buffer, events.byteOffset, numbers * 8);
  const head = Buffer.alloc(5);
  head.writeUInt8(cols ? COLUMNS : RAW, 0);
  head.writeUInt32LE(count, 1);
  return Buffer.concat([head, lz4.compressFrameSync(body)]);
}

export function decodeEvents(value: Buffer): Float64Array {
  const format = value.readUInt8(0);
  const count = value.readUInt32LE(1);
  const raw = lz4.decompressFrameSync(value.subarray(5));
  if (format === COLUMNS) return fromColumns(raw, count);
  if (format !== RAW || raw.length !== count * EVENT_STRIDE * 8) throw new Error(`an events message of an unknown format (${format})`);
  // Copied into its own buffer: a Float64Array needs 8-byte alignment.
  const out = new Float64Array(count * EVENT_STRIDE);
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
