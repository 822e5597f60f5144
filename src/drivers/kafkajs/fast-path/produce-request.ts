// Replaces kafkajs's protocol/requests/produce/v3/request.js (produce v4–v7 delegate to it) with an
// encoder that sizes the whole request first and writes it into one buffer. kafkajs's own encoder
// spreads every message into a new object and builds each record, header and varint in buffers of
// its own (a fresh Encoder zero-fills 512 bytes), which made its encoding about four fifths of a
// producer thread's time here. The bytes are identical (test/kafkajs-fast-path.test.ts encodes
// random requests both ways): same defaults, same timestamp rule (one Date.now() per partition,
// sorted non-null timestamps), same ZigZag varints, same int64s through kafkajs's Long, same CRC-32C
// over the same range. Compressed batches, and any input this encoder does not size exactly (keys or
// values other than Buffer, string or null; headers other than a plain object of those; unsafe
// timestamp deltas), go to kafkajs's own encoder, which also keeps its own errors for bad input.
import { kafkajsModule, originalKafkajsModule } from './modules.js';

interface LongValue { getHighBits(): number; getLowBits(): number }
interface LongStatic { fromValue(v: unknown): LongValue; fromInt(n: number): LongValue }
type Bytes = Buffer | string | null | undefined;
interface Message { key?: Bytes; value?: Bytes; headers?: Record<string, Bytes | Bytes[]>; timestamp?: number | string | null }
interface PartitionData { partition: number; messages: Message[]; firstSequence?: number }
interface TopicData { topic: string; partitions: PartitionData[] }
interface ProduceArgs {
  acks: number; timeout: number; transactionalId?: string | null; producerId?: unknown; producerEpoch?: number; compression?: number; topicData: TopicData[];
}
interface ProduceRequest { encode(): Promise<unknown> }

const Long = kafkajsModule<LongStatic>('src/utils/long');
const Encoder = kafkajsModule<{ prototype: object }>('src/protocol/encoder');
const crc32C = kafkajsModule<(b: Buffer) => number>('src/protocol/recordBatch/crc32C');
const { Types } = kafkajsModule<{ Types: { None: number } }>('src/protocol/message/compression');
const originalRequest = originalKafkajsModule<(a: ProduceArgs) => ProduceRequest>('src/protocol/requests/produce/v3/request.js');

const MAX_LEN = 0x3fffffff; // keeps the ZigZag arithmetic exact
const TRANSACTIONAL_MASK = 16;
const MAGIC_BYTE = 2;
const BATCH_HEADER = 8 + 4 + 4 + 1 + 4; // firstOffset, length, partitionLeaderEpoch, magic, crc
const BODY_HEADER = 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4; // attributes … firstSequence, record count

