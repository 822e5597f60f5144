// kafkajs's errors as KafkaClientErrors. kafkajs names the broker's error code in `type` (with the
// pre-rename names of 2.2.4), flags what it would retry in `retriable`, and wraps the last failure of
// its retries (KafkaJSNumberOfRetriesExceeded) around the original in `cause`; Kafka's clients judge
// a failure on that original, so kbench does too.
import { currentKafkaName } from '../error-hints.js';
import { KafkaClientError, PERMANENT_CONNECTION_CODES, RETRIABLE_TYPES, type FailureKind } from '../errors.js';

interface KafkajsError {
  name?: string;
  message?: string;
  type?: unknown;
  retriable?: boolean;
  code?: string;
  cause?: unknown;
  errors?: { type?: unknown; message?: string }[];
  /** KafkaJSDeleteGroupsError: each group's own failure. */
  groups?: { groupId?: string; error?: { type?: unknown; message?: string } }[];
}

const CONNECTION = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError']);

const nameOf = (type: unknown): string | undefined => (typeof type === 'string' && type !== 'UNKNOWN' ? currentKafkaName(type) : undefined);

export function fromKafkajs(e: unknown): unknown {
  if (e instanceof KafkaClientError || !(e instanceof Error) || !e.name.startsWith('KafkaJS')) return e;
  const outer = e as KafkajsError;
  let inner: KafkajsError = outer;
  while (inner.cause && typeof inner.cause === 'object') inner = inner.cause as KafkajsError;
  const type = nameOf(outer.type) ?? nameOf(inner.type);
  const gathered = Array.isArray(outer.errors) ? outer.errors : Array.isArray(outer.groups) ? outer.groups.map((g) => g?.error).filter((x) => x) : undefined;
  const entries = gathered?.map((x) => ({ type: nameOf(x?.type), message: String(x?.message ?? '') }));
  const permanent = inner.code !== undefined && PERMANENT_CONNECTION_CODES.test(inner.code);
  let kind: FailureKind = 'other';
  let retriable = inner.retriable === true;
  if (inner.name === 'KafkaJSSASLAuthenticationError') {
    kind = 'authentication';
    retriable = false;
  } else if (type) {
    kind = 'protocol';
    retriable = RETRIABLE_TYPES.has(type) || retriable;
  } else if (CONNECTION.has(inner.name ?? '')) {
    kind = permanent ? 'tls' : 'connection';
    retriable = !permanent;
  } else if (inner.name === 'KafkaJSRequestTimeoutError') {
    kind = 'timeout';
    retriable = true;
  } else if (inner.name === 'KafkaJSBrokerNotFound') {
    kind = 'unavailable';
    retriable = true;
  }
  return new KafkaClientError({ message: e.message, type, kind, retriable, errors: entries, code: inner.code }, e);
}

/** `p`, with a kafkajs rejection translated. */
export const translated = <T>(p: Promise<T>): Promise<T> => p.catch((e: unknown) => Promise.reject(fromKafkajs(e)));
