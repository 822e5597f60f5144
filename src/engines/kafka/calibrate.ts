// `kbench calibrate`: measures one cluster, briefly, on a topic of its own (created, marked as kbench's
// and deleted at the end, as a run's), and returns a kbench.model/v1 document for the simulator.
//
// Phases, each given a share of --duration:
//  1. ceilings: --rate max bursts through the live BatchingProducer (512 KiB batches, 5 sends in
//     flight, acks=all, not idempotent) to one partition and to every partition, with small records
//     (for records/s) and large ones (for bytes/s). These are what one client of the driver in this
//     process can push: on a large cluster the client, not the broker, may be the limit (noted in the file);
//  2. produce latency: at 3 loads (5%, 25%, 60% of the cluster ceiling for the size) × 2 record sizes,
//     one produce request every 5 ms (the batching of linger 5 ms) carrying the load's records, one
//     request in flight (acks=all, idempotent: the live defaults); each request timed send → ack. A
//     consumer reads along, as in a run with consumers (the broker serves its fetches meanwhile), and
//     the time from each request's ack to that consumer having its records is the fetch delay;
//  3. consumer fetch: one consumer reads back everything written, records/s and bytes/s;
//  4. rebalance round: a second member joins the group; time until both have their assignment;
//  5. metadata propagation: partitions added; time until the cluster's metadata shows them with leaders.
import { assertDriverCan } from '../../drivers/capabilities.js';
import { randomBytes } from 'node:crypto';
import type { ConnectOptions, Driver, DriverAdmin, DriverConsumer } from '../../drivers/driver.js';
import { isRetriable, withTimeout } from '../../drivers/errors.js';
import { createProducerPartitioner } from '../../partitioners/producer-partitioner.js';
import { CLIENT_PROFILES } from '../../partitioners/profiles.js';
import { createRng } from '../../workload/rng.js';
import { MODEL_FORMAT, MODEL_QUANTILES, type LatencyPoint, type SimModel } from '../sim/model.js';
import { BatchingProducer } from './batching-producer.js';
import { consumerHeartbeatMs } from './consumer-heartbeat.js';
import { TopicLease } from './topic-lease.js';

export interface CalibrateOptions {
  driver: Driver;
  admin: DriverAdmin;
  connect: ConnectOptions;
  durationMs: number;
  partitions: number;
  replicationFactor: number;
  name: string;
  command: string;
  version: string;
  /** One line per phase, for progress. */
  log(line: string): void;
}

const SMALL = 100;
const LARGE = 1000;
const BULK = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SESSION_TIMEOUT_MS = 10_000;
/** As kbench's live consumers heartbeat (a member learns of a rebalance at its next heartbeat). */
const HEARTBEAT_MS = consumerHeartbeatMs(SESSION_TIMEOUT_MS);

/** A member of the calibration's group, configured as kbench's live consumers are; it commits nothing. */
const calibrationConsumer = (o: CalibrateOptions, groupId: string, topic: string, fromBeginning: boolean) =>
  o.driver.consumer({
    groupId, topics: [topic], protocol: 'classic', fromBeginning, autoCommit: false, autoResolve: true,
    maxWaitMs: 100, heartbeatIntervalMs: HEARTBEAT_MS, sessionTimeoutMs: SESSION_TIMEOUT_MS, restartOnFailure: (e) => isRetriable(e),
  });

/** A consumer that reads the calibration topic as it is written (no commits), noting when each key
 * (a produce request's id) first arrives; `acked` is filled by the producing side. */
async function tailReader(o: CalibrateOptions, topic: string, groupId: string) {
  const consumer = calibrationConsumer(o, groupId, topic, false);
  const received = new Map<string, number>();
  let joined = false;
  consumer.on('assigned', () => { joined = true; });
  await consumer.run(async ({ records }) => {
    const now = performance.now();
    for (const m of records) {
      const id = m.key?.toString() ?? '';
      if (!received.has(id)) received.set(id, now);
    }
  });
  await withTimeout((async () => { while (!joined) await sleep(5); })(), 30_000, 'the reading consumer did not join its group within 30 s');
  // Its first fetch positions it at the log end: give it a moment before records come.
  await sleep(300);
  return { consumer, received, acked: new Map<string, number>() };
}

