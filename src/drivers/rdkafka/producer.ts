// The rdkafka driver's producer: kbench's records to librdkafka in one native call per send(), their
// acknowledgements back in one callback per send() (see native/kbench_rdkafka.c for why that is the
// whole point). librdkafka lingers and batches per partition itself (linger.ms, batch.size).
import type { Acks, Compression } from '../../config/producer-settings.js';
import { ERROR_CODES, runError } from '../../errors.js';
import type { ConnectOptions, DriverProducer, DriverProducerOptions, ProduceRequest, WireRecord } from '../driver.js';
import { KafkaClientError } from '../errors.js';
import { EV_BATCH, EV_CLOSED, EV_METADATA, type NativeHandle, type RdkafkaBinding } from './binding.js';
import { deliveryTimeoutMs, producerConfig, topicConfig } from './config.js';
import { fromThrown, rdkafkaError } from './errors.js';

const QUEUE_FULL = -184;
/** How long close() lets librdkafka deliver what is still queued before it purges it. */
const CLOSE_TIMEOUT_MS = 10_000;

interface Pending {
  resolve(offsets: Float64Array): void;
  reject(e: unknown): void;
  topic: string;
  /** performance.now() when sent: the watchdog's clock. */
  at: number;
}

interface Described {
  resolve(partitions: number): void;
  reject(e: unknown): void;
}

interface TopicState {
  rkt: NativeHandle;
  acks: Acks;
  compression: Compression;
}

export class RdkafkaProducer implements DriverProducer {
  private handle: NativeHandle | null = null;
  private readonly pending = new Map<number, Pending>();
  private readonly described = new Map<number, Described>();
  private readonly partitions = new Map<string, number>();
  private readonly topics = new Map<string, TopicState>();
  private nextBatch = 1;
  private nextRequest = 1;
  private refresh: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  private onClosed: (() => void) | null = null;
  private idle: (() => void)[] = [];
  /** Rejects sends older than the delivery timeout: librdkafka does not time out records whose
   * partition leader is down (they wait in that broker's queue until it is back), Java's producer does. */
  private watchdog: NodeJS.Timeout | null = null;
  private readonly deliveryMs: number;
  /** Reused for every send: the records' bytes, and 4 numbers per record (see produce() in the C). */
  private blob = Buffer.allocUnsafe(1 << 20);
  private meta = new Int32Array(4 * 4096);

  constructor(private readonly binding: RdkafkaBinding, private readonly c: ConnectOptions, private readonly o: DriverProducerOptions) {
    this.deliveryMs = deliveryTimeoutMs(c, o);
  }

  async connect(topic: string): Promise<void> {
    if (this.closing) throw runError('the rdkafka producer is closed');
    if (!this.handle) {
      const { pairs, pkcs12 } = producerConfig(this.c, this.o);
      try {
        this.handle = this.binding.createProducer(pairs, pkcs12, (kind, ...args) => this.onEvent(kind, args));
      } catch (e) {
        throw fromThrown(e, 'cannot create the librdkafka producer');
      }
      // kbench's partitioner reads partitionCount(); it learns of growth as often as Kafka's clients do.
      this.refresh = setInterval(() => this.refreshMetadata(), Math.max(1000, this.o.metadataMaxAgeMs));
      this.refresh.unref();
    }
    const partitions = await this.describe(topic, this.c.connectTimeoutMs);
    this.partitions.set(topic, partitions);
  }

  partitionCount(topic: string): number {
    const n = this.partitions.get(topic);
    if (n === undefined) throw runError(`the rdkafka producer has not connected to topic ${topic}`);
    return n;
  }

