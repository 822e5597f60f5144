// Raw options (flags, with KBENCH_* env already folded in by the CLI) → a frozen, validated RunSpec.
// Every problem found is reported in one line each; the first one stops the run.
import { existsSync, statSync } from 'node:fs';
import { ASSIGNOR_NAMES, isAssignorName } from '../groups/assignors.js';
import { CLIENT_NAMES, isClientName, type ClientName } from '../partitioners/profiles.js';
import { usageError } from '../errors.js';
import { parseBrokers } from './brokers.js';
import { KEY_KINDS, type KeySpec, type RunSpec, type UserDistribution } from './run-spec.js';
import { parseCount, parseDuration, parseRunPoint, parseSize } from './units.js';

export interface RawRunOptions {
  key?: string;
  partitions?: number | string;
  partition?: number | string;
  users?: number | string;
  userDist?: string;
  countryDist?: string;
  devices?: number | string;
  fileOrder?: string;
  rate?: number | string;
  duration?: string | number;
  messages?: number | string;
  producers?: number | string;
  client?: string;
  recordSize?: number | string;
  seed?: number | string;
  consumers?: number | string;
  assignor?: string;
  consumerRate?: number | string;
  partitionCapacity?: number | string;
  produceLatency?: string | number;
  rebalanceTime?: string | number;
  growTo?: number | string;
  growAt?: string | number;
  metadataRefresh?: string | number;
  autoOffsetReset?: string;
  brokers?: string;
  connectTimeout?: string | number;
  keepTopic?: boolean;
  replicationFactor?: number | string;
  drainTimeout?: string | number;
}

export const DEFAULTS = {
  key: 'user_id',
  partitions: 12,
  users: 100_000,
  userDist: 'zipf:0.8',
  countryDist: 'weighted',
  devices: 10_000,
  fileOrder: 'replay',
  rate: 10_000,
  duration: '60s',
  producers: 1,
  client: 'java',
  seed: 1,
  consumers: 3,
  assignor: 'range',
  consumerRate: 5_000,
  partitionCapacity: 50_000,
  produceLatency: '2ms',
  rebalanceTime: '1s',
  growAt: '50%',
  autoOffsetReset: 'latest',
  connectTimeout: '10s',
  replicationFactor: 1,
  drainTimeout: '15s',
} as const;

function integer(value: number | string, flag: string, min: number): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < min) throw usageError(`${flag} must be an integer ≥ ${min} (got ${value})`);
  return n;
}

export function parseKeySpec(raw: string): KeySpec {
  const text = raw.trim();
  if (text.startsWith('fixed:')) {
    const value = text.slice('fixed:'.length);
    if (value === '') throw usageError('--key fixed: needs a value, e.g. --key fixed:tenant-42');
    return { kind: 'fixed', value };
  }
  if (text.startsWith('file:')) {
    const path = text.slice('file:'.length);
    if (path === '') throw usageError('--key file: needs a path, e.g. --key file:keys.txt');
    if (!existsSync(path)) throw usageError(`key file not found: ${path} (give a readable file with one key per line)`);
    if (!statSync(path).isFile()) throw usageError(`key file is not a regular file: ${path}`);
    return { kind: 'file', path };
  }
  if ((KEY_KINDS as readonly string[]).includes(text) && text !== 'fixed' && text !== 'file') return { kind: text as KeySpec['kind'] };
  throw usageError(`unknown key kind "${raw}"; use one of user_id, country, none, device_id, order_id, fixed:<value>, file:<path>`);
}

export function parseUserDist(raw: string): UserDistribution {
  if (raw === 'uniform') return { kind: 'uniform' };
  const m = /^zipf(?::(\d+(?:\.\d+)?))?$/.exec(raw);
  if (m) {
    const s = m[1] === undefined ? 0.8 : Number(m[1]);
    if (!(s > 0 && s <= 5)) throw usageError(`--user-dist zipf exponent must be in (0, 5] (got ${m[1]})`);
    return { kind: 'zipf', s };
  }
  throw usageError(`unknown --user-dist "${raw}"; use uniform or zipf:<s>, e.g. zipf:0.8`);
}

/** "3" (all of --client) or "java:2,librdkafka:1" → one client name per producer. */
export function parseProducers(raw: number | string, client: ClientName): ClientName[] {
  const text = String(raw).trim();
  if (/^\d+$/.test(text)) return Array.from({ length: integer(text, '--producers', 1) }, () => client);
  const out: ClientName[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*([a-z-]+)(?::(\d+))?\s*$/.exec(part);
    if (!m) throw usageError(`--producers entry "${part}" is not <client>[:<count>]; e.g. --producers java:2,librdkafka:1`);
    if (!isClientName(m[1])) throw usageError(`unknown client "${m[1]}" in --producers; use one of ${CLIENT_NAMES.join(', ')}`);
    const count = m[2] === undefined ? 1 : integer(m[2], `--producers ${m[1]}`, 1);
    for (let i = 0; i < count; i++) out.push(m[1]);
  }
  if (out.length === 0) throw usageError('--producers must name at least one producer');
  if (out.length > 1000) throw usageError(`--producers asks for ${out.length} producers; at most 1000 are supported`);
  return out;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw usageError(`unknown ${flag} "${value}"; use one of ${allowed.join(', ')}`);
}

