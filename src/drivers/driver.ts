// The one seam between kbench and a Kafka client library. Everything live (the engine's slices,
// produce/consume, topic and group commands, calibrate, workers, the registry) talks to Kafka through
// these interfaces; only the files under src/drivers/<name>/ import a client library.
//
// The seam is narrow on purpose (OpenMessaging Benchmark's driver shape): kbench decides what a
// Kafka client decides for its users (which partition a record goes to, when a batch is full, when
// to commit), so a driver only moves bytes and reports what the broker said:
// - producer: one request's worth of records, each with the partition kbench chose, and each
//   partition's base offset back (a record's offset is its base plus its place among that
//   partition's records in the request);
// - consumer: a member of a classic or a consumer-protocol group, with assignment events, batches of
//   records, pause and resume, commits on kbench's schedule, and a clean leave;
// - admin: topics, partitions, groups, offsets and topic IDs, as plain data.
// Errors cross the seam as KafkaClientError (errors.ts): Kafka's error name, whether Kafka's clients
// retry it, and what kind of failure it is, whichever library raised it.
import type { ClientSecurity } from '../config/client-security.js';
import type { Acks, Compression } from '../config/producer-settings.js';
import type { Assignor, AssignorName } from '../groups/assignors.js';

import type { DriverName } from '../config/driver-names.js';

export type { DriverName };

/** The group protocols of Kafka: classic (client-side assignors, JoinGroup/SyncGroup) and consumer
 * (KIP-848: the broker assigns, members reconcile on their heartbeats). */
export type GroupProtocol = 'classic' | 'consumer';

/** Where and how to connect; plain data, so it crosses to worker threads and processes. */
export interface ConnectOptions {
  brokers: string[];
  /** Give up connecting after this long, ms. */
  connectTimeoutMs: number;
  clientId?: string;
  /** TLS and SASL settings; null or absent for a plaintext, unauthenticated connection. */
  security?: ClientSecurity | null;
  /** Retry through broker trouble for about this long (a run's clients); default: a few seconds. */
  rideThroughMs?: number;
}

/** What a driver can do, checked before anything connects: a setting a driver cannot honour is
 * refused in one line, never silently done differently. */
export interface DriverCapabilities {
  /** What the driver has: a driver that only produces leaves admin and consumers to another. */
  roles: readonly ('admin' | 'producer' | 'consumer')[];
  groupProtocols: readonly GroupProtocol[];
  compressions: readonly Compression[];
  saslMechanisms: readonly string[];
  /** The most produce requests an idempotent producer may have in flight without losing order or records. */
  maxInFlightIdempotent: number;
  /** Whether the library writes a null key or value as Kafka's null (length -1); a library that
   * cannot would write an empty one instead, so such records are refused. */
  nullRecords: boolean;
  /** Whether the library may be loaded in several worker threads of one process. */
  threads: boolean;
  /** 'kbench': each send() is one produce request, so kbench's BatchingProducer lingers and fills
   * batches; 'library': the library lingers and batches per partition itself (linger.ms,
   * batch.size), so kbench hands it records as they come. */
  batching: 'kbench' | 'library';
  /** The classic protocol's assignors (kbench's, by name) a member can run; absent: every one.
   * A library whose members only speak the eager rebalance protocol cannot run cooperative-sticky. */
  classicAssignors?: readonly AssignorName[];
}

export interface Driver {
  readonly name: DriverName;
  /** The client library and its version, as a report names it (`kafkajs 2.2.4`). */
  readonly library: string;
  readonly capabilities: DriverCapabilities;
  /** Facts about this thread's copy of the library a report may name (kafkajs: whether kbench's fast
   * path is in place). */
  readonly details: Readonly<Record<string, string | number | boolean>>;
  /** An admin client that has made one round trip to the cluster, or a KbenchError naming the brokers. */
  admin(): Promise<DriverAdmin>;
  producer(o: DriverProducerOptions): DriverProducer;
  consumer(o: DriverConsumerOptions): DriverConsumer;
}

// ---- admin ----

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
}

