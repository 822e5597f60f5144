// DriverConsumer over @platformatic/kafka's Consumer: its group membership (JoinGroup/SyncGroup and
// heartbeats, or the consumer protocol's heartbeats) and its Fetch, ListOffsets and OffsetCommit
// requests, with positions, pausing and commits kept here. Its MessagesStream is not used to read:
// - it commits the offset of the last record read, not the next one to read (Kafka's convention), and
//   starts from committed + 1, so its offsets are off by one for every other Kafka client and tool;
// - mode 'earliest' ignores committed offsets, and its positions outlive a rebalance.
// kbench decides what a Kafka client decides: where a partition starts (its committed offset, else
// the earliest or latest), what counts as processed and when it is committed.
// Partitions added to a subscribed topic: the library's classic members never look for them (nothing
// in it compares the metadata with the assignment, and a Stable group rebalances only when a member
// rejoins), so the group would keep its old partitions forever. As Java's ConsumerCoordinator does, the
// leader here keeps the partition counts its assignment was made from and rejoins when the metadata,
// refreshed every metadataMaxAgeMs, says otherwise. Under the consumer protocol the broker assigns
// them by itself at a heartbeat; the library's metadata may not know them yet (see knowPartitions).
import { Consumer, type MessagesStream } from '@platformatic/kafka';
import type { BaseOptions, GroupPartitionsAssigner } from '@platformatic/kafka';
import type { BatchControl, ConsumedBatch, ConsumedRecord, ConsumerEvents, DriverConsumer, DriverConsumerOptions } from '../driver.js';
import { isRetriable, KafkaClientError } from '../errors.js';
import { ASSIGNORS, type Assignor } from '../../groups/assignors.js';
import { classicTimeouts } from './options.js';
import { joinProtocols, platformaticAssigner } from './assignor.js';
import { responseOf, translateError } from './error-translation.js';
import { capVersions, closer } from './wire.js';

type Handler = (batch: ConsumedBatch, control: BatchControl) => Promise<void>;
type Assignment = { topic: string; partitions: number[] }[];

const CONTROL_BATCH = 0x20;
const PARTITION_MAX_BYTES = 1_048_576; // Java's max.partition.fetch.bytes
const FETCH_MAX_BYTES = 52_428_800; // Java's fetch.max.bytes
const BACKOFF_MS = 250;
/** Partition errors of a fetch that mean the client's metadata is stale: refresh and fetch again. */
const STALE = new Set([3, 5, 6, 74, 75, 56, 100]); // UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, KAFKA_STORAGE_ERROR, UNKNOWN_TOPIC_ID
const OFFSET_OUT_OF_RANGE = 1;
/** The library's metadataMaxAge when none is given (its own default, not Java's 5 minutes). */
const LIBRARY_METADATA_MAX_AGE_MS = 5000;

const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;
const parseKey = (k: string) => {
  const i = k.lastIndexOf('\u0000');
  return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)) };
};
/** Closes with force (its streams too) and leaves the group; the typings give the promise form no force. */
const forceClose = (lib: Consumer) => new Promise<void>((resolve, reject) => lib.close(true, (e) => (e ? reject(e) : resolve())));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

interface RawBatch { firstOffset: bigint; lastOffsetDelta: number; firstTimestamp: bigint; attributes: number; records: { offsetDelta: number; timestampDelta: bigint; key: Buffer; value: Buffer; headers: [Buffer, Buffer][] }[] }
interface RawPartition { partitionIndex: number; errorCode: number; records?: RawBatch[] }
interface RawFetch { responses: { topicId: string; partitions: RawPartition[] }[] }

