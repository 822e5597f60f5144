// `kbench consume --topic t --group g`: hands-on consuming that prints where each record came from.
// Stops after --messages records or --idle without new records; commits what it read.
import { BROKER_OPTIONS, count, LIMITS, OPTIONS } from '../../config/options.js';
import { ERROR_CODES, EXIT, runError, usageError } from '../../errors.js';
import { describeError } from '../../drivers/errors.js';
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
  return withCluster(options, async ({ drivers, admin }) => {
    const driver = drivers.consumer;
    if (!(await admin.listTopics()).includes(args.topic)) throw usageError(`topic ${args.topic} does not exist`, ERROR_CODES.badOption);
    const consumer = driver.consumer({
      groupId: args.group, topics: [args.topic], protocol: 'classic', fromBeginning: args.fromBeginning, autoCommit: false, autoResolve: false, maxWaitMs: 200,
      restartOnFailure: () => false,
    });
    const rows: ConsumedRow[] = [];
    let lastAt = Date.now();
    let failure: unknown = null;
    try {
      consumer.on('crashed', (e) => { failure = e; });
      // Each batch's printed records are committed when the batch is done, so a group stopped by
      // --messages commits exactly what it printed and no more.
      await consumer.run(async ({ topic, partition, records }, control) => {
        let next = -1;
        for (const message of records) {
          if (rows.length >= limit) {
            control.pause();
            break;
          }
          lastAt = Date.now();
          rows.push({ partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null });
          if (!args.json) io.stdout(`partition ${partition}  offset ${message.offset}  key ${message.key?.toString() ?? '(null)'}  ${(message.value?.toString() ?? '').slice(0, 80)}\n`);
          next = message.offset + 1;
        }
        if (next >= 0) await consumer.commit([{ topic, partition, offset: next }]);
      });
      while (rows.length < limit && Date.now() - lastAt < idleMs && !failure && !io.stopRequested()) await new Promise((r) => setTimeout(r, 50));
    } catch (e) {
      failure = e;
    } finally {
      await consumer.close().catch(() => undefined);
    }
    if (failure) throw runError(`consuming ${args.topic} failed: ${describeError(failure)}`, failure);
    if (args.json) io.stdout(JSON.stringify(rows.slice(0, limit), null, 2) + '\n');
    else io.stderr(`Consumed ${Math.min(rows.length, limit)} records from ${args.topic} as group ${args.group}\n`);
    return EXIT.ok;
  });
  },
});
