// Why a connection failed, asked of the first broker with a TLS handshake of kbench's own: client
// libraries report a listener of the wrong kind, an untrusted certificate or a wrong name as a
// timeout or a closed socket, and retry it as passing trouble. One line a user can act on instead.
import { isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { ConnectOptions } from './driver.js';
import { tlsOptionsOf } from './tls.js';

/** What a failed connection's first broker says to a TLS handshake, in one line a user can act on;
 * null when the probe finds nothing to say (the broker is simply not there, say). Client libraries
 * retry these failures as if they were passing trouble, so without this they end as a timeout. */
export async function diagnoseConnection(o: ConnectOptions): Promise<string | null> {
  const address = o.brokers[0];
  const sep = address.lastIndexOf(':');
  const host = address.slice(0, sep);
  const port = Number(address.slice(sep + 1));
  const want = o.security?.tls ?? null;
  const tlsOptions: ConnectionOptions = { host, port, rejectUnauthorized: want !== null, ...(isIP(host) ? {} : { servername: host }) };
  if (want) Object.assign(tlsOptions, tlsOptionsOf(want));
  const outcome = await new Promise<{ ok: boolean; code?: string; message?: string }>((resolve) => {
    const socket = tlsConnect(tlsOptions);
    const done = (r: { ok: boolean; code?: string; message?: string }) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    // Within what is left of the user's patience: at most 2 s, and half the connect timeout.
    const timer = setTimeout(() => done({ ok: false, code: 'TIMEOUT' }), Math.min(2000, Math.max(500, o.connectTimeoutMs / 2)));
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