export class PlatformaticConsumer implements DriverConsumer {
  private lib: Consumer | null = null;
  private closeLib: () => Promise<void> = async () => undefined;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | null = null;
  private readonly listeners: { [E in keyof ConsumerEvents]: ConsumerEvents[E][] } = { assigned: [], rebalancing: [], fetched: [], committed: [], crashed: [] };
  /** Owned partitions, each with the number of the assignment that gave it (stillOwned compares it). */
  private owned = new Map<string, number>();
  private assignments = 0;
  private fetchedFor = 0;
  private readonly positions = new Map<string, bigint>();
  /** The next offset to commit per partition: one past the last processed record. */
  private readonly processed = new Map<string, number>();
  private readonly committedHere = new Map<string, number>();
  private readonly paused = new Set<string>();
  private handler: Handler | null = null;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private timers: NodeJS.Timeout[] = [];
  private changes: Promise<void> = Promise.resolve();
  private lastSeen = '';
  private rebalancing = false;
  /** Partition counts by topic that the assignment of a generation was made from (by the hook). */
  private assignedFrom: { generation: number; counts: Record<string, number> } | null = null;
  /** As leader, the counts the group's current assignment was made from (Java's assignmentSnapshot). */
  private snapshot: Record<string, number> | null = null;
  /** The next metadata lookup of the fetch loop asks the broker, not the library's cache. */
  private staleMetadata = false;

  constructor(private readonly base: BaseOptions, private readonly o: DriverConsumerOptions) {}

  on<E extends keyof ConsumerEvents>(event: E, listener: ConsumerEvents[E]): void {
    this.listeners[event].push(listener);
  }

  private emit<E extends keyof ConsumerEvents>(event: E, ...args: Parameters<ConsumerEvents[E]>): void {
    for (const l of this.listeners[event]) (l as (...a: unknown[]) => void)(...args);
  }

  private make(): Consumer {
    const o = this.o;
    const common = { ...this.base, groupId: o.groupId, autocommit: false, maxWaitTime: o.maxWaitMs ?? 500, isolationLevel: 'READ_UNCOMMITTED' as const, ...(o.metadataMaxAgeMs ? { metadataMaxAge: o.metadataMaxAgeMs } : {}) };
    // Always one of kbench's assignors, even without o.assignor: only through the hook can the leader
    // know the partition counts it assigned (the library's own round-robin is not exported to wrap).
    // Java's RoundRobinAssignor then, under the protocol name the library advertises by default.
    const assignor: Assignor = o.assignor ?? ASSIGNORS.roundrobin;
    const lib = o.protocol === 'consumer'
      ? new Consumer({ ...common, groupProtocol: 'consumer', ...(o.remoteAssignor ? { groupRemoteAssignor: o.remoteAssignor } : {}) })
      : new Consumer({ ...common, groupProtocol: 'classic', ...classicTimeouts(o), partitionAssigner: this.recording(platformaticAssigner(assignor)), protocols: joinProtocols(assignor) });
    capVersions(lib);
    lib.on('consumer:group:join', (e: { generationId?: number; isLeader?: boolean; assignments?: Assignment | null }) => {
      if (o.protocol === 'classic') {
        this.snapshot = e.isLeader ? this.countsAssigned(e.generationId, e.assignments ?? []) : null;
        this.assign(e.assignments ?? []);
      } else this.pollAssignment();
    });
    lib.on('consumer:group:rebalance', () => void this.onRebalance());
    lib.on('consumer:heartbeat:end', () => this.pollAssignment());
    lib.on('consumer:heartbeat:error', (e: { error?: unknown }) => this.onHeartbeatError(e?.error));
    // The library emits 'error' when rejoining failed for good; unhandled, it would end the process.
    lib.on('error', (e: unknown) => this.fail(translateError(e, `group ${o.groupId}`), () => this.rejoin()));
    return lib;
  }

