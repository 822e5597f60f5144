// `kbench consume --topic t --group g`: hands-on consuming that prints where each record came from.
// Stops after --messages records or --idle without new records; commits what it read.
import { BROKER_OPTIONS, count, LIMITS, OPTIONS } from '../../config/options.js';
import { ERROR_CODES, EXIT, runError, usageError } from '../../errors.js';
import { describeError } from '../../engines/kafka/client.js';
import { defineCommand } from '../command.js';
import { groupOption, topicOption, withCluster } from './kafka-common.js';

export interface ConsumedRow {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

export const consumeCommand = defineCommand({
  name: 'consume',
  describe: 'read records from a topic as a consumer group and print where each came from',
  options: {
    ...BROKER_OPTIONS,
    topic: topicOption({ describe: 'topic to read', required: true }),
    group: groupOption({ describe: 'consumer group id', required: true }),
    fromBeginning: OPTIONS.fromBeginning,
    messages: count(1, LIMITS.sample, { describe: 'stop after this many records' }),
    idle: OPTIONS.idle,
  },
  async handler(options, io) {
    const args = options.values;
  const limit = args.messages ?? Infinity;
  const idleMs = args.idle;
  return withCluster(options, async ({ kafka, admin }) => {
    if (!(await admin.listTopics()).includes(args.topic)) throw usageError(`topic ${args.topic} does not exist`, ERROR_CODES.badOption);
    const consumer = kafka.consumer({ groupId: args.group, allowAutoTopicCreation: false, maxWaitTimeInMs: 200, retry: { retries: 5, restartOnFailure: async () => false } });
    const rows: ConsumedRow[] = [];
    let lastAt = Date.now();
    let failure: unknown = null;
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: args.topic, fromBeginning: args.fromBeginning });
      // Offsets are resolved one record at a time, so a group stopped by --messages commits exactly
      // what it printed and no more.
      await consumer.run({
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, pause }) => {
          for (const message of batch.messages) {
            if (rows.length >= limit) {
              pause();
              break;
            }
            lastAt = Date.now();
            rows.push({ partition: batch.partition, offset: Number(message.offset), key: message.key?.toString() ?? null, value: message.value?.toString() ?? null });
            if (!args.json) io.stdout(`partition ${batch.partition}  offset ${message.offset}  key ${message.key?.toString() ?? '(null)'}  ${(message.value?.toString() ?? '').slice(0, 80)}\n`);
            resolveOffset(message.offset);
          }
          await commitOffsetsIfNecessary();
        },
      });
      consumer.on(consumer.events.CRASH, (e) => { failure = e.payload.error; });
      while (rows.length < limit && Date.now() - lastAt < idleMs && !failure && !io.stopRequested()) await new Promise((r) => setTimeout(r, 50));
    } catch (e) {
      failure = e;
    } finally {
      await consumer.disconnect().catch(() => undefined); // commits what was read
    }
    if (failure) throw runError(`consuming ${args.topic} failed: ${describeError(failure)}`, failure);
    if (args.json) io.stdout(JSON.stringify(rows.slice(0, limit), null, 2) + '\n');
    else io.stderr(`Consumed ${Math.min(rows.length, limit)} records from ${args.topic} as group ${args.group}\n`);
    return EXIT.ok;
  });
  },
});