export async function calibrate(o: CalibrateOptions): Promise<SimModel> {
  // Its load has no keys (null), as ProducerPerformance's: a driver that cannot write null keys is refused.
  assertDriverCan(o.driver, { producer: { idempotent: false, maxInFlight: 5, compression: 'none', nullKeys: true } });
  const id = randomBytes(4).toString('hex');
  const topic = `kbench-calibrate-${id}`;
  const groupId = `kbench-calibrate-${id}`;
  const lease = new TopicLease(o.driver, topic, groupId, o.connect);
  const notes: string[] = [];
  const share = (f: number) => Math.max(300, o.durationMs * f);
  let consumers: DriverConsumer[] = [];
  try {
    const cluster = await o.admin.describeCluster();
    await lease.create(o.partitions, o.replicationFactor);
    o.log(`calibrate: topic ${topic} (${o.partitions} partitions) on ${cluster.brokers.length} broker(s)`);

    // 1. ceilings
    const burst = async (bytes: number, onlyPartition: number | null, ms: number) => {
      let records = 0;
      let failure: unknown = null;
      const value = Buffer.alloc(bytes, 0x61);
      const settings = { acks: 'all', idempotent: false, maxInFlight: 5, lingerMs: 5, batchBytes: 512 * 1024, compression: 'none' } as const;
      const producer = new BatchingProducer<number>({
        producer: o.driver.producer({ idempotent: false, maxInFlight: 5, lingerMs: 5, batchBytes: 512 * 1024, metadataMaxAgeMs: 300_000 }),
        batching: o.driver.capabilities.batching,
        topic, settings,
        partitioner: createProducerPartitioner(CLIENT_PROFILES.kafkajs, createRng(1), onlyPartition),
        partitions: o.partitions,
        nowUs: () => performance.now() * 1000,
        onAcked: () => { records++; },
        onFailed: (e) => { failure ??= e; },
      });
      await producer.connect();
      try {
        const start = performance.now();
        let n = 0;
        while (performance.now() - start < ms && failure === null) {
          const full = producer.add({ key: null, value, tag: n++ });
          if (full) await producer.room();
          else if (n % 2000 === 0) await new Promise((r) => setImmediate(r));
        }
        await producer.drain();
        const seconds = (performance.now() - start) / 1000;
        if (failure) throw failure;
        return { recordsPerSec: Math.round(records / seconds), bytesPerSec: Math.round((records * bytes) / seconds) };
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
    };
    const pRec = await burst(SMALL, 0, share(0.08));
    const pBytes = await burst(BULK, 0, share(0.08));
    const cRec = await burst(SMALL, null, share(0.08));
    const cBytes = await burst(BULK, null, share(0.08));
    const partition = { recordsPerSec: pRec.recordsPerSec, bytesPerSec: Math.max(pBytes.bytesPerSec, pRec.bytesPerSec) };
    const clusterCeiling = { recordsPerSec: Math.max(cRec.recordsPerSec, partition.recordsPerSec), bytesPerSec: Math.max(cBytes.bytesPerSec, cRec.bytesPerSec, partition.bytesPerSec), partitions: o.partitions };
    o.log(`calibrate: ceilings: partition ${partition.recordsPerSec} records/s, ${partition.bytesPerSec} B/s; cluster ${clusterCeiling.recordsPerSec} records/s, ${clusterCeiling.bytesPerSec} B/s`);
    notes.push(`Ceilings are what one ${o.driver.name} producer in one process could push (512 KiB batches, 5 sends in flight): on a cluster faster than that client, they are the client's, not the brokers'.`);

    // 2. produce latency, with a consumer reading along
    const tail = await tailReader(o, topic, groupId);
    consumers.push(tail.consumer);
    const producer = o.driver.producer({ idempotent: true, maxInFlight: 1, metadataMaxAgeMs: 300_000, lingerMs: 0, batchBytes: 16_384 });
    await producer.connect(topic);
    const points: LatencyPoint[] = [];
    const afterAck: number[] = [];
    let request = 0;
    try {
      for (const bytes of [SMALL, LARGE]) {
        const ceiling = Math.min(clusterCeiling.recordsPerSec, clusterCeiling.bytesPerSec / bytes);
        for (const f of [0.05, 0.25, 0.6]) {
          const load = Math.max(200, Math.round(ceiling * f));
          const tickMs = 5;
          const perRequest = Math.max(1, Math.round((load * tickMs) / 1000));
          const value = Buffer.alloc(bytes, 0x62);
          const times: number[] = [];
          const start = performance.now();
          let k = 0;
          while (performance.now() - start < share(0.05)) {
            const due = start + k * tickMs;
            const wait = due - performance.now();
            if (wait > 0) await sleep(wait);
            const id = String(request++);
            const key = Buffer.from(id);
            const records = Array.from({ length: perRequest }, (_, i) => ({ key, value, partition: (k * perRequest + i) % o.partitions }));
            const t0 = performance.now();
            await producer.send({ topic, acks: 'all', compression: 'none', records });
            const acked = performance.now();
            times.push(acked - t0);
            tail.acked.set(id, acked);
            k++;
          }
          times.sort((a, b) => a - b);
          const q = (x: number) => Math.round(times[Math.min(times.length - 1, Math.floor(x * times.length))] * 1000) / 1000;
          const actual = Math.round((k * perRequest) / ((performance.now() - start) / 1000));
          points.push({ recordsPerSec: actual, recordBytes: bytes, requests: times.length, ms: MODEL_QUANTILES.map(q) });
          o.log(`calibrate: latency at ${actual} records/s × ${bytes} B: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms (${times.length} requests)`);
        }
      }
      // Stragglers: the last requests' records may still be on their way to the reader.
      await sleep(200);
      for (const [id, at] of tail.received) {
        const acked = tail.acked.get(id);
        if (acked !== undefined) afterAck.push(Math.max(0, at - acked));
      }
    } finally {
      await producer.close().catch(() => undefined);
      await withTimeout(tail.consumer.close(), 5_000, 'disconnect').catch(() => undefined);
    }
    notes.push('Produce latency is one request, send → ack (acks=all, idempotent, one request in flight), one request every 5 ms, while a consumer reads along; it excludes time in the client\'s batch, which the simulator adds from linger and batch size.');
    if (afterAck.length === 0) throw new Error('calibrate: the reading consumer received none of the latency phase\'s records');
    afterAck.sort((a, b) => a - b);
    const afterAckMs = Math.round(afterAck[Math.floor(afterAck.length / 2)] * 1000) / 1000;
    o.log(`calibrate: fetch delay (ack → a waiting consumer has the records): median ${afterAckMs} ms over ${afterAck.length} requests`);
    notes.push(`The fetch delay (consumer.afterAckMs) is the median time from a produce request's ack to a ${o.driver.name} consumer that reads along having its records (0 when the consumer was first), over every request of the latency phase.`);

    // 3. consumer fetch
    const ends = await o.admin.endOffsets(topic);
    const total = ends.reduce((s, e) => s + e.high, 0);
    const reader = calibrationConsumer(o, groupId, topic, true);
    consumers.push(reader);
    let read = 0;
    let readBytes = 0;
    let first = 0;
    let last = 0;
    const readLimitMs = share(0.15);
    const readStart = performance.now();
    await reader.run(async ({ records }) => {
      if (first === 0) first = performance.now();
      read += records.length;
      for (const m of records) readBytes += m.value?.length ?? 0;
      last = performance.now();
    });
    while (read < total && performance.now() - readStart < readLimitMs + 10_000 && (first === 0 || performance.now() - first < readLimitMs)) await sleep(20);
    const readSeconds = Math.max(0.001, (last - first) / 1000);
    const consumer = { fetchRecordsPerSec: Math.max(1, Math.round(read / readSeconds)), fetchBytesPerSec: Math.max(1, Math.round(readBytes / readSeconds)), afterAckMs };
    o.log(`calibrate: consumer read ${read} of ${total} records: ${consumer.fetchRecordsPerSec} records/s, ${consumer.fetchBytesPerSec} B/s`);
    notes.push(`Consumer fetch throughput is one ${o.driver.name} consumer reading back the calibration topic from the beginning, doing nothing with the records.`);

    // 4. rebalance round
    let joinsA = 0;
    reader.on('assigned', () => { joinsA++; });
    const second = calibrationConsumer(o, groupId, topic, false);
    consumers.push(second);
    let joinedB = false;
    second.on('assigned', () => { joinedB = true; });
    const joinStart = performance.now();
    await second.run(async () => undefined);
    await withTimeout((async () => { while (!(joinedB && joinsA > 0)) await sleep(5); })(), 30_000, 'the rebalance did not finish within 30 s');
    const rebalanceMs = Math.round(performance.now() - joinStart);
    o.log(`calibrate: rebalance round ${rebalanceMs} ms`);
    notes.push(`The rebalance round is from a second ${o.driver.name} member starting to both members having their assignment (heartbeat ${HEARTBEAT_MS} ms as kbench's live consumers, the cluster's own group.initial.rebalance.delay.ms).`);

    // 5. metadata propagation
    const grown = o.partitions + 2;
    const growStart = performance.now();
    await o.admin.createPartitions(topic, grown);
    await withTimeout((async () => {
      for (;;) {
        const md = await o.admin.topicMetadata([topic]);
        const parts = md[0]?.partitions ?? [];
        if (parts.length >= grown && parts.every((p) => p.leader >= 0)) return;
        await sleep(5);
      }
    })(), 30_000, 'the new partitions got no leader within 30 s');
    const metadataPropagationMs = Math.round(performance.now() - growStart);
    o.log(`calibrate: metadata propagation ${metadataPropagationMs} ms`);
    notes.push('Metadata propagation is from CreatePartitions until the metadata shows the new partitions with leaders; a client sees them at its next refresh (metadata.max.age.ms) after that.');

    return {
      format: MODEL_FORMAT,
      name: o.name,
      measuredAt: new Date().toISOString(),
      kbenchVersion: o.version,
      command: o.command,
      cluster: {
        bootstrap: o.connect.brokers,
        brokers: cluster.brokers.length,
        clusterId: cluster.clusterId ?? null,
        controller: cluster.controller ?? null,
        brokerVersion: null,
        replicationFactor: o.replicationFactor,
      },
      client: `${o.driver.library} in kbench (Node.js), acks=all`,
      produceLatency: { quantiles: [...MODEL_QUANTILES], points },
      ceilings: { partition, cluster: clusterCeiling },
      consumer,
      rebalanceMs,
      metadataPropagationMs,
      notes: [...notes, `The broker version is not recorded: ${o.driver.name} does not report it.`],
    };
  } finally {
    for (const c of consumers) await withTimeout(c.close(), 5_000, 'disconnect').catch(() => undefined);
    consumers = [];
    await lease.release({ deleteGroup: true, keepTopic: false });
  }
}
