// DriverProducer over a kafkajs producer. kbench chooses every record's partition; kafkajs's
// partitioner hook hands it back unchanged, and tells kbench the partition count kafkajs's metadata
// knows at each send (kafkajs refreshes it every metadataMaxAge when it sends), which is how a growth
// reaches kbench's partitioner as it reaches a Kafka client's.
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import type { DriverProducer, DriverProducerOptions, ProduceRequest } from '../driver.js';
import { KafkaClientError } from '../errors.js';
import { KAFKAJS_TYPES, registerCodecs } from './codecs.js';
import { translated } from './errors.js';
import { kafkajsModule } from './fast-path/modules.js';

const { KafkaJSMetadataNotLoaded: MetadataNotLoaded } = kafkajsModule<{ KafkaJSMetadataNotLoaded: new (message: string) => Error }>('src/errors');

const KAFKAJS_ACKS = { all: -1, 1: 1, 0: 0 } as const;

export class KafkajsProducer implements DriverProducer {
  private readonly producer: Producer;
  private readonly known = new Map<string, number>();
  private readonly topics = new Set<string>();
  private admin: Admin | null = null;
  private refresher: NodeJS.Timeout | null = null;

  constructor(private readonly kafka: Kafka, private readonly o: DriverProducerOptions) {
    this.producer = kafka.producer({
      // Retries are the client's (ConnectOptions.rideThroughMs). The idempotent producer keeps its
      // sequence numbers across them, so the broker drops a batch it had already written.
      idempotent: o.idempotent,
      maxInFlightRequests: o.maxInFlight,
      allowAutoTopicCreation: false,
      metadataMaxAge: o.metadataMaxAgeMs,
      // Called for every message on every attempt, with the partitions kafkajs knows now.
      createPartitioner: () => ({ topic, partitionMetadata, message }) => {
        if (partitionMetadata.length > (this.known.get(topic) ?? 0)) this.known.set(topic, partitionMetadata.length);
        const partition = (message as Message & { partition: number }).partition;
        // kbench learnt of a partition kafkajs's own metadata does not have yet: kafkajs would drop
        // its records without a word (no leader known, so no request); this error makes it refresh
        // its metadata and try again, as it does for any stale metadata.
        if (partition >= partitionMetadata.length) throw new MetadataNotLoaded(`kafkajs does not know partition ${partition} of ${topic} yet`);
        return partition;
      },
    });
  }

  async connect(topic: string): Promise<void> {
    await translated(this.producer.connect());
    // kafkajs loads a topic's metadata at its first send and refreshes it only when sending; kbench
    // needs the count before that, and a growth learnt within metadataMaxAge as Java's background
    // refresh learns it, sending or not: an admin client of its own asks every metadataMaxAge.
    this.admin ??= this.kafka.admin();
    await translated(this.admin.connect());
    this.topics.add(topic);
    await this.refresh();
    this.refresher ??= setInterval(() => void this.refresh().catch(() => undefined), this.o.metadataMaxAgeMs);
    this.refresher.unref();
  }

  private async refresh(): Promise<void> {
    const meta = await translated(this.admin!.fetchTopicMetadata({ topics: [...this.topics] }));
    for (const t of meta.topics) if (t.partitions.length > (this.known.get(t.name) ?? 0)) this.known.set(t.name, t.partitions.length);
  }

  partitionCount(topic: string): number {
    const n = this.known.get(topic);
    if (n === undefined) throw new KafkaClientError({ message: `the producer has no metadata for ${topic} (connect it to the topic first)`, kind: 'other', retriable: false });
    return n;
  }

  async send(r: ProduceRequest): Promise<Float64Array> {
    if (r.compression !== 'none' && r.compression !== 'gzip') await registerCodecs();
    const metadata = await translated(this.producer.send({ topic: r.topic, acks: KAFKAJS_ACKS[r.acks], compression: KAFKAJS_TYPES[r.compression], messages: r.records }));
    const offsets = new Float64Array(r.records.length).fill(-1);
    if (r.acks === '0') return offsets; // the broker answers nothing
    const next = new Map<number, number>();
    for (const md of metadata) if (md.topicName === r.topic) next.set(md.partition, Number(md.baseOffset));
    for (let i = 0; i < r.records.length; i++) {
      const p = r.records[i].partition;
      const offset = next.get(p);
      if (offset === undefined) continue;
      offsets[i] = offset;
      next.set(p, offset + 1);
    }
    return offsets;
  }

  async close(): Promise<void> {
    if (this.refresher) clearInterval(this.refresher);
    this.refresher = null;
    await Promise.all([this.producer.disconnect(), this.admin?.disconnect().catch(() => undefined)]);
  }
}
