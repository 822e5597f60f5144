// RunReport, the versioned JSON every run writes. Other tools rely on these names: add fields
// freely, never rename or remove one (bump the schema instead).
import type { KeyMovement } from '../analysis/movement.js';
import type { Skew } from '../analysis/skew.js';
import type { RunSpec } from '../config/run-spec.js';
import type { LatencySummary } from '../metrics/histogram.js';
import type { PhaseName } from '../metrics/recorder.js';

export const REPORT_SCHEMA = 'kbench.report/v1';

export interface ConsumerReport {
  id: string;
  partitions: number[];
  records: number;
  /** Peak records appended to its partitions but not yet consumed (sampled each second). */
  maxLag: number;
  /** Owns no partition though in the group. */
  idle: boolean;
  /** Simulated group changes: the member had left the group, or crashed, by the end of the phase. */
  left?: 'left' | 'crashed';
}

export interface PhaseReport {
  name: PhaseName;
  /** Partition count of the topic during this phase. */
  partitions: number;
  /** Records whose intended send time falls in this phase. */
  records: number;
  bytes: number;
  startMs: number;
  endMs: number;
  /** Records per partition (index = partition). */
  perPartition: number[];
  perPartitionBytes: number[];
  skew: Skew;
  throughput: {
    offeredPerSec: number;
    /** Records acked within the phase's time window, per second. */
    achievedPerSec: number;
    /** Records consumed within the phase's time window, per second. */
    consumedPerSec: number;
    offeredBytesPerSec: number;
  };
  /** Milliseconds, from the record's intended send time (no coordinated omission). */
  latency: { produce: LatencySummary; endToEnd: LatencySummary };
  /** Compressed HDR histograms (microseconds) of the same latencies. */
  histograms: { produce: string; endToEnd: string };
  ordering: { violations: number; keysAffected: number; worstLatenessMs: number; worstSeqGap: number };
  consumers: ConsumerReport[];
  consumerSkew: Skew;
  distinctKeys: number;
  topKeys: { key: string; records: number; share: number; partition: number | null }[];
  /** Keys whose records landed on more than one partition within this phase. */
  keysOnSeveralPartitions: number;
  partitionMaxLag: number[];
  delivery: { produced: number; acked: number; consumed: number; skipped: number };
}

/** How soon producers used the partitions added by growth, measured from acks (both engines). */
export interface GrowthReport {
  from: number;
  to: number;
  /** The growth moment, ms from the start of the run. */
  atMs: number;
  producers: {
    producer: number;
    client: string;
    /** Acked records sent after growth. */
    records: number;
    /** Of those, how many would land on new partitions had the producer known the new count all along
     * (its partitioner over the keys it sent after growth; share of new partitions for null keys). */
    expectedOnNewPartitions: number;
    /** How many did land on new partitions. */
    onNewPartitions: number;
    /** Ms from the growth moment to the ack of its first record on a new partition; null if none. */
    firstOnNewPartitionMs: number | null;
  }[];
}

export interface Advice {
  code: string;
  level: 'info' | 'warn' | 'critical';
  message: string;
}

export interface MixedPartitioners {
  clients: string[];
  keysSplit: number;
  keysTotal: number;
  trafficShareSplit: number;
  examples: { key: string; partitions: Record<string, number> }[];
}

export interface RunReport {
  schema: typeof REPORT_SCHEMA;
  kbenchVersion: string;
  createdAt: string;
  engine: 'sim' | 'kafka';
  simulated: boolean;
  model: { notes: string[]; parameters: Record<string, unknown> };
  spec: RunSpec;
  keys: { label: string; distinctKeys: number | null; nullKeys: boolean; orderingEntity: string };
  phases: PhaseReport[];
  keyMovement: KeyMovement | null;
  /** `misplaced`: distinct records consumed from another partition than their ack named (live runs
   * check every record; null for the simulator, which places each record once). */
  /** `unconsumed`: acked records no consumer read that the broker's log still held at the end (live
   * runs, read from its end offsets; not lost). Null for the simulator, or when the log could not be
   * read at the end (then `lost` counts every acked record not read, unchecked). */
  delivery: { produced: number; acked: number; consumed: number; lost: number; duplicated: number; skipped: number; misplaced: number | null; unconsumed: number | null };
  /** Ordering over the whole run. keysAffected counts distinct keys (users for null keys): a key with
   * violations in two phases counts once here, so it is not the sum of the phases' figures. */
  ordering: { violations: number; keysAffected: number };
  /** Null without partition growth. */
  growth: GrowthReport | null;
  mixedPartitioners: MixedPartitioners | null;
  /** Per-second (coarser for long runs) time series of the run. */
  timeline: import('./timeline.js').Timeline;
  advice: Advice[];
  /** Live runs: the simulator's prediction for the same workload. */
  prediction?: import('./prediction.js').Prediction;
  run: { startedAt: string; wallMs: number; simulatedMs: number; error: string | null };
}

/** One row of a distributed run's per-worker table (model.parameters.workers, live runs with --workers). */
export interface WorkerRow {
  worker: string;
  host: string;
  pid: number;
  slice: number;
  producers: number;
  consumers: number;
  sent: number;
  acked: number;
  consumed: number;
  /** Acked records per second over the span from its first to its last ack. */
  achievedPerSec: number;
  produceP50Ms: number | null;
  produceP99Ms: number | null;
  endToEndP50Ms: number | null;
  endToEndP99Ms: number | null;
  /** Its clock minus the coordinator's, ms, as estimated; and the estimate's ± bound. */
  clockOffsetMs: number;
  clockUncertaintyMs: number;
  /** When the worker group dropped it, ms from the start of the run; null if it stayed. */
  lostAtMs: number | null;
}

/** One change of the consumer group (model.parameters.groupChanges): planned by the simulator
 * (src/engines/sim/group-schedule.ts), or as it happened in a live run (src/engines/kafka/group-changes.ts). */
export interface GroupChangeRow {
  /** What happened, e.g. "consumer-2 crashed", "consumer-4, consumer-5 joined". */
  change: string;
  kind: 'join' | 'leave' | 'crash';
  /** The members that joined, left or crashed. */
  members: string[];
  atMs: number;
  /** When the rebalance it caused began (a crash: after the session timeout) and when its last round ended. */
  rebalanceAtMs: number;
  settledAtMs: number;
  /** Rounds (cooperative: 2 when partitions changed hands) and distinct partitions whose owner changed. */
  rounds: number;
  partitionsMoved: number;
  /** Partition-seconds during which a partition had no consuming owner, from the change to the settled group. */
  stoppedPartitionSeconds: number;
  /** A crash: records it processed after its last commit, read again by the next owners (duplicates). */
  redelivered?: number;
  /** A crash: its last commit, ms from the start of the run. */
  lastCommitMs?: number;
  /** Live runs: what each member still in the group owned once it had settled (member id → partitions). */
  owned?: Record<string, number[]>;
}