  async run(handle: Handler): Promise<void> {
    this.handler = handle;
    const lib = (this.lib = this.make());
    this.closeLib = closer(lib, () => forceClose(lib));
    lib.topics.trackAll(...this.o.topics);
    for (;;) {
      try {
        if (this.o.protocol === 'classic') await lib.joinGroup({});
        else await this.openStream();
        break;
      } catch (e) {
        const err = translateError(e, `joining group ${this.o.groupId}`);
        if (this.stopping || !this.o.restartOnFailure(err)) {
          await this.closeLib().catch(() => undefined);
          throw err;
        }
        this.emit('crashed', err, true);
        await sleep(1000);
      }
    }
    if (this.o.protocol === 'consumer') this.timers.push(setInterval(() => this.pollAssignment(), 200).unref());
    else this.timers.push(setInterval(() => void this.checkGrowth(), this.o.metadataMaxAgeMs ?? LIBRARY_METADATA_MAX_AGE_MS).unref());
    if (this.o.autoCommit) {
      this.timers.push(setInterval(() => void this.commitProcessed().catch(() => undefined), this.o.autoCommit.intervalMs).unref());
    }
    this.loop = this.fetchLoop();
  }

  /** `assigner`, noting the partition counts of the metadata it assigns from, for this generation. */
  private recording(assigner: GroupPartitionsAssigner): GroupPartitionsAssigner {
    return (leader, members, topics, metadata) => {
      const counts: Record<string, number> = {};
      for (const [topic, t] of metadata.topics) if (t) counts[topic] = t.partitionsCount;
      this.assignedFrom = { generation: this.lib?.generationId ?? -1, counts };
      return assigner(leader, members, topics, metadata);
    };
  }

  /** The partition counts a generation's assignment was made from, on its leader. */
  private countsAssigned(generation: number | undefined, own: Assignment): Record<string, number> {
    if (this.assignedFrom && this.assignedFrom.generation === generation) return this.assignedFrom.counts;
    // A lone member: the library assigns it every partition itself, without calling the hook.
    const counts: Record<string, number> = {};
    for (const { topic, partitions } of own) counts[topic] = partitions.length;
    return counts;
  }

  /** Java's leader: a subscribed topic whose partition count is no longer what the assignment was
   * made from makes it rejoin, so that the new assignment covers the partitions added (or drops the
   * ones gone). Every metadataMaxAgeMs, one metadata request, as Java's periodic refresh. */
  private async checkGrowth(): Promise<void> {
    const snapshot = this.snapshot;
    const lib = this.lib;
    if (!snapshot || !lib || this.stopping || this.rebalancing) return;
    const topics = Object.keys(snapshot);
    // The library sorts the array it is given: a copy.
    const md = await lib.metadata({ topics: [...topics], forceUpdate: true }).catch(() => null);
    if (!md || this.snapshot !== snapshot || this.stopping || this.rebalancing) return; // next time, or a rebalance came meanwhile
    const changed = topics.filter((t) => {
      const n = md.topics.get(t)?.partitionsCount;
      return n !== undefined && n !== snapshot[t];
    });
    if (changed.length === 0) return;
    this.snapshot = null;
    // Eager, as every rebalance of the library's members: what was processed is committed before the
    // rejoin, so that the partitions' next owners start after it.
    await this.onRebalance();
    await this.rejoin().catch((e) => this.fail(translateError(e, `rejoining group ${this.o.groupId}`), () => this.rejoin()));
  }

  /** The consumer protocol's join happens only through consume(): its stream is opened and never read. */
  private async openStream(): Promise<void> {
    const lib = this.lib!;
    const stream = await lib.consume({ topics: this.o.topics, mode: 'latest', autocommit: false });
    this.stream = stream;
    stream.on('error', () => undefined);
    // A stream that fails (its own offset lookups) takes the subscription with it: open another.
    stream.once('close', () => {
      if (this.stopping || this.stream !== stream) return;
      this.stream = null;
      lib.topics.trackAll(...this.o.topics);
      void this.openStream().catch((e) => this.fail(translateError(e, `group ${this.o.groupId}`), () => this.openStream()));
    });
  }

