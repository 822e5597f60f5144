// Terminal rendering of a RunReport with cli-table3. Pure: report in, string out.
import type Table from 'cli-table3';
import { compactTable } from './table-style.js';
import { formatDuration } from '../config/units.js';
import { compareWithPrediction } from './prediction.js';
import type { GroupChangeRow, PhaseReport, RunReport, WorkerRow } from './schema.js';

const table = (head: string[], opts: Partial<Table.TableConstructorOptions> = {}) => compactTable(head, opts);
const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 }));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function bar(share: number, max: number, width = 24): string {
  const cells = max > 0 ? Math.round((share / max) * width) : 0;
  return '█'.repeat(cells) + '·'.repeat(width - cells);
}

function title(text: string): string {
  return `\n${text}\n`;
}

function summary(r: RunReport): string {
  const s = r.spec;
  const t = table([], { colWidths: [22, 70], wordWrap: true });
  const producers = s.producerClients.every((c) => c === s.client) ? `${s.producers} × ${s.client}` : countClients(s.producerClients);
  t.push(
    ['engine', r.simulated ? 'SIMULATED (kbench model, virtual time; no broker)' : `LIVE Kafka at ${(r.spec.brokers ?? []).join(',')} (topic ${String(r.model.parameters.topic)})`],
    ['key', r.keys.label],
    ['partitions', s.growTo === null ? `${s.partitions}` : `${s.partitions} → ${s.growTo} at ${formatDuration(s.growAtMs!)}`],
    ['producers', `${producers}${s.explicitPartition !== null ? `, all to partition ${s.explicitPartition}` : ''}`],
    ['offered load', s.maxRate ? `as fast as possible (--rate max) for ${s.messages > 0 ? `${fmt(s.messages)} records` : formatDuration(s.durationMs)}` : `${fmt(s.rate)} records/s for ${formatDuration(s.durationMs)} (${fmt(s.messages)} records${s.recordSize ? `, ${s.recordSize} B values` : ''})`],
    ['consumer group', s.consumers === 0 ? 'none: produce-only run (--consumers 0); latency is produce latency only' : `${s.consumers} consumers, ${s.assignor} assignor, ${fmt(s.consumerRate)} records/s each, auto.offset.reset=${s.autoOffsetReset}`],
    ['seed', `${s.seed}`],
  );
  // Reports written before the producer settings existed lack them.
  if (s.acks !== undefined) t.push(['producer settings', producerSettings(s) + (r.simulated ? ' (not modelled by the simulator)' : '')]);
  const threads = r.model.parameters.threads;
  const workers = r.model.parameters.workers as WorkerRow[] | undefined;
  if (workers) t.push(['workers', `${workers.length} kbench worker processes, coordinated through Kafka; one report merged from all`]);
  else if (!r.simulated && typeof threads === 'number') t.push(['threads', `${threads} worker thread${threads > 1 ? 's' : ''} (--threads ${s.threads ?? threads}), one report merged from all`]);
  if (r.simulated) {
    t.push(['model', `partition capacity ${fmt(s.partitionCapacity)} records/s, produce latency ${s.produceLatencyMs} ms, rebalance round ${formatDuration(s.rebalanceMs)}, metadata refresh ${s.metadataRefreshMs === null ? 'client default' : formatDuration(s.metadataRefreshMs)}`]);
  }
  if (r.run.error) t.push(['ERROR', r.run.error]);
  return title(`kbench report (${r.schema})`) + t.toString();
}

/** The producer settings as Kafka's properties name them. */
export function producerSettings(s: RunReport['spec']): string {
  // A report file may lack some of them (written before they existed, or edited): '?' for those.
  const known = <T>(v: T | undefined, show: (v: T) => string) => (v === undefined ? '?' : show(v));
  return `acks=${s.acks}, enable.idempotence=${known(s.idempotent, String)}, max.in.flight=${known(s.maxInFlight, String)}, linger=${known(s.lingerMs, formatDuration)}, ` +
    `batch=${known(s.batchBytes, fmt)} B per partition, compression=${known(s.compression, String)}`;
}

function countClients(clients: string[]): string {
  const counts = new Map<string, number>();
  for (const c of clients) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].map(([c, n]) => `${n} × ${c}`).join(', ');
}

/** Terminal tables show at most this many partition (or consumer) rows; the rest are summarised. */
export const MAX_TABLE_ROWS = 30;
const HOTTEST_ROWS = 15;
const COLDEST_ROWS = 10;

