// RunResult (recorder + spec + engine facts) → RunReport. Pure apart from reading the recorder.
import { adviseOn } from '../analysis/advice.js';
import { analyzeKeyMovement } from '../analysis/movement.js';
import { analyzeSkew } from '../analysis/skew.js';
import { consumerSlots } from '../config/run-spec.js';
import { memberId } from '../groups/assignors.js';
import { createKeyTable, type KeyTable } from '../metrics/key-table.js';
import type { PhaseAccumulator, Recorder } from '../metrics/recorder.js';
import { CLIENT_PROFILES, keyBytes } from '../partitioners/profiles.js';
import type { RunResult } from '../runner/run-workload.js';
import { buildTimeline } from './timeline.js';
import { REPORT_SCHEMA, type GrowthReport, type MixedPartitioners, type PhaseReport, type RunReport } from './schema.js';

const TOP_KEYS = 10;
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const r1 = (x: number) => Math.round(x * 10) / 10;

/** Records per key over the whole run: a key table (a few bytes per key; a Map would cost ~60 bytes
 * per key, which for order_id's millions of keys dominated the memory of a run) and its key count. */
export interface KeyTraffic {
  size: number;
  /** Keys with records, in increasing key order, and their records. */
  keys: Float64Array;
  records: Float64Array;
}

export function trafficByKey(result: RunResult): KeyTraffic {
  const phases = result.recorder.phases;
  let table: KeyTable;
  if (phases.length === 1) table = phases[0].keyCounts;
  else {
    table = createKeyTable(result.keys.cardinality, 0, 'f64');
    for (const ph of phases) ph.keyCounts.forEach((k, v) => table.set(k, table.get(k) + v));
  }
  let size = 0;
  table.forEach(() => { size++; });
  const keys = new Float64Array(size);
  const records = new Float64Array(size);
  let i = 0;
  table.forEach((k, v) => { keys[i] = k; records[i++] = v; });
  return { size, keys, records };
}

const NO_TRAFFIC: KeyTraffic = { size: 0, keys: new Float64Array(0), records: new Float64Array(0) };

/** Peak lag per partition and per consumer in a phase; the last phase runs on until the drain ends. */
export function phaseLag(recorder: Recorder, ph: PhaseAccumulator, isLast: boolean): { perPartition: number[]; perConsumer: number[] } {
  return recorder.peakLag(ph.window.startUs, isLast ? Infinity : ph.window.endUs);
}

