// `kbench produce --topic t --key user_id --messages 100 [--partition n] [--client c]`: hands-on
// producing that prints the partition and offset each record got.
import type { Argv } from 'yargs';
import { resolveRunSpec } from '../../config/resolve.js';
import { EXIT, runError, usageError, type ExitCode } from '../../errors.js';
import { describeError } from '../../engines/kafka/client.js';
import { createProducerPartitioner } from '../../partitioners/producer-partitioner.js';
import { CLIENT_PROFILES } from '../../partitioners/profiles.js';
import { compactTable } from '../../report/table-style.js';
import { RecordPlanner } from '../../runner/run-workload.js';
import { createKeySource } from '../../workload/key-sources.js';
import { createPayloads } from '../../workload/payload.js';
import { createRng } from '../../workload/rng.js';
import type { CliIo } from '../io.js';
import { brokerOptions, positiveInt, withCluster, type BrokerArgs } from './kafka-common.js';

export function produceOptions<T>(y: Argv<T>) {
  return brokerOptions(y)
    .option('topic', { type: 'string', describe: 'topic to write to', demandOption: true })
    .option('key', { type: 'string', describe: 'user_id | country | none | device_id | order_id | fixed:<v> | file:<path>', default: 'user_id' })
    .option('messages', { type: 'string', describe: 'records to send', default: '10' })
    .option('partition', { type: 'string', describe: 'send every record to this partition' })
    .option('client', { type: 'string', describe: 'partitioner profile', default: 'java' })
    .option('seed', { type: 'string', default: '1' });
}

export interface ProducedRow {
  key: string | null;
  partition: number;
  offset: number;
}

export async function produceCommand(
  args: BrokerArgs & { topic: string; key: string; messages: string; partition?: string; client: string; seed: string },
  io: CliIo,
): Promise<ExitCode> {
  const count = positiveInt(args.messages, '--messages');
  return withCluster(args, async ({ kafka, admin }) => {
    if (!(await admin.listTopics()).includes(args.topic)) throw usageError(`topic ${args.topic} does not exist; create it with kbench topic create ${args.topic} --partitions N`);
    const partitions = (await admin.fetchTopicMetadata({ topics: [args.topic] })).topics[0].partitions.length;
    const spec = resolveRunSpec({ key: args.key, partitions, partition: args.partition, client: args.client, messages: count, rate: 1000, seed: args.seed });
    const rng = createRng(spec.seed);
    const keys = createKeySource(spec, rng.fork('keys'));
    const payloads = createPayloads(spec.seed, null);
    const planner = new RecordPlanner(spec, keys, payloads);
    const partitioner = createProducerPartitioner(CLIENT_PROFILES[spec.client], rng.fork('producer-0'), spec.explicitPartition);
    const chosen = new Map<object, number>();
    const producer = kafka.producer({
      idempotent: true,
      allowAutoTopicCreation: false,
      createPartitioner: () => ({ partitionMetadata, message }) => {
        const key = typeof message.key === 'string' ? Buffer.from(message.key) : (message.key ?? null);
        const p = partitioner.partition(key, partitionMetadata.length, message.value?.length ?? 0, Date.now() * 1000);
        chosen.set(message, p);
        return p;
      },
    });
    await producer.connect();
    const rows: ProducedRow[] = [];
    try {
      const messages = Array.from({ length: count }, (_, n) => {
        const rec = planner.plan(n);
        const keyText = rec.keyIndex >= 0 ? keys.keyText(rec.keyIndex) : null;
        return { key: rec.key ? Buffer.from(rec.key) : null, value: Buffer.from(payloads.valueOf(n, keyText, rec.entity, rec.seq, Date.now())), keyText };
      });
      const metadata = await producer.send({ topic: args.topic, acks: -1, messages });
      const next = new Map(metadata.map((m) => [m.partition, Number(m.baseOffset)]));
      for (const m of messages) {
        const p = chosen.get(m)!;
        const offset = next.get(p)!;
        next.set(p, offset + 1);
        rows.push({ key: m.keyText, partition: p, offset });
      }
    } catch (e) {
      throw runError(`cannot produce to ${args.topic}: ${describeError(e)}`);
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
    if (args.json) io.stdout(JSON.stringify(rows, null, 2) + '\n');
    else {
      const t = compactTable(['key', 'partition', 'offset']);
      for (const r of rows) t.push([r.key ?? '(null)', r.partition, r.offset]);
      io.stdout(`Produced ${rows.length} records to ${args.topic} (${partitions} partitions, ${spec.client} partitioner)\n${t.toString()}\n`);
    }
    return EXIT.ok;
  });
}
