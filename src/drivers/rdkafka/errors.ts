// librdkafka's error codes as KafkaClientErrors. Codes above zero are the broker's (Kafka's own error
// codes; librdkafka names a few of them by older names, renamed here to Kafka's current ones); codes
// below zero are librdkafka's own (a broken connection, a timed-out record, TLS, a closed client).
import { KafkaClientError, RETRIABLE_TYPES, type FailureKind } from '../errors.js';

/** librdkafka's name → Kafka's current name, where they differ. */
const KAFKA_NAMES: Record<string, string> = {
  INVALID_MSG: 'CORRUPT_MESSAGE',
  UNKNOWN_TOPIC_OR_PART: 'UNKNOWN_TOPIC_OR_PARTITION',
  INVALID_MSG_SIZE: 'INVALID_FETCH_SIZE',
  NOT_LEADER_FOR_PARTITION: 'NOT_LEADER_OR_FOLLOWER',
  MSG_SIZE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  STALE_CTRL_EPOCH: 'STALE_CONTROLLER_EPOCH',
  TOPIC_EXCEPTION: 'INVALID_TOPIC_EXCEPTION',
};

/** Broker errors Kafka's producer retries besides the ones every client retries (errors.ts). */
const PRODUCER_RETRIABLE = new Set(['NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', 'KAFKA_STORAGE_ERROR', 'CORRUPT_MESSAGE',
  'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH', 'OFFSET_NOT_AVAILABLE']);

/** librdkafka's own errors (negative codes) by name: what kind of failure, and whether Java retries it. */
const LOCAL: Record<string, { kind: FailureKind; retriable: boolean; type?: string }> = {
  _TRANSPORT: { kind: 'connection', retriable: true, type: 'NETWORK_EXCEPTION' },
  _ALL_BROKERS_DOWN: { kind: 'connection', retriable: true },
  _RESOLVE: { kind: 'connection', retriable: true },
  _SSL: { kind: 'tls', retriable: false },
  _AUTHENTICATION: { kind: 'authentication', retriable: false },
  _MSG_TIMED_OUT: { kind: 'timeout', retriable: true },
  _TIMED_OUT: { kind: 'timeout', retriable: true },
  _TIMED_OUT_QUEUE: { kind: 'timeout', retriable: true },
  _UNKNOWN_PARTITION: { kind: 'protocol', retriable: true, type: 'UNKNOWN_TOPIC_OR_PARTITION' },
  _UNKNOWN_TOPIC: { kind: 'protocol', retriable: true, type: 'UNKNOWN_TOPIC_OR_PARTITION' },
  _UNKNOWN_BROKER: { kind: 'unavailable', retriable: true },
  _WAIT_COORD: { kind: 'unavailable', retriable: true },
  _NODE_UPDATE: { kind: 'connection', retriable: true },
};

const WHAT_LOCAL: Record<string, string> = {
  _MSG_TIMED_OUT: 'records were not acknowledged within the delivery timeout',
  _PURGE_QUEUE: 'the producer was closed before the records were sent',
  _PURGE_INFLIGHT: 'the producer was closed before the broker acknowledged the records',
  _DESTROY: 'the producer is closed',
  _FATAL: 'the idempotent producer hit a fatal error and stopped',
  _QUEUE_FULL: "librdkafka's queue is full",
};

/** Kafka's name for a librdkafka error name (broker codes), or undefined for librdkafka's own. */
export const kafkaName = (rdName: string): string | undefined => (rdName.startsWith('_') ? undefined : KAFKA_NAMES[rdName] ?? rdName);

/** A KafkaClientError for librdkafka error `code` (named `name`), saying what failed; `detail` is
 * librdkafka's last error report (a broker's connection failure, say), added when it tells more. */
export function rdkafkaError(code: number, name: string, what: string, detail = ''): KafkaClientError {
  const extra = detail ? `; librdkafka last said: ${detail}` : '';
  const connCode = /Connection refused/i.test(detail) ? 'ECONNREFUSED' : /timed out/i.test(detail) && /Connect/i.test(detail) ? 'ETIMEDOUT' : undefined;
  if (code > 0) {
    const type = kafkaName(name)!;
    return new KafkaClientError({ message: `${what}: the broker answered ${type}`, type, kind: 'protocol', retriable: RETRIABLE_TYPES.has(type) || PRODUCER_RETRIABLE.has(type) }, { rdkafkaCode: code, rdkafkaName: name });
  }
  let local = LOCAL[name] ?? { kind: 'other' as FailureKind, retriable: false };
  // A timeout whose cause librdkafka reported before: TLS or SASL failures do not pass by retrying.
  const cause = /^(_SSL|_AUTHENTICATION|SASL_AUTHENTICATION_FAILED)\b/.exec(detail)?.[1];
  if (cause && local.kind === 'timeout') local = cause === '_SSL' ? LOCAL._SSL : { kind: 'authentication', retriable: false };
  const why = WHAT_LOCAL[name] ?? `librdkafka ${name}`;
  const kind = local.kind === 'timeout' && connCode ? 'connection' : local.kind;
  return new KafkaClientError({ message: `${what}: ${why} (${name})${extra}`, type: local.type, kind, retriable: local.retriable, code: connCode },
    { rdkafkaCode: code, rdkafkaName: name, detail });
}

/** An exception the binding threw (rdkafkaCode and rdkafkaName on it) as a KafkaClientError. */
export function fromThrown(e: unknown, what: string): KafkaClientError {
  const err = e as Error & { rdkafkaCode?: number; rdkafkaName?: string };
  if (typeof err?.rdkafkaCode !== 'number') return new KafkaClientError({ message: `${what}: ${String(err?.message ?? e)}`, kind: 'other', retriable: false }, e);
  const tls = err.rdkafkaName === '_SSL' || /\bssl\b|certificate|PKCS|PEM/i.test(err.message);
  return new KafkaClientError({ message: `${what}: ${err.message}`, kind: tls ? 'tls' : 'other', retriable: false }, e);
}
