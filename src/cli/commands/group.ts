// `kbench group list|describe`: the columns users know from kafka-consumer-groups --describe.
import type { Argv } from 'yargs';
import { EXIT, usageError, type ExitCode } from '../../errors.js';
import { describeGroup, listGroups } from '../../engines/kafka/admin.js';
import { compactTable } from '../../report/table-style.js';
import type { CliIo } from '../io.js';
import { brokerOptions, withCluster, type BrokerArgs } from './kafka-common.js';

export function groupOptions<T>(y: Argv<T>) {
  return brokerOptions(y)
    .positional('action', { type: 'string', choices: ['list', 'describe'] as const })
    .positional('group', { type: 'string', describe: 'group id (describe)' });
}

export async function groupCommand(args: BrokerArgs & { action: 'list' | 'describe'; group?: string }, io: CliIo): Promise<ExitCode> {
  if (args.action === 'describe' && !args.group) throw usageError('kbench group describe needs a group id');
  return withCluster(args, async ({ admin }) => {
    if (args.action === 'list') {
      const groups = await listGroups(admin);
      io.stdout(args.json ? JSON.stringify(groups, null, 2) + '\n' : groups.map((g) => g.groupId).join('\n') + (groups.length ? '\n' : ''));
      return EXIT.ok;
    }
    const { state, rows } = await describeGroup(admin, args.group!);
    if (args.json) {
      io.stdout(JSON.stringify({ group: args.group, state, partitions: rows }, null, 2) + '\n');
      return EXIT.ok;
    }
    const dash = (v: unknown) => (v === null || v === undefined ? '-' : String(v));
    const t = compactTable(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);
    for (const r of rows) t.push([r.group, r.topic, r.partition, dash(r.currentOffset), r.logEndOffset, dash(r.lag), dash(r.consumerId), dash(r.host), dash(r.clientId)]);
    io.stdout(`Consumer group ${args.group} (${state})\n${t.toString()}\n`);
    return EXIT.ok;
  });
}
