// One producer that batches the way Kafka's Java producer does, over any driver: each record's
// partition is chosen by the client profile's partitioner (with the partition count the driver's
// metadata knows), records wait in a batch per partition until it holds --batch-size bytes
// (batch.size, per partition as in Java) or has waited --linger (linger.ms, from the batch's first
// record), and a request takes every ready batch and, as Java's sender drains a node, the other
// partitions' open batches too, up to max.request.size. At most --max-in-flight requests are under
// way. Every acknowledged record learns its partition and offset. Runs and `kbench produce` both
// send through it.
//
// A driver whose library batches per partition itself (librdkafka: linger.ms and batch.size are its
// own) gets the records as they come instead, in chunks, and its own batching applies.
import type { ProducerSettings } from '../../config/producer-settings.js';
import type { DriverProducer, WireRecord } from '../../drivers/driver.js';
import type { ProducerPartitioner } from '../../partitioners/producer-partitioner.js';

/** Java's max.request.size: the most one produce request carries. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** Bytes a producer may hold before its caller has to wait: a batch per partition for every request
 * slot (--max-in-flight), at least 64 KiB and at most Java's buffer.memory (32 MiB); the coordinator
 * lets each slice have twice that outstanding. More only adds queueing to the produce latency of a
 * --rate max run, not throughput. */
export const bufferLimit = (s: Pick<ProducerSettings, 'batchBytes' | 'maxInFlight'>, partitions: number) =>
  Math.min(32 * 1024 * 1024, Math.max(s.batchBytes * Math.max(1, partitions) * s.maxInFlight, 64 * 1024));

export interface OutgoingRecord<T> {
  key: Buffer | null;
  value: Buffer;
  headers?: Record<string, Buffer>;
  /** The caller's handle on the record, given back with its ack. */
  tag: T;
}

/** Records on their way: one partition's batch, or (library batching) a chunk of any partitions. */
interface Batch<T> {
  records: WireRecord[];
  tags: T[];
  bytes: number;
  /** When its first record came, ms (performance.now()). */
  openedAt: number;
}

export interface BatchingProducerOptions<T> {
  producer: DriverProducer;
  /** Who batches: kbench (one send() is one request) or the driver's library. */
  batching: 'kbench' | 'library';
  topic: string;
  settings: ProducerSettings;
  partitioner: ProducerPartitioner;
  /** The partitions the topic has at most during the run (back-pressure's budget). */
  partitions: number;
  /** The clock the partitioner's time-based strategies and ack times use, µs. */
  nowUs(): number;
  /** Each acknowledged record: its partition and offset (-1 with acks=0, where the broker answers nothing). */
  onAcked(tag: T, partition: number, offset: number, atUs: number): void;
  /** The first send that failed for good (the driver has retried it); nothing is sent after it. */
  onFailed(error: unknown): void;
}

const newBatch = <T>(at: number): Batch<T> => ({ records: [], tags: [], bytes: 0, openedAt: at });

/** Records a library-batching driver gets per send(): enough to make a call cheap, few enough that acks come back steadily. */
const CHUNK_RECORDS = 2048;

export class BatchingProducer<T> {
  /** Each partition's open batch, oldest first (a Map keeps insertion order; a new batch goes last). */
  private readonly open = new Map<number, Batch<T>>();
  /** Closed batches (full, or lingered out) waiting for a request slot, oldest first. */
  private ready: Batch<T>[] = [];
  private bufferedBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private failed = false;

  constructor(private readonly o: BatchingProducerOptions<T>) {}

  connect(): Promise<void> {
    return this.o.producer.connect(this.o.topic);
  }

  /** Buffers a record; true when the buffer is over its limit: the caller then waits for room()
   * before adding more (back-pressure). */
  add(r: OutgoingRecord<T>): boolean {
    const { settings, partitioner, producer, topic } = this.o;
    const bytes = r.value.length + (r.key?.length ?? 0);
    const partition = partitioner.partition(r.key, producer.partitionCount(topic), bytes, this.o.nowUs());
    // Library batching: one chunk for all partitions, partitioned here, batched by the library.
    const slot = this.o.batching === 'library' ? -1 : partition;
    let batch = this.open.get(slot);
    if (!batch) {
      batch = newBatch<T>(performance.now());
      this.open.set(slot, batch);
    }
    batch.records.push({ key: r.key, value: r.value, headers: r.headers, partition });
    batch.tags.push(r.tag);
    batch.bytes += bytes;
    this.bufferedBytes += bytes;
    if (this.o.batching === 'library') {
      if (batch.records.length >= CHUNK_RECORDS) this.close(slot);
      this.timer ??= setTimeout(() => this.lingered(), 0);
    } else if (batch.bytes >= settings.batchBytes) {
      this.close(slot);
    } else {
      this.timer ??= setTimeout(() => this.lingered(), settings.lingerMs);
    }
    if (this.ready.length > 0) this.flush(false);
    return this.bufferedBytes >= bufferLimit(settings, this.o.partitions) && this.inFlight.size > 0;
  }

