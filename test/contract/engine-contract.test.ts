// One contract, two engines: the same small workloads run on the simulator and on the real broker, and
// the same code checks what each engine did. Predictions are computed here from the keys the runner
// sent, with Java's partitioner written out (murmur2, sign bit cleared, modulo the partition count);
// measurements come from the engine: where each record was read back, and each partition's log end
// (for the live engine the broker's own offsets, fetched here with a separate admin client).
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { runSpecOf } from '../../src/config/resolve.js';
import { createEngine } from '../../src/engines/create-engine.js';
import type { Engine, EngineListener, PlannedRecord } from '../../src/engines/types.js';
import { murmur2 } from '../../src/partitioners/hashes.js';
import { buildReport } from '../../src/report/build.js';
import type { RunReport } from '../../src/report/schema.js';
import { runWorkload, type RunResult } from '../../src/runner/run-workload.js';
import { createRng } from '../../src/workload/rng.js';
import { kbench } from '../helpers.js';
import { brokers, LIVE_DRIVERS } from '../kafka/helpers.js';

type Flags = Parameters<typeof runSpecOf>[0];

/** Java's keyed placement (kafka-clients Utils.toPositive(murmur2(key)) % n), also kafkajs's default. */
const javaPartition = (key: Uint8Array, partitions: number) => (murmur2(key) & 0x7fffffff) % partitions;
const hex = (key: Uint8Array) => Buffer.from(key).toString('hex');

/** What the test saw through the engine's listener, per record n. */
class Observation {
  readonly sent = new Map<number, PlannedRecord>();
  /** Partition each record was read from (the broker's fetch response, for the live engine). */
  readonly readFrom = new Map<number, number>();
  /** Per partition, the highest acked offset + 1. */
  readonly ackedEnds: number[] = [];

  /** Hooks called before the engine's own listener (the runner's recorder) hears the same event. */
  readonly hooks: Partial<EngineListener> = {
    sent: (rec) => { this.sent.set(rec.n, rec); },
    acked: (_rec, partition, offset) => { this.ackedEnds[partition] = Math.max(this.ackedEnds[partition] ?? 0, offset + 1); },
    consumed: (rec, _consumer, partition) => { this.readFrom.set(rec.n, partition); },
  };
}