  send(request: ProduceRequest): Promise<Float64Array> {
    const handle = this.handle;
    if (!handle || this.closing) return Promise.reject(runError('the rdkafka producer is not connected (or is closed)'));
    const records = request.records;
    const n = records.length;
    if (n === 0) return Promise.resolve(new Float64Array(0));
    let rkt: NativeHandle;
    try {
      rkt = this.topicFor(handle, request);
    } catch (e) {
      return Promise.reject(e);
    }
    const used = this.encode(records);
    const offsets = new Float64Array(n);
    const id = this.nextBatch++;
    const batch = this.binding.batch(handle, id, offsets);
    const promise = new Promise<Float64Array>((resolve, reject) => this.pending.set(id, { resolve, reject, topic: request.topic, at: performance.now() }));
    if (this.pending.size === 1) {
      this.binding.ref(handle, true);
      this.watchdog ??= setInterval(() => this.expire(), 500);
    }
    const refused = this.binding.produce(handle, rkt, batch, this.blob, this.meta, n);
    if (refused) {
      if (refused.code === QUEUE_FULL) {
        // librdkafka's queue is full (it holds 2 million records): the rest waits for room, from copies,
        // since the shared blob is the next send's.
        void this.produceLater(handle, rkt, batch, Buffer.from(this.blob.subarray(0, used)), this.meta.slice(0, 4 * n), n, refused.failed);
      } else {
        this.binding.abandon(batch, refused.failed.length, refused.code);
      }
    }
    return promise;
  }

  private async produceLater(handle: NativeHandle, rkt: NativeHandle, batch: NativeHandle, blob: Buffer, meta: Int32Array, n: number, left: Int32Array) {
    for (;;) {
      await new Promise((r) => setTimeout(r, 2));
      if (this.closing) {
        this.binding.abandon(batch, left.length, -152 /* _PURGE_QUEUE */);
        return;
      }
      const refused = this.binding.produce(handle, rkt, batch, blob, meta, n, left);
      if (!refused) return;
      left = refused.failed;
      if (refused.code !== QUEUE_FULL) {
        this.binding.abandon(batch, left.length, refused.code);
        return;
      }
    }
  }

  /** The records into this.blob and this.meta; returns the blob's bytes used. */
  private encode(records: WireRecord[]): number {
    const n = records.length;
    if (this.meta.length < 4 * n) this.meta = new Int32Array(4 * Math.max(n, this.meta.length / 2));
    const meta = this.meta;
    let size = 0;
    for (let i = 0; i < n; i++) {
      const r = records[i];
      size += (r.key ? r.key.length : 0) + (r.value ? r.value.length : 0);
      if (r.headers) size += headersSize(r.headers);
    }
    if (this.blob.length < size) this.blob = Buffer.allocUnsafe(Math.max(size, this.blob.length * 2));
    const blob = this.blob;
    let at = 0;
    for (let i = 0, m = 0; i < n; i++, m += 4) {
      const r = records[i];
      meta[m] = r.partition;
      if (r.key) {
        meta[m + 1] = r.key.length;
        at += r.key.copy(blob, at);
      } else {
        meta[m + 1] = -1;
      }
      if (r.value) {
        meta[m + 2] = r.value.length;
        at += r.value.copy(blob, at);
      } else {
        meta[m + 2] = -1; // a tombstone
      }
      meta[m + 3] = r.headers ? writeHeaders(r.headers, blob, at) : 0;
      at += meta[m + 3];
    }
    return at;
  }

  private topicFor(handle: NativeHandle, request: ProduceRequest): NativeHandle {
    const known = this.topics.get(request.topic);
    if (known) {
      if (known.acks !== request.acks || known.compression !== request.compression) {
        throw runError(`the rdkafka driver sets acks and compression per topic, once: topic ${request.topic} was first produced with acks=${known.acks} compression=${known.compression}, now acks=${request.acks} compression=${request.compression}`, undefined, ERROR_CODES.badOption);
      }
      return known.rkt;
    }
    let rkt: NativeHandle;
    try {
      rkt = this.binding.topic(handle, request.topic, topicConfig(request.acks, request.compression));
    } catch (e) {
      throw fromThrown(e, `cannot produce to topic ${request.topic}`);
    }
    this.topics.set(request.topic, { rkt, acks: request.acks, compression: request.compression });
    return rkt;
  }

  private describe(topic: string, timeoutMs: number): Promise<number> {
    const id = this.nextRequest++;
    return new Promise<number>((resolve, reject) => {
      this.described.set(id, { resolve, reject });
      if (this.described.size === 1 && this.pending.size === 0) this.binding.ref(this.handle!, true);
      this.binding.describe(this.handle!, id, topic, Math.max(1, Math.round(timeoutMs)));
    });
  }

