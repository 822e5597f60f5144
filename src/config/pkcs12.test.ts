// The PKCS#12 reader against real stores written at test time by the two tools users have: Java 17's
// keytool and OpenSSL 3. The independent side of every check is the PEM file that went into the store
// (compared by fingerprint), and `openssl pkcs12 -info` confirms each store uses the scheme a test names.
import { execFileSync, spawnSync } from 'node:child_process';
import { createCipheriv, createHmac, pbkdf2Sync, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPrivateKey, Pkcs12Error, readPkcs12, readPkcs12Certificates } from './pkcs12.js';

let dir = '';
const path = (name: string) => join(dir, name);
const run = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { cwd: dir, stdio: 'pipe' });
const store = (name: string) => readFileSync(path(name));
const fingerprint = (pemFile: string) => new X509Certificate(readFileSync(path(pemFile))).fingerprint256;
const fingerprints = (pems: string[]) => pems.map((p) => new X509Certificate(p).fingerprint256).sort();

/** What OpenSSL reports about a store's MAC and encryption (it prints this on stderr). */
function opensslInfo(name: string, pass: string, ...extra: string[]): string {
  const r = spawnSync('openssl', ['pkcs12', '-in', name, '-info', '-noout', '-passin', `pass:${pass}`, ...extra], { cwd: dir, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stderr + r.stdout;
}

const keytool = (...args: string[]) => run('keytool', ...args);
/** keytool -importcert with Java 17's defaults unless `props` names other algorithms. */
function keytoolTrustStore(name: string, pass: string, certs: string[], props: string[] = []) {
  certs.forEach((cert, i) =>
    keytool(...props.map((p) => `-J-D${p}`), '-importcert', '-noprompt', '-storetype', 'PKCS12', '-keystore', name, '-storepass', pass, '-alias', `ca${i}`, '-file', cert));
  return store(name);
}
const opensslTrustStore = (name: string, pass: string, input: string, ...opts: string[]) => {
  run('openssl', 'pkcs12', '-export', '-nokeys', '-in', input, '-out', name, '-passout', `pass:${pass}`, ...opts);
  return store(name);
};

/** Certificates read, compared with the input files, and accepted by Node as TLS trust anchors. */
function expectCerts(pems: string[], ...pemFiles: string[]) {
  expect(fingerprints(pems)).toEqual(pemFiles.map(fingerprint).sort());
  for (const pem of pems) expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/);
  expect(() => tls.createSecureContext({ ca: pems })).not.toThrow();
}

function expectPkcs12Error(fn: () => unknown, message: RegExp) {
  let caught: unknown;
  try { fn(); } catch (e) { caught = e; }
  expect(caught).toBeInstanceOf(Pkcs12Error);
  expect((caught as Error).message).toMatch(message);
  expect((caught as Error).message).not.toContain('\n');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kbench-pkcs12-'));
  for (const ca of ['ca1', 'ca2']) {
    run('openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`,
      '-subj', `/CN=kbench test ${ca}`, '-days', '2');
  }
  writeFileSync(path('both.pem'), Buffer.concat([store('ca1.pem'), store('ca2.pem')]));
  // A server certificate issued by ca1, for the handshake test.
  writeFileSync(path('leaf.ext'), 'subjectAltName=DNS:localhost\n');
  run('openssl', 'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost');
  run('openssl', 'x509', '-req', '-in', 'leaf.csr', '-CA', 'ca1.pem', '-CAkey', 'ca1.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.ext');
});
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe('readPkcs12Certificates', () => {
  it('reads a trust store written by Java 17 keytool -importcert (PBES2 AES-256, SHA-256 MAC)', () => {
    const der = keytoolTrustStore('java.p12', 'changeit', ['ca1.pem']);
    expect(opensslInfo('java.p12', 'changeit')).toMatch(/MAC: sha256[\s\S]*PBES2, PBKDF2, AES-256-CBC/);
    expectCerts(readPkcs12Certificates(der, 'changeit'), 'ca1.pem');
    expect(hasPrivateKey(der, 'changeit')).toBe(false);
    // The reason this module exists: Node's own PKCS12 support wants a private key.
    expect(() => tls.createSecureContext({ pfx: der, passphrase: 'changeit' })).toThrow(/private key/i);
  });

  it.each([
    ['PBEWithHmacSHA512AndAES_128', 'HmacPBESHA384', /MAC: sha384[\s\S]*AES-128-CBC, Iteration \d+, PRF hmacWithSHA512/],
    ['PBEWithHmacSHA1AndAES_256', 'HmacPBESHA512', /MAC: sha512[\s\S]*AES-256-CBC, Iteration \d+, PRF hmacWithSHA1/],
    ['PBEWithSHA1AndDESede', 'HmacPBESHA1', /MAC: sha1[\s\S]*pbeWithSHA1And3-KeyTripleDES-CBC/],
  ])('reads a keytool store with certProtectionAlgorithm=%s, macAlgorithm=%s', (cert, mac, info) => {
    const name = `java-${cert}.p12`;
    const der = keytoolTrustStore(name, 'changeit', ['ca1.pem'], [`keystore.pkcs12.certProtectionAlgorithm=${cert}`, `keystore.pkcs12.macAlgorithm=${mac}`]);
    expect(opensslInfo(name, 'changeit')).toMatch(info);
    expectCerts(readPkcs12Certificates(der, 'changeit'), 'ca1.pem');
  });

  it('reads openssl pkcs12 -export -nokeys with OpenSSL 3 defaults (PBES2 AES-256, SHA-256 MAC)', () => {
    const der = opensslTrustStore('openssl.p12', 's3cret', 'ca1.pem');
    expect(opensslInfo('openssl.p12', 's3cret')).toMatch(/MAC: sha256[\s\S]*PBES2, PBKDF2, AES-256-CBC/);
    expectCerts(readPkcs12Certificates(der, 's3cret'), 'ca1.pem');
  });

  it.each([
    ['aes-128-cbc', 'sha1'], ['aes-192-cbc', 'sha384'], ['des-ede3-cbc', 'sha512'], ['aes-256-cbc', 'sha224'],
  ])('reads openssl -certpbe %s -macalg %s', (cipher, mac) => {
    const name = `openssl-${cipher}-${mac}.p12`;
    const der = opensslTrustStore(name, 'pässwörd €', 'ca1.pem', '-certpbe', cipher, '-macalg', mac);
    expect(opensslInfo(name, 'pässwörd €')).toMatch(new RegExp(`MAC: ${mac}[\\s\\S]*PBES2, PBKDF2, ${cipher.toUpperCase()}`));
    expectCerts(readPkcs12Certificates(der, 'pässwörd €'), 'ca1.pem');
  });

  it('reads the legacy PKCS#12 PBE scheme: -certpbe PBE-SHA1-3DES -macalg sha1', () => {
    const der = opensslTrustStore('3des.p12', 'changeit', 'ca1.pem', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1');
    expect(opensslInfo('3des.p12', 'changeit')).toMatch(/MAC: sha1[\s\S]*pbeWithSHA1And3-KeyTripleDES-CBC/);
    expectCerts(readPkcs12Certificates(der, 'changeit'), 'ca1.pem');
  });

  it('openssl -legacy (RC2-40): names the algorithm and the conversion, or reads it under --openssl-legacy-provider', () => {
    const der = opensslTrustStore('legacy.p12', 'changeit', 'ca1.pem', '-legacy');
    expect(opensslInfo('legacy.p12', 'changeit', '-legacy')).toMatch(/pbeWithSHA1And40BitRC2-CBC/);
    let rc2 = true;
    try { createCipheriv('rc2-40-cbc', Buffer.alloc(5), Buffer.alloc(8)); } catch { rc2 = false; }
    if (rc2) expectCerts(readPkcs12Certificates(der, 'changeit'), 'ca1.pem');
    else expectPkcs12Error(() => readPkcs12Certificates(der, 'changeit'), /pbeWithSHAAnd40BitRC2-CBC encryption \(OID 1\.2\.840\.113549\.1\.12\.1\.6\), .*--openssl-legacy-provider.*openssl pkcs12 -legacy -in store\.p12 -nokeys -out ca\.pem.*ssl\.truststore\.type=PEM/);
    // With OpenSSL's legacy provider loaded, RC2 and the RFC 7292 key/IV derivation work.
    const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
    const script = `import { readPkcs12Certificates } from ${JSON.stringify(fileURLToPath(new URL('./pkcs12.ts', import.meta.url)))};
      import { readFileSync } from 'node:fs';
      process.stdout.write(JSON.stringify(readPkcs12Certificates(readFileSync(${JSON.stringify(path('legacy.p12'))}), 'changeit')));`;
    const out = execFileSync(process.execPath, ['--openssl-legacy-provider', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expectCerts(JSON.parse(out) as string[], 'ca1.pem');
  });

  it('reads every certificate of a two-certificate store, from openssl and from keytool', () => {
    expectCerts(readPkcs12Certificates(opensslTrustStore('two.p12', 'changeit', 'both.pem'), 'changeit'), 'ca1.pem', 'ca2.pem');
    expectCerts(readPkcs12Certificates(keytoolTrustStore('java-two.p12', 'changeit', ['ca1.pem', 'ca2.pem']), 'changeit'), 'ca1.pem', 'ca2.pem');
  });

  it('sees the private key of a keystore and still lists its certificates', () => {
    keytool('-genkeypair', '-alias', 'client', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=kbench client', '-validity', '2',
      '-storetype', 'PKCS12', '-keystore', 'java-key.p12', '-storepass', 'changeit');
    keytool('-exportcert', '-rfc', '-alias', 'client', '-keystore', 'java-key.p12', '-storepass', 'changeit', '-file', 'client.pem');
    const java = store('java-key.p12');
    expect(readPkcs12(java, 'changeit').hasPrivateKey).toBe(true);
    expectCerts(readPkcs12Certificates(java, 'changeit'), 'client.pem');

    run('openssl', 'pkcs12', '-export', '-inkey', 'ca1.key', '-in', 'ca1.pem', '-certfile', 'ca2.pem', '-out', 'openssl-key.p12', '-passout', 'pass:changeit');
    const openssl = store('openssl-key.p12');
    expect(hasPrivateKey(openssl, 'changeit')).toBe(true);
    expectCerts(readPkcs12Certificates(openssl, 'changeit'), 'ca1.pem', 'ca2.pem');
    expect(() => tls.createSecureContext({ pfx: openssl, passphrase: 'changeit' })).not.toThrow();
  });

  it('the certificates work as TLS trust: a server signed by the CA is accepted, another CA is refused', async () => {
    const server = tls.createServer({ key: store('leaf.key'), cert: store('leaf.pem') }, (s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const handshake = (ca: string[]) => new Promise<void>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca }, () => { socket.destroy(); resolve(); });
      socket.once('error', reject);
    });
    try {
      await handshake(readPkcs12Certificates(keytoolTrustStore('trust-ca1.p12', 'changeit', ['ca1.pem']), 'changeit'));
      await expect(handshake(readPkcs12Certificates(opensslTrustStore('trust-ca2.p12', 'changeit', 'ca2.pem'), 'changeit'))).rejects.toThrow(/certificate/i);
    } finally {
      server.close();
    }
  });

  it('handles an empty password and stores without a MAC', () => {
    expectCerts(readPkcs12Certificates(opensslTrustStore('empty.p12', '', 'ca1.pem'), ''), 'ca1.pem');
    expectPkcs12Error(() => readPkcs12Certificates(store('empty.p12'), 'x'), /wrong password/);
    // No MAC, legacy PBE, empty password: the BMPString encoding of "" is found by trying to decrypt.
    expectCerts(readPkcs12Certificates(opensslTrustStore('empty-nomac.p12', '', 'ca1.pem', '-nomac', '-certpbe', 'PBE-SHA1-3DES'), ''), 'ca1.pem');
    // No MAC, no encryption: any password reads it.
    expectCerts(readPkcs12Certificates(opensslTrustStore('plain.p12', 'x', 'ca1.pem', '-nomac', '-certpbe', 'NONE'), 'whatever'), 'ca1.pem');
    // No MAC but encrypted: a wrong password shows up as undecryptable content.
    const java = keytoolTrustStore('java-nomac.p12', 'changeit', ['ca1.pem'], ['keystore.pkcs12.macAlgorithm=NONE']);
    expect(opensslInfo('java-nomac.p12', 'changeit')).toMatch(/MAC is absent/);
    expectCerts(readPkcs12Certificates(java, 'changeit'), 'ca1.pem');
    expectPkcs12Error(() => readPkcs12Certificates(java, 'wrong'), /wrong password.*ssl\.truststore\.password/);
  });

  it('verifies a PBMAC1 (RFC 9579) MAC', () => {
    // OpenSSL 3.0 and Java 17 cannot write PBMAC1, so this store is assembled here; OpenSSL checks its layout.
    const oid = (dotted: string) => {
      const [a, b, ...rest] = dotted.split('.').map(Number);
      const bytes = [40 * a! + b!];
      for (const arc of rest) {
        const groups = [arc & 0x7f];
        for (let v = arc >>> 7; v > 0; v >>>= 7) groups.unshift((v & 0x7f) | 0x80);
        bytes.push(...groups);
      }
      return tlv(0x06, Buffer.from(bytes));
    };
    const tlv = (tag: number, ...parts: Buffer[]) => {
      const body = Buffer.concat(parts);
      const n = body.length;
      return Buffer.concat([Buffer.from([tag, ...(n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff])]), body]);
    };
    const seq = (...parts: Buffer[]) => tlv(0x30, ...parts);
    const int = (n: number) => tlv(0x02, Buffer.from(n < 0x80 ? [n] : [n >> 8, n & 0xff]));
    const data = (content: Buffer) => seq(oid('1.2.840.113549.1.7.1'), tlv(0xa0, tlv(0x04, content)));
    const hmacSha256 = seq(oid('1.2.840.113549.2.9'), tlv(0x05));
    const cert = new X509Certificate(store('ca1.pem')).raw;
    const certBag = seq(oid('1.2.840.113549.1.12.10.1.3'), tlv(0xa0, seq(oid('1.2.840.113549.1.9.22.1'), tlv(0xa0, tlv(0x04, cert)))));
    const authSafe = seq(data(seq(certBag)));
    const salt = randomBytes(16);
    const mac = createHmac('sha256', pbkdf2Sync('pbmac1 pass', salt, 2048, 32, 'sha256')).update(authSafe).digest();
    const pbkdf2 = seq(oid('1.2.840.113549.1.5.12'), seq(tlv(0x04, salt), int(2048), int(32), hmacSha256));
    const macData = seq(seq(seq(oid('1.2.840.113549.1.5.14'), seq(pbkdf2, hmacSha256)), tlv(0x04, mac)), tlv(0x04, Buffer.from('NOT USED')), int(1));
    writeFileSync(path('pbmac1.p12'), seq(int(3), data(authSafe), macData));
    run('openssl', 'pkcs12', '-in', 'pbmac1.p12', '-nokeys', '-nomacver', '-passin', 'pass:pbmac1 pass', '-out', 'pbmac1-out.pem');
    expect(fingerprint('pbmac1-out.pem')).toBe(fingerprint('ca1.pem'));

    expectCerts(readPkcs12Certificates(store('pbmac1.p12'), 'pbmac1 pass'), 'ca1.pem');
    expectPkcs12Error(() => readPkcs12Certificates(store('pbmac1.p12'), 'pbmac1 pasS'), /wrong password/);
  });
});

