// Reads the certificates out of a PKCS#12 (.p12/.pfx) store, for ssl.truststore.type=PKCS12.
// Node's TLS `pfx` option insists on a private key ("Unable to load private key from PFX data"), so a
// trust-only store (keytool -importcert, openssl pkcs12 -export -nokeys) is unpacked here and its
// certificates go to TLS as `ca` PEM strings. RFC 7292 layout: PFX → authSafe ContentInfo(data) →
// AuthenticatedSafe = ContentInfo(data | encryptedData)* → SafeContents → SafeBag*.
// Only node:crypto is used. What its OpenSSL cannot decrypt (RC2/RC4 unless node runs with
// --openssl-legacy-provider) becomes a Pkcs12Error that names the OID and says how to convert.
import { createDecipheriv, createHash, createHmac, pbkdf2Sync, timingSafeEqual, X509Certificate } from 'node:crypto';

/** A PKCS#12 store kbench cannot use; the message is one line saying what to do. */
export class Pkcs12Error extends Error {
  override name = 'Pkcs12Error';
}

export interface Pkcs12Contents {
  /** Every X.509 certificate in the store, as PEM, in store order. */
  certificates: string[];
  /** A keyBag or pkcs8ShroudedKeyBag is present: Node's `pfx` option can load this store as is. */
  hasPrivateKey: boolean;
}

export const readPkcs12Certificates = (der: Uint8Array, password: string): string[] => readPkcs12(der, password).certificates;
export const hasPrivateKey = (der: Uint8Array, password: string): boolean => readPkcs12(der, password).hasPrivateKey;

const P7 = '1.2.840.113549.1.7.', BAG = '1.2.840.113549.1.12.10.1.', P5 = '1.2.840.113549.1.5.';
const OID = {
  data: P7 + '1', encryptedData: P7 + '6', keyBag: BAG + '1', shroudedKeyBag: BAG + '2', certBag: BAG + '3',
  safeContentsBag: BAG + '6', x509: '1.2.840.113549.1.9.22.1', pbkdf2: P5 + '12', pbes2: P5 + '13', pbmac1: P5 + '14',
};
/** MacData digests (the PKCS#12 KDF hashes) and PBKDF2/PBMAC1 PRFs, as node hash names. */
const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.4': 'sha224', '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512', '2.16.840.1.101.3.4.2.5': 'sha512-224', '2.16.840.1.101.3.4.2.6': 'sha512-256',
};
const HMACS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1', '1.2.840.113549.2.8': 'sha224', '1.2.840.113549.2.9': 'sha256', '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512', '1.2.840.113549.2.12': 'sha512-224', '1.2.840.113549.2.13': 'sha512-256',
};
/** The KDF of RFC 7292 appendix B works in blocks of the hash's input size v. */
const BLOCK: Record<string, number> = { sha1: 64, sha224: 64, sha256: 64, sha384: 128, sha512: 128, 'sha512-224': 128, 'sha512-256': 128 };
/** PBES2 encryption schemes: node cipher and key length (the IV is the scheme's parameter). */
const PBES2_CIPHERS: Record<string, [string, number]> = {
  '2.16.840.1.101.3.4.1.2': ['aes-128-cbc', 16], '2.16.840.1.101.3.4.1.22': ['aes-192-cbc', 24], '2.16.840.1.101.3.4.1.42': ['aes-256-cbc', 32],
  '1.2.840.113549.3.7': ['des-ede3-cbc', 24], '1.3.14.3.2.7': ['des-cbc', 8],
};
/** RFC 7292 appendix C PBE schemes (SHA-1 KDF): name, node cipher, key length, IV length. */
const LEGACY_PBE: Record<string, [string, string, number, number]> = {
  '1.2.840.113549.1.12.1.1': ['pbeWithSHAAnd128BitRC4', 'rc4', 16, 0],
  '1.2.840.113549.1.12.1.2': ['pbeWithSHAAnd40BitRC4', 'rc4-40', 5, 0],
  '1.2.840.113549.1.12.1.3': ['pbeWithSHAAnd3-KeyTripleDES-CBC', 'des-ede3-cbc', 24, 8],
  '1.2.840.113549.1.12.1.4': ['pbeWithSHAAnd2-KeyTripleDES-CBC', 'des-ede-cbc', 16, 8],
  '1.2.840.113549.1.12.1.5': ['pbeWithSHAAnd128BitRC2-CBC', 'rc2-cbc', 16, 8],
  '1.2.840.113549.1.12.1.6': ['pbeWithSHAAnd40BitRC2-CBC', 'rc2-40-cbc', 5, 8],
};
// A hostile or broken file must not make kbench spin for minutes in a KDF (real stores use 1..100k).
const MAX_ITERATIONS = 10_000_000;

