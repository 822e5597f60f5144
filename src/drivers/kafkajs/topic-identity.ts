// A topic's identity: Kafka's topic ID, the UUID the controller gives a topic when it is created. A
// topic deleted and re-created under the same name (by anyone, with any tool) gets a new one, so the
// ID, not the name, is what tells "the topic kbench created" from "a topic that has its name now".
//
// Why raw bytes: kafkajs 2.2.4 speaks Metadata only up to v6 and CreateTopics only up to v3, and
// neither carries topic IDs (Metadata responses carry them from v10, KIP-516). So kbench sends one
// Metadata request of v10–v12 itself (v12 is what Kafka 4.x clients send) and decodes the reply
// itself, following Kafka's MetadataRequest.json / MetadataResponse.json. It goes through the
// connection kafkajs opens for the same client (same brokers, TLS, SASL), so security needs no
// second implementation. Metadata is "flexible" from v9: the request header is v2 (kafkajs writes
// v1; the header's empty tagged-fields byte is therefore the first byte of the body written here)
// and the response header is v1 (kafkajs reads the correlation id; its tagged fields are the first
// thing the decoder here skips). Strings and arrays are compact (unsigned varint length + 1, 0 for
// null), UUIDs are 16 raw bytes, and every struct ends with its own tagged fields.
import type { Kafka } from 'kafkajs';
import { kafkajsModule } from './fast-path/modules.js';

export const METADATA_API_KEY = 3;
/** The first Metadata version whose response carries TopicId, and the one kbench prefers. */
export const FIRST_VERSION_WITH_TOPIC_ID = 10;
export const PREFERRED_VERSION = 12;

const ZERO_UUID = Buffer.alloc(16);

/** Kafka's text form of a UUID (org.apache.kafka.common.Uuid#toString: URL-safe base64 without
 * padding), the form kafka-topics --describe prints as TopicId. */
export const uuidText = (bytes: Buffer): string => bytes.toString('base64url');

// ---- encoding ----

class Writer {
  private readonly parts: Buffer[] = [];
  int8(v: number) { this.parts.push(Buffer.from([v & 0xff])); return this; }
  bool(v: boolean) { return this.int8(v ? 1 : 0); }
  uvarint(v: number) {
    const bytes: number[] = [];
    while (v >= 0x80) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    this.parts.push(Buffer.from(bytes));
    return this;
  }
  raw(b: Buffer) { this.parts.push(b); return this; }
  compactString(s: string) {
    const b = Buffer.from(s, 'utf8');
    return this.uvarint(b.length + 1).raw(b);
  }
  /** An empty tagged-fields section. */
  noTags() { return this.uvarint(0); }
  bytes() { return Buffer.concat(this.parts); }
}

/** The bytes kafkajs sends after its v1 request header for a Metadata request of `version`
 * (10–12) asking for `topics` by name: the v2 header's tagged fields, then the body. */
export function encodeMetadataRequest(topics: readonly string[], version: number): Buffer {
  if (version < FIRST_VERSION_WITH_TOPIC_ID || version > PREFERRED_VERSION) throw new RangeError(`Metadata v${version} is not one kbench encodes`);
  const w = new Writer().noTags(); // request header v2: its tagged fields
  w.uvarint(topics.length + 1); // Topics: compact array (never null here: null asks for all topics)
  for (const name of topics) w.raw(ZERO_UUID).compactString(name).noTags(); // TopicId (by name: zero), Name
  w.bool(false); // AllowAutoTopicCreation: asking about a topic must never create it
  if (version === 10) w.bool(false); // IncludeClusterAuthorizedOperations (v8–v10)
  w.bool(false); // IncludeTopicAuthorizedOperations
  return w.noTags().bytes();
}

// ---- decoding ----

export class MetadataDecodeError extends Error {
  override readonly name = 'MetadataDecodeError';
}

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  private need(n: number) {
    if (this.at + n > this.buf.length) throw new MetadataDecodeError(`Metadata response ends early (byte ${this.at} of ${this.buf.length}, ${n} more needed)`);
  }
  int8() { this.need(1); return this.buf.readInt8(this.at++); }
  int16() { this.need(2); const v = this.buf.readInt16BE(this.at); this.at += 2; return v; }
  int32() { this.need(4); const v = this.buf.readInt32BE(this.at); this.at += 4; return v; }
  uvarint() {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      this.need(1);
      const b = this.buf[this.at++];
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
    }
    throw new MetadataDecodeError('Metadata response has a varint longer than 5 bytes');
  }
  raw(n: number) { this.need(n); const b = this.buf.subarray(this.at, this.at + n); this.at += n; return b; }
  compactNullableString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.raw(n - 1).toString('utf8');
  }
  compactArray<T>(item: (r: Reader) => T): T[] {
    const n = this.uvarint();
    const out: T[] = [];
    for (let i = 0; i < n - 1; i++) out.push(item(this));
    return out;
  }
  /** Skips a tagged-fields section: a count, then (tag, size, bytes) for each. */
  skipTags() {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.raw(this.uvarint());
    }
  }
  get remaining() { return this.buf.length - this.at; }
}

export interface TopicIdentity {
  name: string | null;
  errorCode: number;
  /** Kafka's text form; null when the broker sent the zero UUID (no such topic). */
  topicId: string | null;
}

/** The topics of a Metadata v10–v12 response, from the bytes after its correlation id (the response
 * header's tagged fields first). Brokers, partitions and the rest are read past, not kept. */