export interface PartitionMetadata {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface TopicMetadata {
  topic: string;
  partitions: PartitionMetadata[];
}

export interface PartitionOffsets {
  partition: number;
  /** The log start offset and the log end offset (the next offset to be written). */
  low: number;
  high: number;
}

export interface NewTopic {
  topic: string;
  partitions: number;
  replicationFactor: number;
  configs?: Record<string, string>;
}

export interface GroupListing {
  groupId: string;
  /** 'consumer' for consumer groups of either protocol, '' or another name for other clients' groups. */
  protocolType: string;
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  host: string;
  /** The partitions the member owns, by topic (decoded from the group's metadata). */
  assignment: Record<string, number[]>;
}

export interface GroupDescription {
  groupId: string;
  /** Kafka's state name: Stable, Empty, PreparingRebalance, CompletingRebalance, Dead, … */
  state: string;
  members: GroupMember[];
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** -1 when the group has no offset for the partition. */
  offset: number;
}

/** What the broker says about topic IDs (Kafka's text form, the one kafka-topics --describe prints):
 * each asked topic's ID (null: no such topic), or why it cannot say (Kafka before 2.8). */
export type TopicIds = { supported: true; ids: Map<string, string | null> } | { supported: false; why: string };

export interface DriverAdmin {
  describeCluster(): Promise<{ clusterId: string; controller: number | null; brokers: BrokerNode[] }>;
  listTopics(): Promise<string[]>;
  /** Creates the topics without waiting for leaders; false for each that already existed. */
  createTopics(topics: NewTopic[]): Promise<boolean>;
  createPartitions(topic: string, count: number): Promise<void>;
  deleteTopics(topics: string[], timeoutMs: number): Promise<void>;
  topicMetadata(topics: string[]): Promise<TopicMetadata[]>;
  topicIds(topics: readonly string[]): Promise<TopicIds>;
  endOffsets(topic: string): Promise<PartitionOffsets[]>;
  listGroups(): Promise<GroupListing[]>;
  describeGroup(groupId: string): Promise<GroupDescription | null>;
  committedOffsets(groupId: string, topics?: string[]): Promise<CommittedOffset[]>;
  deleteGroups(groupIds: string[]): Promise<void>;
  close(): Promise<void>;
}

// ---- producer ----

/** A record as it goes on the wire, with the partition kbench's partitioner chose for it. */
export interface WireRecord {
  key: Buffer | null;
  /** null: a tombstone (on a compacted topic, deletes the key). */
  value: Buffer | null;
  headers?: Record<string, Buffer>;
  partition: number;
}

export interface ProduceRequest {
  topic: string;
  acks: Acks;
  compression: Compression;
  records: WireRecord[];
}

export interface DriverProducerOptions {
  idempotent: boolean;
  /** For drivers that batch themselves: linger.ms and batch.size (per partition, as in Java). */
  lingerMs: number;
  batchBytes: number;
  /** Produce requests in flight at once; within the driver's maxInFlightIdempotent when idempotent. */
  maxInFlight: number;
  /** How old the client's metadata may get before it asks again (metadata.max.age.ms). */
  metadataMaxAgeMs: number;
}

export interface DriverProducer {
  connect(topic: string): Promise<void>;
  /** The partition count of `topic` as this client's metadata knows it now: what kbench's
   * partitioner uses, so a growth is seen when the client refreshes, as with Kafka's clients. */
  partitionCount(topic: string): number;
  /** Sends the records (split by partition leader, and batched further where the library batches
   * itself); resolves with each record's offset, in the order given (-1 with acks=0, where the broker
   * answers nothing), once every record is acknowledged. Rejects with a KafkaClientError once the
   * library's own retries are spent. */
  send(request: ProduceRequest): Promise<Float64Array>;
  close(): Promise<void>;
}

// ---- consumer ----

export interface ConsumedRecord {
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | undefined>;
  timestampMs: number;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  records: ConsumedRecord[];
}

/** What a batch handler may do while it works through a batch. */
export interface BatchControl {
  /** Marks `offset` processed: the next commit covers it (with autoResolve off). */
  markProcessed(offset: number): void;
  /** Keeps the membership alive during long processing. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the group has moved on from this batch's generation. */
  stillOwned(): boolean;
  /** Stops fetching from this batch's partition until resume() (the rest of the batch is dropped). */
  pause(): void;
}

export interface DriverConsumerOptions {
  groupId: string;
  topics: string[];
  protocol: GroupProtocol;
  /** The classic protocol's client-side assignor (kbench's exact ports of Java's); the library's own
   * default when absent (kafkajs's round-robin, for --assignor kafkajs). */
  assignor?: Assignor;
  /** The consumer protocol's server-side assignor (group.remote.assignor): uniform or range. */
  remoteAssignor?: string;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** How long the group waits for members to rejoin a rebalance (rebalance.timeout.ms). */
  rebalanceTimeoutMs?: number;
  metadataMaxAgeMs?: number;
  /** Longest a fetch waits for records (fetch.max.wait.ms). */
  maxWaitMs?: number;
  /** Where a partition without a committed offset starts. */
  fromBeginning: boolean;
  /** Commits every intervalMs, before rejoining a rebalance and before leaving (Java's
   * enable.auto.commit), of what the handler processed; false: only commit() commits. */
  autoCommit: { intervalMs: number } | false;
  /** Every record of a batch counts as processed when the handler returns (eachBatchAutoResolve). */
  autoResolve: boolean;
  /** Whether to rejoin after a failure: while the group forms and through retriable trouble. */
  restartOnFailure(error: unknown): boolean;
}

export interface ConsumerEvents {
  /** The member joined (or rejoined) the group and owns these partitions now, by topic; `memberId`
   * is the id the group knows it by. */
  assigned(assignment: Record<string, number[]>, memberId: string): void;
  /** A rebalance started: the member stops and will rejoin. */
  rebalancing(): void;
  /** A fetch came back (records or not): the member is reading its partitions. */
  fetched(): void;
  /** Offsets were committed. */
  committed(): void;
  /** The consumer failed; `restarting` when it rejoins by itself (restartOnFailure said so). */
  crashed(error: unknown, restarting: boolean): void;
}

export interface DriverConsumer {
  on<E extends keyof ConsumerEvents>(event: E, listener: ConsumerEvents[E]): void;
  /** Joins the group and calls `handle` for each fetched batch, one partition at a time; resolves once running. */
  run(handle: (batch: ConsumedBatch, control: BatchControl) => Promise<void>): Promise<void>;
  /** Commits these offsets (the next offset to read) for this member's generation. */
  commit(offsets: { topic: string; partition: number; offset: number }[]): Promise<void>;
  resume(topic: string, partitions: number[]): void;
  /** Stops fetching, commits what was processed (with auto-commit) and leaves the group. */
  close(): Promise<void>;
}
