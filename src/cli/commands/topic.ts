// `kbench topic create|alter|delete|describe|list`.
import type { Argv } from 'yargs';
import { EXIT, usageError, type ExitCode } from '../../errors.js';
import { alterTopicPartitions, createTopic, deleteTopic, describeTopic, listTopics } from '../../engines/kafka/admin.js';
import { compactTable } from '../../report/table-style.js';
import type { CliIo } from '../io.js';
import { brokerOptions, positiveInt, withCluster, type BrokerArgs } from './kafka-common.js';

export function topicOptions<T>(y: Argv<T>) {
  return brokerOptions(y)
    .positional('action', { type: 'string', choices: ['create', 'alter', 'delete', 'describe', 'list'] as const, describe: 'what to do' })
    .positional('name', { type: 'string', describe: 'topic name (not for list)' })
    .option('partitions', { type: 'string', describe: 'partition count (create, alter)' })
    .option('replication-factor', { type: 'string', describe: 'replication factor (create)', default: '1' })
    .option('force', { type: 'boolean', describe: 'alter or delete a topic kbench did not create', default: false });
}

interface TopicArgs extends BrokerArgs {
  action: 'create' | 'alter' | 'delete' | 'describe' | 'list';
  name?: string;
  partitions?: string;
  replicationFactor: string;
  force: boolean;
}


export async function topicCommand(args: TopicArgs, io: CliIo): Promise<ExitCode> {
  const name = args.name;
  if (args.action !== 'list' && !name) throw usageError(`kbench topic ${args.action} needs a topic name`);
  return withCluster(args, async ({ kafka, admin }) => {
    switch (args.action) {
      case 'create': {
        if (args.partitions === undefined) throw usageError('kbench topic create needs --partitions N');
        const partitions = positiveInt(args.partitions, '--partitions');
        const rf = positiveInt(args.replicationFactor, '--replication-factor');
        await createTopic(kafka, admin, name!, partitions, rf);
        io.stdout(args.json ? JSON.stringify({ topic: name, partitions, replicationFactor: rf, created: true }) + '\n' : `Created topic ${name} with ${partitions} partitions (replication factor ${rf}).\n`);
        return EXIT.ok;
      }
      case 'alter': {
        if (args.partitions === undefined) throw usageError('kbench topic alter needs --partitions N (the new, larger count)');
        const change = await alterTopicPartitions(kafka, admin, name!, positiveInt(args.partitions, '--partitions'), args.force);
        io.stdout(args.json ? JSON.stringify({ topic: name, ...change }) + '\n' : `Topic ${name}: ${change.from} → ${change.to} partitions. Keys that hash differently now go to other partitions.\n`);
        return EXIT.ok;
      }
      case 'delete':
        await deleteTopic(kafka, admin, name!, args.force);
        io.stdout(args.json ? JSON.stringify({ topic: name, deleted: true }) + '\n' : `Deleted topic ${name}.\n`);
        return EXIT.ok;
      case 'describe': {
        const info = await describeTopic(kafka, admin, name!);
        if (args.json) {
          io.stdout(JSON.stringify(info, null, 2) + '\n');
          return EXIT.ok;
        }
        const t = compactTable(['partition', 'leader', 'replicas', 'isr', 'earliest offset', 'latest offset']);
        for (const p of info.partitions) t.push([p.partition, p.leader, p.replicas.join(','), p.isr.join(','), p.earliestOffset, p.latestOffset]);
        io.stdout(`Topic ${info.topic}: ${info.partitions.length} partitions${info.ownedByKbench ? ' (created by kbench)' : ''}\n${t.toString()}\n`);
        return EXIT.ok;
      }
      case 'list': {
        const topics = await listTopics(kafka, admin);
        if (args.json) {
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
}
