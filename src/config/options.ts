// The option table: every option of every command, with its type, unit, default and bounds, in one
// place. Command tables (RUN_OPTIONS here, the others next to their commands) pick entries from it;
// the flag is the entry's name in kebab case, its variable KBENCH_<NAME>, and for runs the same name
// is the workload-file field. Bounds are what this machine can honour: a run inside them finishes.
import { availableParallelism } from 'node:os';
import { existsSync, statSync } from 'node:fs';
import { ASSIGNOR_NAMES } from '../groups/assignors.js';
import { DRIVER_NAMES } from './driver-names.js';
import { CLIENT_NAMES, type ClientName } from '../partitioners/profiles.js';
import { ERROR_CODES, shown, usageError } from '../errors.js';
import { parseBrokers } from './brokers.js';
import { formatBytes, INPUT_LIMITS } from './input-files.js';
import { ACKS, COMPRESSIONS, parseProducerProps, readPropertiesFile } from './producer-settings.js';
import { readClientConfigFile, SASL_MECHANISMS, SECURITY_PROTOCOLS, STORE_TYPES } from './client-security.js';
import { KEY_KINDS, type KeySpec, type UserDistribution } from './run-spec.js';
import { MODEL_FILE_LIMIT, MODEL_FORMAT, readModelFile, type ModelRef } from '../engines/sim/model.js';
import { option, type Meta, type OptionTable } from './option.js';
import {
  formatDuration, nonBlank, parseChoice, parseCount, parseDuration, parseList, parsePercent, parseRunPoint, parseSize, parseSwitch, type RunPoint,
} from './units.js';

const bad = (message: string) => usageError(message, ERROR_CODES.badOption);

/** The documented ranges (README "Options, limits and errors"). Each maximum alone, on a short run,
 * finishes in seconds on a 2-core machine; time then grows with rate × duration. */
export const LIMITS = {
  partitions: 10_000,
  producers: 1_000,
  consumers: 1_000,
  /** Distinct users or devices: per-key tables are dense arrays of this size. */
  keySpace: 10_000_000,
  rate: 10_000_000,
  /** Records one run may plan (rate × duration, or --messages): about ten minutes of simulation. */
  messages: 1_000_000_000,
  durationMs: 24 * 3_600_000,
  recordSize: 1_000_000,
  fixedKeyBytes: 16_384,
  seed: 4_294_967_295,
  replicationFactor: 32_767,
  brokers: 100,
  listEntries: 32,
  produceMessages: 100_000,
  sample: 10_000_000,
  maxInFlight: 32,
  threads: 256,
  workers: 1_000,
  lingerMs: 60_000,
  batchBytes: 16 * 1024 * 1024,
  /** Records the simulator may hold not yet consumed (~200 B each: about 2 GB of a 4 GB heap). */
  simulatorBacklog: 10_000_000,
} as const;

/** Defaults shared by options of different commands (run's --rate and plan's target --rate). */
export const SHARED_DEFAULTS = { rate: '10000', partitionCapacity: '50000' } as const;

const n = (x: number) => x.toLocaleString('en-US');
const intRange = (min: number, max: number) => ({ min, max, integer: true });

// ---- value kinds -------------------------------------------------------------------------------

export const integer = <const M extends Meta>(min: number, max: number, meta: M) =>
  option('string', `${n(min)}–${n(max)}`, (raw, label) => parseCount(raw, label, intRange(min, max)), meta, { min, max, unit: '' });
export const count = <const M extends Meta>(min: number, max: number, meta: M) =>
  option('string', `${n(min)}–${n(max)}; 10k, 2M work`, (raw, label) => parseCount(raw, label, intRange(min, max)), meta, { min, max, unit: '' });
export const rate = <const M extends Meta>(meta: M) =>
  option('string', `records/s, above 0 up to ${n(LIMITS.rate)}; 10k works`, (raw, label) => parseCount(raw, label, { min: 0, aboveMin: true, max: LIMITS.rate }), meta, { min: 0, max: LIMITS.rate, unit: '' });
