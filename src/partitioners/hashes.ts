// Hash functions used by Kafka clients to place keyed records. Each one is an exact port of
// the client's own code (see ../shared/reference/partitioners.md §2-§7) and is tested against
// the vectors published in those projects' test suites, not against itself.

/** Java `Utils.murmur2` (kafka-clients): signed int32 result. Also librdkafka rd_murmur2,
 * kafkajs ≥ 2 DefaultPartitioner, franz-go and platformatic (which all match Java bit for bit). */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const len = data.length;
  let h = (0x9747b28c ^ len) | 0;
  const blocks = len >>> 2;
  for (let i = 0; i < blocks; i++) {
    const i4 = i * 4;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const t = len & ~3;
  switch (len & 3) {
    // Java's switch falls through on purpose: the tail bytes accumulate before one multiply.
    case 3:
      h ^= data[t + 2] << 16;
    // falls through
    case 2:
      h ^= data[t + 1] << 8;
    // falls through
    case 1:
      h ^= data[t];
      h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** kafkajs `LegacyPartitioner` murmur2 (the kafkajs default before 2.0). It is *not* Java's:
 * it multiplies in doubles (no 32-bit wrap) and mixes the partial tail block twice. Kept
 * deliberately wrong in exactly the same way, because users still run it. */
export function kafkajsLegacyMurmur2(data: Uint8Array): number {
  const M = 0x5bd1e995;
  const length = data.length;
  let h: number = 0x9747b28c ^ length;
  const length4 = length / 4; // not floored: the loop runs ceil(length/4) times, as in kafkajs
  const at = (j: number): number => (j < length ? data[j] : 0);
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k: number = at(i4) + (at(i4 + 1) << 8) + (at(i4 + 2) << 16) + (at(i4 + 3) << 24);
    k *= M;
    k ^= k >>> 24;
    k *= M;
    h *= M;
    h ^= k;
  }
  switch (length % 4) {
    case 3:
      h ^= (data[(length & ~3) + 2] & 0xff) << 16;
    // falls through
    case 2:
      h ^= (data[(length & ~3) + 1] & 0xff) << 8;
    // falls through
    case 1:
      h ^= data[length & ~3] & 0xff;
      h *= M;
  }
  h ^= h >>> 13;
  h *= M;
  h ^= h >>> 15;
  return h | 0;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Standard CRC-32 (IEEE, reflected), unsigned. librdkafka `consistent(_random)`, Sarama CRC partitioner. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** 32-bit FNV-1a, unsigned. Sarama's default hasher. */
export function fnv1a32(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) {
    h ^= data[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
