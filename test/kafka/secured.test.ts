// kbench against the local broker's secured listeners (scripts/kafka.sh: SASL_SSL with SCRAM, mTLS,
// SASL_PLAINTEXT with PLAIN; StandardAuthorizer with a restricted user): runs and admin commands
// work, every failure is one line naming what is wrong, and no output of a secured run carries a
// password.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { brokers, LIVE_DRIVERS, onDriver, ROOT } from './helpers.js';

// The secured listeners sit next to the plaintext one: port + 2, + 3, + 4 (scripts/kafka.sh).
const port = Number(brokers?.split(':')[1] ?? 9092);
const SASL_SSL = `127.0.0.1:${port + 2}`;
const MTLS = `127.0.0.1:${port + 3}`;
const SASL_PLAINTEXT = `127.0.0.1:${port + 4}`;
const SECRETS = join(process.env.KBENCH_KAFKA_DIR ?? join(ROOT, '.kafka'), 'secrets');
const config = (name: string) => join(SECRETS, name);
const PASSWORDS = ['admin-test-only', 'restricted-test-only', 'kbench-test-only'];

/** Exit 1, one kbench line matching `pattern`, no stack. */
function failsWith(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at |this is a bug/);
  for (const p of PASSWORDS) expect(r.stderr).not.toContain(p);
}