export const duration = <const M extends Meta>(minMs: number, maxMs: number, meta: M) =>
  option('string', `${formatDuration(minMs)}–${formatDuration(maxMs)}, e.g. 30s, 500ms, 5m`, (raw, label) => parseDuration(raw, label, { min: minMs, max: maxMs }), meta, { min: minMs, max: maxMs, unit: 'ms' });
export const choice = <T extends string, const M extends Meta>(values: readonly T[], meta: M) =>
  option('string', values.join(' | '), (raw, label) => parseChoice(raw, label, values), meta);
/** A worker pool's (or worker's) name: it travels in headers, client ids and reports. */
export function parseWorkerPool(raw: string, label: string): string {
  const name = raw.trim();
  if (!/^[a-zA-Z0-9._-]{1,100}$/.test(name) || name === '.' || name === '..') throw usageError(`${label} ${shown(raw)} is not a valid name: 1–100 characters of a-z A-Z 0-9 . _ -`, ERROR_CODES.badOption);
  return name;
}

export const text = <const M extends Meta>(range: string | undefined, meta: M) =>
  option('string', range, (raw, label) => nonBlank(raw, label), meta);
export const switchOf = <const M extends Meta>(meta: M) => option('boolean', undefined, parseSwitch, meta);


// ---- values with their own syntax ----------------------------------------------------------------

export function parseKeySpec(raw: string, label: string): KeySpec {
  const text = nonBlank(raw, label);
  if (text.startsWith('fixed:')) {
    const value = text.slice('fixed:'.length);
    if (value === '') throw bad(`${label} fixed: needs a value, e.g. fixed:tenant-42`);
    if (Buffer.byteLength(value) > LIMITS.fixedKeyBytes) throw bad(`${label} fixed: key is longer than ${LIMITS.fixedKeyBytes} bytes`);
    return { kind: 'fixed', value };
  }
  if (text.startsWith('file:')) {
    const path = text.slice('file:'.length);
    if (path.trim() === '') throw bad(`${label} file: needs a path, e.g. file:keys.txt`);
    if (path === '-') return { kind: 'file', path }; // the keys come from standard input
    if (!existsSync(path)) throw usageError(`${label}: key file not found: ${shown(path)} (give a readable file with one key per line)`, ERROR_CODES.badInput);
    if (!statSync(path).isFile()) throw usageError(`${label}: key file is not a regular file: ${shown(path)}`, ERROR_CODES.badInput);
    return { kind: 'file', path };
  }
  if ((KEY_KINDS as readonly string[]).includes(text) && text !== 'fixed' && text !== 'file') return { kind: text as KeySpec['kind'] };
  throw bad(`unknown ${label} ${shown(raw)}; use one of user_id, country, none, device_id, order_id, fixed:<value>, file:<path>`);
}

export function parseUserDist(raw: string, label: string): UserDistribution {
  const text = nonBlank(raw, label);
  if (text === 'uniform') return { kind: 'uniform' };
  const m = /^zipf(?::(\d+(?:\.\d+)?))?$/.exec(text);
  if (m) {
    const s = m[1] === undefined ? 0.8 : Number(m[1]);
    if (!(s > 0 && s <= 5)) throw bad(`${label} zipf exponent must be in (0, 5] (got ${shown(raw)})`);
    return { kind: 'zipf', s };
  }
  throw bad(`unknown ${label} ${shown(raw)}; use uniform or zipf:<s>, e.g. zipf:0.8`);
}

/** `--model file.json`: the file, read and checked (one line per problem). */
export function parseModelFile(raw: string, label: string): ModelRef {
  const path = nonBlank(raw, label);
  if (path === '-') throw bad(`${label} reads a model file, not standard input; give its path`);
  return { path, model: readModelFile(path, `${label} model file`) };
}

/** "3" (that many of --client) or "java:2,librdkafka:1" (a client mix). */
export type ProducersSpec = { count: number } | { mix: ClientName[] };