const notPkcs12 = (why: string) => new Pkcs12Error(`not a PKCS12 file (${why}); check ssl.truststore.type / ssl.keystore.type`);
const wrongPassword = () =>
  new Pkcs12Error('wrong password for the PKCS12 store (its integrity check failed); check ssl.truststore.password / ssl.keystore.password');
/** `legacy`: RC2/RC4, which Node (OpenSSL 3) only has with --openssl-legacy-provider, and OpenSSL 3 reads with -legacy. */
function unsupported(what: string, oid: string, legacy = false): Pkcs12Error {
  const why = legacy ? 'which Node.js decrypts only when started with --openssl-legacy-provider' : 'which kbench does not support';
  return new Pkcs12Error(`cannot read this PKCS12 store: it uses ${what} (OID ${oid}), ${why}; ` +
    `convert it with \`openssl pkcs12 ${legacy ? '-legacy ' : ''}-in store.p12 -nokeys -out ca.pem\` and use ssl.truststore.type=PEM`);
}

// ---- ASN.1 DER reader: just enough for PKCS#12. Every length is checked against its parent. ----
interface Der { tag: number; body: Buffer }

function readTlv(buf: Buffer, pos: number): Der & { end: number } {
  if (pos + 2 > buf.length) throw notPkcs12('truncated DER');
  const tag = buf[pos++]!;
  if ((tag & 0x1f) === 0x1f) throw notPkcs12('unexpected multi-byte DER tag');
  let len = buf[pos++]!;
  if (len === 0x80) {
    throw new Pkcs12Error('this PKCS12 file uses indefinite-length BER encoding, which kbench does not read; ' +
      're-export it with `openssl pkcs12` (which writes DER) or convert it to PEM with `openssl pkcs12 -in store.p12 -nokeys -out ca.pem`');
  }
  if (len > 0x80) {
    const n = len & 0x7f;
    if (n > 4 || pos + n > buf.length) throw notPkcs12('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos++]!;
  }
  if (pos + len > buf.length) throw notPkcs12('DER length runs past the end of the data');
  return { tag, body: buf.subarray(pos, pos + len), end: pos + len };
}

/** The one DER value that must fill `buf` exactly. */
function parse(buf: Buffer): Der {
  const tlv = readTlv(buf, 0);
  if (tlv.end !== buf.length) throw notPkcs12('trailing bytes after the DER value');
  return tlv;
}

function expectTag(node: Der | undefined, tag: number, what: string): Der {
  if (node?.tag !== tag) throw notPkcs12(`expected ${what}`);
  return node;
}

/** Children of a SEQUENCE (or another constructed tag). */
function seq(node: Der | undefined, what: string, tag = 0x30): Der[] {
  const body = expectTag(node, tag, what).body;
  const out: (Der & { end: number })[] = [];
  for (let pos = 0; pos < body.length; pos = out[out.length - 1]!.end) out.push(readTlv(body, pos));
  return out;
}

/** The value inside a context-specific [0] EXPLICIT wrapper. */
const explicit0 = (node: Der | undefined, what: string): Der => {
  const inner = seq(node, what, 0xa0);
  if (inner.length !== 1) throw notPkcs12(`expected one value in ${what}`);
  return inner[0]!;
};
const octets = (node: Der | undefined, what: string): Buffer => expectTag(node, 0x04, what).body;

function oid(node: Der | undefined): string {
  const body = expectTag(node, 0x06, 'an OBJECT IDENTIFIER').body;
  if (body.length === 0 || body[body.length - 1]! & 0x80) throw notPkcs12('bad OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let v = 0;
  for (const b of body) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) { arcs.push(v); v = 0; }
  }
  const first = arcs.shift()!; // encodes 40 * arc1 + arc2
  const top = first < 80 ? Math.floor(first / 40) : 2;
  return [top, first - 40 * top, ...arcs].join('.');
}

