// A kafkajs client for kbench's connection settings: bounded retries (a dead broker ends in an
// error, not in minutes of silent retrying), kafkajs's own logs only with KBENCH_DEBUG, on stderr.
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { ClientSecurity } from '../../config/client-security.js';
import type { ConnectOptions } from '../driver.js';
import { tlsOptionsOf } from '../tls.js';

/** kafkajs retries (connects, metadata, requests) backing off to 1 s, for about `ms` in all. */
function retriesFor(ms: number) {
  return { retries: Math.max(5, Math.ceil(ms / 1000) + 3), initialRetryTime: 100, maxRetryTime: 1000 };
}

/** kafkajs's `ssl` and `sasl` settings for a ClientSecurity. */
export function kafkajsSecurity(s: ClientSecurity | null | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (!s) return {};
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (s.tls) out.ssl = tlsOptionsOf(s.tls);
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
    // A run's clients ride through a restart or a leader election of a few seconds, as Kafka's clients do.
    retry: o.rideThroughMs ? retriesFor(o.rideThroughMs) : { retries: 5, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: process.env.KBENCH_DEBUG ? logLevel.INFO : logLevel.NOTHING,
    logCreator: () => ({ namespace, label, log }) => {
      process.stderr.write(`kafkajs ${label} [${namespace}] ${log.message} ${JSON.stringify({ ...log, message: undefined, timestamp: undefined, logger: undefined })}\n`);
    },
  };
  return new Kafka(config);
}
