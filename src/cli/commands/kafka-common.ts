// What every broker-facing command shares: --brokers / KBENCH_BROKERS, a bounded connect, clean-up.
import type { Admin, Kafka } from 'kafkajs';
import type { Argv } from 'yargs';
import { parseBrokers } from '../../config/brokers.js';
import { parseDuration } from '../../config/units.js';
import { usageError } from '../../errors.js';
import { connectAdmin, createKafka } from '../../engines/kafka/client.js';

export function brokerOptions<T>(y: Argv<T>) {
  return y
    .option('brokers', { type: 'string', describe: 'Kafka bootstrap servers, host:port[,…] (or KBENCH_BROKERS)' })
    .option('connect-timeout', { type: 'string', describe: 'give up reaching the brokers after this long', default: '10s' })
    .option('json', { type: 'boolean', describe: 'print data as JSON', default: false });
}

export interface BrokerArgs {
  brokers?: string;
  connectTimeout: string;
  json: boolean;
}

export interface Connected {
  kafka: Kafka;
  admin: Admin;
  brokers: string[];
  connectTimeoutMs: number;
}

export async function withCluster<T>(args: BrokerArgs, fn: (c: Connected) => Promise<T>): Promise<T> {
  if (!args.brokers) throw usageError('this command needs a broker: --brokers host:port (or KBENCH_BROKERS)');
  const brokers = parseBrokers(args.brokers);
  const connectTimeoutMs = parseDuration(args.connectTimeout, '--connect-timeout');
  const kafka = createKafka({ brokers, connectTimeoutMs });
  const admin = await connectAdmin(kafka, { brokers, connectTimeoutMs });
  try {
    return await fn({ kafka, admin, brokers, connectTimeoutMs });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function positiveInt(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(`${flag} must be an integer ≥ 1 (got ${String(value)})`);
  return n;
}