  private fail(err: Error, restart: () => Promise<void>): void {
    if (this.stopping) return;
    const restarting = this.o.restartOnFailure(err);
    this.emit('crashed', err, restarting);
    if (restarting) void sleep(1000).then(() => (this.stopping ? undefined : restart().catch((e) => this.fail(translateError(e, `group ${this.o.groupId}`), restart))));
    else void this.stop();
  }

  private async rejoin(): Promise<void> {
    if (this.o.protocol === 'classic') await this.lib!.joinGroup({});
  }

  private onHeartbeatError(error: unknown): void {
    if (this.stopping || !error) return;
    const err = translateError(error, `heartbeat of group ${this.o.groupId}`);
    if (this.o.protocol === 'consumer') {
      // The library heartbeats again by itself; only what retrying cannot mend is a failure.
      if (!isRetriable(err)) this.fail(err, async () => undefined);
      return;
    }
    // A classic member whose heartbeat failed otherwise than "rejoin" (ILLEGAL_GENERATION, a lost
    // connection) is left without heartbeats by the library: it rejoins here, as Java's would.
    void this.onRebalance();
    this.fail(err, () => this.rejoin());
  }

  /** Resolves once what was processed is committed (the library rejoins without waiting for it). */
  private onRebalance(): Promise<void> {
    if (this.stopping || this.rebalancing || this.o.protocol !== 'classic') return Promise.resolve();
    this.rebalancing = true;
    this.snapshot = null;
    this.emit('rebalancing');
    // Eager protocol: commit what was processed (still in the old generation, which the coordinator
    // accepts while the group prepares), then give up every partition before the rejoin completes.
    const keys = [...this.owned.keys()];
    const committing = this.o.autoCommit ? this.commitProcessed(keys).catch(() => undefined) : Promise.resolve();
    this.assignments++;
    this.owned = new Map();
    return committing;
  }

  private pollAssignment(): void {
    if (this.o.protocol !== 'consumer' || !this.lib || this.stopping) return;
    const now = (this.lib.assignments ?? []).filter((a) => a.topic !== undefined);
    const seen = JSON.stringify(now.map((a) => [a.topic, [...a.partitions].sort((x, y) => x - y)]).sort());
    if (seen === this.lastSeen) return;
    this.lastSeen = seen;
    this.assign(now);
  }

  /** A new assignment: kept partitions keep their positions (the consumer protocol's incremental
   * changes), new ones start from their committed offset, revoked ones are committed and forgotten. */
  private assign(assignment: Assignment): void {
    this.changes = this.changes.then(() => this.applyAssignment(assignment)).catch((e) => this.fail(translateError(e, `group ${this.o.groupId}`), async () => this.assign(assignment)));
  }

  private async applyAssignment(assignment: Assignment): Promise<void> {
    if (this.stopping) return;
    this.rebalancing = false;
    const stamp = ++this.assignments;
    const next = new Map<string, number>();
    for (const { topic, partitions } of assignment) for (const p of partitions) next.set(keyOf(topic, p), this.owned.get(keyOf(topic, p)) ?? stamp);
    const revoked = [...this.owned.keys()].filter((k) => !next.has(k));
    if (revoked.length && this.o.autoCommit) await this.commitProcessed(revoked).catch(() => undefined);
    for (const k of [...this.positions.keys()]) {
      if (!next.has(k)) {
        this.positions.delete(k);
        this.processed.delete(k);
        this.committedHere.delete(k);
        this.paused.delete(k);
      }
    }
    const added = [...next.keys()].filter((k) => !this.positions.has(k));
    this.owned = next;
    const byTopic: Record<string, number[]> = {};
    for (const k of next.keys()) {
      const { topic, partition } = parseKey(k);
      (byTopic[topic] ??= []).push(partition);
    }
    for (const t of Object.keys(byTopic)) byTopic[t].sort((a, b) => a - b);
    this.emit('assigned', byTopic, this.lib?.memberId ?? '');
    await this.startPositions(added);
    this.wake();
  }

