// Why the first round trip to the cluster failed, in one line a user can act on. The library hands
// over the socket's or TLS's own error code (under its NetworkError), so most causes are named
// straight from it; only a plaintext client at a TLS listener (the broker just drops the connection)
// needs a TLS probe to tell.
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ERROR_CODES, runError, type KbenchError } from '../../errors.js';
import type { ConnectOptions } from '../driver.js';
import { describeError, KafkaClientError } from '../errors.js';
import { translateError } from './error-translation.js';

/** A KbenchError (exit 1, KBENCH_UNREACHABLE) for a failed connection to `o.brokers`. */
export async function connectFailure(e: unknown, o: ConnectOptions): Promise<Error> {
  const err = translateError(e);
  const brokers = o.brokers.join(',');
  const fail = (message: string): KbenchError => runError(message, e, ERROR_CODES.unreachable);
  if (!(err instanceof KafkaClientError)) {
    // Our own timeout: a plaintext client at a TLS listener waits for an answer that never comes.
    if (!o.security?.tls && (await isTlsListener(o))) return fail(tlsListenerMessage(o));
    return err;
  }
  if (err.kind === 'authentication') {
    return fail(`cannot log in to Kafka at ${brokers} as ${o.security?.sasl?.username ?? '?'} with ${o.security?.sasl?.mechanism ?? 'SASL'}: ${describeError(err)}`);
  }
  const tls = tlsMessage(err.code, o);
  if (tls) return fail(`cannot connect to Kafka: ${tls}`);
  if (!o.security?.tls && err.kind === 'connection' && err.code !== 'ECONNREFUSED' && (await isTlsListener(o))) return fail(tlsListenerMessage(o));
  return fail(`cannot reach Kafka at ${brokers}: ${describeError(err)}`);
}

const tlsListenerMessage = (o: ConnectOptions) =>
  `cannot connect to Kafka: ${o.brokers[0]} is a TLS listener but security.protocol is ${o.security?.protocol ?? 'PLAINTEXT'}: use SSL or SASL_SSL (with ssl.truststore.location for its CA)`;

/** The line for a TLS failure's code, or null when the code is not a TLS one. */
export function tlsMessage(code: string | undefined, o: ConnectOptions): string | null {
  if (!code || !o.security?.tls) return null;
  const address = o.brokers[0];
  const host = address.slice(0, address.lastIndexOf(':'));
  if (/UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|SELF_SIGNED|DEPTH_ZERO|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE/.test(code)) {
    return `the certificate of ${address} is not trusted (${code}): set ssl.truststore.location to the CA that signed it`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the certificate of ${address} does not name ${host} (hostname verification): connect by a name or address it carries, or set ssl.endpoint.identification.algorithm= (empty) to skip the check`;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return `the certificate of ${address} is not valid now (${code})`;
  if (code === 'ECONNRESET') return `${address} closed the connection during the TLS handshake: it looks like a PLAINTEXT or SASL_PLAINTEXT listener, but security.protocol is ${o.security.protocol}`;
  if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE)/.test(code)) {
    return `${address} refused the TLS handshake (${code}): it wants a client certificate it trusts (ssl.keystore.location), or does not accept this one`;
  }
  if (code === 'EPROTO' || /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|RECORD_LAYER/.test(code)) {
    return `${address} does not speak TLS (its listener is PLAINTEXT or SASL_PLAINTEXT) but security.protocol is ${o.security.protocol}: use PLAINTEXT or SASL_PLAINTEXT for it`;
  }
  return null;
}

/** Whether the first broker completes a TLS handshake (trusting anything: only the protocol is asked). */
function isTlsListener(o: ConnectOptions): Promise<boolean> {
  const address = o.brokers[0];
  const host = address.slice(0, address.lastIndexOf(':'));
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  return new Promise((resolve) => {
    const socket = tlsConnect({ host, port, rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) });
    const done = (yes: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(yes);
    };
    // Short: this runs after the connect timeout was already spent.
    const timer = setTimeout(() => done(false), Math.min(1000, o.connectTimeoutMs / 2));
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}
