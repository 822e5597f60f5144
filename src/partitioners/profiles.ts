// Client profiles: each Kafka client's keyed partitioner *and* what it does with null keys.
// Facts from ../shared/reference/partitioners.md §1-§7 (source read at the snapshots named there).
import type { Rng } from '../workload/rng.js';
import { crc32, fnv1a32, kafkajsLegacyMurmur2, murmur2 } from './hashes.js';
import { absModulo, maskedModulo, unsignedModulo } from './to-partition.js';

export const CLIENT_NAMES = ['java', 'kafkajs', 'kafkajs-legacy', 'librdkafka', 'sarama', 'franz-go', 'platformatic'] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];

export type NullKeyStrategy =
  | { kind: 'round-robin'; start: 'random' | 'zero' }
  | { kind: 'sticky-bytes'; limitBytes: number; switchAfterCrossing: boolean }
  | { kind: 'sticky-time'; lingerMs: number }
  | { kind: 'random' };

export interface ClientProfile {
  name: ClientName;
  /** What the keyed partitioner is, in one phrase (shown in reports). */
  keyedLabel: string;
  /** Null-key behaviour, in one phrase. */
  nullKeyLabel: string;
  /** Keyed placement: key bytes → partition in [0, partitions); always partitionOfHash(hashKey(key), partitions). */
  partitionForKey(key: Uint8Array, partitions: number): number;
  /** The keyed partitioner's hash of the key bytes: the same at every partition count, so it can be kept per key. */
  hashKey(key: Uint8Array): number;
  /** The keyed partitioner's reduction of that hash to a partition in [0, partitions). */
  partitionOfHash(hash: number, partitions: number): number;
  /** librdkafka's consistent_random sends empty keys down the null-key path. */
  emptyKeyIsNull: boolean;
  nullKey: NullKeyStrategy;
  /** The client's default metadata max age (how late it notices new partitions), ms. */
  metadataMaxAgeMs: number;
  /** The client's default linger (how long a batch waits for more records before it is sent), ms. */
  lingerMs: number;
  /** The client's default batch size: a partition's batch is sent once it holds this many bytes. */
  batchBytes: number;
}

/** kafkajs has neither linger nor batch size: each send() call is one request with what it was given. */
const UNBOUNDED_BATCH = 16 * 1024 * 1024;

/** A keyed partitioner as its two steps, a hash of the key bytes and the hash's reduction to a partition. */
function keyed(hashKey: (key: Uint8Array) => number, partitionOfHash: (hash: number, partitions: number) => number):
  Pick<ClientProfile, 'partitionForKey' | 'hashKey' | 'partitionOfHash'> {
  return { hashKey, partitionOfHash, partitionForKey: (key, n) => partitionOfHash(hashKey(key), n) };
}

const javaMurmur = keyed(murmur2, maskedModulo);

