// kbench's connection, producer and consumer settings as @platformatic/kafka options, and the
// settings it cannot honour, refused in one line. Type-only imports: this file never loads the library.
import { tlsOptionsOf } from '../tls.js';
import { isIP } from 'node:net';
import type { BaseOptions } from '@platformatic/kafka';
import type { Acks, Compression } from '../../config/producer-settings.js';
import { ERROR_CODES, usageError } from '../../errors.js';
import type { ConnectOptions, DriverCapabilities, DriverConsumerOptions, DriverProducerOptions } from '../driver.js';

/** The library retries a failed request after a fixed delay (no backoff). */
export const RETRY_DELAY_MS = 250;
/** How long a request may wait for its answer (Kafka's request.timeout.ms is 30 s). */
export const REQUEST_TIMEOUT_MS = 30_000;

/** @platformatic/kafka's connection options for `o`: brokers, timeouts, retries, TLS and SASL. */
export function baseOptions(o: ConnectOptions): BaseOptions {
  // A fixed delay between attempts, so the attempt count is what bounds the ride-through; without
  // rideThroughMs, a couple of seconds, as a dead broker must end in an error, not in minutes of retrying.
  const rideMs = o.rideThroughMs ?? 2000;
  const out: BaseOptions = {
    clientId: o.clientId ?? 'kbench',
    bootstrapBrokers: o.brokers,
    connectTimeout: o.connectTimeoutMs,
    timeout: REQUEST_TIMEOUT_MS,
    retries: Math.max(1, Math.ceil(rideMs / RETRY_DELAY_MS)),
    retryDelay: RETRY_DELAY_MS,
    autocreateTopics: false,
  };
  const s = o.security;
  if (s?.tls) {
    out.tls = tlsOptionsOf(s.tls);
    // SNI names the broker to proxies and multi-tenant clusters; the library sets it for every
    // connection or none, and Node refuses an IP address as a server name, so only for names.
    const host = o.brokers[0]?.slice(0, o.brokers[0].lastIndexOf(':')).replace(/^\[|\]$/g, '');
    if (host && isIP(host) === 0) out.tlsServerName = true;
  }
  if (s?.sasl) out.sasl = { mechanism: s.sasl.mechanism, username: s.sasl.username, password: s.sasl.password };
  return out;
}

/** Kafka's acks as the produce request carries them. */
export const ACKS: Record<Acks, number> = { '0': 0, '1': 1, all: -1 };

/** The codecs this Node can use through the library: zstd only where node:zlib has it (Node 22.15+,
 * not Node 20), gzip built in, snappy and lz4 through its optional native packages. */
export function compressionsHere(zlibHasZstd: boolean): Compression[] {
  return zlibHasZstd ? ['none', 'gzip', 'snappy', 'lz4', 'zstd'] : ['none', 'gzip', 'snappy', 'lz4'];
}

/** Refuses, in one line, a connection setting the driver cannot honour. */
export function checkConnect(o: ConnectOptions, caps: DriverCapabilities): void {
  const m = o.security?.sasl?.mechanism;
  if (m && !caps.saslMechanisms.includes(m)) {
    throw usageError(`sasl.mechanism ${m} is not supported by the platformatic driver; use one of ${caps.saslMechanisms.join(', ')}`, ERROR_CODES.badOption);
  }
}

/** Refuses, in one line, producer settings the driver cannot honour. */
export function checkProducer(o: DriverProducerOptions, caps: DriverCapabilities): void {
  if (o.idempotent && o.maxInFlight > caps.maxInFlightIdempotent) {
    throw usageError(`the platformatic driver's idempotent producer loses records with more than ${caps.maxInFlightIdempotent} send in flight (it numbers a request's records only after the previous answer); use --max-in-flight ${caps.maxInFlightIdempotent}, or --driver kafkajs`, ERROR_CODES.badOption);
  }
  if (!Number.isInteger(o.maxInFlight) || o.maxInFlight < 1) throw usageError(`max in flight must be a whole number of at least 1, got ${o.maxInFlight}`, ERROR_CODES.badOption);
}

/** Refuses, in one line, a send the driver cannot make as asked. */
export function checkSend(idempotent: boolean, acks: Acks, compression: Compression, caps: DriverCapabilities): void {
  if (!caps.compressions.includes(compression)) {
    throw usageError(`compression ${compression} is not available to the platformatic driver on Node ${process.versions.node} (it uses node:zlib's zstd, Node 22.15+); use one of ${caps.compressions.join(', ')}, or --driver kafkajs`, ERROR_CODES.badOption);
  }
  if (idempotent && acks !== 'all') throw usageError(`an idempotent producer needs acks=all (got acks=${acks}), as in Kafka's clients`, ERROR_CODES.badOption);
}

/** Refuses, in one line, group settings the driver cannot honour. */
export function checkConsumer(o: DriverConsumerOptions, caps: DriverCapabilities): void {
  if (!caps.groupProtocols.includes(o.protocol)) throw usageError(`group protocol ${o.protocol} is not supported by the platformatic driver; use ${caps.groupProtocols.join(' or ')}`, ERROR_CODES.badOption);
  if (o.protocol === 'classic' && o.assignor && caps.classicAssignors && !caps.classicAssignors.includes(o.assignor.name)) {
    throw usageError(`assignor ${o.assignor.name} needs the cooperative rebalance protocol, which @platformatic/kafka's classic members do not speak (they give up every partition on each rebalance); use --assignor ${caps.classicAssignors.join(', --assignor ')}, or --group-protocol consumer`, ERROR_CODES.badOption);
  }
  if (o.protocol === 'consumer' && o.assignor) {
    throw usageError(`a client-side assignor (${o.assignor.name}) has no effect with the consumer group protocol, where the broker assigns; use --remote-assignor uniform or range instead`, ERROR_CODES.badOption);
  }
}

/** The classic protocol's session, heartbeat and rebalance timeouts as the library wants them: the
 * heartbeat within the session, and the rebalance timeout (how long the coordinator waits for members
 * to rejoin) at least the session, as kafkajs's 60 s default. */
export function classicTimeouts(o: Pick<DriverConsumerOptions, 'sessionTimeoutMs' | 'heartbeatIntervalMs'>): { sessionTimeout: number; heartbeatInterval: number; rebalanceTimeout: number } {
  const sessionTimeout = o.sessionTimeoutMs ?? 45_000;
  const heartbeatInterval = Math.min(o.heartbeatIntervalMs ?? 3000, sessionTimeout);
  return { sessionTimeout, heartbeatInterval, rebalanceTimeout: Math.max(sessionTimeout, 60_000) };
}

/** Kafka's text form of a topic ID (base64url, no padding, as kafka-topics prints it) from the
 * library's dashed hex form; null for the all-zero ID (a broker that has none). */
export function kafkaTopicId(hex: string | null | undefined): string | null {
  const digits = (hex ?? '').replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(digits) || /^0+$/.test(digits)) return null;
  return Buffer.from(digits, 'hex').toString('base64url');
}