function maxOf(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  return m;
}

/**
 * Which rows of a long list to show: all when there are at most MAX_TABLE_ROWS, otherwise the
 * HOTTEST_ROWS largest and COLDEST_ROWS smallest by `value` (ties by index), largest first, with the
 * indices of the rows left out between them.
 */
export function hottestAndColdest(values: readonly number[]): { shown: number[]; omitted: number[] } {
  const all = Array.from(values.keys());
  if (values.length <= MAX_TABLE_ROWS) return { shown: all, omitted: [] };
  all.sort((a, b) => values[b] - values[a] || a - b);
  return { shown: [...all.slice(0, HOTTEST_ROWS), ...all.slice(-COLDEST_ROWS)], omitted: all.slice(HOTTEST_ROWS, -COLDEST_ROWS) };
}

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  return n === 0 ? 0 : n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/**
 * A consumer's partitions: listed when that fits in about `width` characters, otherwise as ranges
 * ("0-4,7,9-12"), cut with the count when even those do not fit.
 */
export function partitionRanges(ps: readonly number[], width = 60): string {
  const plain = ps.join(',');
  if (plain.length <= width) return plain;
  const sorted = [...ps].sort((a, b) => a - b);
  let text = '';
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    const part = j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`;
    if (text.length + part.length + 1 > width && text) return `${text},… (${fmt(sorted.length)} partitions)`;
    text += (text ? ',' : '') + part;
    i = j + 1;
  }
  return text;
}

function partitions(ph: PhaseReport): string {
  const t = table(['partition', 'records', 'share', '', 'peak lag', 'consumer']);
  const counts = ph.perPartition;
  let total = 0;
  for (const n of counts) total += n;
  const max = maxOf(counts);
  const owner = new Map<number, string>();
  for (const c of ph.consumers) for (const p of c.partitions) owner.set(p, c.id);
  const { shown, omitted } = hottestAndColdest(counts);
  const row = (p: number) => {
    const n = counts[p];
    t.push([p, fmt(n), total ? pct(n / total) : '-', bar(n, max), fmt(Math.round(ph.partitionMaxLag[p] ?? 0)), owner.get(p) ?? '(none)']);
  };
  shown.forEach((p, i) => {
    if (omitted.length && i === HOTTEST_ROWS) {
      const lo = counts[omitted[omitted.length - 1]];
      const hi = counts[omitted[0]];
      t.push([`… ${fmt(omitted.length)} more`, lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`, total ? `${pct(lo / total)}–${pct(hi / total)}` : '-', '', '', '']);
    }
    row(p);
  });
  const s = ph.skew;
  let text = title(`Partitions [${ph.name}] max/mean ${s.maxMeanRatio}  CV ${s.cv}  Gini ${s.gini}  hottest p${s.hottestPartition} (${pct(s.hottestShare)})  empty ${s.emptyPartitions}`) + t.toString();
  if (omitted.length) {
    const sorted = [...counts].sort((a, b) => a - b);
    text += `\n${fmt(counts.length)} partitions, the ${HOTTEST_ROWS} hottest and ${COLDEST_ROWS} coldest shown; records per partition: min ${fmt(sorted[0])}, median ${fmt(median(sorted))}, mean ${fmt(Math.round((total / counts.length) * 100) / 100)}, max ${fmt(max)}`;
  }
  return text;
}