function phaseReport(result: RunResult, ph: PhaseAccumulator, isLast: boolean): PhaseReport {
  const { recorder, keys, spec } = result;
  const w = ph.window;
  // With --rate max the run ends when its records are acked, not at a planned time.
  const endUs = spec.maxRate && isLast ? Math.max(w.startUs + 1, Math.min(w.endUs, recorder.lastAckUs)) : w.endUs;
  const seconds = (endUs - w.startUs) / 1e6;
  // A record planned before a growth may still be partitioned after its producer learned the new
  // partitions (a live backlog at the growth moment): the phase counts it where it landed, so the
  // phases add up to the broker's logs; its skew stays that of the phase's own partitions.
  let width = w.partitions;
  for (let p = ph.perPartition.length - 1; p >= width; p--) if (ph.perPartition[p] > 0) { width = p + 1; break; }
  const perPartition = Array.from(ph.perPartition.subarray(0, width));
  const lag = phaseLag(recorder, ph, isLast);
  const owners = recorder.ownersAt(isLast ? Infinity : w.endUs - 1);
  const consumerRecords = Array.from(ph.consumerRecords);
  // Members that left the group or crashed by the end of the phase (simulated group changes).
  const gone = new Map<string, 'left' | 'crashed'>();
  const changes = (result.engine.details.groupChanges ?? []) as { kind: string; members: string[]; atMs: number }[];
  for (const g of changes) if (g.kind !== 'join' && g.atMs * 1000 < (isLast ? Infinity : w.endUs)) for (const id of g.members) gone.set(id, g.kind === 'crash' ? 'crashed' : 'left');
  const slots = consumerSlots(spec);
  const consumers = consumerRecords.map((records, c) => {
    const partitions: number[] = [];
    owners.forEach((o, p) => { if (o === c) partitions.push(p); });
    const id = memberId(c, slots);
    const left = gone.get(id);
    return { id, partitions, records, maxLag: lag.perConsumer[c], idle: partitions.length === 0 && left === undefined, ...(left ? { left } : {}) };
  });
  const top: { k: number; v: number }[] = [];
  let distinct = 0;
  let several = 0;
  ph.keyCounts.forEach((k, v) => {
    distinct++;
    if (top.length < TOP_KEYS || v > top[top.length - 1].v) {
      top.push({ k, v });
      top.sort((a, b) => b.v - a.v || a.k - b.k);
      if (top.length > TOP_KEYS) top.pop();
    }
  });
  ph.keyPartition.forEach((_k, p) => { if (p === -2) several++; });
  return {
    name: w.name,
    partitions: w.partitions,
    records: ph.records,
    bytes: ph.bytes,
    startMs: w.startUs / 1000,
    endMs: endUs / 1000,
    perPartition,
    perPartitionBytes: Array.from(ph.perPartitionBytes.subarray(0, width)),
    skew: analyzeSkew(perPartition.slice(0, w.partitions)),
    throughput: {
      offeredPerSec: r1(ph.records / seconds),
      achievedPerSec: r1(ph.ackedInWindow / seconds),
      consumedPerSec: r1(ph.consumedInWindow / seconds),
      offeredBytesPerSec: r1(ph.bytes / seconds),
    },
    latency: { produce: ph.produceLatency.summary(), endToEnd: ph.endToEndLatency.summary() },
    histograms: { produce: ph.produceLatency.encode(), endToEnd: ph.endToEndLatency.encode() },
    ordering: {
      violations: ph.violations,
      keysAffected: ph.keysAffected,
      worstLatenessMs: Math.round(ph.worstLatenessUs) / 1000,
      worstSeqGap: ph.worstSeqGap,
    },
    consumers,
    consumerSkew: analyzeSkew(consumerRecords),
    distinctKeys: distinct,
    topKeys: top.map(({ k, v }) => {
      const p = ph.keyPartition.get(k);
      return { key: keys.keyText(k), records: v, share: ph.acked ? r4(v / ph.acked) : 0, partition: p >= 0 ? p : null };
    }),
    keysOnSeveralPartitions: several,
    partitionMaxLag: lag.perPartition.slice(0, w.partitions),
    delivery: { produced: ph.records, acked: ph.acked, consumed: ph.consumed, skipped: ph.skipped },
  };
}

function mixedPartitioners(result: RunResult, traffic: KeyTraffic): MixedPartitioners | null {
  const clients = [...new Set(result.spec.producerClients)];
  if (clients.length < 2 || result.keys.nullKeys || result.spec.explicitPartition !== null) return null;
  const n = result.spec.partitions;
  let split = 0;
  let splitTraffic = 0;
  let total = 0;
  const examples: { key: string; records: number; partitions: Record<string, number> }[] = [];
  for (let i = 0; i < traffic.size; i++) {
    const k = traffic.keys[i];
    const records = traffic.records[i];
    total += records;
    const bytes = keyBytes(result.keys.keyText(k));
    const partitions = Object.fromEntries(clients.map((c) => [c, CLIENT_PROFILES[c].partitionForKey(bytes, n)]));
    if (new Set(Object.values(partitions)).size > 1) {
      split++;
      splitTraffic += records;
      examples.push({ key: result.keys.keyText(k), records, partitions });
    }
  }
  examples.sort((a, b) => b.records - a.records);
  return {
    clients,
    keysSplit: split,
    keysTotal: traffic.size,
    trafficShareSplit: total ? r4(splitTraffic / total) : 0,
    examples: examples.slice(0, 5).map(({ key, partitions }) => ({ key, partitions })),
  };
}

