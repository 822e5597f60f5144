// Kafka client failures as one type, whichever library raised them. Each driver translates its
// library's errors into a KafkaClientError at the seam (the library's own error stays as `cause`), so
// retrying, the one-line messages and the hints are written once, here, for every driver.
import { ERROR_CODES, runError, type ErrorCode } from '../errors.js';
import { hintFor } from './error-hints.js';

export type FailureKind =
  /** The broker answered with a Kafka error code (`type` names it). */
  | 'protocol'
  /** SASL authentication was refused (wrong password, unknown user). */
  | 'authentication'
  /** A connection could not be made or broke (refused, reset, closed). */
  | 'connection'
  /** TLS trust, certificate names or a protocol mismatch: retrying does not help. */
  | 'tls'
  /** A request got no answer in time. */
  | 'timeout'
  /** No broker known for a partition or group yet. */
  | 'unavailable'
  | 'other';

export interface KafkaFailure {
  message: string;
  /** Kafka's current name for the broker's error code (NOT_LEADER_OR_FOLLOWER), when there is one. */
  type?: string;
  kind: FailureKind;
  /** Whether Kafka's own clients retry it. */
  retriable: boolean;
  /** Per-topic or per-partition failures gathered in one (createTopics, deleteTopics). */
  errors?: { type?: string; message: string }[];
  /** An errno-style code of a connection failure (ECONNREFUSED, ERR_TLS_CERT_ALTNAME_INVALID). */
  code?: string;
}

export class KafkaClientError extends Error implements KafkaFailure {
  readonly type?: string;
  readonly kind: FailureKind;
  readonly retriable: boolean;
  readonly errors?: { type?: string; message: string }[];
  readonly code?: string;

  constructor(f: KafkaFailure, cause?: unknown) {
    super(f.message, { cause });
    this.name = 'KafkaClientError';
    this.type = f.type;
    this.kind = f.kind;
    this.retriable = f.retriable;
    this.errors = f.errors;
    this.code = f.code;
  }
}

export const isKafkaClientError = (e: unknown): e is KafkaClientError => e instanceof KafkaClientError;

/** Kafka error names its clients retry: the cluster is still getting ready (a coordinator loading, a
 * leader not yet elected, metadata not yet propagated) or briefly unreachable. */
export const RETRIABLE_TYPES: ReadonlySet<string> = new Set(['LEADER_NOT_AVAILABLE', 'UNKNOWN_TOPIC_OR_PARTITION', 'NOT_LEADER_OR_FOLLOWER',
  'COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'REQUEST_TIMED_OUT', 'NOT_CONTROLLER', 'NETWORK_EXCEPTION']);

/** Connection failures that do not go away by retrying: TLS trust, names and protocol mismatches. */
export const PERMANENT_CONNECTION_CODES = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|EPROTO|ECONNRESET_TLS)/;

/** The innermost KafkaClientError in a chain of causes, or the error itself. */
function innermost(e: unknown): unknown {
  let err = e;
  while (err instanceof Error && err.cause instanceof KafkaClientError) err = err.cause;
  return err;
}

/** Whether Kafka's clients would retry this failure. */
export function isRetriable(e: unknown): boolean {
  const err = innermost(e);
  return err instanceof KafkaClientError ? err.retriable : false;
}

/** Kafka's name for the error the broker sent, when it sent one. */
export function kafkaErrorName(e: unknown): string | undefined {
  const err = innermost(e);
  return err instanceof KafkaClientError ? err.type : undefined;
}

/** Kafka's authorization error codes: an ACL is missing for the operation the caller names. */
const DENIED = /^(TOPIC|GROUP|CLUSTER|TRANSACTIONAL_ID|DELEGATION_TOKEN)_AUTHORIZATION_FAILED$/;

const withHint = (type: string | undefined) => {
  const hint = type ? hintFor(type) : undefined;
  return hint ? `: ${hint}` : '';
};

/** One line for a failure: Kafka's error name and what to do when the broker sent one. */
export function describeError(e: unknown): string {
  const err = innermost(e);
  if (!(err instanceof KafkaClientError)) {
    if (err instanceof Error) {
      const cause = err.cause;
      return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
    }
    return String(err);
  }
  const types = [...new Set((err.errors ?? []).map((x) => x.type).filter((t): t is string => typeof t === 'string'))];
  const type = err.type ?? types[0];
  if (type && DENIED.test(type)) {
    const what = type.split('_AUTHORIZATION_FAILED')[0].toLowerCase().replace(/_/g, ' ');
    return `not authorized (${type}): the user has no ACL allowing this operation on the ${what}; ask the cluster's admin for one (kafka-acls --add --allow-principal User:… --operation … --${what === 'cluster' ? 'cluster' : what})`;
  }
  if (err.kind === 'authentication') return `authentication failed (${err.message.split(': ').pop()}); check the username and password, and that the user exists for this mechanism`;
  if (types.length && !err.type) return `${err.message}: ${types.join(', ')}${withHint(types[0])}`;
  if (type) return `${err.message} (${type})${withHint(type)}`;
  return err.message;
}

/** Rejects with `message` after `ms` unless the promise settles first. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string, code: ErrorCode = ERROR_CODES.runFailed): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(runError(message, undefined, code)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `attempt` until it succeeds, retrying retriable Kafka errors (as Kafka's clients do) until
 * `deadline` (ms since the epoch); anything else, or the last retriable error, is thrown. */
export async function retrying<T>(attempt: () => Promise<T>, deadline: number): Promise<T> {
  let pause = 100;
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      if (!isRetriable(e) || Date.now() + pause > deadline) throw e;
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 1000);
    }
  }
}
