// `kbench produce --topic t --key user_id --messages 100 [--partition n] [--client c]`: hands-on
// producing that prints the partition and offset each record got.
import { describedAs } from '../../config/option.js';
import { BROKER_OPTIONS, count, LIMITS, OPTIONS } from '../../config/options.js';
import { runSpecWith } from '../../config/resolve.js';
import { ERROR_CODES, EXIT, runError, usageError } from '../../errors.js';
import { assertDriverCan } from '../../drivers/capabilities.js';
import { describeError } from '../../drivers/errors.js';
import { createProducerPartitioner } from '../../partitioners/producer-partitioner.js';
import { CLIENT_PROFILES, metadataMaxAgeMs } from '../../partitioners/profiles.js';
import { BatchingProducer } from '../../engines/kafka/batching-producer.js';
import { compactTable } from '../../report/table-style.js';
import { RecordPlanner } from '../../runner/run-workload.js';
import { createKeySource } from '../../workload/key-sources.js';
import { createPayloads } from '../../workload/payload.js';
import { createRng } from '../../workload/rng.js';
import { defineCommand } from '../command.js';
import { topicOption, withCluster } from './kafka-common.js';

export interface ProducedRow {
  key: string | null;
  partition: number;
  offset: number;
}

export const produceCommand = defineCommand({
  name: 'produce',
  describe: 'send records to a topic and print where each landed',
  options: {
    ...BROKER_OPTIONS,
    topic: topicOption({ describe: 'topic to write to', required: true }),
    key: OPTIONS.key,
    messages: count(1, LIMITS.produceMessages, { describe: 'records to send', default: '10' }),
    partition: describedAs(OPTIONS.partition, 'send every record to this partition'),
    client: describedAs(OPTIONS.client, 'partitioner profile'),
    seed: OPTIONS.seed,
    acks: OPTIONS.acks,
    idempotent: OPTIONS.idempotent,
    linger: OPTIONS.linger,
    batchSize: OPTIONS.batchSize,
    compression: OPTIONS.compression,
  },
  async handler(options, io) {
    const a = options.values;
    const count = a.messages;
    return withCluster(options, async ({ drivers, admin }) => {
      const driver = drivers.producer;
      if (!(await admin.listTopics()).includes(a.topic)) throw usageError(`topic ${a.topic} does not exist; create it with kbench topic create ${a.topic} --partitions N`, ERROR_CODES.badOption);
      const partitions = (await admin.topicMetadata([a.topic]))[0].partitions.length;
      const spec = runSpecWith({
        key: a.key, partitions, partition: a.partition, client: a.client, messages: count, rate: 1000, seed: a.seed,
        acks: a.acks, idempotent: a.idempotent, linger: a.linger, batchSize: a.batchSize, compression: a.compression,
      });
      assertDriverCan(driver, { producer: spec });
      const rng = createRng(spec.seed);
      const keys = createKeySource(spec, rng.fork('keys'));
      const payloads = createPayloads(spec.seed, null);
      const planner = new RecordPlanner(spec, keys, payloads);
      const rows: ProducedRow[] = new Array(count);
      let failure: unknown = null;
      // The runs' producer: the same batching, partitioner and offsets from the broker's acks.
      const producer = new BatchingProducer<number>({
        producer: driver.producer({
          idempotent: spec.idempotent, maxInFlight: spec.maxInFlight, lingerMs: spec.lingerMs, batchBytes: spec.batchBytes,
          metadataMaxAgeMs: metadataMaxAgeMs(null, spec.client),
        }),
        batching: driver.capabilities.batching,
        topic: a.topic, settings: spec,
        partitioner: createProducerPartitioner(CLIENT_PROFILES[spec.client], rng.fork('producer-0'), spec.explicitPartition),
        partitions,
        nowUs: () => Date.now() * 1000,
        onAcked: (n, partition, offset) => { rows[n].partition = partition; rows[n].offset = offset; },
        onFailed: (e) => { failure ??= e; },
      });
      try {
        await producer.connect();
        for (let n = 0; n < count; n++) {
          const rec = planner.plan(n);
          const keyText = rec.keyIndex >= 0 ? keys.keyText(rec.keyIndex) : null;
          rows[n] = { key: keyText, partition: -1, offset: -1 };
          const value = Buffer.from(payloads.valueOf(n, keyText, rec.entity, rec.seq, Date.now()));
          const full = producer.add({ key: rec.key ? Buffer.from(rec.key) : null, value, tag: n });
          if (full) await producer.room();
        }
        await producer.drain();
        if (failure) throw failure;
      } catch (e) {
        throw runError(`cannot produce to ${a.topic}: ${describeError(e)}`, e);
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
      if (a.json) io.stdout(JSON.stringify(rows, null, 2) + '\n');
      else {
        const t = compactTable(['key', 'partition', 'offset']);
        for (const r of rows) t.push([r.key ?? '(null)', r.partition, r.offset]);
        io.stdout(`Produced ${rows.length} records to ${a.topic} (${partitions} partitions, ${spec.client} partitioner)\n${t.toString()}\n`);
      }
      return EXIT.ok;
    });
  },
});
