// Connecting to a real cluster through kafkajs, with bounded waits and one clear error line when
// the brokers cannot be reached. Only 127.0.0.1 / localhost style addresses are special-cased nowhere:
// kbench connects to what the user names.
import { Kafka, logLevel, type Admin, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { ClientSecurity } from '../../config/client-security.js';
import { ERROR_CODES, runError, type ErrorCode } from '../../errors.js';
import { hintFor, kafkaErrorName } from '../../drivers/error-hints.js';

export interface ConnectOptions {
  brokers: string[];
  /** Give up connecting after this long, ms. */
  connectTimeoutMs: number;
  clientId?: string;
  /** TLS and SASL settings; null or absent for a plaintext, unauthenticated connection. */
  security?: ClientSecurity | null;
  /** Retry through broker trouble for about this long (a run's clients); default: a few seconds. */
  rideThroughMs?: number;
}

/** kafkajs retries (connects, metadata, requests) backing off to 1 s, for about `ms` in all. */
function retriesFor(ms: number) {
  return { retries: Math.max(5, Math.ceil(ms / 1000) + 3), initialRetryTime: 100, maxRetryTime: 1000 };
}

/** kafkajs's `ssl` and `sasl` settings for a ClientSecurity. */
export function kafkajsSecurity(s: ClientSecurity | null | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (!s) return {};
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (s.tls) {
    const t = s.tls;
    const ssl: ConnectionOptions = { rejectUnauthorized: true };
    if (t.ca) ssl.ca = t.ca;
    if (t.cert) ssl.cert = t.cert;
    if (t.key) ssl.key = t.key;
    if (t.pfx) ssl.pfx = Buffer.from(t.pfx);
    if (t.passphrase !== null) ssl.passphrase = t.passphrase;
    // ssl.endpoint.identification.algorithm= (empty): the certificate must still be trusted, only its name is not checked.
    if (!t.verifyHostname) ssl.checkServerIdentity = () => undefined;
    out.ssl = ssl;
  }
  if (s.sasl) {
    const { username, password } = s.sasl;
    const mechanism = s.sasl.mechanism.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512';
    out.sasl = { mechanism, username, password } as SASLOptions;
  }
  return out;
}

export function createKafka(o: ConnectOptions): Kafka {
  const config: KafkaConfig = {
    clientId: o.clientId ?? 'kbench',
    brokers: o.brokers,
    ...kafkajsSecurity(o.security),
    authenticationTimeout: Math.min(10_000, o.connectTimeoutMs),
    connectionTimeout: Math.min(3000, o.connectTimeoutMs),
    requestTimeout: 30_000,
    // Bounded retries: a dead broker must end in an error, not in minutes of silent retrying. A run's
    // clients ride through a restart or a leader election of a few seconds, as Kafka's clients do.
    retry: o.rideThroughMs ? retriesFor(o.rideThroughMs) : { retries: 5, initialRetryTime: 200, maxRetryTime: 2000 },
    // kafkajs's own logs only when asked for (KBENCH_DEBUG=1), and on stderr: stdout is for reports.
    logLevel: process.env.KBENCH_DEBUG ? logLevel.INFO : logLevel.NOTHING,
    logCreator: () => ({ namespace, label, log }) => {
      process.stderr.write(`kafkajs ${label} [${namespace}] ${log.message} ${JSON.stringify({ ...log, message: undefined, timestamp: undefined, logger: undefined })}\n`);
    },
  };
  return new Kafka(config);
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

/** Kafka's authorization error codes: an ACL is missing for the operation the caller names. */
const DENIED = /^(TOPIC|GROUP|CLUSTER|TRANSACTIONAL_ID|DELEGATION_TOKEN)_AUTHORIZATION_FAILED$/;

const withHint = (type: string) => {
  const hint = hintFor(type);
  return hint ? `: ${hint}` : '';
};

/** One line for a failure: Kafka's error name and what to do when the broker sent one. */
export function describeError(e: unknown): string {
  // kafkajs gathers per-topic failures (createTopics, deleteTopics) in one error; its message
  // ("Topic creation errors") says nothing, its entries do.
  const entries = (e as { errors?: { type?: string; message?: string }[] } | null)?.errors;
  const types = Array.isArray(entries) ? [...new Set(entries.map((x) => x?.type).filter((t): t is string => typeof t === 'string'))] : [];
  const type = kafkaErrorName(e) ?? types[0];
  if (type && DENIED.test(type)) {
    const what = type.split('_AUTHORIZATION_FAILED')[0].toLowerCase().replace(/_/g, ' ');
    return `not authorized (${type}): the user has no ACL allowing this operation on the ${what}; ask the cluster's admin for one (kafka-acls --add --allow-principal User:… --operation … --${what === 'cluster' ? 'cluster' : what})`;
  }
  if (e instanceof Error && e.name === 'KafkaJSSASLAuthenticationError') return `authentication failed (${e.message.split(': ').pop()}); check the username and password, and that the user exists for this mechanism`;
  if (types.length) return `${(e as Error).message}: ${types.join(', ')}${withHint(types[0])}`;
  if (type && e instanceof Error) return `${e.message} (${type})${withHint(type)}`;
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const inner = cause instanceof Error ? `: ${cause.message}` : '';
    return `${e.message}${inner}`;
  }
  return String(e);
}

/** What a failed connection's first broker says to a TLS handshake, in one line a user can act on;
 * null when the probe finds nothing to say (the broker is simply not there, say). kafkajs retries
 * these failures as if they were passing trouble, so without this they end as a timeout. */
export async function diagnoseConnection(o: ConnectOptions): Promise<string | null> {
  const address = o.brokers[0];
  const sep = address.lastIndexOf(':');
  const host = address.slice(0, sep);
  const port = Number(address.slice(sep + 1));
  const want = o.security?.tls ?? null;
  const tlsOptions: ConnectionOptions = { host, port, rejectUnauthorized: want !== null, ...(isIP(host) ? {} : { servername: host }) };
  if (want) Object.assign(tlsOptions, kafkajsSecurity(o.security).ssl as ConnectionOptions);
  const outcome = await new Promise<{ ok: boolean; code?: string; message?: string }>((resolve) => {
    const socket = tlsConnect(tlsOptions);
    const done = (r: { ok: boolean; code?: string; message?: string }) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, code: 'TIMEOUT' }), Math.min(3000, o.connectTimeoutMs));
    // TLS 1.3 servers judge the client's certificate after the client's side of the handshake is
    // done: wait a moment for a refusal before calling the handshake good.
    socket.once('secureConnect', () => setTimeout(() => done({ ok: true }), 300));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, code: err.code, message: err.message }));
  });
  const code = outcome.code ?? '';
  if (!want) return outcome.ok ? `${address} is a TLS listener but security.protocol is ${o.security?.protocol ?? 'PLAINTEXT'}: use SSL or SASL_SSL (with ssl.truststore.location for its CA)` : null;
  if (outcome.ok || code === 'TIMEOUT' || code === 'ECONNREFUSED') return null;
  if (/UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|SELF_SIGNED|DEPTH_ZERO|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE/.test(code)) {
    return `the certificate of ${address} is not trusted (${code}): set ssl.truststore.location to the CA that signed it`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the certificate of ${address} does not name ${host} (hostname verification): connect by a name or address it carries, or set ssl.endpoint.identification.algorithm= (empty) to skip the check`;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return `the certificate of ${address} is not valid now (${code})`;
  if (code === 'ECONNRESET') {
    return `${address} closed the connection during the TLS handshake: it looks like a PLAINTEXT or SASL_PLAINTEXT listener, but security.protocol is ${o.security?.protocol}`;
  }
  if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE)/.test(code)) {
    return `${address} refused the TLS handshake (${code}): it wants a client certificate it trusts (ssl.keystore.location), or does not accept this one`;
  }
  if (code === 'EPROTO' || /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|RECORD_LAYER/.test(code) || /wrong version number/.test(outcome.message ?? '')) {
    return `${address} does not speak TLS (its listener is PLAINTEXT or SASL_PLAINTEXT) but security.protocol is ${o.security?.protocol}: use PLAINTEXT or SASL_PLAINTEXT for it`;
  }
  return `the TLS handshake with ${address} failed: ${code || outcome.message}`;
}

/** A connected admin client, or a run error naming the brokers within the connect timeout. */
export async function connectAdmin(kafka: Kafka, o: ConnectOptions): Promise<Admin> {
  const admin = kafka.admin();
  try {
    await withTimeout(
      (async () => {
        await admin.connect();
        await admin.describeCluster(); // connect() alone can succeed lazily; make one real round trip
      })(),
      o.connectTimeoutMs,
      `cannot reach Kafka at ${o.brokers.join(',')} within ${o.connectTimeoutMs / 1000} s; is a broker running there? (npm run kafka:start starts one on 127.0.0.1:9092)`,
      ERROR_CODES.unreachable,
    );
    return admin;
  } catch (e) {
    await admin.disconnect().catch(() => undefined);
    if (e instanceof Error && e.name === 'KafkaJSSASLAuthenticationError') {
      throw runError(`cannot log in to Kafka at ${o.brokers.join(',')} as ${o.security?.sasl?.username ?? '?'} with ${o.security?.sasl?.mechanism ?? 'SASL'}: ${describeError(e)}`, e, ERROR_CODES.unreachable);
    }
    const diagnosis = await diagnoseConnection(o).catch(() => null);
    if (diagnosis) throw runError(`cannot connect to Kafka: ${diagnosis}`, e, ERROR_CODES.unreachable);
    if (e instanceof Error && e.name === 'KbenchError') throw e;
    throw runError(`cannot reach Kafka at ${o.brokers.join(',')}: ${describeError(e)}`, e, ERROR_CODES.unreachable);
  }
}

/** Kafka error codes a client retries: the cluster is still getting ready (a coordinator loading, a
 * leader not yet elected, metadata not yet propagated) or briefly unreachable. */
const RETRIABLE_TYPES = new Set(['LEADER_NOT_AVAILABLE', 'UNKNOWN_TOPIC_OR_PARTITION', 'NOT_LEADER_OR_FOLLOWER',
  'COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'REQUEST_TIMED_OUT', 'NOT_CONTROLLER', 'NETWORK_EXCEPTION']);

/** Connection failures that do not go away by retrying: TLS trust, names and protocol mismatches. */
const PERMANENT_CONNECTION_CODES = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|EPROTO|ECONNRESET_TLS)/;

/** Whether Kafka's clients would retry this error: judged on its original cause, as kafkajs does. */
export function isRetriable(e: unknown): boolean {
  let err = e as { retriable?: boolean; type?: string; name?: string; code?: string; cause?: unknown } | null | undefined;
  while (err?.cause) err = err.cause as typeof err;
  if (!err) return false;
  if (err.name === 'KafkaJSSASLAuthenticationError') return false;
  const type = kafkaErrorName(err);
  if (type && RETRIABLE_TYPES.has(type)) return true;
  if (err.name === 'KafkaJSConnectionError' || err.name === 'KafkaJSConnectionClosedError' || err.name === 'KafkaJSRequestTimeoutError' || err.name === 'KafkaJSBrokerNotFound') {
    return !(err.code && PERMANENT_CONNECTION_CODES.test(err.code));
  }
  return err.retriable === true;
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

/** Waits until `topic` has `partitions` partitions, each with a leader: kafkajs's own waitForLeaders
 * retries only LEADER_NOT_AVAILABLE, and a broker that has just created a topic may still answer
 * UNKNOWN_TOPIC_OR_PARTITION for it (seen on a freshly formatted broker). */
export async function awaitLeaders(admin: Admin, topic: string, partitions: number, deadline: number): Promise<void> {
  await retrying(async () => {
    const parts = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions ?? [];
    if (parts.length < partitions || parts.some((p) => p.leader < 0)) throw Object.assign(new Error(`${topic} has partitions without a leader`), { type: 'LEADER_NOT_AVAILABLE' });
  }, deadline);
}

/** kbench's live consumers heartbeat every 500 ms, so members learn of a rebalance (a join, new
 * partitions) within half a second; kafkajs wants heartbeats shorter than the session, so a session
 * under 1.5 s gets a third of it. Calibration measures the rebalance round with the same value. */
export const consumerHeartbeatMs = (sessionTimeoutMs: number): number => Math.max(1, Math.min(500, Math.floor(sessionTimeoutMs / 3)));
