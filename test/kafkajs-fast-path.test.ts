// kbench's replacements for two kafkajs 2.2.4 modules (src/engines/kafka/kafkajs-fast-path/) must be
// byte-for-byte what kafkajs itself writes: the independent side is kafkajs's original module,
// compiled privately from its own file, fed the same generated requests.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { groupMessagesPerPartition } from '../src/drivers/kafkajs/fast-path/group-messages.js';
import { javaCommitsConsumerGroup, javaCommitsRunner, type ConsumerGroupClass, type RunnerClass } from '../src/drivers/kafkajs/fast-path/java-commits.js';
import { kafkajsModule, originalKafkajsModule } from '../src/drivers/kafkajs/fast-path/modules.js';
import { encodeProduceRequest, produceRequest } from '../src/drivers/kafkajs/fast-path/produce-request.js';

type Encoded = { buffer: Buffer };
type RequestOf = (a: unknown) => { encode(): Promise<Encoded> };
const original = originalKafkajsModule<RequestOf>('src/protocol/requests/produce/v3/request.js');
const frame = kafkajsModule<(a: { correlationId: number; clientId: string; request: unknown }) => Promise<Encoded>>('src/protocol/request');
const Long = kafkajsModule<{ fromValue(v: number): unknown }>('src/utils/long');
const originalGroup = originalKafkajsModule<typeof groupMessagesPerPartition>('src/producer/groupMessagesPerPartition.js');

const bytes = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 40, unit: 'grapheme' }),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc.constantFrom(0, 63, 64, 8191, 8192, 20_000).map((n) => Buffer.alloc(n, 7)),
);
const headers = fc.oneof(
  fc.constant(undefined),
  fc.constant({}),
  fc.uint8Array({ minLength: 43, maxLength: 43 }).map((a) => ({ kb: Buffer.from(a) })),
  fc.dictionary(fc.string({ maxLength: 8, unit: 'grapheme' }), fc.oneof(bytes.filter((b) => b !== null), fc.array(bytes.filter((b) => b !== null), { maxLength: 3 })), { maxKeys: 4 }),
);
const message = (timestamps: boolean) => fc.record({
  key: fc.oneof(bytes, fc.constant(undefined)),
  value: bytes,
  headers,
  partition: fc.constant(-1),
  ...(timestamps ? { timestamp: fc.oneof(fc.constant(undefined), fc.integer({ min: 1_700_000_000_000, max: 1_700_000_100_000 }), fc.integer({ min: 1_700_000_000_000, max: 1_700_000_100_000 }).map(String)) } : {}),
}, { requiredKeys: ['value', 'partition'] });
const request = fc.boolean().chain((timestamps) => fc.record({
  acks: fc.constantFrom(-1, 0, 1),
  timeout: fc.integer({ min: 1, max: 60_000 }),
  transactionalId: fc.oneof(fc.constant(undefined), fc.constant(null), fc.constant('tx-ü')),
  producerId: fc.integer({ min: 0, max: 1e9 }).map((n) => Long.fromValue(n)),
  producerEpoch: fc.integer({ min: 0, max: 5 }),
  topicData: fc.array(fc.record({
    topic: fc.constantFrom('kbench-topic', 'tøpic'),
    partitions: fc.array(fc.record({ partition: fc.integer({ min: 0, max: 50 }), firstSequence: fc.integer({ min: 0, max: 1e6 }), messages: fc.array(message(timestamps), { minLength: 1, maxLength: 60 }) }), { minLength: 1, maxLength: 4 }),
  }), { minLength: 1, maxLength: 2 }),
}, { requiredKeys: ['acks', 'timeout', 'topicData'] }));

const framed = async (r: unknown) => (await frame({ correlationId: 7, clientId: 'kbench', request: r })).buffer;

describe('kafkajs fast path', () => {
  afterEach(() => vi.useRealTimers());

  it('encodes produce requests byte for byte as kafkajs does (300 generated requests, framed)', async () => {
    vi.useFakeTimers({ now: 1_712_345_678_901, toFake: ['Date'] });
    await fc.assert(fc.asyncProperty(request, async (args) => {
      expect(encodeProduceRequest({ producerId: Long.fromValue(-1), ...args } as never)).toBeDefined(); // the fast path takes it
      expect((await framed(produceRequest(args as never))).equals(await framed(original(args)))).toBe(true);
    }), { numRuns: 300, seed: 8 });
  });

  it('a kbench-shaped request of 3,000 records is identical too', async () => {
    vi.useFakeTimers({ now: 1_712_345_678_901, toFake: ['Date'] });
    const messages = Array.from({ length: 3000 }, (_, i) => ({ key: Buffer.from(`user-${i}`), value: Buffer.alloc(100, 65), headers: { kb: Buffer.alloc(43, i % 256) }, partition: 3 }));
    const args = { acks: -1, timeout: 30_000, topicData: [{ topic: 'kbench-user-id-x', partitions: [{ partition: 3, messages }] }] };
    expect((await framed(produceRequest(args as never))).equals(await framed(original(args)))).toBe(true);
  });

  it('leaves input it does not size exactly, and compressed batches, to kafkajs (with kafkajs\'s own errors)', async () => {
    for (const bad of [{ key: 'a', value: 'b', headers: { h: null } }, { key: 1, value: 'b' }]) {
      const args = { acks: -1, timeout: 1, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [bad] }] }] };
      expect(encodeProduceRequest(args as never)).toBeUndefined();
      const theirs = await original(args).encode().then(() => 'ok', (e: Error) => e.message);
      const ours = await produceRequest(args as never).encode().then(() => 'ok', (e: Error) => e.message);
      expect(ours).toBe(theirs);
    }
  });

  it('groups messages per partition exactly as kafkajs does: same partitioner calls, keys and order', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 11 }), { maxLength: 400 }), (parts) => {
      const messages = parts.map((p) => ({ p }));
      const calls: unknown[] = [];
      const partitioner = ({ message }: { message: unknown }) => (calls.push(message), (message as { p: number }).p);
      const theirs = originalGroup({ topic: 't', partitionMetadata: [1], messages, partitioner });
      const theirCalls = calls.splice(0);
      const ours = groupMessagesPerPartition({ topic: 't', partitionMetadata: [1], messages, partitioner });
      expect(Object.keys(ours)).toEqual(Object.keys(theirs));
      for (const k of Object.keys(theirs)) expect(ours[Number(k)]).toEqual(theirs[Number(k)]);
      expect(calls).toEqual(theirCalls);
    }), { seed: 9 });
  });
});