const uvarSize = (u: number) => {
  let n = 1;
  while (u >= 0x80) {
    u = Math.floor(u / 128);
    n++;
  }
  return n;
};
/** Size of a Kafka "varint bytes" field, or -1 when this encoder does not take the value. */
const bytesLen = (v: unknown) => {
  if (v === null || v === undefined) return 1; // varint(-1)
  let len: number;
  if (Buffer.isBuffer(v)) len = v.length;
  else if (typeof v === 'string') len = Buffer.byteLength(v, 'utf8');
  else return -1;
  return len > MAX_LEN ? -1 : uvarSize(len * 2) + len;
};
const isHeaderValue = (v: unknown) => Buffer.isBuffer(v) || typeof v === 'string';
const headersLen = (headers: unknown) => {
  if (headers === undefined) return 1; // varint(0)
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return -1;
  let count = 0;
  let size = 0;
  for (const k of Object.keys(headers)) {
    const hv = (headers as Record<string, unknown>)[k];
    const kl = Buffer.byteLength(k, 'utf8');
    const kSize = uvarSize(kl * 2) + kl;
    for (const v of Array.isArray(hv) ? hv : [hv]) {
      if (!isHeaderValue(v)) return -1;
      size += kSize + bytesLen(v);
      count++;
    }
  }
  if (count > MAX_LEN || size > MAX_LEN) return -1;
  return uvarSize(count * 2) + size;
};
const zigzag64 = (n: number) => (n >= 0 ? n * 2 : -n * 2 - 1); // exact for |n| < 2^52
const writeUVar = (buf: Buffer, o: number, u: number) => {
  while (u >= 0x80) {
    buf[o++] = (u % 128) | 0x80;
    u = Math.floor(u / 128);
  }
  buf[o++] = u;
  return o;
};
const writeBytes = (buf: Buffer, o: number, v: Bytes) => {
  if (v === null || v === undefined) {
    buf[o++] = 1;
    return o;
  }
  if (Buffer.isBuffer(v)) {
    o = writeUVar(buf, o, v.length * 2);
    v.copy(buf, o);
    return o + v.length;
  }
  const len = Buffer.byteLength(v, 'utf8');
  o = writeUVar(buf, o, len * 2);
  return o + buf.write(v, o, len, 'utf8');
};
const writeVarString = (buf: Buffer, o: number, s: string) => {
  const len = Buffer.byteLength(s, 'utf8');
  o = writeUVar(buf, o, len * 2);
  return o + buf.write(s, o, len, 'utf8');
};
const writeInt64 = (buf: Buffer, o: number, value: unknown) => {
  const l = Long.fromValue(value);
  buf.writeInt32BE(l.getHighBits(), o);
  buf.writeInt32BE(l.getLowBits(), o + 4);
  return o + 8;
};
const writeString16 = (buf: Buffer, o: number, s: string | null | undefined) => {
  if (s === null || s === undefined) return buf.writeInt16BE(-1, o);
  const len = Buffer.byteLength(s, 'utf8');
  o = buf.writeInt16BE(len, o);
  return o + buf.write(s, o, len, 'utf8');
};

interface Plan { firstTimestamp: number | string; maxTimestamp: number | string; timestampDeltas: number[] | null; bodyLength: number; recordSizes: number[] }

/** The encoded request as kafkajs's request framing expects it (an Encoder), or undefined when this
 * encoder does not take the input. */