  private async startPositions(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const lib = this.lib!;
    const byTopic = new Map<string, number[]>();
    for (const k of keys) {
      const { topic, partition } = parseKey(k);
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
    }
    const topics = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
    const committed = await lib.listCommittedOffsets({ topics });
    const missing: Record<string, number[]> = {};
    for (const { topic, partitions } of topics) {
      for (const p of partitions) {
        const c = committed.get(topic)?.[p];
        if (c !== undefined && c >= 0n) {
          this.setStart(keyOf(topic, p), c);
          this.committedHere.set(keyOf(topic, p), Number(c));
        } else (missing[topic] ??= []).push(p);
      }
    }
    const names = Object.keys(missing);
    if (names.length) await this.resetPositions(missing);
  }

  /** auto.offset.reset: the earliest offset with fromBeginning, else the latest. */
  private async resetPositions(partitions: Record<string, number[]>): Promise<void> {
    await this.knowPartitions(partitions);
    const offsets = await this.lib!.listOffsets({ topics: Object.keys(partitions), partitions, timestamp: this.o.fromBeginning ? -2n : -1n });
    for (const [topic, list] of Object.entries(partitions)) for (const p of list) this.setStart(keyOf(topic, p), offsets.get(topic)![p]);
  }

  /** Makes the library's metadata know every one of `partitions`: a partition added since it was
   * cached (assigned by the broker, or by a leader with fresher metadata) is refused by its
   * listOffsets as "not found" until the cache expires, after metadataMaxAgeMs. */
  private async knowPartitions(partitions: Record<string, number[]>): Promise<void> {
    const lib = this.lib!;
    const topics = Object.keys(partitions);
    const known = (md: Awaited<ReturnType<Consumer['metadata']>>) => topics.every((t) => partitions[t].every((p) => md.topics.get(t)?.partitions[p] !== undefined));
    if (!known(await lib.metadata({ topics: [...topics] }))) await lib.metadata({ topics: [...topics], forceUpdate: true });
  }