export function decodeMetadataResponse(payload: Buffer, version: number): TopicIdentity[] {
  const r = new Reader(payload);
  r.skipTags(); // response header v1: its tagged fields
  r.int32(); // ThrottleTimeMs
  r.compactArray((b) => { b.int32(); b.compactNullableString(); b.int32(); b.compactNullableString(); b.skipTags(); }); // Brokers: NodeId Host Port Rack
  r.compactNullableString(); // ClusterId
  r.int32(); // ControllerId
  const topics = r.compactArray((t): TopicIdentity => {
    const errorCode = t.int16();
    const name = t.compactNullableString();
    const id = t.raw(16);
    t.int8(); // IsInternal
    t.compactArray((p) => {
      p.int16(); p.int32(); p.int32(); p.int32(); // ErrorCode PartitionIndex LeaderId LeaderEpoch
      for (let i = 0; i < 3; i++) p.compactArray((n) => n.int32()); // ReplicaNodes IsrNodes OfflineReplicas
      p.skipTags();
    });
    t.int32(); // TopicAuthorizedOperations
    t.skipTags();
    return { name, errorCode, topicId: id.equals(ZERO_UUID) ? null : uuidText(Buffer.from(id)) };
  });
  if (version === 10) r.int32(); // ClusterAuthorizedOperations (v8–v10)
  r.skipTags();
  if (r.remaining !== 0) throw new MetadataDecodeError(`Metadata v${version} response has ${r.remaining} bytes after its end`);
  return topics;
}

// ---- asking the broker ----

/** What the broker says about topic IDs: each asked topic's ID (null: no such topic), or why it
 * cannot say. */
export type TopicIds = { supported: true; ids: Map<string, string | null> } | { supported: false; why: string };

/** The Metadata version to use against a broker supporting up to `maxVersion`; null when it carries
 * no topic IDs. */
export function metadataVersionFor(maxVersion: number | undefined): number | null {
  if (maxVersion === undefined || maxVersion < FIRST_VERSION_WITH_TOPIC_ID) return null;
  return Math.min(maxVersion, PREFERRED_VERSION);
}

// The few kafkajs 2.2.4 internals used, typed here: the cluster factory the Kafka object keeps under
// a private symbol, a cluster's seed broker (connected by cluster.connect(), with the ApiVersions
// it negotiated) and the broker's connection pool, which frames, sends and correlates a request.
interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  encode(): Promise<unknown>;
}
interface KafkajsResponse<T> { decode(payload: Buffer): Promise<T>; parse(data: T): Promise<T> }
interface KafkajsBroker {
  versions: Record<number, { minVersion: number; maxVersion: number }> | null;
  connectionPool: { send<T>(p: { request: KafkajsRequest; response: KafkajsResponse<T> }): Promise<T> };
}
interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  brokerPool: { seedBroker?: KafkajsBroker };
}
type ClusterFactory = (o: { allowAutoTopicCreation: boolean }) => KafkajsCluster;

const Encoder = kafkajsModule<new () => { writeBuffer(b: Buffer): unknown }>('src/protocol/encoder');
const { createErrorFromCode } = kafkajsModule<{ createErrorFromCode(code: number): Error }>('src/protocol/error');
const UNKNOWN_TOPIC_OR_PARTITION = 3;

function clusterFactory(kafka: Kafka): ClusterFactory {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const factory = symbol && (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof factory !== 'function') throw new Error('this kafkajs keeps no cluster factory kbench can use (kbench is built for kafkajs 2.2.4)');
  return factory as ClusterFactory;
}

/** The current topic ID of each of `topics`, asked of the cluster's seed broker with Metadata v10+.
 * Errors other than "no such topic" are thrown as kafkajs's own errors (so they are retried and
 * described as any other broker error). `highestVersion` caps the version as if the broker
 * supported no more (tests: each version, and a broker without topic IDs). */
export async function fetchTopicIds(kafka: Kafka, topics: readonly string[], o: { highestVersion?: number } = {}): Promise<TopicIds> {
  const cluster = clusterFactory(kafka)({ allowAutoTopicCreation: false });
  await cluster.connect();
  try {
    const broker = cluster.brokerPool.seedBroker;
    if (!broker) throw new Error('kafkajs connected without a seed broker');
    const offered = broker.versions?.[METADATA_API_KEY];
    const range = offered && o.highestVersion !== undefined ? { ...offered, maxVersion: Math.min(offered.maxVersion, o.highestVersion) } : offered;
    const version = metadataVersionFor(range?.maxVersion);
    if (version === null) {
      return { supported: false, why: `the broker does not support Metadata v${FIRST_VERSION_WITH_TOPIC_ID}+, which carries topic IDs (it supports ${range ? `v${range.minVersion}–v${range.maxVersion}` : 'no Metadata version'})` };
    }
    const body = encodeMetadataRequest(topics, version);
    const answer = await broker.connectionPool.send<TopicIdentity[]>({
      request: { apiKey: METADATA_API_KEY, apiVersion: version, apiName: 'Metadata', encode: async () => new Encoder().writeBuffer(body) },
      response: { decode: async (payload) => decodeMetadataResponse(payload, version), parse: async (d) => d },
    });
    const ids = new Map<string, string | null>();
    for (const t of answer) {
      if (t.name === null || !topics.includes(t.name)) continue;
      if (t.errorCode === UNKNOWN_TOPIC_OR_PARTITION) ids.set(t.name, null);
      else if (t.errorCode !== 0) throw createErrorFromCode(t.errorCode);
      else ids.set(t.name, t.topicId);
    }
    for (const name of topics) if (!ids.has(name)) ids.set(name, null);
    return { supported: true, ids };
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
}