export function resolveRunSpec(raw: RawRunOptions): Readonly<RunSpec> {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) } as RawRunOptions & typeof DEFAULTS;

  const keySpec = parseKeySpec(String(o.key));
  const partitions = integer(o.partitions, '--partitions', 1);
  if (partitions > 100_000) throw usageError(`--partitions ${partitions} is above the 100000 kbench supports`);
  const clientRaw = String(o.client);
  if (!isClientName(clientRaw)) throw usageError(`unknown client "${clientRaw}"; use one of ${CLIENT_NAMES.join(', ')}`);
  const producerClients = parseProducers(o.producers, clientRaw);
  const client = raw.producers !== undefined && !/^\s*\d+\s*$/.test(String(raw.producers)) ? producerClients[0] : clientRaw;

  const brokers = o.brokers === undefined || String(o.brokers).trim() === '' ? null : parseBrokers(String(o.brokers));
  const maxRate = String(o.rate).trim() === 'max';
  if (maxRate && brokers === null) {
    throw usageError('--rate max needs a live broker (--brokers); the simulator needs a finite rate such as --rate 50000');
  }
  const rate = maxRate ? 0 : parseCount(o.rate, '--rate');
  if (rate > 10_000_000) throw usageError(`--rate ${rate} records/s is above the 10M records/s kbench supports`);

  let durationMs = parseDuration(o.duration, '--duration');
  let messages: number;
  if (o.messages !== undefined) {
    messages = integer(parseCount(o.messages, '--messages'), '--messages', 1);
    if (raw.duration === undefined) durationMs = maxRate ? 24 * 3_600_000 : (messages / rate) * 1000;
    else if (!maxRate) messages = Math.min(messages, Math.floor((rate * durationMs) / 1000));
  } else {
    messages = maxRate ? 0 : Math.floor((rate * durationMs) / 1000);
  }
  if (durationMs <= 0 || (!maxRate && messages < 1)) throw usageError(`the run would send no records (rate ${rate}/s for ${durationMs} ms); raise --duration or --rate`);
  if (maxRate && o.growTo !== undefined && raw.duration === undefined) {
    throw usageError('--grow-to with --rate max needs --duration (growth happens at a point in the run\'s time)');
  }

  const explicitPartition = o.partition === undefined ? null : integer(o.partition, '--partition', 0);
  if (explicitPartition !== null && explicitPartition >= partitions) {
    throw usageError(`--partition ${explicitPartition} does not exist on a ${partitions}-partition topic; use 0..${partitions - 1}`);
  }

  const growTo = o.growTo === undefined ? null : integer(o.growTo, '--grow-to', 1);
  if (growTo !== null && growTo <= partitions) {
    throw usageError(`--grow-to ${growTo} must be above --partitions ${partitions}; Kafka can only add partitions`);
  }
  const growAtMs = growTo === null ? null : parseRunPoint(o.growAt, durationMs, '--grow-at');
  if (growAtMs !== null && (growAtMs <= 0 || growAtMs >= durationMs)) {
    throw usageError(`--grow-at ${o.growAt} must fall inside the run (0 < t < ${durationMs} ms)`);
  }

  const assignor = String(o.assignor);
  if (!isAssignorName(assignor)) throw usageError(`unknown assignor "${assignor}"; use one of ${ASSIGNOR_NAMES.join(', ')}`);

  const users = integer(parseCount(o.users, '--users'), '--users', 1);
  if (users > 10_000_000) throw usageError(`--users ${users} is above the 10000000 kbench supports`);

  const spec: RunSpec = {
    key: String(o.key),
    keySpec,
    users,
    userDist: parseUserDist(String(o.userDist)),
    countryDist: oneOf(String(o.countryDist), ['weighted', 'uniform'] as const, '--country-dist'),
    devices: integer(parseCount(o.devices, '--devices'), '--devices', 1),
    fileOrder: oneOf(String(o.fileOrder), ['replay', 'sample'] as const, '--file-order'),
    explicitPartition,
    partitions,
    client,
    producers: producerClients.length,
    producerClients,
    rate,
    durationMs,
    messages,
    recordSize: o.recordSize === undefined ? null : parseSize(o.recordSize, '--record-size'),
    seed: integer(o.seed, '--seed', 0),
    consumers: integer(o.consumers, '--consumers', 1),
    assignor,
    consumerRate: parseCount(o.consumerRate, '--consumer-rate'),
    partitionCapacity: parseCount(o.partitionCapacity, '--partition-capacity'),
    produceLatencyMs: parseDuration(o.produceLatency, '--produce-latency'),
    rebalanceMs: parseDuration(o.rebalanceTime, '--rebalance-time'),
    growTo,
    growAtMs,
    metadataRefreshMs: o.metadataRefresh === undefined ? null : parseDuration(o.metadataRefresh, '--metadata-refresh'),
    autoOffsetReset: oneOf(String(o.autoOffsetReset), ['latest', 'earliest'] as const, '--auto-offset-reset'),
    brokers,
    maxRate,
    connectTimeoutMs: parseDuration(o.connectTimeout, '--connect-timeout'),
    keepTopic: Boolean(o.keepTopic),
    replicationFactor: integer(o.replicationFactor, '--replication-factor', 1),
    drainTimeoutMs: parseDuration(o.drainTimeout, '--drain-timeout'),
  };
  if (brokers !== null && spec.assignor === 'cooperative-sticky') {
    throw usageError('--assignor cooperative-sticky needs the cooperative rebalance protocol, which kafkajs lacks; use it with the simulator, or range, roundrobin or kafkajs against a broker');
  }
  if (spec.connectTimeoutMs < 100) throw usageError(`--connect-timeout must be at least 100ms (got ${o.connectTimeout})`);
  if (spec.consumers > 1000) throw usageError(`--consumers ${spec.consumers} is above the 1000 kbench supports`);
  return Object.freeze(spec);
}
