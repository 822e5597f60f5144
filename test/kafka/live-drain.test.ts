// Redeliveries on a real broker: copies of records the run already planned are written into the run's
// topic while it runs, so its consumers read those records twice. The drain must wait for every acked
// record itself (a copy is not progress), count each copy as a duplicate, and lose nothing.
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { runSpecOf } from '../../src/config/resolve.js';
import { createEngine } from '../../src/engines/create-engine.js';
import type { KafkaEngine } from '../../src/engines/kafka/kafka-engine.js';
import { encodeTracking, TRACKING_HEADER } from '../../src/engines/kafka/record-codec.js';
import { CLIENT_PROFILES } from '../../src/partitioners/profiles.js';
import { buildReport } from '../../src/report/build.js';
import { RecordPlanner, runWorkload } from '../../src/runner/run-workload.js';
import { createKeySource } from '../../src/workload/key-sources.js';
import { createPayloads } from '../../src/workload/payload.js';
import { createRng } from '../../src/workload/rng.js';
import { brokers } from './helpers.js';

describe.skipIf(!brokers)('live drain with redelivered records', () => {
  it('copies are duplicates, not consumption: every acked record is waited for, lost is exact, and copies on another partition are misplaced', async () => {
    const spec = runSpecOf({ brokers, key: 'user_id', partitions: '6', consumers: '2', duration: '3s', rate: '2000' });
    const COPIES = 2000;
    // The same plan the runner makes, to write faithful copies of records 0..COPIES-1.
    const planner = new RecordPlanner(spec, createKeySource(spec, createRng(spec.seed).fork('keys')), createPayloads(spec.seed, spec.recordSize));
    // Copies of even records go where the originals go; copies of odd ones to the next partition, so
    // the run must find them misplaced (consumed from another partition than their ack named).
    const copies = Array.from({ length: COPIES }, (_, n) => planner.plan(n)).map((rec) => ({
      key: Buffer.from(rec.key!),
      value: Buffer.from('copy'),
      partition: (CLIENT_PROFILES.java.partitionForKey(rec.key!, spec.partitions) + (rec.n % 2)) % spec.partitions,
      headers: { [TRACKING_HEADER]: encodeTracking(rec) },
    }));
    const engine = createEngine(spec) as KafkaEngine;
    const producer = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    let injected: Promise<unknown> | null = null;
    try {
      const result = await runWorkload(spec, engine, createRng(spec.seed), {
        // Early in the run (the first progress report), while most originals are still to come.
        onProgress: () => { injected ??= producer.send({ topic: engine.topic, acks: -1, messages: copies }); },
      });
      expect(injected).not.toBeNull();
      await injected;
      expect(result.failure).toBeNull();
      const r = buildReport(result, 'test');
      expect(r.delivery).toEqual({ produced: 6000, acked: 6000, consumed: 6000, lost: 0, duplicated: COPIES, skipped: 0, misplaced: COPIES / 2, unconsumed: 0 });
    } finally {
      await producer.disconnect();
    }
  }, 90_000);
});