/** A small non-negative INTEGER (versions, iteration counts, key lengths). */
function int(node: Der | undefined, what: string): number {
  const body = expectTag(node, 0x02, what).body;
  if (body.length === 0 || body.length > 6 || body[0]! & 0x80) throw notPkcs12(`bad ${what}`);
  return body.reduce((n, b) => n * 256 + b, 0);
}

function iterations(node: Der | undefined): number {
  const n = int(node, 'iteration count');
  if (n < 1 || n > MAX_ITERATIONS) throw notPkcs12(`implausible iteration count ${n}`);
  return n;
}

/** AlgorithmIdentifier: OID plus optional parameters. */
const algorithm = (node: Der | undefined): { id: string; params?: Der } => {
  const [id, params] = seq(node, 'an AlgorithmIdentifier');
  return { id: oid(id), params };
};

// ---- Key derivation ----

/** PKCS#12 passwords are BMPStrings: UTF-16BE with a two-byte NUL terminator. */
const bmpPassword = (password: string): Buffer => Buffer.from(`${password}\0`, 'utf16le').swap16();

/** Candidate encodings: for "" some writers use no bytes at all instead of the bare terminator. */
const bmpCandidates = (password: string): Buffer[] => (password === '' ? [bmpPassword(''), Buffer.alloc(0)] : [bmpPassword(password)]);

