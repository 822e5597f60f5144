// The seam between the runner and the system under test. The runner never asks which engine it
// drives; the simulator and the live Kafka engine both implement Engine and report what happened
// to every record through an EngineListener.
import type { KeyHashCache } from '../partitioners/key-hashes.js';

/** One record the workload plans to send, independent of any engine. */
export interface PlannedRecord {
  /** Position in the plan (0, 1, 2, …). */
  n: number;
  /** Index of the producer that sends it. */
  producer: number;
  /** Key index in the key source, or -1 for a null key. */
  keyIndex: number;
  /** The key's bytes (UTF-8), or null. */
  key: Uint8Array | null;
  /** Ordering entity and its sequence number (the key, or for null keys the user behind the event). */
  entity: number;
  seq: number;
  /** Intended send time, µs from the start of the run (open-model schedule). */
  intendedUs: number;
  /** Value size in bytes. */
  sizeBytes: number;
  /** Scratch space for the engine that carries the record (partition, offset, a time and flags),
   * so an engine needs no wrapper object per record. Meaningless outside the engine. */
  partition: number;
  offset: number;
  atUs: number;
  flags: number;
}

export interface EngineListener {
  sent(rec: PlannedRecord): void;
  acked(rec: PlannedRecord, partition: number, offset: number, atUs: number): void;
  /** Consumption events arrive in consumption-time order. */
  consumed(rec: PlannedRecord, consumer: number, partition: number, offset: number, atUs: number): void;
  /** A record that no consumer will ever read (e.g. a new partition read from `latest`). */
  skipped(rec: PlannedRecord, partition: number, offset: number, atUs: number): void;
  /** An acked record the run ended without reading, found still in the broker's log at its offset
   * (live engine): unconsumed, not lost. */
  unread?(rec: PlannedRecord, partition: number, offset: number): void;
  /** The group's assignment changed: owner consumer index per partition, -1 = nobody. */
  assigned(atUs: number, owners: Int32Array, reason: string): void;
}

export interface EngineInfo {
  name: 'sim' | 'kafka';
  simulated: boolean;
  /** Model parameters (simulator) or cluster facts (live), embedded in the report. */
  details: Record<string, unknown>;
  /** Sentences worth saying in the report about how numbers were obtained. */
  notes: string[];
  /** Whether a record can be consumed twice (at-least-once delivery), so duplicates must be counted. */
  mayDuplicate: boolean;
}

export interface Clock {
  nowUs(): number;
  /** Resolves once the clock has reached `us`; returns undefined when no wait is needed (virtual time). */
  waitUntil(us: number): Promise<void> | undefined;
}

/** What an engine may know about the workload before the first record. */
export interface WorkloadInfo {
  /** Distinct keys (Infinity when unbounded, 0 for null keys). */
  keyCardinality: number;
  /** The value bytes of a record (engines that send real records need them; the simulator does not). */
  valueOf(rec: PlannedRecord): Uint8Array;
  /** The workload's key hashes, kept across the runs of one workload (kbench plan's rows): an engine
   * whose partitioners run in this thread may share them instead of keeping their own. */
  keyHashes?: KeyHashCache;
  /** The lengths of the workload's keys by key index, for an engine that reads a record's key length
   * often (the simulator, per record) without touching the key's bytes: `bytes` is the record's key. */
  keyLengths?: { lengthOf(keyIndex: number, bytes: Uint8Array): number };
}

export interface Engine {
  readonly info: EngineInfo;
  readonly clock: Clock;
  start(listener: EngineListener, workload: WorkloadInfo): Promise<void>;
  /** Sends one record at its intended time. May return a promise to apply back-pressure. */
  send(rec: PlannedRecord): void | Promise<void>;
  /** Raises the topic's partition count to `to` at `atUs`. The runner calls it at most once, before
   * sending the first record due at or after `atUs` (so `atUs` lies after every record sent so far);
   * without the call the topic keeps its partitions, whatever the spec says. `to` may be at most the
   * partition count the engine was created for (the simulator: `SimOptions.maxPartitions`, by default
   * the spec's growTo). */
  growPartitions(to: number, atUs: number): void | Promise<void>;
  /** An engine whose records are planned and sent elsewhere (a distributed run's coordinator: its
   * workers plan and send, and report each record sent): the runner waits on this instead of
   * planning records. It grows the topic at the spec's moment itself. */
  produceRemotely?(o: { shouldStop?: () => boolean; onProgress?: () => void }): Promise<void>;
  /** Waits until every sent record is acked and consumed (or can never be). Once `shouldStop` says
   * so (the user stopped the run), it waits only briefly for what is left. */
  drain(o?: { shouldStop?: () => boolean }): Promise<void>;
  close(): Promise<void>;
}
