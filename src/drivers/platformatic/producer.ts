// DriverProducer over @platformatic/kafka's Producer. Each send() is one produce request per leader
// (the library has no linger or batch of its own): kbench's BatchingProducer fills them.
//
// Idempotence is asked per send, not at construction: constructed idempotent, the library retries
// forever (retries = MAX_SAFE_INTEGER), and a dead broker would hang send() instead of rejecting it.
// The library numbers a partition's records from a counter it advances only when a whole send has
// been answered, so:
// - two idempotent sends in flight at once carry the same sequence numbers, and the broker takes the
//   second for a retry of the first and drops it while answering success (records silently lost):
//   this driver keeps one idempotent send in flight, whatever the caller does;
// - a send that fails after some partitions were written leaves their counters behind, so the next
//   send's batch would look like a duplicate too: after a failed idempotent send the library producer
//   is replaced (a new producer id, counters from zero), as Java's producer bumps its epoch.
import { Producer, type MessageToProduce } from '@platformatic/kafka';
import type { BaseOptions } from '@platformatic/kafka';
import type { DriverCapabilities, DriverProducer, DriverProducerOptions, ProduceRequest } from '../driver.js';
import { KafkaClientError, withTimeout } from '../errors.js';
import { ERROR_CODES } from '../../errors.js';
import { ACKS, checkSend } from './options.js';
import { translateError } from './error-translation.js';

type Metadata = { topics: Map<string, { partitionsCount: number } | undefined> };

export class PlatformaticProducer implements DriverProducer {
  private lib: Producer | null = null;
  private readonly counts = new Map<string, number>();
  private refresh: NodeJS.Timeout | null = null;
  /** The idempotent sends, one after another. */
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly base: BaseOptions,
    private readonly o: DriverProducerOptions,
    private readonly caps: DriverCapabilities,
    private readonly connectTimeoutMs: number,
  ) {}

  private make(): Producer {
    const lib = new Producer({ ...this.base, idempotent: false, maxInflights: this.o.idempotent ? 1 : this.o.maxInFlight, metadataMaxAge: this.o.metadataMaxAgeMs });
    lib.on('client:metadata', (md: Metadata) => {
      for (const [topic, t] of md.topics) if (t) this.counts.set(topic, Math.max(this.counts.get(topic) ?? 0, t.partitionsCount));
    });
    lib.on('error', () => undefined); // failures reach the caller through send(); an emitted one must not crash the process
    return lib;
  }

  private async fresh(): Promise<Producer> {
    if (this.lib) return this.lib;
    const lib = this.make();
    this.lib = lib;
    if (this.o.idempotent) {
      try {
        await lib.initIdempotentProducer({});
      } catch (e) {
        this.lib = null;
        await lib.close().catch(() => undefined);
        throw translateError(e, 'starting the idempotent producer');
      }
    }
    return lib;
  }

  async connect(topic: string): Promise<void> {
    const connecting = (async () => {
      const lib = await this.fresh();
      try {
        await lib.metadata({ topics: [topic] });
      } catch (e) {
        throw translateError(e, `metadata of ${topic}`);
      }
    })();
    await withTimeout(connecting, this.connectTimeoutMs, `cannot reach Kafka for topic ${topic} within ${this.connectTimeoutMs / 1000} s`, ERROR_CODES.unreachable);
    // Kafka's clients learn a partition increase when their metadata is refreshed (metadata.max.age.ms),
    // whether or not they send meanwhile.
    this.refresh ??= setInterval(() => {
      this.lib?.metadata({ topics: [...this.counts.keys()], forceUpdate: true }).catch(() => undefined);
    }, Math.max(100, this.o.metadataMaxAgeMs)).unref();
  }

  partitionCount(topic: string): number {
    return this.counts.get(topic) ?? 0;
  }

  send(req: ProduceRequest): Promise<Float64Array> {
    if (!this.o.idempotent) return this.sendNow(req);
    const next = this.chain.then(() => this.sendNow(req));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async sendNow(req: ProduceRequest): Promise<Float64Array> {
    checkSend(this.o.idempotent, req.acks, req.compression, this.caps);
    if (this.closed) throw new KafkaClientError({ message: 'the producer is closed', kind: 'other', retriable: false });
    const lib = await this.fresh();
    const known = this.counts.get(req.topic) ?? 0;
    // The library takes a partition modulo its partition count: a partition beyond what it knows
    // would be written elsewhere, so it is refused instead (kbench's partitioner uses partitionCount()).
    let highest = -1;
    for (const r of req.records) if (r.partition > highest) highest = r.partition;
    if (highest >= known) {
      throw new KafkaClientError({ message: `partition ${highest} of ${req.topic} is beyond the ${known} partitions this producer knows of`, type: 'UNKNOWN_TOPIC_OR_PARTITION', kind: 'protocol', retriable: true });
    }
    const messages: MessageToProduce[] = req.records.map((r) => ({
      topic: req.topic,
      partition: r.partition,
      key: r.key ?? undefined,
      value: r.value,
      headers: r.headers ? new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), v])) as unknown as Map<Buffer, Buffer> : undefined,
    }));
    let result;
    try {
      result = await lib.send({ messages, acks: ACKS[req.acks], compression: req.compression, idempotent: this.o.idempotent, autocreateTopics: false });
    } catch (e) {
      if (this.o.idempotent) await this.replace(lib);
      throw translateError(e, `producing to ${req.topic}`);
    }
    const offsets = new Float64Array(req.records.length);
    if (req.acks === '0') return offsets.fill(-1);
    const base = new Map<number, number>();
    for (const o of result.offsets ?? []) if (o.topic === req.topic) base.set(o.partition, Number(o.offset));
    const placed = new Map<number, number>();
    for (let i = 0; i < req.records.length; i++) {
      const p = req.records[i].partition;
      const b = base.get(p);
      if (b === undefined) {
        throw new KafkaClientError({ message: `the broker's answer for ${req.topic} has no offset for partition ${p}`, kind: 'other', retriable: false });
      }
      const k = placed.get(p) ?? 0;
      placed.set(p, k + 1);
      offsets[i] = b + k;
    }
    return offsets;
  }

  private async replace(lib: Producer): Promise<void> {
    if (this.lib === lib) this.lib = null;
    await lib.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.refresh) clearInterval(this.refresh);
    this.refresh = null;
    await this.chain;
    const lib = this.lib;
    this.lib = null;
    await lib?.close().catch(() => undefined);
  }
}
