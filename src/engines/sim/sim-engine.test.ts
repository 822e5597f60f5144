// The simulator grows the topic because growPartitions is called, not because the spec says so.
import { describe, expect, it } from 'vitest';
import { runSpecOf } from '../../config/resolve.js';
import { murmur2 } from '../../partitioners/hashes.js';
import { keyBytes } from '../../partitioners/profiles.js';
import { runWorkload } from '../../runner/run-workload.js';
import { createRng } from '../../workload/rng.js';
import type { Engine, EngineListener, PlannedRecord } from '../types.js';
import { SimEngine, type SimOptions } from './sim-engine.js';
import { defaultModel } from './model.js';

const KEYS = 40;
/** Java's keyed placement, written out: murmur2, sign bit cleared, modulo the partition count. */
const javaPartition = (key: Uint8Array, partitions: number) => (murmur2(key) & 0x7fffffff) % partitions;

/** `count` keyed records at `rate`/s from one producer, key i mod KEYS. */
function plan(count: number, rate: number): PlannedRecord[] {
  return Array.from({ length: count }, (_, n) => ({
    n, producer: 0, keyIndex: n % KEYS, key: keyBytes(`user-${n % KEYS}`), entity: n % KEYS, seq: Math.floor(n / KEYS),
    intendedUs: (n * 1e6) / rate, sizeBytes: 100, partition: -1, offset: -1, atUs: 0, flags: 0,
  }));
}

interface Events {
  /** Per record n: partition of its ack, consumer and finish time of its consumption. */
  ackPartition: Map<number, number>;
  consumedAt: Map<number, number>;
  consumedTimes: number;
  assignments: { atUs: number; owners: number[]; reason: string }[];
  /** Every event in order, for comparing two runs. */
  log: string[];
}

function listener(): EngineListener & Events {
  const e: Events = { ackPartition: new Map(), consumedAt: new Map(), consumedTimes: 0, assignments: [], log: [] };
  return Object.assign(e, {
    sent: (r: PlannedRecord) => { e.log.push(`sent ${r.n}`); },
    acked: (r: PlannedRecord, p: number, o: number, at: number) => { e.ackPartition.set(r.n, p); e.log.push(`acked ${r.n} ${p} ${o} ${at}`); },
    consumed: (r: PlannedRecord, c: number, p: number, o: number, at: number) => {
      e.consumedTimes++;
      e.consumedAt.set(r.n, at);
      e.log.push(`consumed ${r.n} ${c} ${p} ${o} ${at}`);
    },
    skipped: (r: PlannedRecord, p: number, o: number, at: number) => { e.log.push(`skipped ${r.n} ${p} ${o} ${at}`); },
    assigned: (at: number, owners: Int32Array, reason: string) => {
      e.assignments.push({ atUs: at, owners: [...owners], reason });
      e.log.push(`assigned ${at} ${[...owners]} ${reason}`);
    },
  });
}

/** Drives the engine as the runner does: growth (if any) is called before the first record due at or after it. */
async function drive(flags: Parameters<typeof runSpecOf>[0], records: PlannedRecord[], growth: { to: number; atUs: number } | null, options: SimOptions = {}) {
  const spec = runSpecOf(flags);
  const engine = new SimEngine(spec, createRng(spec.seed).fork('engine'), options);
  const events = listener();
  await engine.start(events, { keyCardinality: KEYS, valueOf: () => new Uint8Array(0) });
  let grown = growth === null;
  for (const rec of records) {
    if (!grown && rec.intendedUs >= growth!.atUs) {
      grown = true;
      engine.growPartitions(growth!.to, growth!.atUs);
    }
    engine.send({ ...rec });
  }
  await engine.drain();
  await engine.close();
  return { spec, engine, events, growthDetails: engine.info.details.growth as { from: number; to: number; atMs: number; groupRebalanceAtMs: number; producerRefreshAtMs: number[] } | undefined };
}

// 1,000 records/s into 2 consumers of 400/s each: at the growth moment each consumer has a backlog
// whose consumption was scheduled beyond the clock before the growth was known.
const BASE = { key: 'user_id', partitions: '3', consumers: '2', consumerRate: '400', rate: '1000', duration: '4s',
  metadataRefresh: '200ms', rebalanceTime: '300ms', autoOffsetReset: 'earliest', assignor: 'range' } as const;
const RECORDS = plan(4000, 1000);