  /** Resolves when a send under way has finished. Only asked for when add() said the buffer is full:
   * a race over every send in flight, once per record, was quadratic with many sends in flight. */
  room(): Promise<void> {
    return this.inFlight.size > 0 ? Promise.race(this.inFlight) : Promise.resolve();
  }

  private close(slot: number): void {
    const batch = this.open.get(slot);
    if (!batch) return;
    this.open.delete(slot);
    this.ready.push(batch);
  }

  /** The linger timer: closes every batch that has waited --linger, and waits for the next one. */
  private lingered(): void {
    this.timer = null;
    const linger = this.o.batching === 'library' ? 0 : this.o.settings.lingerMs;
    const now = performance.now();
    for (const [slot, batch] of this.open) {
      if (batch.openedAt + linger > now) break; // the rest opened later
      this.close(slot);
    }
    this.flush(false);
    const next = this.open.values().next();
    if (!next.done) this.timer = setTimeout(() => this.lingered(), Math.max(0, next.value.openedAt + linger - performance.now()));
  }

  /** Sends ready batches while fewer than --max-in-flight requests are under way (each finished
   * request sends again); `everything`: open batches count as ready (drain). */
  flush(everything = true): void {
    if (everything) for (const slot of [...this.open.keys()]) this.close(slot);
    const library = this.o.batching === 'library';
    const slots = library ? Infinity : this.o.settings.maxInFlight;
    while (this.inFlight.size < slots && this.ready.length > 0 && !this.failed) {
      const parts: Batch<T>[] = [];
      let bytes = 0;
      if (library) {
        parts.push(this.ready.shift()!);
      } else {
        while (this.ready.length > 0 && (parts.length === 0 || bytes + this.ready[0].bytes <= MAX_REQUEST_BYTES)) {
          const b = this.ready.shift()!;
          bytes += b.bytes;
          parts.push(b);
        }
        // Java's sender drains every partition of a ready node: the open batches ride along.
        for (const [slot, b] of this.open) {
          if (bytes + b.bytes > MAX_REQUEST_BYTES) break;
          this.open.delete(slot);
          bytes += b.bytes;
          parts.push(b);
        }
      }
      this.send(parts);
    }
  }

  private send(parts: Batch<T>[]): void {
    const records = parts.length === 1 ? parts[0].records : parts.flatMap((b) => b.records);
    const tags = parts.length === 1 ? parts[0].tags : parts.flatMap((b) => b.tags);
    const bytes = parts.reduce((n, b) => n + b.bytes, 0);
    const { settings, topic } = this.o;
    const sending: Promise<void> = this.o.producer
      .send({ topic, acks: settings.acks, compression: settings.compression, records })
      .then((offsets) => {
        const now = this.o.nowUs();
        for (let i = 0; i < records.length; i++) {
          // acks=0: no answer, so the records count as acked once written, on the partition chosen.
          if (offsets[i] >= 0 || settings.acks === '0') this.o.onAcked(tags[i], records[i].partition, offsets[i], now);
        }
      })
      .catch((e: unknown) => {
        if (!this.failed) {
          this.failed = true;
          this.o.onFailed(e);
        }
      })
      .finally(() => {
        this.bufferedBytes -= bytes;
        this.inFlight.delete(sending);
        if (this.ready.length > 0 && !this.failed) this.flush(false);
      });
    this.inFlight.add(sending);
  }

  /** Sends everything buffered and waits for every send (a finishing send flushes what arrived meanwhile). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0 || ((this.open.size > 0 || this.ready.length > 0) && !this.failed)) {
      this.flush(true);
      await Promise.allSettled([...this.inFlight]);
    }
  }

  async disconnect(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.o.producer.close();
  }
}
