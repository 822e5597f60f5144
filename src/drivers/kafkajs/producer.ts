// DriverProducer over a kafkajs producer. kbench chooses every record's partition; kafkajs's
// partitioner hook hands it back unchanged, and tells kbench the partition count kafkajs's metadata
// knows at each send (kafkajs refreshes it every metadataMaxAge), which is how a growth reaches
// kbench's partitioner as it reaches a Kafka client's.
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import type { DriverProducer, DriverProducerOptions, ProduceRequest } from '../driver.js';
import { KafkaClientError } from '../errors.js';
import { KAFKAJS_TYPES, registerCodecs } from './codecs.js';
import { translated } from './errors.js';

const KAFKAJS_ACKS = { all: -1, 1: 1, 0: 0 } as const;

export class KafkajsProducer implements DriverProducer {
  private readonly producer: Producer;
  private readonly known = new Map<string, number>();

  constructor(private readonly kafka: Kafka, o: DriverProducerOptions) {
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
        return (message as Message & { partition: number }).partition;
      },
    });
  }

  async connect(topic: string): Promise<void> {
    await translated(this.producer.connect());
    // kafkajs loads a topic's metadata at its first send; kbench needs the count before that.
    let admin: Admin | null = null;
    try {
      admin = this.kafka.admin();
      await translated(admin.connect());
      const meta = await translated(admin.fetchTopicMetadata({ topics: [topic] }));
      this.known.set(topic, Math.max(this.known.get(topic) ?? 0, meta.topics[0]?.partitions.length ?? 0));
    } finally {
      await admin?.disconnect().catch(() => undefined);
    }
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

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}
