// Connecting to a real cluster through kafkajs, with bounded waits and one clear error line when
// the brokers cannot be reached. Only 127.0.0.1 / localhost style addresses are special-cased nowhere:
// kbench connects to what the user names.
import { Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';
import { ERROR_CODES, runError, type ErrorCode } from '../../errors.js';

export interface ConnectOptions {
  brokers: string[];
  /** Give up connecting after this long, ms. */
  connectTimeoutMs: number;
  clientId?: string;
}

export function createKafka(o: ConnectOptions): Kafka {
  const config: KafkaConfig = {
    clientId: o.clientId ?? 'kbench',
    brokers: o.brokers,
    connectionTimeout: Math.min(3000, o.connectTimeoutMs),
    requestTimeout: 30_000,
    // Bounded retries: a dead broker must end in an error, not in minutes of silent retrying.
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2000 },
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

export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const inner = cause instanceof Error ? `: ${cause.message}` : '';
    return `${e.message}${inner}`;
  }
  return String(e);
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
    if (e instanceof Error && e.name === 'KbenchError') throw e;
    throw runError(`cannot reach Kafka at ${o.brokers.join(',')}: ${describeError(e)}`, e, ERROR_CODES.unreachable);
  }
}