// The tests run side by side, and so do the independent commands inside each: every one is a short
// in-process command or run with its own topic and group, mostly waiting on TLS handshakes and the broker.
// Once per driver, the drivers' copies side by side too (nothing here is shared but the broker).
describe.skipIf(!brokers).each(LIVE_DRIVERS)('secured clusters (driver %s)', { concurrent: true }, (driver) => {
  const { kbench, kbenchWithEnv } = onDriver(driver);

  it('a live run over SASL_SSL with SCRAM-SHA-512: clean delivery, and no output holds a password', async () => {
    const dir = tempDir();
    const out = join(dir, 'secured.json');
    const html = join(dir, 'secured.html');
    const [r, json] = await Promise.all([
      kbench('--brokers', SASL_SSL, '--command-config', config('client-sasl-ssl.properties'), '--key', 'user_id', '--partitions', '3',
        '--duration', '2s', '--rate', '500', '--out', out, '--html', html),
      kbench('--brokers', SASL_SSL, '--command-config', config('client-sasl-ssl.properties'), '--key', 'country', '--duration', '1s', '--rate', '200', '--json', '--out', '-'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.delivery).toMatchObject({ produced: 1000, acked: 1000, consumed: 1000, lost: 0, duplicated: 0, misplaced: 0 });
    expect(report.model.parameters.security).toBe('SASL_SSL, SCRAM-SHA-512 as admin, no client certificate, hostname verified');
    expect(report.model.parameters.driver).toBe(driver);
    expect(json.code, json.stderr).toBe(0);
    const outputs = [r.stdout, r.stderr, json.stdout, json.stderr, ...readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'))];
    for (const text of outputs) for (const p of PASSWORDS) expect(text).not.toContain(p);
  }, 60_000);

  it('SASL_PLAINTEXT with PLAIN, mTLS with PKCS12 and with PEM stores, and settings from KBENCH_* variables only', async () => {
    const listeners = [[SASL_PLAINTEXT, 'client-sasl-plaintext.properties'], [MTLS, 'client-mtls.properties'], [MTLS, 'client-mtls-pem.properties']];
    const env = {
      KBENCH_BROKERS: SASL_SSL, KBENCH_SECURITY_PROTOCOL: 'SASL_SSL', KBENCH_SASL_MECHANISM: 'SCRAM-SHA-256', KBENCH_SASL_USERNAME: 'admin',
      KBENCH_SASL_PASSWORD: 'admin-test-only', KBENCH_SSL_TRUSTSTORE_LOCATION: config('ca.pem'), KBENCH_SSL_TRUSTSTORE_TYPE: 'PEM',
    };
    const [fromEnv, ...lists] = await Promise.all([
      kbenchWithEnv(env, '--key', 'user_id', '--partitions', '2', '--duration', '1s', '--rate', '200', '--consumers', '1', '--json', '--out', '-'),
      ...listeners.map(([address, file]) => kbench('topic', 'list', '--json', '--brokers', address, '--command-config', config(file))),
    ]);
    lists.forEach((r, i) => {
      expect(r.code, `${listeners[i][1]}: ${r.stderr}`).toBe(0);
      expect(Array.isArray(JSON.parse(r.stdout))).toBe(true);
    });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(JSON.parse(fromEnv.stdout).delivery).toMatchObject({ acked: 200, consumed: 200, lost: 0 });
    for (const p of PASSWORDS) expect(fromEnv.stdout + fromEnv.stderr).not.toContain(p);
  }, 60_000);

  it('each failure is one line saying what is wrong, within the connect timeout', async () => {
    const t = ['--connect-timeout', '5s'];
    // Independent commands, side by side; each answer is checked on its own.
    const cases: [Promise<{ code: number; stderr: string }>, RegExp][] = [
      [kbench('topic', 'list', '--brokers', SASL_SSL, '--command-config', config('client-sasl-ssl-wrong-password.properties'), ...t),
        /^kbench: cannot log in to Kafka at .* as admin with SCRAM-SHA-512: authentication failed/],
      [kbench('topic', 'list', '--brokers', SASL_SSL, '--command-config', config('client-sasl-ssl-untrusted.properties'), ...t),
        /certificate of .* is not trusted .*ssl\.truststore\.location/],
      [kbench('topic', 'list', '--brokers', `localhost:${port + 2}`, '--command-config', config('client-sasl-ssl.properties'), ...t),
        /does not name localhost \(hostname verification\)/],
      [kbench('topic', 'list', '--brokers', brokers, '--command-config', config('client-sasl-ssl.properties'), ...t),
        /looks like a PLAINTEXT or SASL_PLAINTEXT listener, but security.protocol is SASL_SSL/],
      [kbench('topic', 'list', '--brokers', SASL_SSL, ...t), /is a TLS listener but security.protocol is PLAINTEXT/],
      [kbench('topic', 'list', '--brokers', MTLS, '--command-config', config('client-mtls-untrusted.properties'), ...t),
        /refused the TLS handshake .*client certificate/],
      // A missing ACL: the restricted user authenticates but may not create the run's topic.
      [kbench('--brokers', SASL_SSL, '--command-config', config('client-sasl-ssl-restricted.properties'), '--duration', '1s', ...t),
        /cannot create topic kbench-.*: not authorized \(TOPIC_AUTHORIZATION_FAILED\)/],
    ];
    const answers = await Promise.all(cases.map(([answer]) => answer));
    answers.forEach((r, i) => failsWith(r, cases[i][1]));
  }, 120_000);

  it('a password on the command line is refused; a JKS store is refused with the conversion to run', async () => {
    const flag = await kbench('topic', 'list', '--brokers', SASL_SSL, '--command-config', config('client-sasl-ssl.properties'), '--ssl-truststore-password', 'kbench-test-only');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe('kbench: --ssl-truststore-password is not a flag, so that a secret never shows in a process listing or shell history: set KBENCH_SSL_TRUSTSTORE_PASSWORD instead\n');
    const props = join(tempDir(), 'jks.properties');
    writeFileSync(props, `security.protocol=SSL\nssl.truststore.location=${config('truststore.p12')}\nssl.truststore.type=JKS\n`);
    const jks = await kbench('topic', 'list', '--brokers', MTLS, '--command-config', props);
    expect(jks.code).toBe(2);
    expect(jks.stderr).toMatch(/^kbench: ssl.truststore.type is JKS, which kbench \(a Node program\) cannot read; convert it: keytool -importkeystore/);
  });
});