function growthReport(result: RunResult): GrowthReport | null {
  const { spec, recorder, keys } = result;
  if (spec.growTo === null || spec.growAtMs === null || recorder.phases.length < 2) return null;
  const from = spec.partitions;
  const to = spec.growTo;
  const atUs = spec.growAtMs * 1000;
  const after = recorder.phases[1];
  // Share of the after-growth traffic that belongs on a new partition, per partitioner.
  const shares = new Map<string, number>();
  const shareFor = (client: string): number => {
    let share = shares.get(client);
    if (share !== undefined) return share;
    if (spec.explicitPartition !== null) share = spec.explicitPartition >= from ? 1 : 0;
    else if (keys.nullKeys) share = (to - from) / to;
    else {
      const profile = CLIENT_PROFILES[client as keyof typeof CLIENT_PROFILES];
      let onNew = 0;
      let total = 0;
      after.keyCounts.forEach((k, v) => {
        total += v;
        if (profile.partitionForKey(keyBytes(keys.keyText(k)), to) >= from) onNew += v;
      });
      share = total ? onNew / total : 0;
    }
    shares.set(client, share);
    return share;
  };
  return {
    from,
    to,
    atMs: spec.growAtMs,
    producers: spec.producerClients.map((client, producer) => {
      const g = recorder.afterGrowth[producer] ?? { records: 0, onNewPartitions: 0, firstOnNewPartitionUs: null };
      return {
        producer,
        client,
        records: g.records,
        expectedOnNewPartitions: r1(g.records * shareFor(client)),
        onNewPartitions: g.onNewPartitions,
        firstOnNewPartitionMs: g.firstOnNewPartitionUs === null ? null : Math.round(g.firstOnNewPartitionUs - atUs) / 1000,
      };
    }),
  };
}

export function buildReport(result: RunResult, kbenchVersion: string): RunReport {
  const { spec, recorder, keys } = result;
  const traffic = keys.nullKeys ? NO_TRAFFIC : trafficByKey(result);
  const phases = recorder.phases.map((ph, i) => phaseReport(result, ph, i === recorder.phases.length - 1));
  const keyMovement =
    spec.growTo === null || keys.nullKeys || spec.explicitPartition !== null
      ? null
      : analyzeKeyMovement(
          (function* () { for (let i = 0; i < traffic.size; i++) yield { bytes: keyBytes(keys.keyText(traffic.keys[i])), records: traffic.records[i] }; })(),
          CLIENT_PROFILES[spec.client], spec.partitions, spec.growTo);
  // Exact: acked records neither consumed nor skipped. Never clamped; the recorder throws if its
  // counters contradict each other, since that is a bug to see, not a zero to show.
  const lost = recorder.lost;
  const report: RunReport = {
    schema: REPORT_SCHEMA,
    kbenchVersion,
    createdAt: new Date().toISOString(),
    engine: result.engine.name,
    simulated: result.engine.simulated,
    model: { notes: result.engine.notes, parameters: result.engine.details },
    spec,
    keys: {
      label: keys.label,
      distinctKeys: keys.nullKeys ? 0 : Number.isFinite(keys.cardinality) ? keys.cardinality : null,
      nullKeys: keys.nullKeys,
      orderingEntity: keys.entityLabel,
    },
    phases,
    keyMovement,
    delivery: { produced: recorder.totalProduced, acked: recorder.totalAcked, consumed: recorder.totalConsumed, lost, duplicated: recorder.totalDuplicated, skipped: recorder.totalSkipped, misplaced: result.engine.simulated ? null : recorder.misplaced,
      unconsumed: result.engine.simulated || !result.engine.details.finalOffsets ? null : recorder.totalUnconsumed },
    ordering: { violations: recorder.totalViolations, keysAffected: recorder.keysAffected },
    growth: growthReport(result),
    mixedPartitioners: mixedPartitioners(result, traffic),
    timeline: buildTimeline(recorder, spec.growTo ?? spec.partitions, spec.growAtMs),
    advice: [],
    run: { startedAt: result.startedAt, wallMs: result.wallMs, simulatedMs: Math.round(recorder.lastEventUs) / 1000, error: result.error },
  };
  report.advice = adviseOn(report);
  return report;
}