/** RFC 7292 appendix B.2: ID 1 = key, 2 = IV, 3 = MAC key. */
function pkcs12Kdf(hash: string, password: Buffer, salt: Buffer, id: number, iter: number, n: number): Buffer {
  const v = BLOCK[hash]!;
  const repeat = (src: Uint8Array, len: number) => new Uint8Array(len).map((_, i) => src[i % src.length]!);
  const fill = (src: Uint8Array) => repeat(src, v * Math.ceil(src.length / v));
  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([fill(salt), fill(password)]);
  const out: Buffer[] = [];
  for (let have = 0; ; ) {
    let A = createHash(hash).update(D).update(I).digest();
    for (let r = 1; r < iter; r++) A = createHash(hash).update(A).digest();
    out.push(A);
    if ((have += A.length) >= n) break;
    // Each v-byte block of I becomes (I_j + B + 1) mod 2^(8v), B being A repeated to v bytes.
    const B = repeat(A, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

interface Pbkdf2 { salt: Buffer; iter: number; keyLength?: number; hash: string }

function pbkdf2Params(alg: { id: string; params?: Der }): Pbkdf2 {
  if (alg.id !== OID.pbkdf2) throw unsupported('the key derivation function', alg.id);
  const [salt, iter, ...rest] = seq(alg.params, 'PBKDF2 parameters');
  if (salt?.tag !== 0x04) throw unsupported('a PBKDF2 salt that is not an OCTET STRING', alg.id);
  const out: Pbkdf2 = { salt: salt.body, iter: iterations(iter), hash: 'sha1' }; // PRF default: hmacWithSHA1
  for (const node of rest) {
    if (node.tag === 0x02) out.keyLength = int(node, 'PBKDF2 key length');
    else if (node.tag === 0x30) {
      const prf = algorithm(node).id;
      out.hash = HMACS[prf] ?? (() => { throw unsupported('the PBKDF2 PRF', prf); })();
    }
  }
  return out;
}

// ---- The MAC: proves the password right before anything is decrypted ----

/** Returns the PKCS#12-KDF password encoding that verified (needed again by legacy PBE). */
function verifyMac(macData: Der, authSafe: Buffer, password: string): Buffer[] {
  const [digestInfo, macSalt, iter] = seq(macData, 'MacData');
  const [alg, digest] = seq(digestInfo, 'the MAC DigestInfo');
  const { id, params } = algorithm(alg);
  const expected = octets(digest, 'the MAC value');
  const matches = (key: Buffer, hash: string) => {
    const mac = createHmac(hash, key).update(authSafe).digest();
    return mac.length === expected.length && timingSafeEqual(mac, expected);
  };
  if (id === OID.pbmac1) {
    // RFC 9579: PBKDF2 over the UTF-8 password; MacData's own salt and iterations are ignored.
    const [kdf, scheme] = seq(params, 'PBMAC1 parameters');
    const p = pbkdf2Params(algorithm(kdf));
    const macAlg = algorithm(scheme).id;
    const hash = HMACS[macAlg];
    if (!hash) throw unsupported('the PBMAC1 MAC', macAlg);
    if (!p.keyLength || p.keyLength > 1024) throw notPkcs12('PBMAC1 without a sane PBKDF2 key length');
    if (!matches(pbkdf2Sync(Buffer.from(password, 'utf8'), p.salt, p.iter, p.keyLength, p.hash), hash)) throw wrongPassword();
    return bmpCandidates(password);
  }
  const hash = DIGESTS[id];
  if (!hash) throw unsupported('the integrity (MAC) algorithm', id);
  const salt = octets(macSalt, 'the MAC salt');
  const n = iter ? iterations(iter) : 1; // DEFAULT 1
  const size = createHash(hash).digest().length;
  const ok = bmpCandidates(password).find((pw) => matches(pkcs12Kdf(hash, pw, salt, 3, n, size), hash));
  if (!ok) throw wrongPassword();
  return [ok];
}

// ---- Decrypting an encryptedData safe ----

/** undefined: bad padding, i.e. a wrong key. `fail`: the cipher is not in this Node's OpenSSL. */
function decrypt(cipher: string, key: Buffer, iv: Buffer | null, data: Buffer, fail: () => Pkcs12Error): Buffer | undefined {
  let d;
  try { d = createDecipheriv(cipher, key, iv); } catch { throw fail(); }
  try { return Buffer.concat([d.update(data), d.final()]); } catch { return undefined; }
}

/** The decrypted SafeContents, or a wrong-password error (only reachable when there is no MAC). */
function decryptSafe(wrapped: Der | undefined, password: string, bmp: Buffer[]): Der | undefined {
  const [, info] = seq(explicit0(wrapped, 'encryptedData'), 'EncryptedData');
  const [, algNode, content] = seq(info, 'EncryptedContentInfo');
  if (!content) return undefined; // detached content: nothing stored here
  const data = expectTag(content, 0x80, 'encrypted content').body;
  const alg = algorithm(algNode);
  const attempts: (() => Buffer | undefined)[] = [];
  if (alg.id === OID.pbes2) {
    const [kdf, scheme] = seq(alg.params, 'PBES2 parameters');
    const p = pbkdf2Params(algorithm(kdf));
    const enc = algorithm(scheme);
    const [cipher, keyLength] = PBES2_CIPHERS[enc.id] ?? (() => { throw unsupported('the PBES2 cipher', enc.id); })();
    if (p.keyLength !== undefined && p.keyLength !== keyLength) throw notPkcs12('PBES2 key length does not match its cipher');
    const iv = octets(enc.params, 'the PBES2 IV');
    const key = () => pbkdf2Sync(Buffer.from(password, 'utf8'), p.salt, p.iter, keyLength, p.hash);
    attempts.push(() => decrypt(cipher, key(), iv, data, () => unsupported(`${cipher} encryption`, enc.id)));
  } else if (LEGACY_PBE[alg.id]) {
    const [name, cipher, keyLength, ivLength] = LEGACY_PBE[alg.id]!;
    const [salt, iter] = seq(alg.params, 'PBE parameters');
    const s = octets(salt, 'the PBE salt'), n = iterations(iter);
    for (const pw of bmp) {
      attempts.push(() => decrypt(cipher, pkcs12Kdf('sha1', pw, s, 1, n, keyLength),
        ivLength ? pkcs12Kdf('sha1', pw, s, 2, n, ivLength) : null, data, () => unsupported(`${name} encryption`, alg.id, true)));
    }
  } else {
    throw unsupported('the encryption algorithm', alg.id);
  }
  for (const attempt of attempts) {
    const plain = attempt();
    // Right padding by chance (~1/256) with a wrong key still fails to parse as DER.
    try { if (plain) return expectTag(parse(plain), 0x30, 'SafeContents'); } catch { /* next candidate */ }
  }
  throw wrongPassword();
}

// ---- Walking the bags ----

function walkBags(safeContents: Der, out: Pkcs12Contents, depth = 0): void {
  if (depth > 8) throw notPkcs12('SafeContents nested too deeply');
  for (const bag of seq(safeContents, 'SafeContents')) {
    const [bagId, value] = seq(bag, 'SafeBag');
    const id = oid(bagId);
    if (id === OID.keyBag || id === OID.shroudedKeyBag) out.hasPrivateKey = true;
    else if (id === OID.safeContentsBag) walkBags(explicit0(value, 'safeContentsBag'), out, depth + 1);
    else if (id === OID.certBag) {
      const [certId, certValue] = seq(explicit0(value, 'certBag'), 'CertBag');
      if (oid(certId) !== OID.x509) continue; // SDSI certificates: nothing TLS can use
      const der = octets(explicit0(certValue, 'certValue'), 'an X.509 certificate');
      try { new X509Certificate(der); } catch { throw notPkcs12(`certificate ${out.certificates.length + 1} is not valid X.509`); }
      const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
      out.certificates.push(`-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`);
    } // CRL and secret bags: skipped
  }
}

/** Reads a PKCS#12 store: verifies its MAC (if any), decrypts its safes and lists certificates and keys. */
export function readPkcs12(der: Uint8Array, password: string): Pkcs12Contents {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  // `openssl pkcs12 -out x.pem` output starts with "Bag Attributes" text, so look past the first line.
  if (buf[0] !== 0x30 && buf.subarray(0, 4096).toString('latin1').includes('-----BEGIN ')) {
    throw new Pkcs12Error('this is a PEM file, not PKCS12: use ssl.truststore.type=PEM (or ssl.keystore.type=PEM)');
  }
  const [version, authSafe, macData] = seq(parse(buf), 'a PFX SEQUENCE');
  if (int(version, 'PFX version') !== 3) throw notPkcs12('PFX version is not 3');
  const [type, content] = seq(authSafe, 'the authSafe ContentInfo');
  const authType = oid(type);
  if (authType !== OID.data) throw unsupported('public-key integrity mode', authType);
  const authData = octets(explicit0(content, 'authSafe content'), 'authSafe data');
  const bmp = macData ? verifyMac(macData, authData, password) : bmpCandidates(password);
  const out: Pkcs12Contents = { certificates: [], hasPrivateKey: false };
  for (const info of seq(parse(authData), 'AuthenticatedSafe')) {
    const [t, body] = seq(info, 'ContentInfo');
    const safeType = oid(t);
    if (safeType === OID.data) walkBags(parse(octets(explicit0(body, 'data'), 'data')), out);
    else if (safeType === OID.encryptedData) {
      const safe = decryptSafe(body, password, bmp);
      if (safe) walkBags(safe, out);
    } else throw unsupported('a public-key encrypted safe', safeType);
  }
  return out;
}
