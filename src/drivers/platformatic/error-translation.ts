// @platformatic/kafka's errors as KafkaClientError (../errors.ts). Its errors are plain objects with a
// `code` (PLT_KFK_*), nested through `errors` (MultipleErrors: one entry per retry or per partition)
// and `cause` (a NetworkError around the socket's or the SASL exchange's error). Kafka's own name for
// a broker error code is `apiId`, and `canRetry` is the protocol guide's "retriable" column, which is
// Kafka's own judgement (RetriableException), so both are taken as they are.
// Read by shape, not by class, so that this file (and its unit test) never loads the library.
import { KafkaClientError, PERMANENT_CONNECTION_CODES, type FailureKind } from '../errors.js';
import { currentKafkaName } from '../error-hints.js';

interface LibError {
  message?: string;
  code?: string;
  apiId?: string;
  canRetry?: boolean;
  errors?: unknown[];
  cause?: unknown;
  response?: unknown;
  path?: string;
  constructor?: { name?: string };
}

const asLib = (e: unknown): LibError | null => (e !== null && typeof e === 'object' ? (e as LibError) : null);

/** Every error in the tree under `e`, depth first, `e` first. */
function walk(e: unknown, out: LibError[] = [], depth = 0): LibError[] {
  const err = asLib(e);
  if (!err || depth > 8) return out;
  out.push(err);
  if (Array.isArray(err.errors)) for (const x of err.errors) walk(x, out, depth + 1);
  if (err.cause) walk(err.cause, out, depth + 1);
  return out;
}

/** The errno-style code of the socket or TLS error under a NetworkError. */
function socketCode(all: LibError[]): string | undefined {
  for (const err of all) if (typeof err.code === 'string' && !err.code.startsWith('PLT_KFK_')) return err.code;
  return undefined;
}

/** The message of the deepest error that says something about the socket (`connect ECONNREFUSED …`). */
function socketMessage(all: LibError[]): string | undefined {
  for (let i = all.length - 1; i >= 0; i--) {
    const err = all[i];
    if (typeof err.code === 'string' && !err.code.startsWith('PLT_KFK_') && err.message) return err.message;
  }
  return undefined;
}

/** `what` names the operation (`producing to t`), for the message; it must hold no secret. */
export function translateError(e: unknown, what?: string): Error {
  if (e instanceof KafkaClientError) return e;
  if (e instanceof Error && e.name === 'KbenchError') return e;
  const all = walk(e);
  const top = all[0];
  const prefix = what ? `${what}: ` : '';
  if (!top) return new KafkaClientError({ message: `${prefix}${String(e)}`, kind: 'other', retriable: false }, e);

  const protocol = all.filter((x) => x.code === 'PLT_KFK_PROTOCOL' && typeof x.apiId === 'string');
  const auth = all.find((x) => x.code === 'PLT_KFK_AUTHENTICATION');
  // A SASL handshake refused for its mechanism is an AuthenticationError around UNSUPPORTED_SASL_MECHANISM:
  // the broker's code says more than "authentication failed".
  const saslFailed = protocol.find((x) => x.apiId === 'SASL_AUTHENTICATION_FAILED');
  if (auth && (saslFailed || protocol.length === 0)) {
    // The broker's own sentence (invalid credentials with SASL mechanism …) rides on the response.
    const said = all.map((x) => (x.response as { errorMessage?: unknown } | undefined)?.errorMessage).find((m): m is string => typeof m === 'string' && m !== '');
    const detail = said ?? saslFailed?.message ?? auth.message ?? 'SASL authentication failed';
    return new KafkaClientError({ message: `${prefix}${detail}`, type: 'SASL_AUTHENTICATION_FAILED', kind: 'authentication', retriable: false }, e);
  }
  if (protocol.length) {
    // The last retry's answer is the one that counts (MultipleErrors lists attempts in order).
    const last = protocol[protocol.length - 1];
    const names = [...new Set(protocol.map((x) => currentKafkaName(x.apiId!)))];
    const type = currentKafkaName(last.apiId!);
    const errors = names.length > 1 ? protocol.map((x) => ({ type: currentKafkaName(x.apiId!), message: x.message ?? x.apiId! })) : undefined;
    return new KafkaClientError({ message: `${prefix}${last.message ?? type}`, type, kind: 'protocol', retriable: last.canRetry === true, errors }, e);
  }
  const code = socketCode(all);
  const timedOut = all.some((x) => x.constructor?.name === 'TimeoutError' || /timed? ?out/i.test(x.message ?? ''));
  const network = all.some((x) => x.code === 'PLT_KFK_NETWORK');
  if (network || code) {
    let kind: FailureKind = 'connection';
    let retriable = true;
    if (code && PERMANENT_CONNECTION_CODES.test(code)) {
      kind = 'tls';
      retriable = false;
    } else if (timedOut) kind = 'timeout';
    const inner = socketMessage(all);
    const outer = all.find((x) => x.code === 'PLT_KFK_NETWORK')?.message ?? top.message ?? 'connection failed';
    const message = inner && inner !== outer ? `${outer} ${inner}` : outer;
    // The library marks a client it closed itself with a NetworkError too: that is not passing trouble.
    if (/Client is closed/.test(message)) retriable = false;
    return new KafkaClientError({ message: `${prefix}${message}`, kind, retriable, code }, e);
  }
  return new KafkaClientError({ message: `${prefix}${top.message ?? String(e)}`, kind: 'other', retriable: false }, e);
}

/** The parsed answer the library rejected as a whole for one entry's error code (createTopics, a
 * fetch, a produce): the last one when it retried, as that is the answer that stands. */
export function responseOf(e: unknown): unknown {
  let last: unknown;
  for (const err of walk(e)) if (err.code === 'PLT_KFK_RESPONSE' && err.response) last = err.response;
  return last;
}
