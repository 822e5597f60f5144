// RunSpec: everything a run needs, resolved, validated and in canonical units. It is embedded
// in every report so that any run can be repeated exactly.
import type { DriverName } from './driver-names.js';
import type { AssignorName } from '../groups/assignors.js';
import type { ClientName } from '../partitioners/profiles.js';
import type { ProducerSettings } from './producer-settings.js';
import type { ModelRef } from '../engines/sim/model.js';

export const KEY_KINDS = ['user_id', 'country', 'none', 'device_id', 'order_id', 'fixed', 'file'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export interface KeySpec {
  kind: KeyKind;
  /** The key of `fixed:<value>`. */
  value?: string;
  /** The file of `file:<path>` (as given). */
  path?: string;
}

export type UserDistribution = { kind: 'zipf'; s: number } | { kind: 'uniform' };

/** Live producers' settings (--acks, --idempotent, --max-in-flight, --linger, --batch-size, --compression,
 * or Kafka properties) are the ProducerSettings part; the simulator does not model them. */
export interface RunSpec extends ProducerSettings {
  /** The key flag as given: "country", "fixed:tenant-1", "file:keys.txt". */
  key: string;
  keySpec: KeySpec;
  /** Distinct users for user_id (and for the entities behind null keys). */
  users: number;
  userDist: UserDistribution;
  countryDist: 'weighted' | 'uniform';
  devices: number;
  fileOrder: 'replay' | 'sample';
  /** `--partition n`: every record goes to this partition; null lets the partitioner decide. */
  explicitPartition: number | null;
  partitions: number;
  /** Client profile of the first producer (and of the consumers). */
  client: ClientName;
  /** Number of producers. */
  producers: number;
  /** Client profile of each producer, in order. */
  producerClients: ClientName[];
  /** Offered records/s, all producers together. */
  rate: number;
  durationMs: number;
  /** Records the run sends (rate × duration, or --messages). With --rate max and no --messages:
   * as many as the duration allows, recorded as 0. */
  messages: number;
  /** Value size in bytes; null = the natural size of each generated event. */
  recordSize: number | null;
  seed: number;
  consumers: number;
  assignor: AssignorName;
  /** Records/s one consumer can process. */
  consumerRate: number;
  /** Live engine: each consumer processes at most consumerRate records/s (only when --consumer-rate
   * is given: otherwise live consumers read as fast as they can, and consumerRate is the simulator's). */
  consumerPaced: boolean;
  /** Records/s one partition leader can append (simulator): --partition-capacity, else the model's ceiling. */
  partitionCapacity: number;
  /** Send → ack latency of an idle partition, ms (simulator): --produce-latency, else the median the
   * model measured at its lowest load (the simulator then draws from the whole distribution). */
  produceLatencyMs: number;
  /** Simulator: the time model (--model, or the default shipped with kbench; path null) and where it came from. */
  model: ModelRef;
  /** Simulator: which of its settings were given, replacing the model's values (produce latency,
   * partition capacity) or the client profiles' defaults (linger, batch size). */
  simGiven: { produceLatency: boolean; partitionCapacity: boolean; linger: boolean; batchSize: boolean };
  /** How long one rebalance round stops the affected consumers, ms (simulator model). */
  rebalanceMs: number;
  growTo: number | null;
  /** When the partition count grows, ms from the start. */
  growAtMs: number | null;
  /** Simulator: consumer-group changes in time order (--scale-consumers, --kill-consumer); empty for none. */
  groupChanges: GroupChange[];
  /** Simulator: how long the group takes to notice a crashed member, ms (session.timeout.ms). */
  sessionTimeoutMs: number;
  /** Simulator: how often consumers commit what they processed, ms (auto.commit.interval.ms). */
  autoCommitIntervalMs: number;
  /** Producers' (and consumers') metadata max age, ms; null = each client's own default. */
  metadataRefreshMs: number | null;
  autoOffsetReset: 'latest' | 'earliest';
  /** Live engine: the cluster to run against; null = the simulator. */
  brokers: string[] | null;
  /** Live engine: send as fast as the producers can (`--rate max`); `rate` is then 0. */
  maxRate: boolean;
  /** Live engine: give up reaching the brokers after this long, ms. */
  connectTimeoutMs: number;
  /** Live engine: the client library of the producers (and admin), and of the consumers when it is
   * another one (null: the producers' where it consumes, else the default driver; see loadDrivers). */
  driver: DriverName;
  consumerDriver: DriverName | null;
  /** Live engine: keep the run's topic instead of deleting it at the end. */
  keepTopic: boolean;
  replicationFactor: number;
  /** Live engine: stop waiting for consumers after this long without progress, ms. */
  drainTimeoutMs: number;
  /** Live engine: worker threads for producers and consumers. */
  threads: number;
  /** Live engine: how long clients retry through broker trouble before a send fails, ms. */
  deliveryTimeoutMs: number;
  /** Live engine: `kbench worker` processes the run is spread over; null = this process alone. */
  workers: number | null;
  /** Live engine with workers: how long to wait for them all to join, ms. */
  workerTimeoutMs: number;
  /** Live engine with workers: the pool whose workers serve the run. */
  workerPool: string;
}

/** A consumer-group change: the group scales to `consumers` members, or member number `member` (consumer-<member>,
 * 1-based) crashes, at `atMs` from the start. */
export type GroupChange = { kind: 'scale'; atMs: number; consumers: number } | { kind: 'kill'; atMs: number; member: number };

/** A group change with the members it concerns (slots: consumer indices, 0-based, as in the report's
 * consumer-<slot + 1>): the new members of a scale-up, the highest-numbered members of a scale-down,
 * the crashed member of a kill. A scale to the current size concerns nobody. */
export interface MemberChange {
  change: GroupChange;
  kind: 'join' | 'leave' | 'crash';
  slots: number[];
}

/** The run's group changes in order, each with the members it concerns (the spec's changes are valid:
 * resolveRunSpec checked that every killed member is in the group then). */
export function memberChanges(spec: Pick<RunSpec, 'consumers'> & { groupChanges?: GroupChange[] }): MemberChange[] {
  const alive = Array.from({ length: spec.consumers }, (_, i) => i);
  let slots = spec.consumers;
  const out: MemberChange[] = [];
  for (const g of spec.groupChanges ?? []) {
    if (g.kind === 'kill') {
      alive.splice(alive.indexOf(g.member - 1), 1);
      out.push({ change: g, kind: 'crash', slots: [g.member - 1] });
    } else if (g.consumers > alive.length) {
      const joined = Array.from({ length: g.consumers - alive.length }, (_, k) => slots + k);
      slots += joined.length;
      alive.push(...joined);
      out.push({ change: g, kind: 'join', slots: joined });
    } else if (g.consumers < alive.length) {
      const leaving = [...alive].sort((a, b) => b - a).slice(0, alive.length - g.consumers);
      for (const m of leaving) alive.splice(alive.indexOf(m), 1);
      out.push({ change: g, kind: 'leave', slots: leaving });
    }
  }
  return out;
}

/** Consumer slots a run uses: the initial members plus every member that joins later (members that leave or crash
 * keep their slot and id). Without group changes, `consumers`. Reports written before group changes lack them. */
export function consumerSlots(spec: Pick<RunSpec, 'consumers'> & { groupChanges?: GroupChange[] }): number {
  return spec.consumers + memberChanges(spec).reduce((n, m) => n + (m.kind === 'join' ? m.slots.length : 0), 0);
}

/** A key spec as a user writes it: "country", "fixed:tenant-1", "file:keys.txt". */
export function keyLabel(k: KeySpec): string {
  return k.kind === 'fixed' ? `fixed:${k.value}` : k.kind === 'file' ? `file:${k.path}` : k.kind;
}
