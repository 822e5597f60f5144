// The first contact with a cluster, the same for every driver: one real round trip within the
// connect timeout, or one line naming the brokers and, where a TLS handshake of kbench's own can
// tell, what is wrong with the connection (diagnose.ts).
import { ERROR_CODES, runError } from '../errors.js';
import { diagnoseConnection } from './diagnose.js';
import type { ConnectOptions } from './driver.js';
import { describeError, isKafkaClientError, withTimeout } from './errors.js';

/** Resolves to what `open` made once it has had one answer from the cluster; on failure `abandon`
 * releases what `open` started and the error says why in one line. */
export async function reachCluster<T>(o: ConnectOptions, open: () => Promise<T>, abandon: () => Promise<void>): Promise<T> {
  try {
    return await withTimeout(
      open(),
      o.connectTimeoutMs,
      `cannot reach Kafka at ${o.brokers.join(',')} within ${o.connectTimeoutMs / 1000} s; is a broker running there? (npm run kafka:start starts one on 127.0.0.1:9092)`,
      ERROR_CODES.unreachable,
    );
  } catch (e) {
    // A client stuck on a server that never answers may never finish disconnecting either.
    await withTimeout(abandon(), 500, 'abandoned').catch(() => undefined);
    if (isKafkaClientError(e) && e.kind === 'authentication') {
      throw runError(`cannot log in to Kafka at ${o.brokers.join(',')} as ${o.security?.sasl?.username ?? '?'} with ${o.security?.sasl?.mechanism ?? 'SASL'}: ${describeError(e)}`, e, ERROR_CODES.unreachable);
    }
    const diagnosis = await diagnoseConnection(o).catch(() => null);
    if (diagnosis) throw runError(`cannot connect to Kafka: ${diagnosis}`, e, ERROR_CODES.unreachable);
    if (e instanceof Error && e.name === 'KbenchError') throw e;
    throw runError(`cannot reach Kafka at ${o.brokers.join(',')}: ${describeError(e)}`, e, ERROR_CODES.unreachable);
  }
}
