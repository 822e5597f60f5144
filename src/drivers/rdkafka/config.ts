// kbench's connection and producer settings as librdkafka configuration (CONFIGURATION.md of
// librdkafka), with Java's meaning kept: batch.size per partition, linger.ms, acks, idempotence with
// up to 5 requests in flight. What librdkafka cannot do as asked is refused in one line.
import type { ClientSecurity } from '../../config/client-security.js';
import type { Acks, Compression } from '../../config/producer-settings.js';
import { ERROR_CODES, usageError } from '../../errors.js';
import type { ConnectOptions, DriverProducerOptions } from '../driver.js';

/** How long a record may wait for its acknowledgement (librdkafka's message.timeout.ms, Java's
 * delivery.timeout.ms) when the run gives no ride-through time. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 30_000;

export const deliveryTimeoutMs = (c: ConnectOptions, o: DriverProducerOptions) => Math.max(c.rideThroughMs ?? DEFAULT_DELIVERY_TIMEOUT_MS, o.lingerMs + 1000);

/** Producer-wide settings, as librdkafka's name/value pairs; the PKCS12 keystore, when there is one,
 * goes to librdkafka from memory (it has no configuration property for a keystore's bytes). */
export function producerConfig(c: ConnectOptions, o: DriverProducerOptions): { pairs: string[]; pkcs12: Buffer | null } {
  if (o.idempotent && o.maxInFlight > 5) throw usageError(`--max-in-flight ${o.maxInFlight} with idempotence: librdkafka, like Kafka's producer, allows at most 5`, ERROR_CODES.badOption);
  const delivery = deliveryTimeoutMs(c, o);
  const conf: Record<string, string> = {
    'bootstrap.servers': c.brokers.join(','),
    'client.id': c.clientId ?? 'kbench',
    'enable.idempotence': String(o.idempotent),
    'max.in.flight.requests.per.connection': String(Math.max(1, o.maxInFlight)),
    'linger.ms': String(o.lingerMs),
    // Java's batch.size: the most bytes of one partition's batch. librdkafka's batch.size is the same
    // (a MessageSet's size); its record-count cap is lifted so the bytes alone decide, as in Java.
    'batch.size': String(Math.max(1, o.batchBytes)),
    'batch.num.messages': '1000000',
    'message.timeout.ms': String(delivery),
    'socket.connection.setup.timeout.ms': String(Math.max(1000, c.connectTimeoutMs)),
    'topic.metadata.refresh.interval.ms': String(Math.max(1000, o.metadataMaxAgeMs)),
    // kbench keeps its own window of sends in flight; librdkafka's queue only needs to hold it.
    'queue.buffering.max.messages': '2000000',
    'queue.buffering.max.kbytes': '2097151',
  };
  // librdkafka's own debug contexts (msg,eos,broker…), printed with KBENCH_RDKAFKA_LOG=1: for diagnosis.
  if (process.env.KBENCH_RDKAFKA_DEBUG) conf.debug = process.env.KBENCH_RDKAFKA_DEBUG;
  // Any librdkafka property, name=value,… (for experiments and tests; kbench's own settings lose).
  for (const pair of (process.env.KBENCH_RDKAFKA_CONFIG ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) conf[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  const pkcs12 = securityConfig(c.security ?? null, conf);
  return { pairs: Object.entries(conf).flat(), pkcs12 };
}

function securityConfig(s: ClientSecurity | null, conf: Record<string, string>): Buffer | null {
  if (!s) return null;
  conf['security.protocol'] = s.protocol.toLowerCase();
  if (s.sasl) {
    conf['sasl.mechanisms'] = s.sasl.mechanism;
    conf['sasl.username'] = s.sasl.username;
    conf['sasl.password'] = s.sasl.password;
  }
  if (!s.tls) return null;
  const t = s.tls;
  // No CA given: the system's trust store, which librdkafka finds by probing the usual paths.
  if (t.ca) conf['ssl.ca.pem'] = t.ca.join('\n');
  else conf['ssl.ca.location'] = 'probe';
  conf['ssl.endpoint.identification.algorithm'] = t.verifyHostname ? 'https' : 'none';
  if (t.passphrase !== null) conf['ssl.key.password'] = t.passphrase;
  if (t.pfx) {
    if (t.cert || t.key) throw usageError('give the client certificate either as PEM or as a PKCS12 keystore, not both', ERROR_CODES.badOption);
    return Buffer.from(t.pfx);
  }
  if (t.cert && t.key) {
    conf['ssl.certificate.pem'] = t.cert;
    conf['ssl.key.pem'] = t.key;
  } else if (t.cert || t.key) {
    throw usageError('the rdkafka driver needs both the client certificate and its private key (PEM)', ERROR_CODES.badOption);
  }
  return null;
}

/** A topic's settings: the request's acks and compression live on librdkafka's topic object. */
export function topicConfig(acks: Acks, compression: Compression): string[] {
  return ['acks', acks === 'all' ? 'all' : acks, 'compression.type', compression];
}
