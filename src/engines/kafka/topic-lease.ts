// The run's own topic, from creation to deletion: created with the spec's partitions and marked as
// kbench's in the registry with its topic ID (so `kbench topic delete` may remove it later without
// --force), grown when the runner asks, its end and committed offsets read at the end, and deleted
// with its group unless --keep-topic.
import type { ConnectOptions, Driver, DriverAdmin } from '../../drivers/driver.js';
import { describeError, retrying, withTimeout } from '../../drivers/errors.js';
import { runError } from '../../errors.js';
import { awaitLeaders } from './await-leaders.js';
import { markOwned, REGISTRY_TOPIC, unmarkOwned } from './registry.js';

export interface FinalOffsets {
  partition: number;
  logEndOffset: number;
  committedOffset: number;
  lag: number | null;
}

export class TopicLease {
  private admin: DriverAdmin | null = null;
  private created = false;

  constructor(
    private readonly driver: Driver,
    readonly topic: string,
    readonly groupId: string,
    private readonly connect: ConnectOptions,
  ) {}

  async create(partitions: number, replicationFactor: number): Promise<void> {
    const admin = await this.driver.admin();
    this.admin = admin;
    // A cluster that is still getting ready (a freshly formatted broker on a busy machine answers
    // "this server does not host this topic-partition" for a while after creating it) is waited
    // for within --connect-timeout, as Kafka's clients wait, never reported as a failure at once.
    const deadline = Date.now() + this.connect.connectTimeoutMs;
    try {
      // createTopics answers `false` instead of failing when the topic already exists: not this
      // run's topic, so it is neither recorded as kbench's nor deleted at the end.
      const made = await retrying(() => admin.createTopics([{ topic: this.topic, partitions, replicationFactor }]), deadline);
      if (!made) throw new Error('a topic of this name already exists');
      this.created = true;
      await awaitLeaders(admin, this.topic, partitions, deadline);
    } catch (e) {
      throw runError(`cannot create topic ${this.topic}${this.created ? ' (its partitions got no leader in time)' : ''}: ${describeError(e)}`);
    }
    try {
      // Recorded with its topic ID, so that a topic re-created later under this name is not taken
      // for kbench's. A broker that cannot tell topic IDs gets no record: the run still deletes its
      // topic (it knows it created it); one kept with --keep-topic then needs --force, as is safe.
      await retrying(() => markOwned(this.driver, admin, this.topic, deadline), deadline);
    } catch (e) {
      throw runError(`cannot record ${this.topic} as created by kbench (in ${REGISTRY_TOPIC}): ${describeError(e)}`);
    }
  }

  async grow(to: number): Promise<void> {
    if (!this.admin) throw runError('growPartitions before start');
    try {
      await this.admin.createPartitions(this.topic, to);
    } catch (e) {
      throw runError(`cannot grow ${this.topic} to ${to} partitions: ${describeError(e)}`);
    }
  }

  /** Each partition's log end and the group's committed offset, as the broker has them; null when
   * the broker cannot say (it may be gone: the run's error says so). */
  async finalOffsets(): Promise<FinalOffsets[] | null> {
    const admin = this.admin;
    if (!admin) return null;
    try {
      return await withTimeout((async () => {
        const ends = await admin.endOffsets(this.topic);
        const committed = await admin.committedOffsets(this.groupId, [this.topic]);
        const c = new Map(committed.filter((p) => p.topic === this.topic).map((p) => [p.partition, p.offset]));
        return ends
          .sort((a, b) => a.partition - b.partition)
          .map((e) => {
            const done = c.get(e.partition) ?? -1;
            return { partition: e.partition, logEndOffset: e.high, committedOffset: done, lag: done >= 0 ? e.high - done : null };
          });
      })(), 10_000, 'final offsets timed out');
    } catch {
      return null;
    }
  }

  /** Deletes the group (if the run had one) and the topic (unless kept), quietly and within 10 s in
   * all: the run's outcome is already known, and a broker that is gone must not hold the exit. */
  async release(o: { deleteGroup: boolean; keepTopic: boolean }): Promise<void> {
    const admin = this.admin;
    if (!admin) return;
    this.admin = null;
    const cleanUp = Promise.all([
      o.deleteGroup ? admin.deleteGroups([this.groupId]) : undefined,
      this.created && !o.keepTopic ? admin.deleteTopics([this.topic], 10_000).then(() => unmarkOwned(this.driver, admin, this.topic)) : undefined,
    ]);
    await withTimeout(cleanUp, 10_000, 'clean-up timed out').catch(() => undefined);
    await withTimeout(admin.close(), 2_000, 'disconnect timed out').catch(() => undefined);
  }
}