describe('SimEngine.growPartitions', () => {
  it('honours a growth the spec did not plan (no --grow-to), given room for it', async () => {
    const { events, growthDetails } = await drive(BASE, RECORDS, { to: 6, atUs: 2e6 }, { maxPartitions: 6 });
    expect(growthDetails).toMatchObject({ from: 3, to: 6, atMs: 2000 });
    const refreshUs = growthDetails!.producerRefreshAtMs[0] * 1000;
    // The first refresh (every 200 ms) after the cluster shows the partitions (the model's propagation time).
    const shownUs = 2e6 + defaultModel().metadataPropagationMs * 1000;
    expect(refreshUs).toBeGreaterThan(shownUs);
    expect(refreshUs).toBeLessThanOrEqual(shownUs + 0.2e6);
    // Each record lands where Java's partitioner puts its key for the count its producer knew when sending.
    for (const rec of RECORDS) {
      expect(events.ackPartition.get(rec.n)).toBe(javaPartition(rec.key!, rec.intendedUs < refreshUs ? 3 : 6));
    }
    expect([...events.ackPartition.values()].filter((p) => p >= 3).length).toBeGreaterThan(500);
    // The group rebalanced onto 6 partitions, every one owned; every record was consumed once.
    const last = events.assignments[events.assignments.length - 1];
    expect(last.owners).toHaveLength(6);
    expect(last.owners.every((o) => o >= 0)).toBe(true);
    expect(events.consumedTimes).toBe(4000);
    expect(events.consumedAt.size).toBe(4000);
    // Eager rebalance: no consumer starts a record while every partition is revoked, including the
    // records that were already queued for it (and scheduled into that window) before the growth call.
    const stopUs = growthDetails!.groupRebalanceAtMs * 1000;
    const resumeUs = stopUs + 300_000;
    const serviceUs = 1e6 / 400;
    const startedDuringStop = [...events.consumedAt.values()].filter((done) => done - serviceUs > stopUs + 1 && done - serviceUs < resumeUs - 1);
    expect(startedDuringStop).toEqual([]);
    const queuedAtGrowth = RECORDS.filter((r) => r.intendedUs < 2e6 && events.consumedAt.get(r.n)! - serviceUs >= resumeUs - 1);
    expect(queuedAtGrowth.length).toBeGreaterThan(100); // the backlog really was carried over the stop
  });

  it('grows to what the call says, not to the spec\'s --grow-to', async () => {
    const { events, growthDetails } = await drive({ ...BASE, growTo: '12', growAt: '50%' }, RECORDS, { to: 5, atUs: 1.5e6 });
    expect(growthDetails).toMatchObject({ from: 3, to: 5, atMs: 1500 });
    const used = new Set(events.ackPartition.values());
    expect([...used].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(events.assignments[events.assignments.length - 1].owners).toHaveLength(5);
  });

  it('does not grow when growPartitions is not called, even when the spec has --grow-to', async () => {
    const { events, growthDetails } = await drive({ ...BASE, growTo: '6', growAt: '50%' }, RECORDS, null);
    expect(growthDetails).toBeUndefined();
    for (const rec of RECORDS) expect(events.ackPartition.get(rec.n)).toBe(javaPartition(rec.key!, 3));
    expect(events.assignments.map((a) => a.reason)).toEqual(['initial assignment']);
    expect(events.consumedTimes).toBe(4000);
  });

  it('behaves the same whether or not the spec planned the growth it is asked for', async () => {
    for (const assignor of ['range', 'cooperative-sticky'] as const) {
      const growth = { to: 6, atUs: 2e6 };
      const planned = await drive({ ...BASE, assignor, growTo: '6', growAt: '2s' }, RECORDS, growth);
      const unplanned = await drive({ ...BASE, assignor }, RECORDS, growth, { maxPartitions: 6 });
      expect(unplanned.events.log.length).toBeGreaterThan(12_000);
      expect(unplanned.events.log).toEqual(planned.events.log);
      expect(unplanned.growthDetails).toEqual(planned.growthDetails);
    }
  });

  it('refuses a growth it cannot honour: past its partition bound, not a growth, in the past, or a second one', async () => {
    const spec = runSpecOf({ ...BASE, growTo: '6' });
    const engine = new SimEngine(spec, createRng(1).fork('engine'));
    await engine.start(listener(), { keyCardinality: KEYS, valueOf: () => new Uint8Array(0) });
    for (const rec of RECORDS.slice(0, 100)) engine.send({ ...rec });
    expect(() => engine.growPartitions(7, 2e6)).toThrow(/at most 6/);
    expect(() => engine.growPartitions(3, 2e6)).toThrow(/cannot grow from 3 to 3/);
    expect(() => engine.growPartitions(6, RECORDS[99].intendedUs)).toThrow(/not after the last record sent/);
    engine.growPartitions(6, 2e6);
    expect(() => engine.growPartitions(6, 3e6)).toThrow(/grows once per run/);
  });

  // The reference: the same growth planned before the run (SimOptions.plannedGrowth), as the simulator
  // did when it read the growth from the spec. Honouring the call must not change a single event. These
  // workloads have consumers with a backlog at the growth moment (records queued past the rebalance),
  // eager and cooperative groups, several producers, instant metadata refresh and instant rebalances,
  // and revoked records from several consumers coming back at the same instant.
  it.each([
    { key: 'none', partitions: '4', rate: '1000', duration: '3s', consumers: '2', consumerRate: '300', partitionCapacity: '500', rebalanceTime: '1s',
      assignor: 'kafkajs', producers: '3', autoOffsetReset: 'earliest', seed: '17', growTo: '13', growAt: '50%', metadataRefresh: '100ms' },
    { key: 'country', partitions: '2', rate: '2000', duration: '5s', consumers: '3', consumerRate: '700', partitionCapacity: '1000', rebalanceTime: '500ms',
      assignor: 'roundrobin', client: 'kafkajs', producers: '3', seed: '111', growTo: '11', growAt: '1s', metadataRefresh: '0s' },
    { key: 'country', partitions: '3', rate: '3333', duration: '2s', consumers: '1', consumerRate: '300', partitionCapacity: '500', produceLatency: '0ms',
      rebalanceTime: '0ms', producers: '2', seed: '758', growTo: '6', growAt: '30%', metadataRefresh: '0s' },
    { key: 'user_id', partitions: '4', rate: '2000', duration: '4s', consumers: '3', consumerRate: '300', assignor: 'cooperative-sticky',
      rebalanceTime: '300ms', seed: '5', growTo: '7', growAt: '40%', metadataRefresh: '200ms', autoOffsetReset: 'earliest' },
  ] as const)('a growth on call gives the very events of the same growth planned before the run (%#)', async (flags) => {
    const spec = runSpecOf(flags);
    const run = async (options: SimOptions) => {
      const rng = createRng(spec.seed);
      const engine = new SimEngine(spec, rng.fork('engine'), options);
      const events = listener();
      const logged: Engine = {
        info: engine.info, clock: engine.clock,
        start: (l, w) => engine.start(forwardTo(l, events), w),
        send: (r) => engine.send(r), growPartitions: (to, at) => engine.growPartitions(to, at), drain: () => engine.drain(), close: () => engine.close(),
      };
      const result = await runWorkload(spec, logged, rng);
      expect(result.error).toBeNull();
      return { events, details: engine.info.details };
    };
    const planned = await run({ plannedGrowth: { to: spec.growTo!, atUs: spec.growAtMs! * 1000 } });
    const onCall = await run({});
    // Assignments are reported when the growth is known: at start() for the reference, at the call here.
    const notAssigned = (log: string[]) => log.filter((l) => !l.startsWith('assigned'));
    expect(notAssigned(onCall.events.log)).toEqual(notAssigned(planned.events.log));
    expect(onCall.events.assignments).toEqual(planned.events.assignments);
    expect(onCall.details).toEqual(planned.details);
    expect(onCall.events.assignments.length).toBeGreaterThan(1);
  });
});

/** A listener that tells `events` everything and then passes it on to `next`. */
function forwardTo(next: EngineListener, events: EngineListener): EngineListener {
  return {
    sent: (r) => { events.sent(r); next.sent(r); },
    acked: (r, p, o, at) => { events.acked(r, p, o, at); next.acked(r, p, o, at); },
    consumed: (r, c, p, o, at) => { events.consumed(r, c, p, o, at); next.consumed(r, c, p, o, at); },
    skipped: (r, p, o, at) => { events.skipped(r, p, o, at); next.skipped(r, p, o, at); },
    assigned: (at, owners, reason) => { events.assigned(at, owners, reason); next.assigned(at, owners, reason); },
  };
}
