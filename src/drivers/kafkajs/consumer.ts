// DriverConsumer over a kafkajs consumer: a member of a classic group only (kafkajs 2.2.4 speaks no
// KIP-848), with kbench's exact assignors as kafkajs partition assigners (assigners.ts) and Java's
// commit schedule (fast-path/java-commits.ts).
import type { Consumer, Kafka } from 'kafkajs';
import { usageError } from '../../errors.js';
import type { BatchControl, ConsumedBatch, ConsumerEvents, DriverConsumer, DriverConsumerOptions } from '../driver.js';
import { kafkajsAssigner } from './assigners.js';
import { registerCodecs } from './codecs.js';
import { fromKafkajs, translated } from './errors.js';
import { FAST_PATH_FOR, kafkajsJavaCommits } from './fast-path/install.js';
import { KAFKAJS_VERSION } from './fast-path/modules.js';

export class KafkajsConsumer implements DriverConsumer {
  private readonly consumer: Consumer;

  constructor(kafka: Kafka, private readonly o: DriverConsumerOptions) {
    if (o.protocol !== 'classic') throw usageError(`kafkajs speaks only the classic group protocol; use --driver platformatic for --group-protocol ${o.protocol}`);
    // Without it kafkajs commits after every batch: latency and duplicates would not be Java's.
    if (o.autoCommit && !kafkajsJavaCommits) throw new Error(`kbench's consumers need kafkajs ${FAST_PATH_FOR} (its commit schedule is patched to Java's); this kafkajs is ${KAFKAJS_VERSION}`);
    const assigner = o.assignor && o.assignor.name !== 'kafkajs' ? kafkajsAssigner(o.assignor) : undefined;
    this.consumer = kafka.consumer({
      groupId: o.groupId,
      ...(assigner ? { partitionAssigners: [assigner] } : {}),
      ...(o.metadataMaxAgeMs !== undefined ? { metadataMaxAge: o.metadataMaxAgeMs } : {}),
      ...(o.maxWaitMs !== undefined ? { maxWaitTimeInMs: o.maxWaitMs } : {}),
      ...(o.heartbeatIntervalMs !== undefined ? { heartbeatInterval: o.heartbeatIntervalMs } : {}),
      ...(o.sessionTimeoutMs !== undefined ? { sessionTimeout: o.sessionTimeoutMs } : {}),
      ...(o.rebalanceTimeoutMs !== undefined ? { rebalanceTimeout: o.rebalanceTimeoutMs } : {}),
      allowAutoTopicCreation: false,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2000, restartOnFailure: async (e) => o.restartOnFailure(fromKafkajs(e)) },
    });
  }

  on<E extends keyof ConsumerEvents>(event: E, listener: ConsumerEvents[E]): void {
    const c = this.consumer;
    const l = listener as (...args: unknown[]) => void;
    switch (event) {
      case 'assigned':
        c.on(c.events.GROUP_JOIN, (e) => l(e.payload.memberAssignment as Record<string, number[]>, e.payload.memberId));
        return;
      case 'rebalancing':
        c.on(c.events.REBALANCING, () => l());
        return;
      case 'fetched':
        c.on(c.events.FETCH, () => l());
        return;
      case 'committed':
        c.on(c.events.COMMIT_OFFSETS, () => l());
        return;
      case 'crashed':
        c.on(c.events.CRASH, (e) => l(fromKafkajs(e.payload.error), e.payload.restart));
        return;
    }
  }

  async run(handle: (batch: ConsumedBatch, control: BatchControl) => Promise<void>): Promise<void> {
    const { o, consumer } = this;
    // Any record may come compressed with any codec, whoever produced it.
    await registerCodecs();
    await translated(consumer.connect());
    for (const topic of o.topics) await translated(consumer.subscribe({ topic, fromBeginning: o.fromBeginning }));
    await translated(consumer.run({
      autoCommit: o.autoCommit !== false,
      ...(o.autoCommit ? { autoCommitInterval: o.autoCommit.intervalMs } : {}),
      eachBatchAutoResolve: o.autoResolve,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset, pause }) => {
        const records = batch.messages.map((m) => ({
          offset: Number(m.offset), key: m.key, value: m.value, headers: m.headers as Record<string, Buffer | undefined>, timestampMs: Number(m.timestamp),
        }));
        await handle({ topic: batch.topic, partition: batch.partition, records }, {
          markProcessed: (offset) => resolveOffset(String(offset)),
          heartbeat: () => translated(heartbeat()),
          stillOwned: () => isRunning() && !isStale(),
          pause: () => void pause(),
        });
      },
    }));
  }

  commit(offsets: { topic: string; partition: number; offset: number }[]): Promise<void> {
    return translated(this.consumer.commitOffsets(offsets.map((x) => ({ topic: x.topic, partition: x.partition, offset: String(x.offset) }))));
  }

  resume(topic: string, partitions: number[]): void {
    this.consumer.resume([{ topic, partitions }]);
  }

  close(): Promise<void> {
    return translated(this.consumer.disconnect());
  }
}