  private setStart(k: string, offset: bigint): void {
    if (this.owned.has(k)) this.positions.set(k, offset);
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  private async fetchLoop(): Promise<void> {
    while (!this.stopping) {
      const ready = [...this.owned.keys()].filter((k) => this.positions.has(k) && !this.paused.has(k));
      if (ready.length === 0) {
        await new Promise<void>((r) => {
          this.wakeUp = r;
          setTimeout(r, 1000).unref();
        });
        continue;
      }
      try {
        await this.fetchOnce(ready);
      } catch (e) {
        if (this.stopping) break;
        const err = translateError(e, `fetching for group ${this.o.groupId}`);
        if (isRetriable(err)) {
          this.lib?.clearMetadata();
          await sleep(BACKOFF_MS);
          continue;
        }
        const restarting = this.o.restartOnFailure(err);
        this.emit('crashed', err, restarting);
        if (!restarting) {
          void this.stop();
          break;
        }
        await sleep(1000);
      }
    }
  }

  private async fetchOnce(ready: string[]): Promise<void> {
    const lib = this.lib!;
    const startedFor = this.assignments;
    // A partition the cached metadata does not know (or knows no leader of) is looked up afresh.
    const md = await lib.metadata({ topics: [...this.o.topics], forceUpdate: this.staleMetadata });
    this.staleMetadata = false;
    const byLeader = new Map<number, Map<string, { partition: number; fetchOffset: bigint; partitionMaxBytes: number; currentLeaderEpoch: number; lastFetchedEpoch: number }[]>>();
    const topicById = new Map<string, string>();
    const asked = new Map<string, { offset: bigint; stamp: number }>();
    for (const k of ready) {
      const { topic, partition } = parseKey(k);
      const t = md.topics.get(topic);
      const leader = t?.partitions[partition]?.leader;
      if (!t || leader === undefined || leader < 0) {
        this.staleMetadata = true;
        continue;
      }
      topicById.set(t.id, topic);
      const perTopic = byLeader.get(leader) ?? new Map();
      const list = perTopic.get(t.id) ?? [];
      const fetchOffset = this.positions.get(k)!;
      list.push({ partition, fetchOffset, partitionMaxBytes: PARTITION_MAX_BYTES, currentLeaderEpoch: -1, lastFetchedEpoch: -1 });
      perTopic.set(t.id, list);
      byLeader.set(leader, perTopic);
      asked.set(k, { offset: fetchOffset, stamp: this.owned.get(k)! });
    }
    if (byLeader.size === 0) {
      // Nothing to ask: without a pause this loop would spin on the library's cached answer.
      await sleep(BACKOFF_MS);
      return;
    }
    const answers = await Promise.all([...byLeader].map(async ([node, perTopic]) => {
      try {
        return await lib.fetch({
          node, maxWaitTime: this.o.maxWaitMs ?? 500, minBytes: 1, maxBytes: FETCH_MAX_BYTES, isolationLevel: 'READ_UNCOMMITTED',
          topics: [...perTopic].map(([topicId, partitions]) => ({ topicId, partitions })),
        }) as unknown as RawFetch;
      } catch (e) {
        // One partition's error fails the whole answer; the others' records are in it.
        const partial = responseOf(e) as RawFetch | undefined;
        if (!partial) throw e;
        return partial;
      }
    }));
    if (this.stopping) return;
    if (startedFor === this.assignments && this.fetchedFor < startedFor) {
      this.fetchedFor = startedFor;
      this.emit('fetched');
    }
    const reset: Record<string, number[]> = {};
    let stale = false;
    for (const answer of answers) {
      for (const t of answer.responses) {
        const topic = topicById.get(t.topicId);
        if (topic === undefined) continue;
        for (const p of t.partitions) {
          const k = keyOf(topic, p.partitionIndex);
          const a = asked.get(k);
          if (!a || this.owned.get(k) !== a.stamp) continue;
          if (p.errorCode === OFFSET_OUT_OF_RANGE) (reset[topic] ??= []).push(p.partitionIndex);
          else if (STALE.has(p.errorCode)) stale = true;
          else if (p.errorCode !== 0) throw new KafkaClientError({ message: `fetching ${topic} partition ${p.partitionIndex} failed with error code ${p.errorCode}`, kind: 'protocol', retriable: false });
          else if (p.records?.length) await this.deliver(topic, p.partitionIndex, p.records, a);
        }
      }
    }
    if (Object.keys(reset).length) await this.resetPositions(reset);
    if (stale) {
      lib.clearMetadata();
      await sleep(BACKOFF_MS);
    }
  }

  private async deliver(topic: string, partition: number, batches: RawBatch[], asked: { offset: bigint; stamp: number }): Promise<void> {
    const k = keyOf(topic, partition);
    const records: ConsumedRecord[] = [];
    for (const b of batches) {
      if (b.attributes & CONTROL_BATCH) continue; // transaction markers are not records
      for (const r of b.records) {
        const offset = b.firstOffset + BigInt(r.offsetDelta);
        if (offset < asked.offset) continue; // a batch is answered whole, from before the position too
        const headers: Record<string, Buffer | undefined> = {};
        for (const [hk, hv] of r.headers) headers[hk.toString()] = hv;
        records.push({
          offset: Number(offset),
          // The library writes a null key as an empty one and reads both as empty: kbench's keys are never empty.
          key: r.key.length ? r.key : null,
          value: r.value,
          headers,
          timestampMs: Number(b.firstTimestamp + r.timestampDelta),
        });
      }
    }
    const last = batches[batches.length - 1];
    const after = last.firstOffset + BigInt(last.lastOffsetDelta) + 1n;
    if (records.length === 0) {
      this.positions.set(k, after > asked.offset ? after : asked.offset);
      return;
    }
    let paused = false;
    const stillOwned = () => !this.stopping && this.owned.get(k) === asked.stamp;
    const control: BatchControl = {
      // Not stillOwned(): what a handler finishes while the consumer closes is still committed by close().
      markProcessed: (offset) => {
        if (this.owned.get(k) === asked.stamp && offset + 1 > (this.processed.get(k) ?? -1)) this.processed.set(k, offset + 1);
      },
      // The library heartbeats on its own timer; a handler that awaits leaves it room to.
      heartbeat: async () => undefined,
      stillOwned,
      pause: () => {
        paused = true;
        this.paused.add(k);
      },
    };
    try {
      await this.handler!({ topic, partition, records }, control);
    } catch (e) {
      if (!stillOwned()) return;
      // As kafkajs: the batch is not resolved, so it is fetched again after a restart.
      const resume = this.processed.get(k);
      if (resume !== undefined) this.positions.set(k, BigInt(resume));
      throw e;
    }
    if (this.owned.get(k) !== asked.stamp) return;
    if (this.o.autoResolve && !paused) {
      const next = records[records.length - 1].offset + 1;
      if (next > (this.processed.get(k) ?? -1)) this.processed.set(k, next);
      this.positions.set(k, after);
      return;
    }
    // Unresolved records are fetched again (kafkajs's eachBatch): from one past the last processed.
    const resume = this.processed.get(k);
    this.positions.set(k, resume !== undefined && BigInt(resume) > asked.offset ? BigInt(resume) : asked.offset);
  }

  /** Commits what was processed and not yet committed (of `keys`, or of every owned partition). */
  private async commitProcessed(keys?: string[]): Promise<void> {
    const lib = this.lib;
    if (!lib) return;
    const offsets: { topic: string; partition: number; offset: number }[] = [];
    for (const k of keys ?? [...this.owned.keys()]) {
      const next = this.processed.get(k);
      if (next !== undefined && next !== this.committedHere.get(k)) offsets.push({ ...parseKey(k), offset: next });
    }
    if (offsets.length) await this.commit(offsets);
  }

  async commit(offsets: { topic: string; partition: number; offset: number }[]): Promise<void> {
    if (!this.lib || offsets.length === 0) return;
    try {
      await this.lib.commit({ offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: -1 })) });
    } catch (e) {
      throw translateError(e, `committing offsets of group ${this.o.groupId}`);
    }
    for (const o of offsets) this.committedHere.set(keyOf(o.topic, o.partition), o.offset);
    this.emit('committed');
  }

  resume(topic: string, partitions: number[]): void {
    for (const p of partitions) this.paused.delete(keyOf(topic, p));
    this.wake();
  }

  private async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.wake();
    const lib = this.lib;
    await this.stream?.close().catch(() => undefined);
    if (lib) await this.closeLib().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.wake();
    await this.loop?.catch(() => undefined);
    await this.changes.catch(() => undefined);
    let failure: unknown;
    if (this.o.autoCommit && this.lib) {
      // The fetch loop has ended, so no handler runs any more: this commits exactly what was processed.
      const offsets: { topic: string; partition: number; offset: number }[] = [];
      for (const k of this.owned.keys()) {
        const next = this.processed.get(k);
        if (next !== undefined && next !== this.committedHere.get(k)) offsets.push({ ...parseKey(k), offset: next });
      }
      await this.commit(offsets).catch((e) => (failure = e));
    }
    const stream = this.stream;
    this.stream = null;
    await stream?.close().catch(() => undefined);
    try {
      if (this.lib) await this.closeLib();
    } catch (e) {
      failure ??= translateError(e, `leaving group ${this.o.groupId}`);
    }
    if (failure) throw failure;
  }
}
