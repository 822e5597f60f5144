// How kbench authenticates to and encrypts its traffic with a secured cluster: Kafka's own client
// properties (the `--command-config client.properties` users already have for kafka-topics), the
// same settings as KBENCH_* variables, read into one plain-data ClientSecurity that every
// client of a run (in every thread) is built from. Secrets (passwords, private keys) live only in
// that object: never in the RunSpec (which is written into reports), never in a message.
import { ERROR_CODES, shown, usageError } from '../errors.js';
import { INPUT_LIMITS, readInputBytes, readInputText } from './input-files.js';
import { parsePropertiesText, type Property } from './properties.js';
import { Pkcs12Error, hasPrivateKey, readPkcs12Certificates } from './pkcs12.js';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];
export const STORE_TYPES = ['PEM', 'PKCS12', 'JKS'] as const;
export type StoreType = (typeof STORE_TYPES)[number];

const bad = (message: string) => usageError(message, ERROR_CODES.badOption);

/** Everything a Kafka client needs to reach a secured cluster, as data (it crosses to worker threads);
 * each driver maps it onto its library's settings. */
export interface ClientSecurity {
  protocol: SecurityProtocol;
  sasl: { mechanism: SaslMechanism; username: string; password: string } | null;
  /** TLS material, read from files before anything connects; null for PLAINTEXT and SASL_PLAINTEXT. */
  tls: {
    /** Trusted CA certificates (PEM); null = the system's default trust. */
    ca: string[] | null;
    /** The client's certificate chain and key (mTLS), PEM, or a PKCS12 keystore. */
    cert: string | null;
    key: string | null;
    pfx: Uint8Array | null;
    passphrase: string | null;
    verifyHostname: boolean;
  } | null;
}

/** What may be said about a ClientSecurity in reports and logs: nothing secret. */
export function describeSecurity(s: ClientSecurity): string {
  const parts: string[] = [s.protocol];
  if (s.sasl) parts.push(`${s.sasl.mechanism} as ${s.sasl.username}`);
  if (s.tls) parts.push(s.tls.cert || s.tls.pfx ? 'client certificate' : 'no client certificate', s.tls.verifyHostname ? 'hostname verified' : 'hostname NOT verified');
  return parts.join(', ');
}

/** The Kafka client properties kbench reads, and the option each one sets. The named options
 * (flags, KBENCH_* variables, workload fields) win over the file. */
export const CLIENT_PROPERTIES: Record<string, string> = {
  'security.protocol': 'securityProtocol',
  'sasl.mechanism': 'saslMechanism',
  'sasl.jaas.config': 'saslJaasConfig',
  'ssl.truststore.location': 'sslTruststoreLocation',
  'ssl.truststore.type': 'sslTruststoreType',
  'ssl.truststore.password': 'sslTruststorePassword',
  'ssl.keystore.location': 'sslKeystoreLocation',
  'ssl.keystore.type': 'sslKeystoreType',
  'ssl.keystore.password': 'sslKeystorePassword',
  'ssl.key.password': 'sslKeyPassword',
  'ssl.endpoint.identification.algorithm': 'sslEndpointIdentificationAlgorithm',
};

export interface ClientConfigFile {
  path: string;
  properties: Property[];
}

/** `--command-config FILE`: a Kafka client .properties file, unknown properties refused by name. */
export function readClientConfigFile(raw: string, label: string): ClientConfigFile {
  const path = raw.trim();
  if (path === '') throw bad(`${label} is empty; give a client .properties file`);
  if (path === '-') throw bad(`${label} reads a .properties file, not standard input; give its path`);
  const text = readInputText(path, `${label} properties file`, INPUT_LIMITS.propertiesFile);
  return {
    path,
    properties: parsePropertiesText(text, path, (key, where) => {
      if (!Object.hasOwn(CLIENT_PROPERTIES, key)) {
        throw usageError(`${where}: unsupported client property ${shown(key)}; kbench reads ${Object.keys(CLIENT_PROPERTIES).join(', ')}`, ERROR_CODES.badInput);
      }
    }),
  };
}

/** The security settings as given, each a string or undefined (after flags > variables > file). */
export interface SecuritySettings {
  securityProtocol?: string;
  saslMechanism?: string;
  saslJaasConfig?: string;
  saslUsername?: string;
  saslPassword?: string;
  sslTruststoreLocation?: string;
  sslTruststoreType?: string;
  sslTruststorePassword?: string;
  sslKeystoreLocation?: string;
  sslKeystoreType?: string;
  sslKeystorePassword?: string;
  sslKeyPassword?: string;
  sslEndpointIdentificationAlgorithm?: string;
}