function consumers(ph: PhaseReport): string {
  const t = table(['consumer', 'partitions', 'records', 'peak lag']);
  const { shown, omitted } = hottestAndColdest(ph.consumers.map((c) => c.records));
  shown.forEach((i, k) => {
    if (omitted.length && k === HOTTEST_ROWS) {
      const lo = ph.consumers[omitted[omitted.length - 1]].records;
      const hi = ph.consumers[omitted[0]].records;
      const idle = omitted.filter((j) => ph.consumers[j].idle).length;
      t.push([`… ${fmt(omitted.length)} more`, idle ? `${fmt(idle)} idle` : '', lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`, '']);
    }
    const c = ph.consumers[i];
    t.push([c.id, c.left ? `(${c.left})` : c.idle ? '(idle)' : partitionRanges(c.partitions), fmt(c.records), fmt(Math.round(c.maxLag))]);
  });
  const note = omitted.length ? `\n${fmt(ph.consumers.length)} consumers, the ${HOTTEST_ROWS} busiest and ${COLDEST_ROWS} least busy shown` : '';
  return title(`Consumers [${ph.name}] max/mean ${ph.consumerSkew.maxMeanRatio}`) + t.toString() + note;
}

function topKeys(ph: PhaseReport): string {
  if (ph.topKeys.length === 0) return '';
  const t = table(['key', 'records', 'share', 'partition']);
  for (const k of ph.topKeys) t.push([k.key, fmt(k.records), pct(k.share), k.partition ?? 'several']);
  return title(`Top keys [${ph.name}] (${fmt(ph.distinctKeys)} distinct)`) + t.toString();
}

function latency(r: RunReport): string {
  const t = table(['latency (ms)', 'phase', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean']);
  const produceOnly = r.spec.consumers === 0;
  for (const ph of r.phases) {
    for (const [name, l] of [['produce', ph.latency.produce], ['end-to-end', ph.latency.endToEnd]] as const) {
      if (name === 'end-to-end' && produceOnly) t.push([name, ph.name, 'none', '-', '-', '-', '-', '-']);
      else t.push([name, ph.name, l.p50, l.p90, l.p99, l.p999, l.max, l.mean]);
    }
  }
  const what = produceOnly ? 'Latency (produce only: no consumers), from each record\'s intended send time' : 'Latency, from each record\'s intended send time';
  return title(what) + t.toString();
}

function orderingDelivery(r: RunReport): string {
  const t = table(['', ...r.phases.map((p) => p.name)]);
  const row = (label: string, f: (p: PhaseReport) => string | number) => t.push([label, ...r.phases.map(f)]);
  row('ordering violations', (p) => fmt(p.ordering.violations));
  row(r.keys.nullKeys ? 'users affected' : 'keys affected', (p) => fmt(p.ordering.keysAffected));
  row('worst lateness (ms, ≥)', (p) => fmt(p.ordering.worstLatenessMs));
  row('worst sequence gap', (p) => fmt(p.ordering.worstSeqGap));
  row('produced', (p) => fmt(p.delivery.produced));
  row('acked', (p) => fmt(p.delivery.acked));
  row('consumed', (p) => fmt(p.delivery.consumed));
  row('skipped (offset reset)', (p) => fmt(p.delivery.skipped));
  const d = r.delivery;
  // Reports written before the run-wide ordering figure existed lack it.
  const o = r.ordering as RunReport['ordering'] | undefined;
  const whole = o && r.phases.length > 1 ? `${fmt(o.violations)} violations over ${fmt(o.keysAffected)} distinct ${r.keys.nullKeys ? 'users' : 'keys'}, ` : '';
  if (r.spec.consumers === 0) return title('Delivery (produce-only run: ordering, loss and duplicates are judged on consumption, so not measured)') + t.toString();
  return title(`Ordering and delivery (ordering judged per ${r.keys.orderingEntity}; run total: ${whole}lost ${fmt(d.lost)}${d.unconsumed ? `, unconsumed but still in the log ${fmt(d.unconsumed)}` : ''}, duplicated ${fmt(d.duplicated)}${d.misplaced === null || d.misplaced === undefined ? '' : `, misplaced ${fmt(d.misplaced)}`})`) + t.toString();
}

/** When each producer started using the partitions growth added, measured from its acks. */
function growthUptake(r: RunReport): string {
  const g = r.growth as RunReport['growth'] | undefined;
  if (!g) return '';
  const t = table(['producer', 'client', 'records after growth', 'on new partitions', 'expected there', 'first on a new partition']);
  const rows = g.producers.slice(0, 30);
  for (const p of rows) {
    t.push([p.producer + 1, p.client, fmt(p.records), fmt(p.onNewPartitions), fmt(Math.round(p.expectedOnNewPartitions)), p.firstOnNewPartitionMs === null ? 'never' : `+${fmt(p.firstOnNewPartitionMs)} ms`]);
  }
  const more = g.producers.length > rows.length ? `\n… ${g.producers.length - rows.length} more producers` : '';
  return title(`Growth ${g.from} → ${g.to} partitions: when producers used the new ones`) + t.toString() + more;
}

function beforeAfter(r: RunReport): string {
  if (r.phases.length < 2) return '';
  const [b, a] = r.phases;
  const t = table(['metric', 'before', 'after']);
  const row = (label: string, f: (p: PhaseReport) => string | number) => t.push([label, f(b), f(a)]);
  row('partitions', (p) => p.partitions);
  row('records', (p) => fmt(p.records));
  row('max/mean', (p) => p.skew.maxMeanRatio);
  row('CV', (p) => p.skew.cv);
  row('Gini', (p) => p.skew.gini);
  row('hottest share', (p) => pct(p.skew.hottestShare));
  row('empty partitions', (p) => p.skew.emptyPartitions);
  row('achieved records/s', (p) => fmt(p.throughput.achievedPerSec));
  row('consumed records/s', (p) => fmt(p.throughput.consumedPerSec));
  row('produce p99 (ms)', (p) => p.latency.produce.p99);
  row('end-to-end p99 (ms)', (p) => p.latency.endToEnd.p99);
  row('ordering violations', (p) => fmt(p.ordering.violations));
  row('skipped', (p) => fmt(p.delivery.skipped));
  let text = title('Before and after growth') + t.toString();
  const mv = r.keyMovement;
  if (mv) {
    text += `\nKey movement ${mv.from} → ${mv.to} (${mv.client}): ${fmt(mv.keysMoved)} of ${fmt(mv.keysTotal)} keys moved (${pct(mv.fractionKeysMoved)}), ${pct(mv.fractionTrafficMoved)} of traffic; hash % n predicts ${pct(mv.expectedFractionUniform)} for uniform keys.`;
  }
  return text;
}

function throughput(r: RunReport): string {
  const t = table(['throughput', ...r.phases.map((p) => p.name)]);
  t.push(['offered records/s', ...r.phases.map((p) => fmt(p.throughput.offeredPerSec))]);
  t.push(['achieved (acked) records/s', ...r.phases.map((p) => fmt(p.throughput.achievedPerSec))]);
  t.push(['consumed records/s', ...r.phases.map((p) => fmt(p.throughput.consumedPerSec))]);
  t.push(['offered MB/s', ...r.phases.map((p) => (p.throughput.offeredBytesPerSec / 1e6).toFixed(2))]);
  return title('Throughput') + t.toString();
}

function mixed(r: RunReport): string {
  const m = r.mixedPartitioners;
  if (!m) return '';
  const t = table(['key', ...m.clients]);
  for (const e of m.examples) t.push([e.key, ...m.clients.map((c) => e.partitions[c])]);
  return title(`Mixed partitioners: ${fmt(m.keysSplit)} of ${fmt(m.keysTotal)} keys split across partitions (${pct(m.trafficShareSplit)} of traffic)`) + (m.examples.length ? t.toString() : '');
}

/** How the prediction table names and shows each compared metric. */
const PREDICTED_METRICS: Record<string, { label: string; show: (x: number) => string }> = {
  maxMeanRatio: { label: 'max/mean', show: String },
  hottestShare: { label: 'hottest share', show: pct },
  emptyPartitions: { label: 'empty partitions', show: fmt },
  fractionKeysMoved: { label: 'keys moved', show: pct },
  duplicated: { label: 'records read twice', show: fmt },
  violations: { label: 'ordering violations', show: fmt },
  skipped: { label: 'skipped', show: fmt },
  'produce.p50': { label: 'produce p50 (ms)', show: fmt },
  'produce.p99': { label: 'produce p99 (ms)', show: fmt },
  'endToEnd.p50': { label: 'end-to-end p50 (ms)', show: fmt },
  'endToEnd.p99': { label: 'end-to-end p99 (ms)', show: fmt },
  peakLag: { label: 'peak partition lag', show: (x) => fmt(Math.round(x)) },
  achievedPerSec: { label: 'achieved records/s', show: fmt },
};

/** The simulator's prediction for the same workload beside the measurement (live runs). */
function prediction(r: RunReport): string {
  if (!r.prediction) return '';
  const t = table(['metric', 'phase', 'predicted', 'measured', 'ratio']);
  for (const row of compareWithPrediction(r)) {
    const m = PREDICTED_METRICS[row.metric] ?? { label: row.metric, show: fmt };
    const show = (x: number | null) => (x === null ? '-' : m.show(x));
    t.push([m.label, row.phase, show(row.predicted), show(row.measured), row.ratio === null ? '-' : row.ratio.toFixed(2)]);
  }
  return title('Prediction vs measurement (the simulator on the same workload; ratio = measured / predicted)') + t.toString();
}

function advice(r: RunReport): string {
  if (r.advice.length === 0) return '';
  return title('Advice') + r.advice.map((a) => `  [${a.level}] ${a.code}: ${a.message}`).join('\n');
}


/** Peak total lag (timeline buckets) from `fromMs` until `toMs`. */
export function peakLagBetween(r: RunReport, fromMs: number, toMs: number): number {
  const tl = r.timeline;
  let peak = 0;
  tl.lag.forEach((lag, i) => { if ((i + 1) * tl.bucketMs > fromMs && i * tl.bucketMs < toMs && lag > peak) peak = lag; });
  return peak;
}

/** The group's membership changes and the rebalances they caused (--scale-consumers, --kill-consumer: planned by the
 * simulator, observed in a live run). */
function groupChangesTable(r: RunReport): string {
  const rows = r.model.parameters.groupChanges as GroupChangeRow[] | undefined;
  if (!rows?.length) return '';
  // Live rows say what the members owned once the group settled (as member number: partitions).
  const owned = rows.some((g) => g.owned);
  const t = table(['change', 'at', 'rebalance', 'settled', 'rounds', 'partitions moved', 'stopped partition-s', 'peak lag', 'read again', ...(owned ? ['owned then'] : [])]);
  rows.forEach((g, i) => {
    const until = rows[i + 1]?.atMs ?? Infinity;
    t.push([g.change, formatDuration(g.atMs), formatDuration(g.rebalanceAtMs), formatDuration(g.settledAtMs), g.rounds, g.partitionsMoved,
      fmt(g.stoppedPartitionSeconds), fmt(peakLagBetween(r, g.atMs, until)), g.redelivered === undefined ? '-' : `${fmt(g.redelivered)} (since ${formatDuration(g.lastCommitMs!)})`,
      ...(owned ? [g.owned ? Object.entries(g.owned).map(([id, ps]) => `${Number(id.slice('consumer-'.length))}:${ps.join(',') || '-'}`).join(' ') : '-'] : [])]);
  });
  const s = r.spec;
  const how = r.simulated ? `round ${formatDuration(s.rebalanceMs)}` : 'as the members reported it: rebalance when the first was told to rejoin, settled when the last had joined';
  return title(`Consumer group changes (${s.assignor}: ${s.assignor === 'cooperative-sticky' ? 'only moved partitions stop' : 'eager, every partition stops for a round'}; ${how}, session timeout ${formatDuration(s.sessionTimeoutMs)}, auto-commit every ${formatDuration(s.autoCommitIntervalMs)}; records read again after a crash count as duplicated; peak lag until the next change)`) + t.toString();
}

/** A distributed run's workers: what each sent and read, its own latency, its clock's offset. */
function workersTable(r: RunReport): string {
  const rows = r.model.parameters.workers as WorkerRow[] | undefined;
  if (!rows?.length) return '';
  const ms = (x: number | null) => (x === null ? '-' : fmt(x));
  const t = table(['worker', 'host', 'producers', 'consumers', 'sent', 'acked', 'consumed', 'acked/s', 'produce p50/p99 ms', 'e2e p50/p99 ms', 'clock offset ms', 'lost at']);
  for (const w of rows) {
    t.push([w.worker, w.host, w.producers, w.consumers, fmt(w.sent), fmt(w.acked), fmt(w.consumed), fmt(w.achievedPerSec),
      `${ms(w.produceP50Ms)} / ${ms(w.produceP99Ms)}`, `${ms(w.endToEndP50Ms)} / ${ms(w.endToEndP99Ms)}`,
      `${fmt(w.clockOffsetMs)} ± ${fmt(w.clockUncertaintyMs)}`, w.lostAtMs === null ? '-' : formatDuration(w.lostAtMs)]);
  }
  const worst = Math.max(...rows.map((w) => w.clockUncertaintyMs));
  return title(`Workers (end-to-end latency across workers is corrected by each clock offset; it is good to ± ${fmt(worst)} ms)`) + t.toString();
}

export function renderReport(r: RunReport): string {
  const parts = [summary(r), workersTable(r), throughput(r)];
  for (const ph of r.phases) parts.push(partitions(ph), r.spec.consumers === 0 ? '' : consumers(ph), topKeys(ph));
  parts.push(groupChangesTable(r), latency(r), orderingDelivery(r), beforeAfter(r), growthUptake(r), prediction(r), mixed(r), advice(r));
  return parts.filter(Boolean).join('\n') + '\n';
}
