// Security settings before anything connects: Kafka client properties and KBENCH_* variables read
// into one ClientSecurity, every mistake one line and exit 2, and no message ever repeating a secret.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJaasConfig, resolveClientSecurity, type SecuritySettings } from '../src/config/client-security.js';
import { kbench, kbenchWithEnv, tempDir } from './helpers.js';

const SECRET = 'Sup3r-Secret-Pa55';
const resolve = (s: SecuritySettings) => {
  const problems: string[] = [];
  return { security: resolveClientSecurity(s, (p) => problems.push(p)), problems };
};

describe('Kafka client security settings', () => {
  it('read a JAAS entry as Kafka writes it, quotes and escapes included', () => {
    expect(parseJaasConfig(`org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="p\\"w;d";`, 'x'))
      .toEqual({ module: 'scram', username: 'alice', password: 'p"w;d' });
    expect(parseJaasConfig('org.apache.kafka.common.security.plain.PlainLoginModule required username=bob password="";', 'x'))
      .toEqual({ module: 'plain', username: 'bob', password: '' });
    expect(() => parseJaasConfig(`com.sun.security.auth.module.Krb5LoginModule required password="${SECRET}";`, 'x')).toThrow(/PlainLoginModule or ScramLoginModule/);
    try {
      parseJaasConfig(`org.apache.kafka.common.security.scram.ScramLoginModule required password="${SECRET}";`, 'sasl.jaas.config');
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain(SECRET);
      expect((e as Error).message).toMatch(/needs username/);
    }
  });

  it('resolve SASL_SSL with SCRAM from the properties, and say what is missing or contradictory', () => {
    const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="${SECRET}";`;
    const ok = resolve({ securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', saslJaasConfig: jaas });
    expect(ok.problems).toEqual([]);
    expect(ok.security).toEqual({ protocol: 'SASL_SSL', sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: SECRET },
      tls: { ca: null, cert: null, key: null, pfx: null, passphrase: null, verifyHostname: true } });
    expect(resolve({ securityProtocol: 'SASL_SSL', saslJaasConfig: jaas }).problems).toEqual([expect.stringMatching(/^sasl.mechanism is needed with SASL/)]);
    expect(resolve({ securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', saslJaasConfig: jaas }).problems).toEqual(['sasl.jaas.config uses the ScramLoginModule but sasl.mechanism is PLAIN']);
    expect(resolve({ saslMechanism: 'PLAIN', saslUsername: 'a', saslPassword: SECRET }).problems).toEqual(['SASL settings are given but security.protocol is PLAINTEXT; use SASL_SSL or SASL_PLAINTEXT']);
    expect(resolve({ securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', sslTruststoreLocation: 'x' }).problems).toContain('ssl.* settings are given but security.protocol is SASL_PLAINTEXT; use SSL or SASL_SSL');
    expect(resolve({ securityProtocol: 'SSL', sslTruststoreLocation: '/nonexistent/ca.jks' }).problems[0]).toMatch(/JKS \(Kafka's default\), which kbench \(a Node program\) cannot read; convert it: keytool -importkeystore/);
    expect(resolve({ securityProtocol: 'SSL', sslEndpointIdentificationAlgorithm: '' }).security!.tls!.verifyHostname).toBe(false);
    expect(resolve({}).security).toBeNull();
  });

  it('read PEM and PKCS12 truststores, and name a wrong store password without repeating it', () => {
    const dir = tempDir();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '2', '-subj', '/CN=kbench-test-ca'], { stdio: 'ignore' });
    execFileSync('openssl', ['pkcs12', '-export', '-nokeys', '-in', join(dir, 'ca.pem'), '-out', join(dir, 'trust.p12'), '-passout', `pass:${SECRET}`], { stdio: 'ignore' });
    const pem = resolve({ securityProtocol: 'SSL', sslTruststoreLocation: join(dir, 'ca.pem'), sslTruststoreType: 'PEM' });
    expect(pem.problems).toEqual([]);
    const p12 = resolve({ securityProtocol: 'SSL', sslTruststoreLocation: join(dir, 'trust.p12'), sslTruststoreType: 'PKCS12', sslTruststorePassword: SECRET });
    expect(p12.problems).toEqual([]);
    const fingerprints = (certs: string[] | null | undefined) => (certs ?? []).map((c) => new X509Certificate(c).fingerprint256);
    expect(fingerprints(p12.security!.tls!.ca)).toEqual(fingerprints(pem.security!.tls!.ca));
    expect(fingerprints(pem.security!.tls!.ca)).toHaveLength(1);
    const wrong = resolve({ securityProtocol: 'SSL', sslTruststoreLocation: join(dir, 'trust.p12'), sslTruststoreType: 'PKCS12', sslTruststorePassword: 'not-it' });
    expect(wrong.problems).toHaveLength(1);
    expect(wrong.problems[0]).toMatch(/wrong password/);
  });

  it('on the command line: one line per problem, exit 2, before anything connects; a password flag is refused without echoing it', async () => {
    const dir = tempDir();
    const props = join(dir, 'client.properties');
    writeFileSync(props, `security.protocol=SASL_SSL\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="a" password="${SECRET}";\nssl.truststore.type=PEM\nretries=3\n`);
    const unknown = await kbench('topic', 'list', '--brokers', '127.0.0.1:1', '--command-config', props);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`kbench: properties file "${props}" line 4: unsupported client property "retries"; kbench reads security.protocol, sasl.mechanism, sasl.jaas.config, ssl.truststore.location, ssl.truststore.type, ssl.truststore.password, ssl.keystore.location, ssl.keystore.type, ssl.keystore.password, ssl.key.password, ssl.endpoint.identification.algorithm\n`);
    writeFileSync(props, `security.protocol=SASL_SSL\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="a" password="${SECRET}";\n`);
    // Unreachable broker, but the missing mechanism is found first.
    const missing = await kbench('--brokers', '127.0.0.1:1', '--command-config', props, '--duration', '1s');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^kbench: sasl.mechanism is needed with SASL/);
    const flag = await kbench('topic', 'list', '--brokers', '127.0.0.1:1', '--sasl-password', SECRET);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe('kbench: --sasl-password is not a flag, so that a secret never shows in a process listing or shell history: set KBENCH_SASL_PASSWORD instead\n');
    const fromEnv = await kbenchWithEnv({ KBENCH_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KBENCH_SASL_MECHANISM: 'SCRAM-SHA-256', KBENCH_SASL_USERNAME: 'a', KBENCH_SASL_PASSWORD: ' ' },
      'topic', 'list', '--brokers', '127.0.0.1:1');
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toMatch(/^kbench: KBENCH_SASL_PASSWORD is (empty|blank)/);
    for (const r of [unknown, missing, flag, fromEnv]) expect(r.stderr + r.stdout).not.toContain(SECRET);
  });
});
