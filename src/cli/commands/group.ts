// `kbench group list|describe`: the columns users know from kafka-consumer-groups --describe.
import { BROKER_OPTIONS, choice } from '../../config/options.js';
import { ERROR_CODES, EXIT, runError, usageError } from '../../errors.js';
import { describeError, kafkaErrorName, KafkaClientError } from '../../drivers/errors.js';
import { describeGroup, listGroups } from '../../engines/kafka/admin.js';
import { compactTable } from '../../report/table-style.js';
import { defineCommand } from '../command.js';
import { checkCommand, groupOption, withCluster } from './kafka-common.js';

export const groupCommand = defineCommand({
  name: 'group',
  describe: 'list consumer groups, describe one (offsets, lag, owners), or delete one',
  options: {
    action: choice(['list', 'describe', 'delete'] as const, { describe: 'what to do', positional: 'one', required: true }),
    group: groupOption({ describe: 'group id (describe, delete)', positional: 'one' }),
    ...BROKER_OPTIONS,
  },
  async handler(options, io) {
    const a = options.values;
    checkCommand(a, [[a.action !== 'list' && !a.group, `kbench group ${a.action} needs a group id`]]);
    return withCluster(options, async ({ admin }) => {
      if (a.action === 'delete') {
        // Kafka itself refuses to delete a group with live members, so nobody's running consumers
        // lose their offsets by accident; what is left to delete is committed offsets.
        try {
          await admin.deleteGroups([a.group!]);
        } catch (e) {
          // The group's own error comes as the failure's type, or as its one entry.
          const type = kafkaErrorName(e) ?? (e instanceof KafkaClientError ? e.errors?.[0]?.type : undefined);
          if (type === 'GROUP_ID_NOT_FOUND') throw usageError(`there is no consumer group ${a.group}`, ERROR_CODES.badOption);
          if (type === 'NON_EMPTY_GROUP') throw runError(`consumer group ${a.group} has active members; stop its consumers first (Kafka deletes only empty groups)`);
          throw runError(`cannot delete consumer group ${a.group}: ${describeError(e)}`, e);
        }
        io.stdout(a.json ? JSON.stringify({ deleted: a.group }) + '\n' : `Deleted consumer group ${a.group}\n`);
        return EXIT.ok;
      }
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
