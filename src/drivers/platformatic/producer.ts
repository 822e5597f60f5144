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
// Without idempotence, the library's retry resends a whole request, partitions already written too,
// so retries are made here, of what the broker refused only (as Java retries only failed batches).
// Produce is capped at v9 (wire.ts: the library misreads v10+ answers to NOT_LEADER_OR_FOLLOWER).
import { Producer, type MessageToProduce } from '@platformatic/kafka';
import type { BaseOptions } from '@platformatic/kafka';
import type { DriverCapabilities, DriverProducer, DriverProducerOptions, ProduceRequest } from '../driver.js';
import { isRetriable, KafkaClientError, retrying, withTimeout } from '../errors.js';
import { ERROR_CODES } from '../../errors.js';
import { ACKS, checkSend, RETRY_DELAY_MS } from './options.js';
import { responseOf, translateError } from './error-translation.js';
import { capVersions, closer } from './wire.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Metadata = { topics: Map<string, { partitionsCount: number } | undefined> };

/** The library writes null as empty (length 0): refused rather than written as something else. */
const nullRecord = (what: 'key' | 'value') => new KafkaClientError({
  message: `@platformatic/kafka cannot write a null ${what} (it would write an empty one); use --driver kafkajs for null keys and tombstones`,
  kind: 'other', retriable: false,
});

export class PlatformaticProducer implements DriverProducer {
  private lib: Producer | null = null;
  private readonly closers = new WeakMap<Producer, () => Promise<void>>();
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
    // Without idempotence the library must not retry a produce: it resends every partition of the
    // request, the ones already written too (duplicates); sendNow() resends only what was refused.
    const retrying = this.o.idempotent ? {} : { retries: 0, repeatOnStaleMetadata: false };
    const lib = new Producer({ ...this.base, ...retrying, idempotent: false, maxInflights: this.o.idempotent ? 1 : this.o.maxInFlight, metadataMaxAge: this.o.metadataMaxAgeMs });
    lib.on('client:metadata', (md: Metadata) => {
      for (const [topic, t] of md.topics) if (t) this.counts.set(topic, Math.max(this.counts.get(topic) ?? 0, t.partitionsCount));
    });
    capVersions(lib);
    lib.on('error', () => undefined); // failures reach the caller through send(); an emitted one must not crash the process
    this.closers.set(lib, closer(lib));
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
        await this.closers.get(lib)!().catch(() => undefined);
        throw translateError(e, 'starting the idempotent producer');
      }
    }
    return lib;
  }

  async connect(topic: string): Promise<void> {
    const connecting = (async () => {
      const lib = await this.fresh();
      await retrying(async () => {
        try {
          await lib.metadata({ topics: [topic] });
        } catch (e) {
          throw translateError(e, `metadata of ${topic}`);
        }
      }, Date.now() + this.connectTimeoutMs);
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
    const offsets = new Float64Array(req.records.length).fill(-1);
    let pending = req.records.map((_, i) => i);
    const deadline = Date.now() + (Number(this.base.retries) || 0) * RETRY_DELAY_MS;
    for (;;) {
      // One library send per leader: it fails a multi-leader send as a whole and drops what the other
      // leaders answered, so neither the offsets written nor (idempotent) its sequence counters could be told.
      let groups: number[][];
      try {
        groups = await this.byLeader(lib, req, pending);
      } catch (e) {
        const err = translateError(e, `metadata of ${req.topic}`);
        if (!isRetriable(err) || Date.now() + RETRY_DELAY_MS > deadline) throw err;
        await sleep(RETRY_DELAY_MS);
        continue;
      }
      const answers = await Promise.allSettled(groups.map((g) => this.sendGroup(lib, req, g, offsets)));
      const failed = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected');
      if (!failed) return offsets;
      const err = translateError(failed.reason, `producing to ${req.topic}`);
      if (this.o.idempotent) {
        // The library's own retries (safe: the broker drops a resent batch it already has) are spent;
        // its counters now lag for any partition written, so the next batch would be dropped as a duplicate.
        await this.replace(lib);
        throw err;
      }
      // Only what no partition's leader took is sent again: the library would resend the whole request.
      pending = pending.filter((i) => offsets[i] < 0);
      if (!isRetriable(err) || Date.now() + RETRY_DELAY_MS > deadline) throw err;
      lib.clearMetadata();
      await sleep(RETRY_DELAY_MS);
    }
  }

  private async byLeader(lib: Producer, req: ProduceRequest, indices: number[]): Promise<number[][]> {
    const md = await lib.metadata({ topics: [req.topic] });
    const partitions = md.topics.get(req.topic)?.partitions ?? [];
    const groups = new Map<number, number[]>();
    for (const i of indices) {
      const leader = partitions[req.records[i].partition]?.leader ?? -1;
      const g = groups.get(leader) ?? [];
      g.push(i);
      groups.set(leader, g);
    }
    return [...groups.values()];
  }

  /** Sends records `indices` of `req` (one leader's) and writes the offsets of those written into
   * `offsets`: of all on success, of the partitions the broker took when it refused others. */
  private async sendGroup(lib: Producer, req: ProduceRequest, indices: number[], offsets: Float64Array): Promise<void> {
    const messages: MessageToProduce[] = indices.map((i) => {
      const r = req.records[i];
      if (r.key === null || r.value === null) throw nullRecord(r.key === null ? 'key' : 'value');
      return {
        topic: req.topic,
        partition: r.partition,
        key: r.key,
        value: r.value,
        headers: r.headers ? new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), v])) as unknown as Map<Buffer, Buffer> : undefined,
      };
    });
    const place = (bases: Map<number, number>) => {
      const placed = new Map<number, number>();
      for (const i of indices) {
        const p = req.records[i].partition;
        const b = bases.get(p);
        if (b === undefined) continue;
        const k = placed.get(p) ?? 0;
        placed.set(p, k + 1);
        offsets[i] = req.acks === '0' ? -1 : b + k;
      }
    };
    try {
      const result = await lib.send({ messages, acks: ACKS[req.acks], compression: req.compression, idempotent: this.o.idempotent, autocreateTopics: false });
      if (req.acks === '0') return;
      const bases = new Map<number, number>();
      for (const o of result.offsets ?? []) if (o.topic === req.topic) bases.set(o.partition, Number(o.offset));
      const missing = indices.find((i) => !bases.has(req.records[i].partition));
      if (missing !== undefined) {
        throw new KafkaClientError({ message: `the broker's answer for ${req.topic} has no offset for partition ${req.records[missing].partition}`, kind: 'other', retriable: false });
      }
      place(bases);
    } catch (e) {
      const response = responseOf(e) as { responses: { name: string; partitionResponses: { index: number; errorCode: number; baseOffset: bigint }[] }[] } | undefined;
      const bases = new Map<number, number>();
      for (const t of response?.responses ?? []) {
        if (t.name !== req.topic) continue;
        for (const p of t.partitionResponses) if (p.errorCode === 0) bases.set(p.index, Number(p.baseOffset));
      }
      place(bases);
      throw e;
    }
  }

  private async replace(lib: Producer): Promise<void> {
    if (this.lib === lib) this.lib = null;
    await this.closers.get(lib)!().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.refresh) clearInterval(this.refresh);
    this.refresh = null;
    await this.chain;
    const lib = this.lib;
    this.lib = null;
    if (lib) await this.closers.get(lib)!().catch(() => undefined);
  }
}
