// kafkajs 2.2.4's consumer commits like Java's with enable.auto.commit: every auto-commit interval,
// before rejoining a rebalancing group, and before leaving it. kafkajs's own Runner commits after
// every partition batch (runner.js handleBatch ends with autoCommitOffsets(), unconditional with
// autoCommit on; autoCommitInterval only governs commitOffsetsIfNecessary): with one partition
// handled at a time that is one sequential OffsetCommit round trip per partition per fetch, which
// multiplied a member's end-to-end latency several times over (p50 ≈ 47 ms instead of ≈ 7 ms for a
// member owning 6 partitions at 2,000 records/s), and it left no uncommitted work for a crash to
// redeliver. Two narrow subclasses of kafkajs's own classes change only when commits happen:
//
// - Runner: the per-batch commit becomes the interval check (commitOffsetsIfNecessary, measured from
//   the last commit), and an empty fetch checks it too, since Java's poll() commits on its timer
//   whether or not records came.
// - ConsumerGroup, with autoCommit on (Java's enable.auto.commit; a consumer that commits itself is
//   left alone): joinAndSync() first commits what was processed (Java's
//   ConsumerCoordinator.onJoinPrepare: a clean rebalance makes no duplicates), whichever path asked
//   for the rejoin (a heartbeat saying REBALANCE_IN_PROGRESS, stale metadata after partition growth);
//   leave() commits before LeaveGroup (Java's close()), which is also what kafkajs does before it
//   restarts a consumer that crashed on a retriable error (a broker restart). As Java does, a commit
//   that fails on a retriable error (the coordinator restarting or moving) is retried, looking the
//   coordinator up again, for up to the rebalance timeout; one the group refuses (the member was
//   fenced: its generation is gone) is given up. Either way the rejoin or the leave goes ahead, and
//   what was not committed is read again by the partitions' next owners. kafkajs committed after
//   every batch, so it never needed this: giving up at the first failure would now lose the position
//   of a member restarted through a broker outage, and with no commit yet it would start at
//   auto.offset.reset (latest) and skip what came meanwhile.
//
// Resolved offsets, the paced consumer's manual resolveOffset, seeks and the rebalance handling
// itself stay kafkajs's.

/** The kafkajs Runner members the subclass uses (runner.js). */
interface KafkajsRunner {
  running: boolean;
  autoCommitOffsetsIfNecessary(): Promise<void> | undefined;
  fetch(nodeId: number): Promise<unknown[]>;
}

/** The kafkajs ConsumerGroup members the subclass uses (consumerGroup.js). */
interface KafkajsConsumerGroup {
  memberId: string | null;
  groupId: string;
  autoCommit: boolean;
  rebalanceTimeout: number;
  coordinator: unknown;
  offsetManager: { commitOffsets(): Promise<void>; coordinator: unknown } | null;
  cluster: { findGroupCoordinator(o: { groupId: string }): Promise<unknown> };
  logger: { warn(message: string, extra?: object): void };
  joinAndSync(): Promise<void>;
  leave(): Promise<void>;
}

/** kafkajs's own judgement (its errors carry `retriable`, a connection error is retriable, the
 * broker's codes follow Kafka's table), looking through wrapped causes. */
function retriable(e: unknown): boolean {
  let err = e as { retriable?: boolean; cause?: unknown } | null | undefined;
  while (err?.cause) err = err.cause as typeof err;
  return err?.retriable === true;
}

// kafkajs's classes, as constructors of the members above (a mixin's base takes `any[]`).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Class<T> = new (...args: any[]) => T;

export type RunnerClass = Class<KafkajsRunner>;
export type ConsumerGroupClass = Class<KafkajsConsumerGroup>;

export function javaCommitsRunner(Runner: RunnerClass): RunnerClass {
  class JavaCommitsRunner extends Runner {
    /** Called by kafkajs after each batch (and on a rebalance or an error in eachBatch): commits only
     * when the auto-commit interval has passed since the last commit. The rebalance and leave commits
     * are the ConsumerGroup's (below), so nothing processed goes uncommitted through a clean rebalance. */
    autoCommitOffsets() {
      return this.autoCommitOffsetsIfNecessary();
    }

    override async fetch(nodeId: number) {
      const batches = await super.fetch(nodeId);
      if (batches.length === 0 && this.running) await this.autoCommitOffsetsIfNecessary();
      return batches;
    }
  }
  return JavaCommitsRunner;
}

export function javaCommitsConsumerGroup(ConsumerGroup: ConsumerGroupClass): ConsumerGroupClass {
  class JavaCommitsConsumerGroup extends ConsumerGroup {
    /** Commits what this member processed, if it has a generation to commit in; false when that failed. */
    async commitProcessed(before: string): Promise<boolean> {
      // Only with auto-commit on, as Java's onJoinPrepare and close(): a consumer that commits itself keeps doing so.
      if (!this.autoCommit || !this.memberId || !this.offsetManager) return true;
      const offsets = this.offsetManager;
      const deadline = Date.now() + this.rebalanceTimeout;
      for (let waitMs = 200; ; waitMs = Math.min(2 * waitMs, 2000)) {
        try {
          await offsets.commitOffsets();
          return true;
        } catch (e) {
          if (!retriable(e) || Date.now() + waitMs > deadline) {
            this.logger.warn(`Could not commit offsets before ${before}; the next owner reads from the last commit`, { groupId: this.groupId, memberId: this.memberId, error: (e as Error).message });
            return false;
          }
        }
        await new Promise((r) => setTimeout(r, waitMs));
        try {
          // The coordinator may have restarted or moved: find it again (the offsets go to it, and so does a LeaveGroup).
          this.coordinator = offsets.coordinator = await this.cluster.findGroupCoordinator({ groupId: this.groupId });
        } catch {
          // Still unreachable: the next attempt says so.
        }
      }
    }

    override async joinAndSync() {
      await this.commitProcessed('rejoining');
      return super.joinAndSync();
    }

    override async leave() {
      await this.commitProcessed('leaving');
      return super.leave();
    }
  }
  return JavaCommitsConsumerGroup;
}