export const CLIENT_PROFILES: Record<ClientName, ClientProfile> = {
  java: {
    name: 'java',
    keyedLabel: 'murmur2 & 0x7fffffff % n',
    nullKeyLabel: 'KIP-794 uniform sticky (switch after batch.size=16384 bytes)',
    ...javaMurmur,
    emptyKeyIsNull: false,
    // The record that crosses batch.size still goes to the old partition (BuiltInPartitioner).
    nullKey: { kind: 'sticky-bytes', limitBytes: 16384, switchAfterCrossing: true },
    metadataMaxAgeMs: 300_000,
    // Kafka 4.0 KIP-1030: linger.ms default 0 → 5; batch.size 16384 (ProducerConfig).
    lingerMs: 5,
    batchBytes: 16384,
  },
  kafkajs: {
    name: 'kafkajs',
    keyedLabel: 'murmur2 & 0x7fffffff % n (Java-compatible)',
    nullKeyLabel: 'round-robin from a random start',
    ...javaMurmur,
    emptyKeyIsNull: false,
    nullKey: { kind: 'round-robin', start: 'random' },
    metadataMaxAgeMs: 300_000,
    // kafkajs 2.2.4: no linger.ms nor batch.size; producer.send() sends what it is given at once.
    lingerMs: 0,
    batchBytes: UNBOUNDED_BATCH,
  },
  'kafkajs-legacy': {
    name: 'kafkajs-legacy',
    keyedLabel: 'kafkajs legacy murmur2 (not Java-compatible)',
    nullKeyLabel: 'round-robin from a random start',
    ...keyed(kafkajsLegacyMurmur2, maskedModulo),
    emptyKeyIsNull: false,
    nullKey: { kind: 'round-robin', start: 'random' },
    metadataMaxAgeMs: 300_000,
    // kafkajs 2.2.4: no linger.ms nor batch.size; producer.send() sends what it is given at once.
    lingerMs: 0,
    batchBytes: UNBOUNDED_BATCH,
  },
  librdkafka: {
    name: 'librdkafka',
    keyedLabel: 'crc32 % n (consistent_random, librdkafka default)',
    nullKeyLabel: 'sticky random partition, re-picked every 10 ms',
    ...keyed(crc32, unsignedModulo),
    emptyKeyIsNull: true,
    nullKey: { kind: 'sticky-time', lingerMs: 10 },
    metadataMaxAgeMs: 300_000,
    // CONFIGURATION.md: linger.ms (queue.buffering.max.ms) 5 since v1.5.0 (was 0.5); batch.size
    // 1000000 bytes (and batch.num.messages 10000, not modelled).
    lingerMs: 5,
    batchBytes: 1_000_000,
  },
  sarama: {
    name: 'sarama',
    keyedLabel: 'abs(int32(fnv1a) % n) (NewHashPartitioner)',
    nullKeyLabel: 'random partition per record',
    ...keyed(fnv1a32, absModulo),
    emptyKeyIsNull: false,
    nullKey: { kind: 'random' },
    metadataMaxAgeMs: 600_000,
    // sarama Config: Producer.Flush.Frequency 0 and Flush.Bytes 0 ("as fast as possible"); a request
    // is bounded by Producer.MaxMessageBytes 1000000. (Defaults as read, not re-verified here.)
    lingerMs: 0,
    batchBytes: 1_000_000,
  },
  'franz-go': {
    name: 'franz-go',
    keyedLabel: 'murmur2 & 0x7fffffff % n (Java-compatible)',
    nullKeyLabel: 'uniform-bytes sticky (switch after 64 KiB)',
    ...javaMurmur,
    emptyKeyIsNull: false,
    // franz-go resets its byte count *including* the crossing record, which goes to the new partition.
    nullKey: { kind: 'sticky-bytes', limitBytes: 65536, switchAfterCrossing: false },
    metadataMaxAgeMs: 300_000,
    // kgo: ProducerLinger default 0 in the 1.x releases read for the partitioner; ProducerBatchMaxBytes
    // 1000012. (Not re-verified here: newer releases may linger by default.)
    lingerMs: 0,
    batchBytes: 1_000_012,
  },
  platformatic: {
    name: 'platformatic',
    keyedLabel: '(murmur2 >>> 0) % n (unsigned; Java-compatible only for power-of-two n)',
    nullKeyLabel: 'round-robin from partition 0',
    ...keyed(murmur2, unsignedModulo),
    emptyKeyIsNull: false,
    nullKey: { kind: 'round-robin', start: 'zero' },
    metadataMaxAgeMs: 5_000,
    // @platformatic/kafka: no linger by default (each send is a request); not re-verified here.
    lingerMs: 0,
    batchBytes: UNBOUNDED_BATCH,
  },
};

/** How late a client notices new partitions: --metadata-refresh when given, else the client's own default, ms. */
export function metadataMaxAgeMs(override: number | null, client: ClientName): number {
  return override ?? CLIENT_PROFILES[client].metadataMaxAgeMs;
}

export function isClientName(name: string): name is ClientName {
  return (CLIENT_NAMES as readonly string[]).includes(name);
}

/** Chooses the partition of an unkeyed record. Stateful, one per producer (like the clients). */
export type NullKeyChooser = (partitions: number, recordBytes: number, nowUs: number) => number;

export function createNullKeyChooser(strategy: NullKeyStrategy, rng: Rng): NullKeyChooser {
  switch (strategy.kind) {
    case 'round-robin': {
      let counter = strategy.start === 'random' ? rng.uint32() : 0;
      if (strategy.start === 'random') {
        // kafkajs pre-increments a per-topic counter that starts at a random uint32.
        return (n) => {
          counter = (counter + 1) >>> 0;
          return (counter & 0x7fffffff) % n;
        };
      }
      return (n) => counter++ % n; // platformatic: 0, 1, 2, … over all partitions
    }
    case 'random':
      return (n) => rng.int(n);
    case 'sticky-time': {
      let current = -1;
      let pickedAtUs = 0;
      const lingerUs = strategy.lingerMs * 1000;
      return (n, _bytes, nowUs) => {
        if (current < 0 || current >= n || nowUs - pickedAtUs >= lingerUs) {
          current = rng.int(n);
          pickedAtUs = nowUs;
        }
        return current;
      };
    }
    case 'sticky-bytes': {
      let current = -1;
      let produced = 0;
      const { limitBytes, switchAfterCrossing } = strategy;
      return (n, bytes) => {
        if (!switchAfterCrossing) {
          produced += bytes;
          if (produced >= limitBytes) {
            produced = bytes;
            current = -1;
          }
        }
        if (current < 0 || current >= n) current = rng.int(n);
        const chosen = current;
        if (switchAfterCrossing) {
          produced += bytes;
          if (produced >= limitBytes) {
            produced = 0;
            current = -1;
          }
        }
        return chosen;
      };
    }
  }
}

const encoder = new TextEncoder();
/** All clients hash the UTF-8 bytes of a string key. */
export function keyBytes(key: string): Uint8Array {
  // Most keys are ASCII, whose UTF-8 bytes are their char codes: copied here, a short key costs about a
  // sixth of a call into the encoder. Any other character hands the key to the encoder.
  const bytes = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) return encoder.encode(key);
    bytes[i] = c;
  }
  return bytes;
}
