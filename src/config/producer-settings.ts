// Producer settings in Kafka's own property syntax (what `kafka-producer-perf-test --producer-props` and
// `--producer.config` users write), mapped once onto kbench's run options. One table says which Kafka
// property sets which option; anything else is refused with one line naming it, never ignored.
import { ERROR_CODES, shown, usageError } from '../errors.js';
import { INPUT_LIMITS, readInputText } from './input-files.js';
import { parsePropertiesText, type Property } from './properties.js';

const bad = (message: string) => usageError(message, ERROR_CODES.badOption);

export const ACKS = ['0', '1', 'all'] as const;
export type Acks = (typeof ACKS)[number];
export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** The producer's settings, resolved (in the RunSpec and every report). */
export interface ProducerSettings {
  acks: Acks;
  idempotent: boolean;
  /** Sends in flight per producer. */
  maxInFlight: number;
  lingerMs: number;
  /** Bytes (keys and values) a producer buffers before it sends them in one request. */
  batchBytes: number;
  compression: Compression;
}

/** The run option each supported Kafka producer property sets, and how its value reads as that
 * option's value (the option's own parser then checks it exactly as the flag's). */
/** Kafka's `*.ms` properties are bare milliseconds; kbench's durations take units (a bare number is s). */
const millis = (v: string) => (/^\s*\d+(\.\d+)?\s*$/.test(v) ? `${v.trim()}ms` : v);

export const PRODUCER_PROPERTIES: Record<string, { option: string; value: (v: string) => string }> = {
  'acks': { option: 'acks', value: (v) => (v.trim() === '-1' ? 'all' : v) },
  'enable.idempotence': { option: 'idempotent', value: (v) => v },
  'max.in.flight.requests.per.connection': { option: 'maxInFlight', value: (v) => v },
  'linger.ms': { option: 'linger', value: millis },
  'batch.size': { option: 'batchSize', value: (v) => v },
  'compression.type': { option: 'compression', value: (v) => v },
  'bootstrap.servers': { option: 'brokers', value: (v) => v },
  'metadata.max.age.ms': { option: 'metadataRefresh', value: millis },
  'delivery.timeout.ms': { option: 'deliveryTimeout', value: millis },
};

export type ProducerProperty = Property;

function known(key: string, label: string): void {
  if (Object.hasOwn(PRODUCER_PROPERTIES, key)) return;
  throw bad(`${label}: unsupported producer property ${shown(key)}; kbench maps ${Object.keys(PRODUCER_PROPERTIES).join(', ')}`);
}

/** `k=v,k=v` (the form of kafka-producer-perf-test's --producer-props, comma-separated). */
export function parseProducerProps(raw: string, label: string): ProducerProperty[] {
  const text = raw.trim();
  if (text === '') throw bad(`${label} is empty; give key=value pairs, e.g. acks=1,linger.ms=5`);
  const out: ProducerProperty[] = [];
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    // A part without "=" continues the previous value: bootstrap.servers=a:9092,b:9092,acks=1.
    if (eq < 0 && out.length > 0 && part.trim() !== '') {
      out[out.length - 1].value += `,${part.trim()}`;
      continue;
    }
    const key = eq < 0 ? '' : part.slice(0, eq).trim();
    if (key === '') throw bad(`${label} entry ${shown(part)} is not key=value; e.g. acks=1,linger.ms=5`);
    known(key, label);
    out.push({ key, value: part.slice(eq + 1).trim(), label: `${label} ${key}` });
  }
  return out;
}

export interface PropertiesFile {
  path: string;
  properties: ProducerProperty[];
}

export function readPropertiesFile(raw: string, label: string): PropertiesFile {
  const path = raw.trim();
  if (path === '') throw bad(`${label} is empty; give a .properties file`);
  // Standard input is for key files (--key file:-); properties come from a file.
  if (path === '-') throw bad(`${label} reads a .properties file, not standard input; give its path`);
  const text = readInputText(path, `${label} properties file`, INPUT_LIMITS.propertiesFile);
  return { path, properties: parsePropertiesText(text, path, known) };
}
