// kbench's settings as @platformatic/kafka options, and what the driver refuses (no broker, no library).
import { describe, expect, it } from 'vitest';
import type { ClientSecurity } from '../../config/client-security.js';
import { ASSIGNORS, rangeAssignor } from '../../groups/assignors.js';
import { isKbenchError } from '../../errors.js';
import type { DriverCapabilities, DriverConsumerOptions } from '../driver.js';
import { platformaticAssigner } from './assignor.js';
import { baseOptions, checkConsumer, checkProducer, checkSend, classicTimeouts, compressionsHere, kafkaTopicId, RETRY_DELAY_MS } from './options.js';

const caps: DriverCapabilities = {
  roles: ['admin', 'producer', 'consumer'], groupProtocols: ['classic', 'consumer'], compressions: compressionsHere(false), saslMechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
  nullRecords: false, maxInFlightIdempotent: 1, threads: true, batching: 'kbench', classicAssignors: ['range', 'roundrobin', 'kafkajs'],
};
const tls = (over: Partial<NonNullable<ClientSecurity['tls']>> = {}): NonNullable<ClientSecurity['tls']> => ({ ca: ['CA'], cert: null, key: null, pfx: null, passphrase: null, verifyHostname: true, ...over });
const refusal = (f: () => void): string => {
  try {
    f();
  } catch (e) {
    expect(isKbenchError(e)).toBe(true);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('not refused');
};

describe('baseOptions', () => {
  it('plaintext: brokers, timeouts, retries that add up to the ride-through', () => {
    const o = baseOptions({ brokers: ['127.0.0.1:9092'], connectTimeoutMs: 4000, rideThroughMs: 10_000 });
    expect(o).toMatchObject({ clientId: 'kbench', bootstrapBrokers: ['127.0.0.1:9092'], connectTimeout: 4000, retryDelay: RETRY_DELAY_MS, autocreateTopics: false });
    expect((o.retries as number) * RETRY_DELAY_MS).toBe(10_000);
    expect(o.tls).toBeUndefined();
    expect(o.sasl).toBeUndefined();
  });

  it('SASL_SSL: trust, SCRAM credentials; SNI only for a host name, never for an IP address', () => {
    const security: ClientSecurity = { protocol: 'SASL_SSL', sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' }, tls: tls() };
    const byIp = baseOptions({ brokers: ['127.0.0.1:9094'], connectTimeoutMs: 1000, security });
    expect(byIp.sasl).toEqual({ mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' });
    expect(byIp.tls).toMatchObject({ ca: ['CA'], rejectUnauthorized: true });
    expect(byIp.tls!.checkServerIdentity).toBeUndefined();
    expect(byIp.tlsServerName).toBeUndefined();
    expect(baseOptions({ brokers: ['kafka.example:9094'], connectTimeoutMs: 1000, security }).tlsServerName).toBe(true);
  });

  it('mTLS with a PKCS12 keystore, and with PEM; an empty endpoint identification still checks trust, not the name', () => {
    const pfx = new Uint8Array([1, 2, 3]);
    const p12 = baseOptions({ brokers: ['127.0.0.1:9095'], connectTimeoutMs: 1000, security: { protocol: 'SSL', sasl: null, tls: tls({ pfx, passphrase: 'pw' }) } });
    expect(p12.tls).toMatchObject({ pfx: Buffer.from(pfx), passphrase: 'pw', rejectUnauthorized: true });
    const pem = baseOptions({ brokers: ['127.0.0.1:9095'], connectTimeoutMs: 1000, security: { protocol: 'SSL', sasl: null, tls: tls({ cert: 'CERT', key: 'KEY', verifyHostname: false }) } });
    expect(pem.tls).toMatchObject({ cert: 'CERT', key: 'KEY', rejectUnauthorized: true });
    expect(pem.tls!.checkServerIdentity!('127.0.0.1', {} as never)).toBeUndefined();
  });
});

describe('refusals', () => {
  it('an idempotent producer with more sends in flight than is safe', () => {
    expect(refusal(() => checkProducer({ idempotent: true, lingerMs: 0, batchBytes: 1, maxInFlight: 2, metadataMaxAgeMs: 1 }, caps))).toMatch(/--max-in-flight 1/);
    expect(() => checkProducer({ idempotent: false, lingerMs: 0, batchBytes: 1, maxInFlight: 5, metadataMaxAgeMs: 1 }, caps)).not.toThrow();
  });

  it('a codec this Node cannot run, and an idempotent send without acks=all', () => {
    expect(compressionsHere(true)).toContain('zstd');
    expect(refusal(() => checkSend(false, 'all', 'zstd', caps))).toMatch(/^compression zstd is not available.*none, gzip, snappy, lz4/);
    expect(refusal(() => checkSend(true, '1', 'none', caps))).toMatch(/acks=all/);
    expect(() => checkSend(true, 'all', 'lz4', caps)).not.toThrow();
  });

  it('cooperative-sticky (eager members only), and a client-side assignor with the consumer protocol', () => {
    const base: DriverConsumerOptions = { groupId: 'g', topics: ['t'], protocol: 'classic', fromBeginning: true, autoCommit: false, autoResolve: true, restartOnFailure: () => false };
    expect(refusal(() => checkConsumer({ ...base, assignor: ASSIGNORS['cooperative-sticky'] }, caps))).toMatch(/cooperative-sticky .*--assignor range/);
    expect(refusal(() => checkConsumer({ ...base, protocol: 'consumer', assignor: ASSIGNORS.range }, caps))).toMatch(/--remote-assignor/);
    for (const name of ['range', 'roundrobin', 'kafkajs'] as const) expect(() => checkConsumer({ ...base, assignor: ASSIGNORS[name] }, caps)).not.toThrow();
  });
});

describe('pure mappings', () => {
  it('classic timeouts: heartbeat within the session, rebalance timeout at least the session', () => {
    expect(classicTimeouts({ sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500 })).toEqual({ sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 60_000 });
    expect(classicTimeouts({ sessionTimeoutMs: 90_000, heartbeatIntervalMs: 100_000 })).toEqual({ sessionTimeout: 90_000, heartbeatInterval: 90_000, rebalanceTimeout: 90_000 });
  });

  it('topic IDs in Kafka\'s text form', () => {
    expect(kafkaTopicId('00000000-0000-0000-0000-000000000001')).toBe('AAAAAAAAAAAAAAAAAAAAAQ');
    expect(kafkaTopicId('98af75ee-0b7b-43fb-9392-28356383 3e21'.replace(' ', ''))).toBe(Buffer.from('98af75ee0b7b43fb939228356383' + '3e21', 'hex').toString('base64url'));
    expect(kafkaTopicId('00000000-0000-0000-0000-000000000000')).toBeNull();
    expect(kafkaTopicId(undefined)).toBeNull();
  });

  it('kbench\'s assignor through the library\'s hook assigns what it assigns alone', () => {
    const members = new Map([['b', { memberId: 'b', topics: ['t', 'u'], version: 0 }], ['a', { memberId: 'a', topics: ['t'], version: 0 }]]);
    const metadata = { id: 'c', brokers: new Map(), lastUpdate: 0, topics: new Map([['t', { id: 'x', partitions: [], partitionsCount: 5, lastUpdate: 0 }], ['u', { id: 'y', partitions: [], partitionsCount: 2, lastUpdate: 0 }]]) };
    const out = platformaticAssigner(rangeAssignor)('a', members as never, new Set(['t']), metadata as never);
    const alone = rangeAssignor.assign([{ id: 'b', topics: ['t', 'u'] }, { id: 'a', topics: ['t'] }], { t: 5, u: 2 });
    for (const m of out) {
      const mine = [...m.assignments.values()].flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
      expect(mine, m.memberId).toEqual(alone.get(m.memberId));
    }
  });
});