export function parseProducers(raw: string, label: string): ProducersSpec {
  const text = nonBlank(raw, label);
  if (/^\d+$/.test(text)) return { count: parseCount(text, label, intRange(1, LIMITS.producers)) };
  const mix: ClientName[] = [];
  for (const part of parseList(text, label, LIMITS.listEntries, (t) => t)) {
    const m = /^([a-z-]+)(?::(\d+))?$/.exec(part);
    if (!m) throw bad(`${label} entry ${shown(part)} is not <client>[:<count>]; e.g. java:2,librdkafka:1`);
    const client = parseChoice(m[1], `${label} client`, CLIENT_NAMES);
    const k = m[2] === undefined ? 1 : parseCount(m[2], `${label} ${client} count`, intRange(1, LIMITS.producers));
    if (mix.length + k > LIMITS.producers) throw bad(`${label} asks for more than ${LIMITS.producers} producers`);
    for (let i = 0; i < k; i++) mix.push(client);
  }
  return { mix };
}

/** One entry of --scale-consumers (`count` consumers) or --kill-consumer (`count` = the member number, 1-based) at a point of the run. */
export type GroupChangeEntry = { count: number; at: RunPoint };

/** `N@T[,N@T…]`: a number and a point of the run (a percentage, or a time from its start). */
export function parseGroupChanges(raw: string, label: string, min: number, what: string): GroupChangeEntry[] {
  return parseList(raw, label, LIMITS.listEntries, (part, l) => {
    const m = /^([^@]*)@(.*)$/.exec(part);
    if (!m) throw bad(`${label} entry ${shown(part)} is not ${what}@<time>; e.g. ${min === 0 ? '6@30s or 3@50%' : '2@30s or 1@50%'}`);
    return { count: parseCount(m[1].trim(), `${l} ${what}`, intRange(min, LIMITS.consumers)), at: parseRunPoint(m[2], `${l} time`, LIMITS.durationMs) };
  });
}

/** `--rate`: records/s, or `max` (closed loop, live only). */
export type RateSpec = number | 'max';

// ---- the table -----------------------------------------------------------------------------------