// Java's commit schedule (java-commits.ts) against kafkajs's own Runner and ConsumerGroup, driven
// through their own methods with stand-ins for what they talk to (the broker side is the broker tests').
describe("kafkajs consumers commit on Java's schedule", () => {
  const logger = { namespace: () => logger, info() {}, debug() {}, warn() {}, error() {} };
  const Runner = originalKafkajsModule<RunnerClass>('src/consumer/runner.js');
  const ConsumerGroup = originalKafkajsModule<ConsumerGroupClass>('src/consumer/consumerGroup.js');
  const { KafkaJSConnectionError, KafkaJSProtocolError } = kafkajsModule<Record<string, new (e: unknown) => Error>>('src/errors');
  const { createErrorFromCode } = kafkajsModule<{ createErrorFromCode(code: number): unknown }>('src/protocol/error');
  const batch = {
    topic: 't', partition: 0, highWatermark: '3', messages: [{ offset: '0' }, { offset: '1' }, { offset: '2' }],
    isEmptyDueToFiltering: () => false, isEmpty: () => false, offsetLag: () => '0', offsetLagLow: () => '0', firstOffset: () => '0', lastOffset: () => '2',
  };

  it('kafkajs commits after every batch; the patched Runner only checks the auto-commit interval', async () => {
    for (const [R, commits, checks] of [[Runner, 3, 0], [javaCommitsRunner(Runner), 0, 3]] as const) {
      const counted = { commits: 0, checks: 0 };
      const consumerGroup = {
        groupId: 'g', memberId: 'm', heartbeat: async () => undefined, resolveOffset() {}, hasSeekOffset: () => false, getNodeIds: () => [],
        commitOffsets: async () => { counted.commits++; }, commitOffsetsIfNecessary: async () => { counted.checks++; },
      };
      const runner = new R({ logger, consumerGroup, instrumentationEmitter: { emit() {} }, eachBatch: async () => undefined, concurrency: 1, heartbeatInterval: 500, onCrash() {}, autoCommit: true }) as unknown as { running: boolean; handleBatch(b: unknown): Promise<void> };
      runner.running = true;
      for (let i = 0; i < 3; i++) await runner.handleBatch(batch);
      expect(counted).toEqual({ commits, checks });
    }
  });

  function group(o: { autoCommit: boolean; failures: unknown[] }) {
    const calls: string[] = [];
    const cluster = { findGroupCoordinator: async () => { calls.push('find'); throw new KafkaJSProtocolError(createErrorFromCode(16)); } };
    const g = new (javaCommitsConsumerGroup(ConsumerGroup))({ logger, cluster, groupId: 'g', topics: ['t'], topicConfigurations: {}, instrumentationEmitter: { emit() {} },
      assigners: [], sessionTimeout: 10_000, rebalanceTimeout: 5_000, autoCommit: o.autoCommit, retry: { retries: 0 } });
    g.memberId = 'm';
    g.coordinator = { leaveGroup: async () => { calls.push('leave'); } };
    g.offsetManager = { coordinator: null, commitOffsets: async () => { calls.push('commit'); const e = o.failures.shift(); if (e) throw e; } };
    return { g, calls };
  }

  it('commits before leaving: a retriable failure is retried, a fenced member gives up, and without auto-commit nothing is committed', async () => {
    const retried = group({ autoCommit: true, failures: [new KafkaJSConnectionError('Closed connection')] });
    await retried.g.leave();
    expect(retried.calls).toEqual(['commit', 'find', 'commit', 'leave']); // the coordinator looked up again
    const fenced = group({ autoCommit: true, failures: [new KafkaJSProtocolError(createErrorFromCode(22))] }); // ILLEGAL_GENERATION
    await fenced.g.leave();
    expect(fenced.calls).toEqual(['commit', 'leave']);
    const manual = group({ autoCommit: false, failures: [] });
    await manual.g.leave();
    expect(manual.calls).toEqual(['leave']);
  });

  it('commits before rejoining (Java\'s onJoinPrepare), then joins as kafkajs does', async () => {
    const { g, calls } = group({ autoCommit: true, failures: [] });
    await expect(g.joinAndSync()).rejects.toThrow(); // the stand-in cluster has no coordinator to join
    expect(calls.slice(0, 2)).toEqual(['commit', 'find']);
  });
});