/** `org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";`
 * The text holds the password, so no message quotes it. */
export function parseJaasConfig(text: string, label: string): { module: 'plain' | 'scram'; username: string; password: string } {
  const m = /^\s*org\.apache\.kafka\.common\.security\.(plain\.PlainLoginModule|scram\.ScramLoginModule)\s+required\s+(.*?)\s*;\s*$/s.exec(text);
  if (!m) throw bad(`${label} is not a PlainLoginModule or ScramLoginModule "required" entry ending in ";" (kbench supports SASL PLAIN and SCRAM)`);
  const options = new Map<string, string>();
  const optionRe = /([A-Za-z_.]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(\S+?))(?=\s|$)/gy;
  const rest = m[2];
  let at = 0;
  while (at < rest.length) {
    while (rest[at] === ' ' || rest[at] === '\t') at++;
    if (at >= rest.length) break;
    optionRe.lastIndex = at;
    const o = optionRe.exec(rest);
    if (!o) throw bad(`${label} has an option kbench cannot read (write each as name="value")`);
    options.set(o[1], (o[2] ?? o[3]).replace(/\\(.)/g, '$1'));
    at = optionRe.lastIndex;
  }
  const username = options.get('username');
  const password = options.get('password');
  if (!username || password === undefined) throw bad(`${label} needs username="…" and password="…"`);
  return { module: m[1].startsWith('plain') ? 'plain' : 'scram', username, password };
}

/** Checks and reads everything (files included) into a ClientSecurity, or null for a plain
 * connection with nothing set. Every problem found is thrown at once by the caller's Problems. */
export function resolveClientSecurity(s: SecuritySettings, add: (problem: string) => void): ClientSecurity | null {
  const given = Object.values(s).some((v) => v !== undefined);
  if (!given) return null;
  const protocol = (s.securityProtocol ?? 'PLAINTEXT') as SecurityProtocol;
  if (!SECURITY_PROTOCOLS.includes(protocol)) {
    add(`security.protocol must be one of ${SECURITY_PROTOCOLS.join(', ')}, got ${shown(s.securityProtocol!)}`);
    return null;
  }
  const usesSasl = protocol.startsWith('SASL_');
  const usesTls = protocol.endsWith('SSL');
  const saslGiven = [s.saslMechanism, s.saslJaasConfig, s.saslUsername, s.saslPassword].some((v) => v !== undefined);
  const tlsGiven = [s.sslTruststoreLocation, s.sslTruststoreType, s.sslTruststorePassword, s.sslKeystoreLocation, s.sslKeystoreType, s.sslKeystorePassword, s.sslKeyPassword, s.sslEndpointIdentificationAlgorithm].some((v) => v !== undefined);
  // Kafka's Java client ignores settings its protocol does not use; kbench says so, since a
  // forgotten security.protocol would otherwise send credentials nowhere and fail later, obscurely.
  if (saslGiven && !usesSasl) add(`SASL settings are given but security.protocol is ${protocol}; use SASL_SSL or SASL_PLAINTEXT`);
  if (tlsGiven && !usesTls) add(`ssl.* settings are given but security.protocol is ${protocol}; use SSL or SASL_SSL`);
  return { protocol, sasl: usesSasl ? resolveSasl(s, add) : null, tls: usesTls ? resolveTls(s, add) : null };
}

function resolveSasl(s: SecuritySettings, add: (problem: string) => void): ClientSecurity['sasl'] {
  const mechanism = s.saslMechanism as SaslMechanism | undefined;
  if (mechanism === undefined) {
    add(`sasl.mechanism is needed with SASL (one of ${SASL_MECHANISMS.join(', ')}; Kafka's default, GSSAPI, is not supported)`);
    return null;
  }
  if (!SASL_MECHANISMS.includes(mechanism)) {
    add(`sasl.mechanism ${shown(s.saslMechanism!)} is not supported; kbench supports ${SASL_MECHANISMS.join(', ')}`);
    return null;
  }
  let username = s.saslUsername;
  let password = s.saslPassword;
  if (s.saslJaasConfig !== undefined) {
    try {
      const jaas = parseJaasConfig(s.saslJaasConfig, 'sasl.jaas.config');
      const wanted = mechanism === 'PLAIN' ? 'plain' : 'scram';
      if (jaas.module !== wanted) add(`sasl.jaas.config uses the ${jaas.module === 'plain' ? 'PlainLoginModule' : 'ScramLoginModule'} but sasl.mechanism is ${mechanism}`);
      username ??= jaas.username;
      password ??= jaas.password;
    } catch (e) {
      add((e as Error).message);
      return null;
    }
  }
  if (username === undefined || password === undefined) {
    add(`SASL ${mechanism} needs a username and a password: sasl.jaas.config in --command-config, or KBENCH_SASL_USERNAME and KBENCH_SASL_PASSWORD`);
    return null;
  }
  return { mechanism, username, password };
}