describe('Pkcs12Error', () => {
  it('says the password is wrong when the MAC does not verify', () => {
    expectPkcs12Error(() => readPkcs12Certificates(keytoolTrustStore('java-wrong.p12', 'changeit', ['ca1.pem']), 'changeme'), /wrong password/);
    expectPkcs12Error(() => readPkcs12Certificates(opensslTrustStore('openssl-wrong.p12', 'changeit', 'ca1.pem'), ''), /wrong password/);
  });

  it('says a file is not PKCS12: garbage, truncated, empty, PEM, indefinite-length BER', () => {
    const good = opensslTrustStore('garbage-base.p12', 'changeit', 'ca1.pem');
    expectPkcs12Error(() => readPkcs12Certificates(Buffer.from('definitely not a keystore\n'), 'x'), /not a PKCS12 file/);
    expectPkcs12Error(() => readPkcs12Certificates(good.subarray(0, good.length >> 1), 'changeit'), /not a PKCS12 file/);
    expectPkcs12Error(() => readPkcs12Certificates(new Uint8Array(0), 'x'), /not a PKCS12 file/);
    expectPkcs12Error(() => readPkcs12Certificates(store('ca1.pem'), 'x'), /PEM file.*ssl\.truststore\.type=PEM/);
    expectPkcs12Error(() => readPkcs12Certificates(Buffer.from([0x30, 0x80, 0x02, 0x01, 0x03, 0x00, 0x00]), 'x'), /indefinite-length/);
  });

  it('never fails with anything but a Pkcs12Error on damaged input', () => {
    const good = opensslTrustStore('fuzz.p12', 'changeit', 'both.pem', '-certpbe', 'PBE-SHA1-3DES', '-nomac');
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let i = 0; i < 400; i++) {
      const bad = Buffer.from(good);
      for (let k = 0; k <= i % 3; k++) bad[next() % bad.length] = next() & 0xff;
      try { readPkcs12(bad, 'changeit'); } catch (e) { expect(e).toBeInstanceOf(Pkcs12Error); }
    }
  });

  it('names an algorithm it cannot use and says how to convert', () => {
    const camellia = opensslTrustStore('camellia.p12', 'changeit', 'ca1.pem', '-certpbe', 'camellia-256-cbc');
    expectPkcs12Error(() => readPkcs12Certificates(camellia, 'changeit'), /OID 1\.2\.392\.200011\.61\.1\.1\.1\.4.*openssl pkcs12 -in store\.p12 -nokeys -out ca\.pem/);
    const md5 = opensslTrustStore('md5.p12', 'changeit', 'ca1.pem', '-macalg', 'md5');
    expectPkcs12Error(() => readPkcs12Certificates(md5, 'changeit'), /MAC.*OID 1\.2\.840\.113549\.2\.5.*ssl\.truststore\.type=PEM/);
  });
});