export const OPTIONS = {
  key: option('string', 'user_id | country | none | device_id | order_id | fixed:<value> | file:<path>', parseKeySpec,
    { describe: 'what keys the records carry', default: 'user_id', inWorkloadFile: true }),
  partitions: integer(1, LIMITS.partitions, { describe: 'partition count of the topic', default: '12', inWorkloadFile: true }),
  /** A partition count with no default, for commands where it must be asked for. */
  partitionCount: integer(1, LIMITS.partitions, { describe: 'partition count' }),
  /** Partition counts to try (plan, analyze). */
  partitionCounts: option('string', `up to ${LIMITS.listEntries} counts, each 1–${n(LIMITS.partitions)}`,
    (raw, label) => parseList(raw, label, LIMITS.listEntries, (t, l) => parseCount(t, l, intRange(1, LIMITS.partitions))).sort((a, b) => a - b),
    { describe: 'partition counts to try, comma-separated', default: '3,6,12,24,48', list: true }),
  partition: integer(0, LIMITS.partitions - 1, { describe: 'send every record to this one partition (no partitioner)', inWorkloadFile: true }),
  users: count(1, LIMITS.keySpace, { describe: 'distinct users for user_id and for the entities behind null keys', default: '100000', inWorkloadFile: true }),
  userDist: option('string', 'zipf:<s> with 0 < s ≤ 5 | uniform', parseUserDist, { describe: 'how active users are', default: 'zipf:0.8', inWorkloadFile: true }),
  countryDist: choice(['weighted', 'uniform'] as const, { describe: 'country traffic: the share table, or uniform', default: 'weighted', inWorkloadFile: true }),
  devices: count(1, LIMITS.keySpace, { describe: 'distinct devices for device_id', default: '10000', inWorkloadFile: true }),
  fileOrder: choice(['replay', 'sample'] as const, { describe: 'key file: replay the lines in order, or sample them at random', default: 'replay', inWorkloadFile: true }),
  rate: option('string', `records/s up to ${n(LIMITS.rate)} (10k works), or max (live only)`,
    (raw, label): RateSpec => (raw.trim() === 'max' ? 'max' : parseCount(raw, label, { min: 0, aboveMin: true, max: LIMITS.rate })),
    { describe: 'records/s offered, all producers together', default: SHARED_DEFAULTS.rate, inWorkloadFile: true }, { min: 0, max: LIMITS.rate, unit: '' }),
  duration: duration(1, LIMITS.durationMs, { describe: 'run length', default: '60s', inWorkloadFile: true }),
  messages: count(1, LIMITS.messages, { describe: 'records to send (instead of, or capped by, --duration)', inWorkloadFile: true }),
  producers: option('string', `1–${n(LIMITS.producers)}, or a client mix such as java:2,librdkafka:1`, parseProducers,
    { describe: 'producers', default: '1', inWorkloadFile: true }),
  client: choice(CLIENT_NAMES, { describe: 'client profile: whose partitioner the producers use', default: 'java', inWorkloadFile: true }),
  recordSize: option('string', `1–${n(LIMITS.recordSize)} bytes; 1KiB works`, (raw, label) => parseSize(raw, label, { min: 1, max: LIMITS.recordSize }),
    { describe: 'value size (default: the natural size of each generated event)', inWorkloadFile: true }, { min: 1, max: LIMITS.recordSize, unit: '' }),
  seed: integer(0, LIMITS.seed, { describe: 'random seed: the same seed gives the same report', default: '1', inWorkloadFile: true }),
  consumers: integer(0, LIMITS.consumers, { describe: 'consumers in the group; 0 for a produce-only run (no group, produce latency only)', default: '3', inWorkloadFile: true }),
  assignor: choice(ASSIGNOR_NAMES, { describe: 'partition assignor of the group', default: 'range', inWorkloadFile: true }),
  consumerRate: rate({ describe: 'records/s one consumer can process', default: '5000', inWorkloadFile: true }),
  partitionCapacity: rate({ describe: 'simulator: records/s one partition can append, instead of the model\'s per-partition ceiling (records/s and bytes/s)', inWorkloadFile: true }),
  produceLatency: duration(0, 60_000, { describe: 'simulator: every produce request takes this long, instead of the model\'s measured latency distribution', inWorkloadFile: true }),
  model: option('string', `a ${MODEL_FORMAT} JSON file (kbench calibrate --out), up to ${formatBytes(MODEL_FILE_LIMIT)}`, parseModelFile,
    { describe: 'simulator: the time model (produce latency, ceilings) measured on a cluster by kbench calibrate (default: the model shipped with kbench, measured on its local broker)', inWorkloadFile: true }),
  rebalanceTime: duration(0, 600_000, { describe: 'simulator: how long one rebalance round stops consumers (default: the model\'s measured round)', inWorkloadFile: true }),
  growTo: integer(2, LIMITS.partitions, { describe: 'raise the partition count to this mid-run', inWorkloadFile: true }),
  growAt: option('string', 'a percentage of the run, or a time from its start', (raw, label) => parseRunPoint(raw, label, LIMITS.durationMs),
    { describe: 'when to grow, e.g. 50% or 30s', default: '50%', inWorkloadFile: true }),
  scaleConsumers: option('string', 'N@T[,N@T…]: N consumers (1–1,000) from T, a percentage of the run or a time', (raw, label) => parseGroupChanges(raw, label, 1, '<consumers>'),
    { describe: 'change the group to N consumers at T (new members join; or the highest-numbered leave, committing), e.g. 6@30s,3@60s', list: true, inWorkloadFile: true }),
  killConsumer: option('string', 'i@T[,i@T…]: member number i (consumer-i) at T, a percentage of the run or a time', (raw, label) => parseGroupChanges(raw, label, 1, '<member>'),
    { describe: 'consumer-i crashes at T without committing or leaving (live: its thread is ended); the group rebalances after --session-timeout, e.g. 2@40%', list: true, inWorkloadFile: true }),
  sessionTimeout: duration(1, 3_600_000, { describe: 'how long the group takes to notice a crashed consumer (session.timeout.ms; kafkajs\'s 10 s rather than Java\'s 45 s; a broker accepts 6 s–30 min unless its group.min/max.session.timeout.ms say otherwise)', default: '10s', inWorkloadFile: true }),
  autoCommitInterval: duration(1, 3_600_000, { describe: 'consumers commit what they processed this often (auto.commit.interval.ms, Java\'s 5 s), before rejoining a rebalance and when they leave', default: '5s', inWorkloadFile: true }),
  metadataRefresh: duration(0, 3_600_000, { describe: 'metadata max age of producers and consumers (default: each client\'s own)', inWorkloadFile: true }),
  autoOffsetReset: choice(['latest', 'earliest'] as const, { describe: 'where a consumer starts on a partition without committed offsets', default: 'latest', inWorkloadFile: true }),
  brokers: option('string', `host:port[,host:port…], up to ${LIMITS.brokers}`, (raw, label) => parseBrokers(raw, label, LIMITS.brokers),
    { describe: 'Kafka bootstrap servers; for runs: live against this cluster instead of the simulator', inWorkloadFile: true }),
  connectTimeout: duration(100, 600_000, { describe: 'give up reaching the brokers after this long', default: '10s', inWorkloadFile: true }),
  driver: choice(DRIVER_NAMES, { describe: 'live: the Kafka client library kbench drives the cluster with (default kafkajs)', inWorkloadFile: true }),
  consumerDriver: choice(DRIVER_NAMES, { describe: 'live: the client library of the consumers, when it differs from --driver', inWorkloadFile: true }),
  keepTopic: switchOf({ describe: 'live: keep the run\'s topic instead of deleting it at the end', default: false, inWorkloadFile: true }),
  replicationFactor: integer(1, LIMITS.replicationFactor, { describe: 'replication factor of the topic', default: '1', inWorkloadFile: true }),
  drainTimeout: duration(100, 3_600_000, { describe: 'live: stop waiting for consumers after this long without progress', default: '15s', inWorkloadFile: true }),
  acks: choice(ACKS, { describe: 'live: acknowledgements the producers wait for (acks=0: none, 1: the leader, all: every in-sync replica)', default: 'all', inWorkloadFile: true }),
  idempotent: switchOf({ describe: 'live: idempotent producers (enable.idempotence; needs --acks all)', default: true, inWorkloadFile: true }),
  maxInFlight: integer(1, LIMITS.maxInFlight, { describe: 'live: produce requests in flight per producer (max.in.flight.requests.per.connection; with idempotence, up to what the driver allows: 1 for kafkajs and platformatic)', default: '1', inWorkloadFile: true }),
  deliveryTimeout: duration(1000, 600_000, { describe: 'live: how long producers and consumers retry through broker trouble before a send fails (delivery.timeout.ms)', default: '30s', inWorkloadFile: true }),
  threads: integer(1, LIMITS.threads, { describe: 'live: worker threads the producers and consumers are spread over (default: this machine\'s available parallelism)',
    default: String(Math.min(LIMITS.threads, availableParallelism())), inWorkloadFile: true }),
  workers: integer(1, LIMITS.workers, { describe: 'live: spread the run over this many `kbench worker` processes (any machines that reach the cluster), coordinated through Kafka', inWorkloadFile: true }),
  workerPool: option('string', '1–100 of a-z A-Z 0-9 . _ -', parseWorkerPool, { describe: 'live, with --workers: the pool of workers to use (kbench worker --pool); runs in different pools never share workers', default: 'default', inWorkloadFile: true }),
  workerTimeout: duration(1000, 3_600_000, { describe: 'live, with --workers: give up when the workers have not all joined after this long', default: '60s', inWorkloadFile: true }),
  linger: duration(0, LIMITS.lingerMs, { describe: 'how long a producer waits for more records before it sends (linger.ms); live default 5ms, simulator default: each client profile\'s own', default: '5ms', inWorkloadFile: true }),
  batchSize: option('string', `0–${n(LIMITS.batchBytes)} bytes; 64KiB works`, (raw, label) => parseSize(raw, label, { min: 0, max: LIMITS.batchBytes }),
    { describe: 'batch.size: bytes (keys and values) a producer gathers per partition before the batch is sent, as in Java (live default: Java\'s 16KiB; simulator default: each client profile\'s own)', default: '16KiB', inWorkloadFile: true }, { min: 0, max: LIMITS.batchBytes, unit: '' }),
  compression: choice(COMPRESSIONS, { describe: 'live: compression of the producers\' record batches', default: 'none', inWorkloadFile: true }),
  producerProps: option('string', 'key=value[,key=value…] with Kafka producer property names', parseProducerProps,
    { describe: 'producer settings in Kafka\'s syntax (acks, enable.idempotence, linger.ms, batch.size, compression.type, …); the named options win', list: true, inWorkloadFile: true }),
  producerConfig: option('string', `a .properties file, up to ${formatBytes(INPUT_LIMITS.propertiesFile)}`, readPropertiesFile,
    { describe: 'producer settings from a Kafka .properties file; --producer-props and the named options win', inWorkloadFile: true }),
  description: text(undefined, { describe: 'what the workload is for (shown nowhere else)', inWorkloadFile: true }),
  quiet: switchOf({ describe: 'no progress line', default: false }),
  html: option('string', 'a file path; empty for next to the JSON', (raw) => raw.trim(),
    { describe: 'also write a self-contained HTML report' }),
  out: text('a file path, or - for stdout', { describe: 'report file (default reports/<time>-<key>-p<N>.json)' }),
  json: switchOf({ describe: 'print JSON instead of tables', default: false }),
  force: switchOf({ describe: 'alter or delete a topic kbench did not create', default: false }),
  headroom: option('string', '0%–99%', parsePercent, { describe: 'capacity kept free', default: '20%' }),
  timeout: duration(1000, 3_600_000, { describe: 'give up reading the topic after this long', default: '60s' }),
  sample: count(1, LIMITS.sample, { describe: 'records to read from the topic', default: '100000' }),
  idle: duration(100, 3_600_000, { describe: 'stop after this long without a new record', default: '5s' }),
  fromBeginning: switchOf({ describe: 'start at the earliest offset when the group has none', default: false }),
  allClients: switchOf({ describe: 'show every client profile side by side', default: false }),
} satisfies OptionTable;

