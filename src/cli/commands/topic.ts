// `kbench topic create|alter|delete|describe|list`.
import { describedAs } from '../../config/option.js';
import { BROKER_OPTIONS, choice, OPTIONS } from '../../config/options.js';
import { EXIT } from '../../errors.js';
import { alterTopicPartitions, createTopic, deleteTopic, describeTopic, listTopics } from '../../engines/kafka/admin.js';
import { compactTable } from '../../report/table-style.js';
import { defineCommand } from '../command.js';
import { checkCommand, topicOption, withCluster } from './kafka-common.js';

const ACTIONS = ['create', 'alter', 'delete', 'describe', 'list'] as const;

export const topicCommand = defineCommand({
  name: 'topic',
  describe: 'create, alter (add partitions), delete, describe or list topics',
  options: {
    action: choice(ACTIONS, { describe: 'what to do', positional: 'one', required: true }),
    name: topicOption({ describe: 'topic name (not for list)', positional: 'one' }),
    ...BROKER_OPTIONS,
    partitions: describedAs(OPTIONS.partitionCount, 'partition count (create; alter: the new, larger count)'),
    replicationFactor: OPTIONS.replicationFactor,
    force: OPTIONS.force,
  },
  async handler(options, io) {
    const a = options.values;
    const name = a.name;
    checkCommand(a, [
      [a.action !== 'list' && !name, `kbench topic ${a.action} needs a topic name`],
      [(a.action === 'create' || a.action === 'alter') && a.partitions === undefined, `kbench topic ${a.action} needs --partitions N${a.action === 'alter' ? ' (the new, larger count)' : ''}`],
    ]);
    return withCluster(options, async ({ driver, admin, connectTimeoutMs }) => {
      switch (a.action) {
        case 'create': {
          const partitions = a.partitions!;
          const rf = a.replicationFactor;
          const { note } = await createTopic(driver, admin, name!, partitions, rf, connectTimeoutMs);
          if (note) io.stderr(`kbench: ${note}\n`);
          io.stdout(a.json ? JSON.stringify({ topic: name, partitions, replicationFactor: rf, created: true }) + '\n' : `Created topic ${name} with ${partitions} partitions (replication factor ${rf}).\n`);
          return EXIT.ok;
        }
        case 'alter': {
          const change = await alterTopicPartitions(driver, admin, name!, a.partitions!, a.force);
          io.stdout(a.json ? JSON.stringify({ topic: name, ...change }) + '\n' : `Topic ${name}: ${change.from} → ${change.to} partitions. Keys that hash differently now go to other partitions.\n`);
          return EXIT.ok;
        }
        case 'delete':
          await deleteTopic(driver, admin, name!, a.force);
          io.stdout(a.json ? JSON.stringify({ topic: name, deleted: true }) + '\n' : `Deleted topic ${name}.\n`);
          return EXIT.ok;
        case 'describe': {
          const info = await describeTopic(driver, admin, name!);
          if (a.json) {
            io.stdout(JSON.stringify(info, null, 2) + '\n');
            return EXIT.ok;
          }
          const t = compactTable(['partition', 'leader', 'replicas', 'isr', 'earliest offset', 'latest offset']);
          for (const p of info.partitions) t.push([p.partition, p.leader, p.replicas.join(','), p.isr.join(','), p.earliestOffset, p.latestOffset]);
          const owner = info.ownedByKbench ? ' (created by kbench)' : info.ownershipNote ? ` (${info.ownershipNote})` : '';
          const id = info.topicId ? `, topic ID ${info.topicId}` : '';
          io.stdout(`Topic ${info.topic}: ${info.partitions.length} partitions${id}${owner}\n${t.toString()}\n`);
          return EXIT.ok;
        }
        case 'list': {
          const { topics, note } = await listTopics(driver, admin);
          if (note) io.stderr(`kbench: ${note}\n`);
          if (a.json) {
            io.stdout(JSON.stringify(topics, null, 2) + '\n');
            return EXIT.ok;
          }
          const t = compactTable(['topic', 'partitions', 'created by kbench']);
          for (const x of topics) t.push([x.topic, x.partitions, x.ownedByKbench ? 'yes' : '']);
          io.stdout(`${t.toString()}\n`);
          return EXIT.ok;
        }
      }
    });
  },
});