function storeType(raw: string | undefined, what: string, add: (problem: string) => void): StoreType | null {
  const type = (raw ?? 'JKS') as StoreType;
  if (!STORE_TYPES.includes(type)) {
    add(`ssl.${what}.type must be PEM or PKCS12, got ${shown(raw!)}`);
    return null;
  }
  if (type === 'JKS') {
    add(`ssl.${what}.type is ${raw === undefined ? 'JKS (Kafka\'s default)' : 'JKS'}, which kbench (a Node program) cannot read; convert it: keytool -importkeystore -srckeystore ${what}.jks -destkeystore ${what}.p12 -deststoretype PKCS12, then ssl.${what}.type=PKCS12 (or PEM)`);
    return null;
  }
  return type;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const PEM_KEY = /-----BEGIN (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----/;

function resolveTls(s: SecuritySettings, add: (problem: string) => void): ClientSecurity['tls'] {
  const algorithm = s.sslEndpointIdentificationAlgorithm;
  if (algorithm !== undefined && algorithm !== '' && algorithm.toLowerCase() !== 'https') {
    add(`ssl.endpoint.identification.algorithm must be https (verify the broker's hostname, the default) or empty (do not), got ${shown(algorithm)}`);
  }
  const tls: NonNullable<ClientSecurity['tls']> = { ca: null, cert: null, key: null, pfx: null, passphrase: null, verifyHostname: algorithm !== '' };
  if (s.sslTruststoreLocation !== undefined) {
    const type = storeType(s.sslTruststoreType, 'truststore', add);
    const bytes = readStore(s.sslTruststoreLocation, 'ssl.truststore.location', add);
    if (type === 'PEM' && bytes) {
      const certs = Buffer.from(bytes).toString('utf8').match(PEM_CERT);
      if (!certs) add(`ssl.truststore.location ${shown(s.sslTruststoreLocation)} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
      else tls.ca = certs;
    } else if (type === 'PKCS12' && bytes) {
      try {
        tls.ca = readPkcs12Certificates(bytes, s.sslTruststorePassword ?? '');
      } catch (e) {
        add(`ssl.truststore.location ${shown(s.sslTruststoreLocation)}: ${e instanceof Pkcs12Error ? e.message : 'cannot be read as PKCS12'}`);
      }
    }
  }
  if (s.sslKeystoreLocation !== undefined) {
    const type = storeType(s.sslKeystoreType, 'keystore', add);
    const bytes = readStore(s.sslKeystoreLocation, 'ssl.keystore.location', add);
    if (type === 'PEM' && bytes) {
      const text = Buffer.from(bytes).toString('utf8');
      const certs = text.match(PEM_CERT);
      const key = PEM_KEY.exec(text);
      if (!certs || !key) add(`ssl.keystore.location ${shown(s.sslKeystoreLocation)} must hold the client's PEM certificate chain and its private key`);
      else {
        tls.cert = certs.join('\n');
        tls.key = key[0];
        tls.passphrase = s.sslKeyPassword ?? null;
      }
    } else if (type === 'PKCS12' && bytes) {
      try {
        if (!hasPrivateKey(bytes, s.sslKeystorePassword ?? '')) add(`ssl.keystore.location ${shown(s.sslKeystoreLocation)} holds no private key (a keystore needs the client's key and certificate)`);
        tls.pfx = bytes;
        tls.passphrase = s.sslKeystorePassword ?? '';
      } catch (e) {
        add(`ssl.keystore.location ${shown(s.sslKeystoreLocation)}: ${e instanceof Pkcs12Error ? e.message : 'cannot be read as PKCS12'}`);
      }
    }
  } else if (s.sslKeystorePassword !== undefined || s.sslKeyPassword !== undefined || s.sslKeystoreType !== undefined) {
    add('ssl.keystore.* settings are given without ssl.keystore.location');
  }
  return tls;
}

function readStore(path: string, label: string, add: (problem: string) => void): Uint8Array | null {
  try {
    return readInputBytes(path, label, INPUT_LIMITS.certificateStore);
  } catch (e) {
    add((e as Error).message);
    return null;
  }
}