/** How to reach a secured cluster: Kafka's client properties as a file, or one by one. Passwords are
 * KBENCH_* variables only (see Option.envOnly); the named options win over the file. */
export const SECURITY_OPTIONS = {
  commandConfig: option('string', `a Kafka client .properties file, up to ${formatBytes(INPUT_LIMITS.propertiesFile)}`, readClientConfigFile,
    { describe: 'security settings in Kafka\'s client properties (security.protocol, sasl.*, ssl.*), as for kafka-topics --command-config', inWorkloadFile: true }),
  securityProtocol: choice(SECURITY_PROTOCOLS, { describe: 'security.protocol (default PLAINTEXT)', inWorkloadFile: true }),
  saslMechanism: choice(SASL_MECHANISMS, { describe: 'sasl.mechanism', inWorkloadFile: true }),
  saslUsername: text(undefined, { describe: 'SASL user (instead of the username in sasl.jaas.config)', inWorkloadFile: true }),
  saslPassword: text(undefined, { describe: 'SASL password (instead of the password in sasl.jaas.config)', envOnly: true }),
  sslTruststoreLocation: text('a PEM or PKCS12 file', { describe: 'ssl.truststore.location: the CA certificates to trust (default: the system\'s)', inWorkloadFile: true }),
  sslTruststoreType: choice(STORE_TYPES, { describe: 'ssl.truststore.type (Kafka\'s default JKS cannot be read: convert it)', inWorkloadFile: true }),
  sslTruststorePassword: text(undefined, { describe: 'ssl.truststore.password', envOnly: true }),
  sslKeystoreLocation: text('a PEM or PKCS12 file', { describe: 'ssl.keystore.location: the client\'s certificate and key, for mutual TLS', inWorkloadFile: true }),
  sslKeystoreType: choice(STORE_TYPES, { describe: 'ssl.keystore.type', inWorkloadFile: true }),
  sslKeystorePassword: text(undefined, { describe: 'ssl.keystore.password', envOnly: true }),
  sslKeyPassword: text(undefined, { describe: 'ssl.key.password (an encrypted PEM key)', envOnly: true }),
  sslVerifyHostname: switchOf({ describe: 'verify the broker\'s certificate names its host (ssl.endpoint.identification.algorithm=https)', default: true, inWorkloadFile: true }),
} satisfies OptionTable;

