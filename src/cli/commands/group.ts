// `kbench group list|describe`: the columns users know from kafka-consumer-groups --describe.
import { BROKER_OPTIONS, choice } from '../../config/options.js';
import { EXIT } from '../../errors.js';
import { describeGroup, listGroups } from '../../engines/kafka/admin.js';
import { compactTable } from '../../report/table-style.js';
import { defineCommand } from '../command.js';
import { checkCommand, groupOption, withCluster } from './kafka-common.js';

export const groupCommand = defineCommand({
  name: 'group',
  describe: 'list consumer groups, or describe one: offsets, lag, owners',
  options: {
    action: choice(['list', 'describe'] as const, { describe: 'what to do', positional: 'one', required: true }),
    group: groupOption({ describe: 'group id (describe)', positional: 'one' }),
    ...BROKER_OPTIONS,
  },
  async handler(options, io) {
    const a = options.values;
    checkCommand(a, [[a.action === 'describe' && !a.group, 'kbench group describe needs a group id']]);
    return withCluster(options, async ({ admin }) => {
      if (a.action === 'list') {
        const groups = await listGroups(admin);
        io.stdout(a.json ? JSON.stringify(groups, null, 2) + '\n' : groups.map((g) => g.groupId).join('\n') + (groups.length ? '\n' : ''));
        return EXIT.ok;
      }
      const { state, rows } = await describeGroup(admin, a.group!);
      if (a.json) {
        io.stdout(JSON.stringify({ group: a.group, state, partitions: rows }, null, 2) + '\n');
        return EXIT.ok;
      }
      const dash = (v: unknown) => (v === null || v === undefined ? '-' : String(v));
      const t = compactTable(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);
      for (const r of rows) t.push([r.group, r.topic, r.partition, dash(r.currentOffset), r.logEndOffset, dash(r.lag), dash(r.consumerId), dash(r.host), dash(r.clientId)]);
      io.stdout(`Consumer group ${a.group} (${state})\n${t.toString()}\n`);
      return EXIT.ok;
    });
  },
});