/** The engine, with every listener event also shown to `obs` (a proxy, so listener methods added later pass through). */
function observed(engine: Engine, obs: Observation): Engine {
  const tee = (listener: EngineListener): EngineListener => new Proxy(listener, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const hook = obs.hooks[prop as keyof EngineListener] as ((...a: unknown[]) => void) | undefined;
      return (...args: unknown[]) => {
        hook?.(...args);
        return value.apply(target, args);
      };
    },
  });
  return new Proxy(engine, {
    get(target, prop) {
      if (prop === 'start') return (listener: EngineListener, workload: Parameters<Engine['start']>[1]) => target.start(tee(listener), workload);
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

interface Run {
  result: RunResult;
  report: RunReport;
  obs: Observation;
  /** Records in each partition's log at the end, as the engine's storage says (index = partition). */
  logEnds: number[];
}

interface EngineUnderTest {
  name: string;
  available: boolean;
  flags: Flags;
  /** Each partition's log end offset once the run is over. */
  logEnds(result: RunResult, obs: Observation, partitions: number): Promise<number[]>;
  cleanUp(result: RunResult): Promise<void>;
}

const ENGINES: EngineUnderTest[] = [
  {
    name: 'simulator',
    available: true,
    flags: {},
    // The simulator's partition logs: the offsets it handed out in its acks.
    logEnds: async (_result, obs, partitions) => Array.from({ length: partitions }, (_, p) => obs.ackedEnds[p] ?? 0),
    cleanUp: async () => undefined,
  },
  ...LIVE_DRIVERS.map((driver): EngineUnderTest => ({
    name: `kafka (${driver})`,
    available: Boolean(brokers),
    // The run's topic is kept so the broker can be asked what it holds, then deleted below.
    flags: { brokers, keepTopic: 'true', driver },
    logEnds: async (result, _obs, partitions) => {
      const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        const ends = await admin.fetchTopicOffsets(String(result.engine.details.topic));
        expect(ends).toHaveLength(partitions);
        return ends.sort((a, b) => a.partition - b.partition).map((o) => Number(o.high));
      } finally {
        await admin.disconnect();
      }
    },
    cleanUp: async (result) => {
      const topic = result.engine.details.topic;
      if (typeof topic === 'string') expect((await kbench('topic', 'delete', topic, '--brokers', brokers)).code).toBe(0);
    },
  })),
];

async function run(e: EngineUnderTest, flags: Flags, check: (r: Run) => void | Promise<void>): Promise<void> {
  const spec = runSpecOf({ ...flags, ...e.flags });
  const obs = new Observation();
  const result = await runWorkload(spec, observed(createEngine(spec), obs), createRng(spec.seed));
  try {
    expect(result.error).toBeNull();
    const report = buildReport(result, 'contract-test');
    const logEnds = await e.logEnds(result, obs, spec.growTo ?? spec.partitions);
    await check({ result, report, obs, logEnds });
  } finally {
    await e.cleanUp(result);
  }
}

/** Every acked record was read or skipped: from the report's counters, and record by record as the test saw them. */
function everyAckedRecordReadOrSkipped({ report, obs }: Run, records: number): void {
  const d = report.delivery;
  expect(d.produced).toBe(records);
  expect(d.acked).toBe(records);
  expect(d.lost).toBe(0);
  expect(d.consumed + d.skipped).toBe(d.acked);
  // With auto.offset.reset=earliest nothing is skipped, so every record was seen being read.
  expect(d.skipped).toBe(0);
  expect(obs.readFrom.size).toBe(records);
  for (const n of obs.sent.keys()) expect(obs.readFrom.has(n)).toBe(true);
}

const countPerPartition = (partitions: number, of: Iterable<number>) => {
  const counts = new Array<number>(partitions).fill(0);
  for (const p of of) counts[p]++;
  return counts;
};

// Small workloads: a few thousand records over a few seconds each. Uniform users so that every key
// has records before and after the growth moment.
const KEYED: Flags = { key: 'user_id', users: '300', userDist: 'uniform', partitions: '6', producers: '2', consumers: '3',
  rate: '1000', messages: '2000', autoOffsetReset: 'earliest', seed: '11' };
const GROWTH: Flags = { key: 'user_id', users: '100', userDist: 'uniform', partitions: '3', growTo: '6', growAt: '40%',
  metadataRefresh: '500ms', consumers: '2', rate: '1000', messages: '4000', autoOffsetReset: 'earliest', seed: '12' };

describe.each(ENGINES)('engine contract: $name', (e) => {
  describe.skipIf(!e.available)(`${e.name} engine`, () => {
    it('keyed records: every acked record is read, each from the partition Java\'s partitioner gives its key', async () => {
      await run(e, KEYED, (r) => {
        everyAckedRecordReadOrSkipped(r, 2000);
        const expected = countPerPartition(6, [...r.obs.sent.values()].map((rec) => javaPartition(rec.key!, 6)));
        expect(expected.every((c) => c > 200)).toBe(true); // every partition is in play
        // Record by record: read back from the predicted partition.
        for (const [n, rec] of r.obs.sent) expect(r.obs.readFrom.get(n), `record ${n}`).toBe(javaPartition(rec.key!, 6));
        // Per partition: the report's counts (from acks), the log ends, the reads, all equal the prediction.
        expect(r.report.phases[0].perPartition).toEqual(expected);
        expect(r.logEnds).toEqual(expected);
        expect(countPerPartition(6, r.obs.readFrom.values())).toEqual(expected);
      });
    }, 90_000);

    it('growth 3 → 6: records follow the partition count their producer knew, and exactly the closed-form keys move', async () => {
      await run(e, GROWTH, (r) => {
        everyAckedRecordReadOrSkipped(r, 4000);
        const growAtUs = r.result.spec.growAtMs! * 1000;
        // The last quarter of the run is well after every producer's refresh (500 ms max age after 1.6 s).
        const settledUs = 0.75 * r.result.spec.durationMs * 1000;
        const before = new Map<string, Set<number>>();
        const settled = new Map<string, Set<number>>();
        for (const [n, rec] of r.obs.sent) {
          const key = rec.key!;
          const read = r.obs.readFrom.get(n)!;
          if (rec.intendedUs < growAtUs) expect(read, `record ${n} before growth`).toBe(javaPartition(key, 3));
          else if (rec.intendedUs >= settledUs) expect(read, `record ${n} after the refresh`).toBe(javaPartition(key, 6));
          else expect([javaPartition(key, 3), javaPartition(key, 6)], `record ${n} around growth`).toContain(read);
          const bucket = rec.intendedUs < growAtUs ? before : rec.intendedUs >= settledUs ? settled : null;
          if (bucket) bucket.set(hex(key), (bucket.get(hex(key)) ?? new Set()).add(read));
        }
        // Movement as measured: a key moved when the partition it was read from after the refresh
        // differs from the one before growth. The closed form: murmur2 % 3 != murmur2 % 6.
        const keys = new Map([...r.obs.sent.values()].map((rec) => [hex(rec.key!), rec.key!]));
        expect(keys.size).toBe(100);
        expect(before.size).toBe(keys.size); // every key was seen in both stretches, so every key is judged
        expect(settled.size).toBe(keys.size);
        const measuredMoved = [...keys.keys()].filter((k) => {
          const [was, is] = [[...before.get(k)!], [...settled.get(k)!]];
          expect(was).toHaveLength(1);
          expect(is).toHaveLength(1);
          return was[0] !== is[0];
        }).sort();
        const closedFormMoved = [...keys].filter(([, bytes]) => javaPartition(bytes, 3) !== javaPartition(bytes, 6)).map(([k]) => k).sort();
        expect(measuredMoved).toEqual(closedFormMoved);
        expect(closedFormMoved.length).toBeGreaterThan(25); // about half of the keys, not a degenerate case
        expect(closedFormMoved.length).toBeLessThan(75);
        // The report's key-movement figures name the same count.
        expect(r.report.keyMovement).toMatchObject({ from: 3, to: 6, keysTotal: keys.size, keysMoved: closedFormMoved.length });
        // Per partition: before growth, the report's counts equal the prediction; at the end, each log
        // holds exactly what was read from it, and the new partitions hold records.
        const beforeRecords = [...r.obs.sent.values()].filter((rec) => rec.intendedUs < growAtUs);
        expect(r.report.phases[0].perPartition.slice(0, 3)).toEqual(countPerPartition(3, beforeRecords.map((rec) => javaPartition(rec.key!, 3))));
        expect(r.logEnds).toEqual(countPerPartition(6, r.obs.readFrom.values()));
        expect(r.logEnds.slice(3).every((c) => c > 100)).toBe(true);
      });
    }, 90_000);
  });
});