/** `kbench run` and `kbench` alone: what a benchmark run takes. */
export const RUN_OPTIONS = {
  key: OPTIONS.key, partitions: OPTIONS.partitions, partition: OPTIONS.partition, users: OPTIONS.users,
  userDist: OPTIONS.userDist, countryDist: OPTIONS.countryDist, devices: OPTIONS.devices, fileOrder: OPTIONS.fileOrder,
  rate: OPTIONS.rate, duration: OPTIONS.duration, messages: OPTIONS.messages, producers: OPTIONS.producers,
  client: OPTIONS.client, recordSize: OPTIONS.recordSize, seed: OPTIONS.seed, consumers: OPTIONS.consumers,
  assignor: OPTIONS.assignor, consumerRate: OPTIONS.consumerRate, partitionCapacity: OPTIONS.partitionCapacity,
  produceLatency: OPTIONS.produceLatency, model: OPTIONS.model, rebalanceTime: OPTIONS.rebalanceTime, growTo: OPTIONS.growTo, growAt: OPTIONS.growAt,
  scaleConsumers: OPTIONS.scaleConsumers, killConsumer: OPTIONS.killConsumer, sessionTimeout: OPTIONS.sessionTimeout, autoCommitInterval: OPTIONS.autoCommitInterval,
  metadataRefresh: OPTIONS.metadataRefresh, autoOffsetReset: OPTIONS.autoOffsetReset, brokers: OPTIONS.brokers,
  connectTimeout: OPTIONS.connectTimeout, driver: OPTIONS.driver, consumerDriver: OPTIONS.consumerDriver, keepTopic: OPTIONS.keepTopic, replicationFactor: OPTIONS.replicationFactor,
  drainTimeout: OPTIONS.drainTimeout, acks: OPTIONS.acks, idempotent: OPTIONS.idempotent, maxInFlight: OPTIONS.maxInFlight,
  linger: OPTIONS.linger, batchSize: OPTIONS.batchSize, compression: OPTIONS.compression, threads: OPTIONS.threads, deliveryTimeout: OPTIONS.deliveryTimeout,
  workers: OPTIONS.workers, workerTimeout: OPTIONS.workerTimeout, workerPool: OPTIONS.workerPool,
  producerProps: OPTIONS.producerProps, producerConfig: OPTIONS.producerConfig, description: OPTIONS.description,
  quiet: OPTIONS.quiet, html: OPTIONS.html, out: OPTIONS.out, json: OPTIONS.json,
  ...SECURITY_OPTIONS,
} satisfies OptionTable;

/** What every broker-facing command shares. */
export const BROKER_OPTIONS = {
  brokers: OPTIONS.brokers,
  connectTimeout: OPTIONS.connectTimeout,
  driver: OPTIONS.driver,
  json: OPTIONS.json,
  ...SECURITY_OPTIONS,
} satisfies OptionTable;

