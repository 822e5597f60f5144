// Node's TLS options for a ClientSecurity: what the JavaScript drivers hand their sockets, and what
// the connection diagnosis (diagnose.ts) handshakes with, so both trust exactly the same things.
import type { ConnectionOptions } from 'node:tls';
import type { ClientSecurity } from '../config/client-security.js';

export function tlsOptionsOf(tls: NonNullable<ClientSecurity['tls']>): ConnectionOptions {
  const out: ConnectionOptions = { rejectUnauthorized: true };
  if (tls.ca) out.ca = tls.ca;
  if (tls.cert) out.cert = tls.cert;
  if (tls.key) out.key = tls.key;
  if (tls.pfx) out.pfx = Buffer.from(tls.pfx);
  if (tls.passphrase !== null) out.passphrase = tls.passphrase;
  // ssl.endpoint.identification.algorithm= (empty): the certificate must still be trusted, only its name is not checked.
  if (!tls.verifyHostname) out.checkServerIdentity = () => undefined;
  return out;
}