export function encodeProduceRequest({ acks, timeout, transactionalId, producerId, producerEpoch = 0, topicData }: ProduceArgs): object | undefined {
  if (transactionalId !== null && transactionalId !== undefined && typeof transactionalId !== 'string') return undefined;
  let total = (transactionalId === null || transactionalId === undefined ? 2 : 2 + Buffer.byteLength(transactionalId, 'utf8')) + 2 + 4 + 4;
  const plans: Plan[] = [];
  for (const { topic, partitions } of topicData) {
    if (typeof topic !== 'string') return undefined;
    total += 2 + Buffer.byteLength(topic, 'utf8') + 4;
    for (const { messages } of partitions) {
      const dateNow = Date.now(); // once per partition, as kafkajs does
      const anyTimestamp = messages.some((m) => m.timestamp !== null && m.timestamp !== undefined);
      let firstTimestamp: number | string = dateNow;
      let maxTimestamp: number | string = dateNow;
      if (anyTimestamp) {
        const ts = messages.map((m) => m.timestamp).filter((t) => t !== null && t !== undefined).sort() as (number | string)[];
        firstTimestamp = ts[0];
        maxTimestamp = ts[ts.length - 1];
      }
      const recordSizes = new Array<number>(messages.length);
      const timestampDeltas = anyTimestamp ? new Array<number>(messages.length) : null;
      let bodyLength = BODY_HEADER;
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i];
        let tsSize = 1;
        if (timestampDeltas) {
          const d = ((m.timestamp || dateNow) as number) - (firstTimestamp as number);
          if (!Number.isSafeInteger(d) || d >= 2 ** 52 || d <= -(2 ** 52)) return undefined;
          timestampDeltas[i] = zigzag64(d);
          tsSize = uvarSize(timestampDeltas[i]);
        }
        const kl = bytesLen(m.key);
        const vl = bytesLen(m.value);
        const hl = headersLen(m.headers);
        if (kl < 0 || vl < 0 || hl < 0 || i > MAX_LEN) return undefined;
        const sizeOfBody = 1 + tsSize + uvarSize(i * 2) + kl + vl + hl;
        if (sizeOfBody > MAX_LEN) return undefined;
        recordSizes[i] = sizeOfBody;
        bodyLength += uvarSize(sizeOfBody * 2) + sizeOfBody;
      }
      plans.push({ firstTimestamp, maxTimestamp, timestampDeltas, bodyLength, recordSizes });
      total += 4 + 4 + BATCH_HEADER + bodyLength;
    }
  }
  const buf = Buffer.allocUnsafe(total);
  let o = writeString16(buf, 0, transactionalId);
  o = buf.writeInt16BE(acks, o);
  o = buf.writeInt32BE(timeout, o);
  o = buf.writeInt32BE(topicData.length, o);
  let p = 0;
  for (const { topic, partitions } of topicData) {
    o = writeString16(buf, o, topic);
    o = buf.writeInt32BE(partitions.length, o);
    for (const { partition, messages, firstSequence = 0 } of partitions) {
      const { firstTimestamp, maxTimestamp, timestampDeltas, bodyLength, recordSizes } = plans[p++];
      o = buf.writeInt32BE(partition, o);
      o = buf.writeInt32BE(BATCH_HEADER + bodyLength, o); // the record batch's size
      o = writeInt64(buf, o, 0); // firstOffset
      o = buf.writeInt32BE(4 + 1 + 4 + bodyLength, o); // length
      o = buf.writeInt32BE(0, o); // partitionLeaderEpoch
      o = buf.writeInt8(MAGIC_BYTE, o);
      const crcAt = o;
      o += 4;
      const bodyStart = o;
      o = buf.writeInt16BE(transactionalId ? TRANSACTIONAL_MASK : 0, o);
      o = buf.writeInt32BE(messages.length - 1, o); // lastOffsetDelta
      o = writeInt64(buf, o, firstTimestamp);
      o = writeInt64(buf, o, maxTimestamp);
      o = writeInt64(buf, o, producerId);
      o = buf.writeInt16BE(producerEpoch, o);
      o = buf.writeInt32BE(firstSequence, o);
      o = buf.writeInt32BE(messages.length, o);
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i];
        o = writeUVar(buf, o, recordSizes[i] * 2);
        buf[o++] = 0; // attributes
        if (timestampDeltas) o = writeUVar(buf, o, timestampDeltas[i]);
        else buf[o++] = 0;
        o = writeUVar(buf, o, i * 2); // offsetDelta
        o = writeBytes(buf, o, m.key);
        o = writeBytes(buf, o, m.value);
        const headers = m.headers;
        if (headers === undefined) buf[o++] = 0;
        else {
          let count = 0;
          for (const k of Object.keys(headers)) count += Array.isArray(headers[k]) ? (headers[k] as Bytes[]).length : 1;
          o = writeUVar(buf, o, count * 2);
          for (const k of Object.keys(headers)) {
            const hv = headers[k];
            for (const v of Array.isArray(hv) ? hv : [hv]) o = writeBytes(buf, writeVarString(buf, o, k), v);
          }
        }
      }
      // A size computed wrong must never reach the broker as a corrupt request.
      if (o - bodyStart !== bodyLength) throw new Error('kbench produce encoder: record batch size mismatch (this is a bug)');
      buf.writeUInt32BE(crc32C(buf.subarray(bodyStart, o)), crcAt);
    }
  }
  if (o !== total) throw new Error('kbench produce encoder: request size mismatch (this is a bug)');
  return Object.assign(Object.create(Encoder.prototype) as object, { buf, offset: total });
}

/** The module kafkajs loads as produce/v3/request.js: its own request object, encoded by
 * encodeProduceRequest when the batch is uncompressed and the input is one it sizes exactly. */
export function produceRequest(args: ProduceArgs): ProduceRequest {
  const { acks, timeout, transactionalId = null, producerId = Long.fromInt(-1), producerEpoch = 0, compression = Types.None, topicData } = args;
  const request = originalRequest({ acks, timeout, transactionalId, producerId, producerEpoch, compression, topicData });
  const original = request.encode.bind(request);
  request.encode = async () => (compression === Types.None && encodeProduceRequest({ acks, timeout, transactionalId, producerId, producerEpoch, topicData })) || original();
  return request;
}
