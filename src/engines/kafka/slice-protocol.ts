// What the live engine's coordinator (the main thread) and its slices (worker threads, each with its
// own kafkajs clients) say to each other. Records travel in packed typed arrays, transferred rather
// than copied; the few control messages are plain objects.
import type { DriverName } from '../../config/driver-names.js';
import type { ClientSecurity } from '../../config/client-security.js';
import type { RunSpec } from '../../config/run-spec.js';
import type { Clock } from '../types.js';

/** One slice's share of a run: which producers and consumers it runs, and where. */
export interface SliceSetup {
  spec: RunSpec;
  brokers: string[];
  connectTimeoutMs: number;
  security: ClientSecurity | null;
  clientId: string;
  topic: string;
  groupId: string;
  producers: number[];
  consumers: number[];
  /** Those of `consumers` that join the group later (--scale-consumers), when the coordinator says so. */
  joinLater?: number[];
  /** Distinct keys (the producer partitioners' hash cache is sized by it). */
  keyCardinality: number;
  /** The consumers' driver as the coordinator resolved it (spec.consumerDriver may leave it open). */
  consumerDriver: DriverName;
}

/** Records to send, `count` of them: SEND_STRIDE numbers each in `meta`, key then value bytes in `bytes`. */
export const SEND = { n: 0, producer: 1, keyIndex: 2, entity: 3, seq: 4, intendedUs: 5, sizeBytes: 6, keyLength: 7, valueLength: 8 } as const;
export const SEND_STRIDE = 9;

/** What happened to records, in the order it happened in the slice: EVENT_STRIDE numbers each. */
export const EVENT = {
  kind: 0, n: 1, producer: 2, keyIndex: 3, entity: 4, seq: 5, intendedUs: 6, sizeBytes: 7,
  consumer: 8, partition: 9, offset: 10, atUs: 11, wireBytes: 12,
} as const;
export const EVENT_STRIDE = 13;
export const ACKED = 1;
export const CONSUMED = 2;
/** A record handed to a producer (only a `kbench worker` reports these: in one process the
 * coordinator plans, and so knows, every record sent). */
export const SENT = 3;

/** The fields of a record an event repeats (the tracking header's fields, see record-codec.ts). */
export interface EventRecord {
  n: number;
  producer: number;
  keyIndex: number;
  entity: number;
  seq: number;
  intendedUs: number;
}

/** Writes event number `index` into `events` (EVENT_STRIDE numbers from index × EVENT_STRIDE). */
export function writeEvent(events: Float64Array, index: number, kind: number, r: EventRecord, sizeBytes: number,
  partition: number, offset: number, atUs: number, wireBytes: number, consumer = -1): void {
  const at = index * EVENT_STRIDE;
  events[at + EVENT.kind] = kind;
  events[at + EVENT.n] = r.n;
  events[at + EVENT.producer] = r.producer;
  events[at + EVENT.keyIndex] = r.keyIndex;
  events[at + EVENT.entity] = r.entity;
  events[at + EVENT.seq] = r.seq;
  events[at + EVENT.intendedUs] = r.intendedUs;
  events[at + EVENT.sizeBytes] = sizeBytes;
  events[at + EVENT.consumer] = consumer;
  events[at + EVENT.partition] = partition;
  events[at + EVENT.offset] = offset;
  events[at + EVENT.atUs] = atUs;
  events[at + EVENT.wireBytes] = wireBytes;
}

export type ToSlice =
  | { t: 'run'; originEpochMs: number }
  | { t: 'send'; meta: Float64Array; bytes: Uint8Array; count: number }
  | { t: 'drain' }
  /** Start member `consumer` (it joins the group), or stop it cleanly (it commits, then leaves). */
  | { t: 'join'; consumer: number }
  | { t: 'leave'; consumer: number }
  | { t: 'close' };

export type FromSlice =
  | { t: 'started'; details: Record<string, string | number | boolean> }
  | { t: 'events'; data: Float64Array; count: number }
  | { t: 'joined'; consumer: number; assignment: Record<string, number[]>; atEpochMs: number }
  /** Member `consumer` has fetched since its last join (before the run: and committed offset 0 of its partitions). */
  | { t: 'fetched'; consumer: number }
  /** Member `consumer` committed its offsets (an OffsetCommit the broker accepted). */
  | { t: 'committed'; consumer: number; atEpochMs: number }
  /** Member `consumer` learnt that the group is rebalancing and stopped consuming to rejoin (eager). */
  | { t: 'rebalancing'; consumer: number; atEpochMs: number }
  | { t: 'failed'; message: string; code: string }
  | { t: 'drained' }
  | { t: 'closed' };

/** The live engines' clock: µs since the run's zero (`origin()`, ms since the epoch), waiting with timers. */
export function wallClock(origin: () => number): Clock {
  return {
    nowUs: () => (epochMs() - origin()) * 1000,
    waitUntil(us: number) {
      const aheadMs = (us - this.nowUs()) / 1000;
      return aheadMs > 1 ? new Promise<void>((resolve) => setTimeout(resolve, aheadMs)) : undefined;
    },
  };
}

/** Milliseconds since the epoch with sub-millisecond precision, comparable between threads (each
 * thread's performance.now() has its own origin). */
export const epochMs = () => performance.timeOrigin + performance.now();
