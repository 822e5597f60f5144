// One kafkajs producer that batches the way Kafka's producers do: records wait up to --linger for
// --batch-size bytes, at most --max-in-flight requests are under way, and every acknowledged record
// learns its partition (chosen by the client profile's partitioner, through kafkajs's custom
// partitioner hook) and its offset (the broker's base offset for that partition in the request, plus
// the record's place among that partition's records). Runs and `kbench produce` both send through it.
import type { Kafka, Message, Producer, RecordMetadata } from 'kafkajs';
import type { ProducerSettings } from '../../config/producer-settings.js';
import type { ProducerPartitioner } from '../../partitioners/producer-partitioner.js';
import { KAFKAJS_TYPES } from './codecs.js';

const KAFKAJS_ACKS = { all: -1, 1: 1, 0: 0 } as const;

/** Bytes a producer may hold while all its sends are in flight before its caller has to wait: the
 * next batch for every send slot (--batch-size × --max-in-flight), and at least 64 KiB. More only
 * adds queueing to the produce latency of a --rate max run, not throughput. */
export const bufferLimit = (s: Pick<ProducerSettings, 'batchBytes' | 'maxInFlight'>) => Math.max(s.batchBytes * s.maxInFlight, 64 * 1024);

export interface OutgoingRecord<T> {
  key: Buffer | null;
  value: Buffer;
  headers?: Record<string, Buffer>;
  /** The caller's handle on the record, given back with its ack. */
  tag: T;
}

/** A kafkajs message whose partitioner writes down the partition it chose (for the ack). Nothing
 * else hangs on it: kafkajs copies every message's properties when it encodes a request, so the
 * caller's tags travel in an array beside the messages instead. */
interface Pending extends Message {
  key: Buffer | null;
  value: Buffer;
  partition: number;
}

export interface BatchingProducerOptions<T> {
  kafka: Kafka;
  topic: string;
  settings: ProducerSettings;
  partitioner: ProducerPartitioner;
  metadataMaxAgeMs: number;
  /** The clock the partitioner's time-based strategies and ack times use, µs. */
  nowUs(): number;
  /** Each acknowledged record: its partition and offset (-1 with acks=0, where the broker answers nothing). */
  onAcked(tag: T, partition: number, offset: number, atUs: number): void;
  /** The first send that failed for good (kafkajs has retried it); nothing is sent after it. */
  onFailed(error: unknown): void;
}

export class BatchingProducer<T> {
  private readonly producer: Producer;
  private buffer: Pending[] = [];
  private tags: T[] = [];
  private bufferedBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Sends under way, at most --max-in-flight (1 for idempotent producers: kafkajs's idempotent
   * producer serialises requests per broker and cannot renumber sequences after a failed one). */
  private readonly inFlight = new Set<Promise<void>>();
  private failed = false;

  constructor(private readonly o: BatchingProducerOptions<T>) {
    const { settings, partitioner, nowUs } = o;
    this.producer = o.kafka.producer({
      // Retries are the client's (ConnectOptions.rideThroughMs). The idempotent producer keeps its
      // sequence numbers across them, so the broker drops a batch it had already written.
      idempotent: settings.idempotent,
      maxInFlightRequests: settings.maxInFlight,
      allowAutoTopicCreation: false,
      metadataMaxAge: o.metadataMaxAgeMs,
      // kafkajs calls this for every message on every attempt, with the partition count it knows now.
      createPartitioner: () => ({ partitionMetadata, message }) => {
        const m = message as Pending;
        return (m.partition = partitioner.partition(m.key, partitionMetadata.length, m.value.length + (m.key?.length ?? 0), nowUs()));
      },
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** Buffers a record; returns a promise to wait on when the buffer is over its limit (back-pressure). */
  add(r: OutgoingRecord<T>): Promise<void> | undefined {
    const bytes = r.value.length + (r.key?.length ?? 0);
    this.buffer.push({ key: r.key, value: r.value, headers: r.headers, partition: -1 });
    this.tags.push(r.tag);
    this.bufferedBytes += bytes;
    if (this.bufferedBytes >= this.o.settings.batchBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.o.settings.lingerMs);
    if (this.bufferedBytes >= bufferLimit(this.o.settings) && this.inFlight.size > 0) return Promise.race(this.inFlight);
    return undefined;
  }

  /** Sends what is buffered, one batch (--batch-size bytes, at least one record) per send, while
   * fewer than --max-in-flight sends are under way (each one flushes again when done). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const { settings } = this.o;
    while (this.inFlight.size < settings.maxInFlight && this.buffer.length > 0 && !this.failed) {
      let n = 0;
      let bytes = 0;
      const size = (m: Pending) => m.value.length + (m.key?.length ?? 0);
      while (n < this.buffer.length && (n === 0 || bytes + size(this.buffer[n]) <= settings.batchBytes)) bytes += size(this.buffer[n++]);
      const all = n === this.buffer.length;
      const messages = all ? this.buffer : this.buffer.slice(0, n);
      const tags = all ? this.tags : this.tags.slice(0, n);
      this.buffer = all ? [] : this.buffer.slice(n);
      this.tags = all ? [] : this.tags.slice(n);
      this.bufferedBytes -= bytes;
      const sending: Promise<void> = this.producer
        .send({ topic: this.o.topic, acks: KAFKAJS_ACKS[settings.acks], compression: KAFKAJS_TYPES[settings.compression], messages })
        .then((metadata) => this.acked(messages, tags, metadata))
        .catch((e) => {
          if (!this.failed) {
            this.failed = true;
            this.o.onFailed(e);
          }
        })
        .finally(() => {
          this.inFlight.delete(sending);
          if (this.buffer.length > 0 && !this.failed) this.flush();
        });
      this.inFlight.add(sending);
    }
  }

  private acked(messages: Pending[], tags: T[], metadata: RecordMetadata[]): void {
    const now = this.o.nowUs();
    if (this.o.settings.acks === '0') {
      // No acknowledgement comes back: the records count as acked once the request is written, on the
      // partition the partitioner chose, offset unknown.
      for (let i = 0; i < messages.length; i++) this.o.onAcked(tags[i], messages[i].partition, -1, now);
      return;
    }
    const next = new Map<number, number>();
    for (const md of metadata) if (md.topicName === this.o.topic) next.set(md.partition, Number(md.baseOffset));
    for (let i = 0; i < messages.length; i++) {
      const p = messages[i].partition;
      const offset = next.get(p);
      if (offset === undefined) continue;
      next.set(p, offset + 1);
      this.o.onAcked(tags[i], p, offset, now);
    }
  }

  /** Sends everything buffered and waits for every send (a finishing send flushes what arrived meanwhile). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0 || (this.buffer.length > 0 && !this.failed)) {
      this.flush();
      await Promise.allSettled([...this.inFlight]);
    }
  }

  async disconnect(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.producer.disconnect();
  }
}