  private refreshMetadata(): void {
    if (!this.handle || this.closing) return;
    // Request 0: nobody waits; the answer only updates the partition count.
    for (const topic of this.partitions.keys()) this.binding.describe(this.handle, 0, topic, Math.max(1000, this.c.connectTimeoutMs));
  }

  private onEvent(kind: number, args: unknown[]): void {
    if (kind === EV_BATCH) {
      const [id, offsets, code, name, partition] = args as [number, Float64Array, number, string | undefined, number];
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (code === 0) p.resolve(offsets);
      else p.reject(rdkafkaError(code, name!, `producing to ${p.topic}${partition >= 0 ? ` partition ${partition}` : ''} failed`, this.detail()));
      this.settled();
    } else if (kind === EV_METADATA) {
      const [id, topic, partitions, code, message] = args as [number, string, number, number, string | undefined];
      const d = this.described.get(id);
      if (code === 0 && partitions > 0) {
        const before = this.partitions.get(topic);
        if (before === undefined || partitions > before || id !== 0) this.partitions.set(topic, partitions);
      }
      if (!d) return;
      this.described.delete(id);
      if (code === 0) d.resolve(partitions);
      else {
        const name = this.binding.errName(code);
        const detail = this.detail();
        d.reject(rdkafkaError(code, name, `cannot read the metadata of topic ${topic} from ${this.c.brokers.join(',')}${message ? ` (${message})` : ''}`, detail));
      }
      this.settled();
    } else if (kind === EV_CLOSED) {
      this.onClosed?.();
    }
  }

  /** Rejects the sends not acknowledged within the delivery timeout (plus a second: librdkafka's own
   * timeout, when it applies, comes first and says more). Their records stay with librdkafka. */
  private expire(): void {
    const limit = performance.now() - this.deliveryMs - 1000;
    for (const [id, p] of this.pending) {
      if (p.at > limit) break; // in the order sent
      this.pending.delete(id);
      p.reject(rdkafkaError(-192, '_MSG_TIMED_OUT', `producing to ${p.topic} failed after ${this.deliveryMs} ms`, this.detail()));
    }
    this.settled();
  }

  private detail(): string {
    return this.handle ? this.binding.lastError(this.handle) : '';
  }

  private settled(): void {
    if (this.pending.size === 0 && this.watchdog) {
      clearInterval(this.watchdog);
      this.watchdog = null;
    }
    if (this.pending.size === 0 && this.described.size === 0) {
      if (this.handle && !this.closing) this.binding.ref(this.handle, false);
      const idle = this.idle;
      this.idle = [];
      for (const f of idle) f();
    }
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.refresh) clearInterval(this.refresh);
    const handle = this.handle;
    if (!handle) return (this.closing = Promise.resolve());
    this.closing = (async () => {
      // What was sent is delivered first (each send() settles), within the close timeout.
      if (this.pending.size > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
          this.idle.push(() => { clearTimeout(timer); resolve(); });
        });
      }
      await new Promise<void>((resolve) => {
        this.onClosed = resolve;
        this.binding.close(handle, 1000);
      });
      this.handle = null;
      // Anything still open was purged by librdkafka and so already rejected; belt and braces:
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(new KafkaClientError({ message: `producing to ${p.topic} failed: the producer was closed first`, kind: 'other', retriable: false }));
      }
      for (const [id, d] of this.described) {
        this.described.delete(id);
        d.reject(runError('the rdkafka producer was closed'));
      }
    })();
    return this.closing;
  }
}

function headersSize(h: Record<string, Buffer>): number {
  let size = 0;
  for (const name in h) {
    const v = h[name];
    size += 6 + Buffer.byteLength(name) + (v ? v.length : 0);
  }
  return size;
}

/** Headers as (u16 name length, name, i32 value length or -1, value)…; returns the bytes written. */
function writeHeaders(h: Record<string, Buffer>, blob: Buffer, at: number): number {
  const start = at;
  for (const name in h) {
    const v = h[name];
    const nameLen = blob.write(name, at + 2, 'utf8');
    blob.writeUInt16LE(nameLen, at);
    at += 2 + nameLen;
    blob.writeInt32LE(v ? v.length : -1, at);
    at += 4;
    if (v) at += v.copy(blob, at);
  }
  return at - start;
}
